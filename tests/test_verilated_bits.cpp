// Bit fields of Verilated ports (sim/cosim/verilated_bits.h), as the RTL adapters read them:
// get_fields() reads runs of fields in one go, straight from a wide port's words when they are
// bytes, half-words or words on their own boundaries, and must give what get() gives field by
// field, for every width and offset.
#include "cosim/verilated_bits.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace lockstep::cosim {
namespace {

// What the adapters use of Verilator's VlWide<N>: its 32-bit words, least significant first.
struct Wide {
    std::array<uint32_t, 8> words{};
    const uint32_t* data() const { return words.data(); }
    const uint32_t& at(size_t index) const { return words.at(index); }
};

TEST(VerilatedBits, FieldsInOneGoEqualFieldsOneByOne) {
    Wide port;
    uint32_t seed = 99;
    for (uint32_t& w : port.words) w = seed = seed * 1664525u + 1013904223u;
    for (unsigned width : {1u, 3u, 8u, 12u, 16u, 17u, 32u}) {
        for (unsigned lsb : {0u, 1u, 8u, 16u, 24u, 32u, 40u, 64u}) {
            const unsigned count = (256 - lsb) / width;
            std::vector<uint32_t> got(count), want(count);
            get_fields(port, lsb, width, count, got.data());
            for (unsigned k = 0; k < count; ++k) want[k] = get(port, lsb + k * width, width);
            EXPECT_EQ(got, want) << width << "-bit fields from bit " << lsb;
        }
    }
    // Byte fields, as a register file of 8-bit registers is read: bits 8k..8k+7 are byte k.
    port.words = {0x04030201u, 0x08070605u};
    std::array<uint32_t, 6> regs{};
    get_fields(port, 16, 8, 6, regs.data());
    EXPECT_EQ(regs, (std::array<uint32_t, 6>{3, 4, 5, 6, 7, 8}));
    uint64_t narrow = 0xabcdef12u;
    get_fields(narrow, 4, 8, 3, regs.data());
    EXPECT_EQ(regs[0], 0xf1u) << "a port that fits an integer goes field by field";
    EXPECT_EQ(regs[2], 0xbcu);
}

}  // namespace
}  // namespace lockstep::cosim
