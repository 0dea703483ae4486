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

}  // namespace lockstep
