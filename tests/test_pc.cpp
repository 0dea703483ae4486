// PC unit (sim/gpu/pc, rtl/gpu/pc.sv): NZP written by CMP in StUpdate, next PC in StExecute:
// imm8 when the branch's mask meets NZP, else pc + 1, both wrapping at the PC width.
#include "gpu/pc.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

namespace lockstep::gpu {
namespace {

using testing::edge;

DecodedInstruction branch(uint8_t mask, uint8_t target) {
    DecodedInstruction d;
    d.pc_branch = true;
    d.nzp = mask;
    d.imm = target;
    return d;
}

DecodedInstruction cmp() {
    DecodedInstruction d;
    d.alu_cmp = true;
    d.nzp_write = true;
    return d;
}

// CMP's StUpdate edge with ALU result `alu_out`.
void set_nzp(Pc& pc, uint32_t alu_out) { edge(pc, false, true, CoreState::Update, cmp(), alu_out, 0u); }

uint32_t execute(Pc& pc, const DecodedInstruction& d, uint32_t current_pc) {
    edge(pc, false, true, CoreState::Execute, d, 0u, current_pc);
    return pc.q.next_pc;
}

TEST(Pc, ResetValues) {
    Pc pc("pc", 8);
    EXPECT_EQ(pc.q.nzp, 0);
    EXPECT_EQ(pc.q.next_pc, 0u);
    set_nzp(pc, 0b010);
    ASSERT_EQ(execute(pc, DecodedInstruction{}, 9), 10u);
    edge(pc, true, true, CoreState::Execute, branch(0b111, 40), 0u, 9u);
    EXPECT_EQ(pc.q.nzp, 0);
    EXPECT_EQ(pc.q.next_pc, 0u);
}

TEST(Pc, NonBranchGoesToPcPlusOne) {
    Pc pc("pc", 8);
    EXPECT_EQ(execute(pc, DecodedInstruction{}, 0), 1u);
    EXPECT_EQ(execute(pc, DecodedInstruction{}, 41), 42u);
    set_nzp(pc, 0b111);
    DecodedInstruction not_a_branch = branch(0b111, 7);
    not_a_branch.pc_branch = false;
    EXPECT_EQ(execute(pc, not_a_branch, 41), 42u) << "the mask only counts with pc_branch";
}

TEST(Pc, BranchIsTakenWhenItsMaskMeetsNzp) {
    Pc pc("pc", 8);
    // N = 0b100, Z = 0b010, P = 0b001; mask bits in the same order (instr[11:9]).
    struct Case {
        uint8_t nzp, mask;
        bool taken;
    };
    const Case cases[] = {
        {0b100, 0b100, true},  {0b100, 0b010, false}, {0b100, 0b001, false}, {0b100, 0b011, false},
        {0b100, 0b110, true},  {0b010, 0b010, true},  {0b010, 0b101, false}, {0b010, 0b111, true},
        {0b001, 0b001, true},  {0b001, 0b110, false}, {0b001, 0b011, true},  {0b010, 0b000, false},
        {0b000, 0b111, false},   // NZP 0 (no CMP yet): not even BRnzp is taken
    };
    for (const Case& c : cases) {
        set_nzp(pc, c.nzp);
        ASSERT_EQ(pc.q.nzp, c.nzp);
        EXPECT_EQ(execute(pc, branch(c.mask, 0x30), 0x10), c.taken ? 0x30u : 0x11u)
            << "nzp " << int(c.nzp) << " mask " << int(c.mask);
    }
}

TEST(Pc, NzpIsWrittenOnlyByCmpInUpdate) {
    Pc pc("pc", 8);
    set_nzp(pc, 0xFD);
    EXPECT_EQ(pc.q.nzp, 0b101) << "the low 3 bits of the ALU output";
    edge(pc, false, true, CoreState::Execute, cmp(), 0b010u, 4u);
    EXPECT_EQ(pc.q.nzp, 0b101) << "not in EXECUTE";
    DecodedInstruction add;
    add.reg_write = true;
    edge(pc, false, true, CoreState::Update, add, 0b010u, 4u);
    EXPECT_EQ(pc.q.nzp, 0b101) << "not without nzp_write";
    edge(pc, false, false, CoreState::Update, cmp(), 0b010u, 4u);
    EXPECT_EQ(pc.q.nzp, 0b101) << "not when disabled";
}

TEST(Pc, NextPcChangesOnlyInExecute) {
    Pc pc("pc", 8);
    ASSERT_EQ(execute(pc, DecodedInstruction{}, 6), 7u);
    for (CoreState s : {CoreState::Idle, CoreState::Fetch, CoreState::Decode, CoreState::Request, CoreState::Wait,
                        CoreState::Update, CoreState::Done}) {
        edge(pc, false, true, s, DecodedInstruction{}, 0u, 20u);
        EXPECT_EQ(pc.q.next_pc, 7u) << name(s);
    }
    edge(pc, false, false, CoreState::Execute, DecodedInstruction{}, 0u, 20u);
    EXPECT_EQ(pc.q.next_pc, 7u) << "disabled";
}

TEST(Pc, WrapsAtTheProgramAddressWidth) {
    Pc pc("pc", 4);
    EXPECT_EQ(execute(pc, DecodedInstruction{}, 15), 0u);
    set_nzp(pc, 0b001);
    EXPECT_EQ(execute(pc, branch(0b001, 0x3A), 2), 0xAu) << "imm8 truncated to 4 bits";
    Pc pc8("pc8", 8);
    EXPECT_EQ(execute(pc8, DecodedInstruction{}, 255), 0u);
}

}  // namespace
}  // namespace lockstep::gpu
