// Reading and writing bit fields of Verilated ports of any width (CData .. VlWide<N>),
// shared by the RTL adapters.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace lockstep::cosim {

inline uint64_t low_mask(unsigned width) { return width >= 64 ? ~0ull : (1ull << width) - 1; }

// `width` (<= 32) bits of `port` starting at bit `lsb`.
template <typename T>
uint32_t get(const T& port, unsigned lsb, unsigned width) {
    if constexpr (std::is_integral_v<T>) {
        return static_cast<uint32_t>((static_cast<uint64_t>(port) >> lsb) & low_mask(width));
    } else {
        const unsigned word = lsb / 32, shift = lsb % 32;
        uint64_t window = port.at(word);
        if (shift + width > 32) window |= static_cast<uint64_t>(port.at(word + 1)) << 32;
        return static_cast<uint32_t>((window >> shift) & low_mask(width));
    }
}

// `count` fields of `width` bits each, one after another from bit `lsb` on, into
// out[0..count). Fields of 8, 16 or 32 bits on their own boundaries in a wide port are read
// straight from its words, where a little-endian host keeps them in order; the rest one by one.
template <typename T, typename Out>
void get_fields(const T& port, unsigned lsb, unsigned width, unsigned count, Out* out) {
    if constexpr (!std::is_integral_v<T> && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(port.data()) + lsb / 8;
        const auto read = [&](auto field) {   // count fields of field's type, in order
            for (unsigned k = 0; k < count; ++k) {
                std::memcpy(&field, bytes + k * sizeof field, sizeof field);
                out[k] = static_cast<Out>(field);
            }
        };
        if (width == 8 && lsb % 8 == 0) return read(uint8_t{});
        if (width == 16 && lsb % 16 == 0) return read(uint16_t{});
        if (width == 32 && lsb % 32 == 0) return read(uint32_t{});
    }
    for (unsigned k = 0; k < count; ++k) out[k] = static_cast<Out>(get(port, lsb + k * width, width));
}

template <typename T>
void set(T& port, unsigned lsb, unsigned width, uint32_t value) {
    if constexpr (std::is_integral_v<T>) {
        const uint64_t m = low_mask(width) << lsb;
        port = static_cast<T>((static_cast<uint64_t>(port) & ~m) | ((static_cast<uint64_t>(value) << lsb) & m));
    } else {
        for (unsigned b = 0; b < width; ++b) {
            const unsigned bit = lsb + b;
            const uint32_t m = 1u << (bit % 32);
            port.at(bit / 32) = ((value >> b) & 1) ? (port.at(bit / 32) | m) : (port.at(bit / 32) & ~m);
        }
    }
}

}  // namespace lockstep::cosim
