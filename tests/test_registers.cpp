// Register file (sim/gpu/registers, rtl/gpu/registers.sv): R13..R15 = %blockIdx, %blockDim,
// %threadIdx and read-only; operands read in StRequest; writes in StUpdate by reg_input.
#include "gpu/registers.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

#include <array>

namespace lockstep::gpu {
namespace {

using testing::edge;

DecodedInstruction write_to(uint8_t rd, RegInput input, uint8_t imm = 0) {
    DecodedInstruction d;
    d.reg_write = true;
    d.rd = rd;
    d.reg_input = input;
    d.imm = imm;
    return d;
}

DecodedInstruction read_of(uint8_t rs, uint8_t rt) {
    DecodedInstruction d;
    d.rs = rs;
    d.rt = rt;
    return d;
}

// One enabled edge in `state` of block `block_id`, with ALU and LSU outputs 0xA1 and 0xB2.
void clock(Registers& r, CoreState state, const DecodedInstruction& d, uint32_t block_id = 0) {
    edge(r, false, true, block_id, state, d, 0xA1u, 0xB2u);
}

TEST(Registers, ResetValues) {
    Registers r("registers", 4, 2);
    std::array<uint32_t, 16> expected{};
    expected[14] = 4;   // %blockDim = ThreadsPerBlock
    expected[15] = 2;   // %threadIdx = the slot
    EXPECT_EQ(r.q.regs, expected);
    EXPECT_EQ(r.q.rs, 0u);
    EXPECT_EQ(r.q.rt, 0u);
    clock(r, CoreState::Update, write_to(3, RegInput::Const, 99), 6);
    clock(r, CoreState::Request, read_of(3, 13), 6);
    ASSERT_EQ(r.q.rs, 99u);
    edge(r, true, true, 6u, CoreState::Update, write_to(4, RegInput::Const, 1), 0u, 0u);
    EXPECT_EQ(r.q.regs, expected) << "reset wins, R13 back to 0";
    EXPECT_EQ(r.q.rs, 0u);
    EXPECT_EQ(r.q.rt, 0u);

    Registers last("last", 8, 7);
    EXPECT_EQ(last.q.regs[14], 8u);
    EXPECT_EQ(last.q.regs[15], 7u);
}

TEST(Registers, BlockIdxFollowsTheBlockIdEveryEnabledEdge) {
    Registers r("registers", 4, 0);
    clock(r, CoreState::Idle, DecodedInstruction{}, 3);
    EXPECT_EQ(r.q.regs[13], 3u);
    clock(r, CoreState::Fetch, DecodedInstruction{}, 255);
    EXPECT_EQ(r.q.regs[13], 255u);
    edge(r, false, false, 5u, CoreState::Fetch, DecodedInstruction{}, 0u, 0u);
    EXPECT_EQ(r.q.regs[13], 255u) << "a disabled slot holds";
}

TEST(Registers, OperandsAreReadInRequestFromTheRegistersBeforeTheEdge) {
    Registers r("registers", 4, 2);
    clock(r, CoreState::Update, write_to(1, RegInput::Const, 17));
    // First edge with block 9: R13 becomes 9 at this edge, so rs reads the old 0.
    clock(r, CoreState::Request, read_of(13, 1), 9);
    EXPECT_EQ(r.q.rs, 0u);
    EXPECT_EQ(r.q.rt, 17u);
    EXPECT_EQ(r.q.regs[13], 9u);
    clock(r, CoreState::Request, read_of(15, 14), 9);
    EXPECT_EQ(r.q.rs, 2u);
    EXPECT_EQ(r.q.rt, 4u);
    clock(r, CoreState::Request, read_of(13, 13), 9);
    EXPECT_EQ(r.q.rs, 9u);
    EXPECT_EQ(r.q.rt, 9u);
    for (CoreState s : {CoreState::Idle, CoreState::Fetch, CoreState::Decode, CoreState::Wait, CoreState::Execute,
                        CoreState::Update, CoreState::Done}) {
        clock(r, s, read_of(1, 15), 9);
        EXPECT_EQ(r.q.rs, 9u) << name(s);
        EXPECT_EQ(r.q.rt, 9u) << name(s);
    }
}

TEST(Registers, UpdateWritesTheSourceNamedByRegInput) {
    Registers r("registers", 4, 1);
    clock(r, CoreState::Update, write_to(0, RegInput::Alu));
    clock(r, CoreState::Update, write_to(5, RegInput::Lsu));
    clock(r, CoreState::Update, write_to(12, RegInput::Const, 0xFE));
    EXPECT_EQ(r.q.regs[0], 0xA1u);
    EXPECT_EQ(r.q.regs[5], 0xB2u);
    EXPECT_EQ(r.q.regs[12], 0xFEu);
    for (unsigned reg : {1u, 2u, 3u, 4u, 6u, 7u, 8u, 9u, 10u, 11u}) EXPECT_EQ(r.q.regs[reg], 0u) << "R" << reg;
}

TEST(Registers, WritesOnlyInUpdateWithRegWrite) {
    Registers r("registers", 4, 1);
    for (CoreState s : {CoreState::Idle, CoreState::Fetch, CoreState::Decode, CoreState::Request, CoreState::Wait,
                        CoreState::Execute, CoreState::Done}) {
        clock(r, s, write_to(2, RegInput::Alu));
        EXPECT_EQ(r.q.regs[2], 0u) << name(s);
    }
    DecodedInstruction no_write = write_to(2, RegInput::Alu);
    no_write.reg_write = false;
    clock(r, CoreState::Update, no_write);
    EXPECT_EQ(r.q.regs[2], 0u);
    edge(r, false, false, 0u, CoreState::Update, write_to(2, RegInput::Alu), 0xA1u, 0xB2u);
    EXPECT_EQ(r.q.regs[2], 0u) << "disabled slot";
}

TEST(Registers, BlockIdxBlockDimThreadIdxAreReadOnly) {
    Registers r("registers", 4, 3);
    for (uint8_t rd : {13, 14, 15}) {
        for (RegInput input : {RegInput::Alu, RegInput::Lsu, RegInput::Const}) {
            clock(r, CoreState::Update, write_to(rd, input, 0x55), 6);
            EXPECT_EQ(r.q.regs[13], 6u) << "R" << int(rd);
            EXPECT_EQ(r.q.regs[14], 4u) << "R" << int(rd);
            EXPECT_EQ(r.q.regs[15], 3u) << "R" << int(rd);
        }
    }
}

}  // namespace
}  // namespace lockstep::gpu
