// Bit helpers both designs, their RTL adapters and the traces use (header-only: the RTL
// adapters are compiled apart from the libraries).
#pragma once

#include <cstdint>

namespace lockstep {

// The low `bits` bits set.
inline uint32_t mask_bits(unsigned bits) { return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1u; }

// The low `bits` of `value` as a signed number.
inline int32_t sign_extend(uint32_t value, unsigned bits) {
    if (bits >= 32) return static_cast<int32_t>(value);
    const uint32_t sign = 1u << (bits - 1);
    value &= (1u << bits) - 1;
    return static_cast<int32_t>((value ^ sign) - sign);
}

// The set bits of `value`, without a call: a build for the baseline x86-64 (no POPCNT)
// makes __builtin_popcount a call into libgcc, and the counters take a few every edge.
inline unsigned count_bits(uint32_t value) {
    value -= (value >> 1) & 0x55555555u;
    value = (value & 0x33333333u) + ((value >> 2) & 0x33333333u);
    return (((value + (value >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24;
}

}  // namespace lockstep
