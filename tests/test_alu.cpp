// ALU (sim/gpu/alu, rtl/gpu/alu.sv): ADD/SUB/MUL wrap at the data width, DIV is unsigned with
// x / 0 = all ones, CMP gives unsigned NZP bits; it computes in StExecute only, when enabled.
#include "gpu/alu.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

namespace lockstep::gpu {
namespace {

using testing::edge;

DecodedInstruction op(AluOp alu_op) {
    DecodedInstruction d;
    d.reg_write = true;
    d.alu_op = alu_op;
    return d;
}

DecodedInstruction cmp() {
    DecodedInstruction d;
    d.alu_cmp = true;
    d.nzp_write = true;
    return d;
}

// One StExecute edge of an enabled slot; returns out_q after it.
uint32_t execute(Alu& alu, const DecodedInstruction& d, uint32_t rs, uint32_t rt) {
    edge(alu, false, true, CoreState::Execute, d, rs, rt);
    return alu.q.out;
}

TEST(Alu, ResetValueIsZeroAndResetClears) {
    Alu alu("alu", 8);
    EXPECT_EQ(alu.q.out, 0u);
    ASSERT_EQ(execute(alu, op(AluOp::Add), 3, 4), 7u);
    edge(alu, true, true, CoreState::Execute, op(AluOp::Add), 1u, 1u);
    EXPECT_EQ(alu.q.out, 0u) << "reset wins over an enabled StExecute";
}

TEST(Alu, AddWrapsAtTheDataWidth) {
    Alu alu8("alu8", 8);
    EXPECT_EQ(execute(alu8, op(AluOp::Add), 3, 4), 7u);
    EXPECT_EQ(execute(alu8, op(AluOp::Add), 200, 100), 44u);   // 300 - 256
    EXPECT_EQ(execute(alu8, op(AluOp::Add), 255, 1), 0u);
    EXPECT_EQ(execute(alu8, op(AluOp::Add), 255, 255), 254u);
    Alu alu16("alu16", 16);
    EXPECT_EQ(execute(alu16, op(AluOp::Add), 200, 100), 300u);
    EXPECT_EQ(execute(alu16, op(AluOp::Add), 40000, 30000), 4464u);   // 70000 - 65536
    EXPECT_EQ(execute(alu16, op(AluOp::Add), 0xFFFF, 2), 1u);
}

TEST(Alu, SubWrapsBelowZero) {
    Alu alu8("alu8", 8);
    EXPECT_EQ(execute(alu8, op(AluOp::Sub), 9, 4), 5u);
    EXPECT_EQ(execute(alu8, op(AluOp::Sub), 3, 5), 254u);
    EXPECT_EQ(execute(alu8, op(AluOp::Sub), 0, 255), 1u);
    Alu alu16("alu16", 16);
    EXPECT_EQ(execute(alu16, op(AluOp::Sub), 0, 1), 0xFFFFu);
    EXPECT_EQ(execute(alu16, op(AluOp::Sub), 1000, 1001), 0xFFFFu);
}

TEST(Alu, MulKeepsTheLowBits) {
    Alu alu8("alu8", 8);
    EXPECT_EQ(execute(alu8, op(AluOp::Mul), 12, 10), 120u);
    EXPECT_EQ(execute(alu8, op(AluOp::Mul), 16, 17), 16u);     // 272 = 0x110
    EXPECT_EQ(execute(alu8, op(AluOp::Mul), 255, 255), 1u);    // 0xFE01
    Alu alu16("alu16", 16);
    EXPECT_EQ(execute(alu16, op(AluOp::Mul), 16, 17), 272u);
    EXPECT_EQ(execute(alu16, op(AluOp::Mul), 300, 300), 24464u);   // 90000 - 65536
    EXPECT_EQ(execute(alu16, op(AluOp::Mul), 0xFFFF, 0xFFFF), 1u);  // 0xFFFE0001
}

TEST(Alu, DivIsUnsignedAndByZeroGivesAllOnes) {
    Alu alu8("alu8", 8);
    EXPECT_EQ(execute(alu8, op(AluOp::Div), 200, 7), 28u);
    EXPECT_EQ(execute(alu8, op(AluOp::Div), 7, 200), 0u);
    EXPECT_EQ(execute(alu8, op(AluOp::Div), 255, 2), 127u) << "0xFF is 255, not -1";
    EXPECT_EQ(execute(alu8, op(AluOp::Div), 5, 0), 0xFFu);
    EXPECT_EQ(execute(alu8, op(AluOp::Div), 0, 0), 0xFFu);
    Alu alu16("alu16", 16);
    EXPECT_EQ(execute(alu16, op(AluOp::Div), 60000, 3), 20000u);
    EXPECT_EQ(execute(alu16, op(AluOp::Div), 5, 0), 0xFFFFu);
}

TEST(Alu, CompareGivesUnsignedNzpBits) {
    Alu alu("alu", 8);
    EXPECT_EQ(execute(alu, cmp(), 1, 2), 0b100u) << "N: rs < rt";
    EXPECT_EQ(execute(alu, cmp(), 2, 2), 0b010u) << "Z: rs == rt";
    EXPECT_EQ(execute(alu, cmp(), 3, 2), 0b001u) << "P: rs > rt";
    EXPECT_EQ(execute(alu, cmp(), 200, 100), 0b001u) << "unsigned: 200 is not -56";
    EXPECT_EQ(execute(alu, cmp(), 0, 255), 0b100u);
    EXPECT_EQ(execute(alu, cmp(), 0, 0), 0b010u);
    DecodedInstruction cmp_with_div = cmp();
    cmp_with_div.alu_op = AluOp::Div;
    EXPECT_EQ(execute(alu, cmp_with_div, 9, 0), 0b001u) << "alu_cmp wins over alu_op";
    Alu alu16("alu16", 16);
    EXPECT_EQ(execute(alu16, cmp(), 0x8000, 0x7FFF), 0b001u);
}

TEST(Alu, ComputesInEveryExecuteWhateverTheInstruction) {
    Alu alu("alu", 8);
    EXPECT_EQ(execute(alu, DecodedInstruction{}, 20, 22), 42u) << "a NOP decodes as alu_op ADD";
    DecodedInstruction ldr;
    ldr.reg_write = true;
    ldr.mem_read = true;
    ldr.reg_input = RegInput::Lsu;
    EXPECT_EQ(execute(alu, ldr, 5, 6), 11u);
}

TEST(Alu, HoldsOutsideExecute) {
    Alu alu("alu", 8);
    ASSERT_EQ(execute(alu, op(AluOp::Add), 30, 12), 42u);
    for (CoreState s : {CoreState::Idle, CoreState::Fetch, CoreState::Decode, CoreState::Request, CoreState::Wait,
                        CoreState::Update, CoreState::Done}) {
        edge(alu, false, true, s, op(AluOp::Mul), 3u, 3u);
        EXPECT_EQ(alu.q.out, 42u) << name(s);
    }
}

TEST(Alu, DisabledSlotHolds) {
    Alu alu("alu", 8);
    ASSERT_EQ(execute(alu, op(AluOp::Add), 1, 2), 3u);
    edge(alu, false, false, CoreState::Execute, op(AluOp::Add), 100u, 100u);
    EXPECT_EQ(alu.q.out, 3u);
    edge(alu, true, false, CoreState::Idle, op(AluOp::Add), 0u, 0u);
    EXPECT_EQ(alu.q.out, 0u) << "reset reaches a disabled slot too";
}

}  // namespace
}  // namespace lockstep::gpu
