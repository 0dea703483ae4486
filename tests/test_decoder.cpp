// Decoder (sim/gpu/decoder, rtl/gpu/decoder.sv): fields and control bits of every opcode,
// latched in StDecode only; the tile opcodes 0xA..0xE set only tc_op.
#include "gpu/decoder.h"
#include "unit_testing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace lockstep::gpu {
namespace {

using testing::edge;

// The control bits docs/architecture.md gives each opcode (all others 0).
struct Control {
    bool reg_write = false, mem_read = false, mem_write = false, nzp_write = false;
    RegInput reg_input = RegInput::Alu;
    AluOp alu_op = AluOp::Add;
    bool alu_cmp = false, pc_branch = false, ret = false;
    TcOp tc_op = TcOp::None;
};

Control expected_control(unsigned opcode) {
    Control c;
    switch (opcode) {
    case 0x1: c.pc_branch = true; break;                                        // BRnzp
    case 0x2: c.alu_cmp = c.nzp_write = true; break;                            // CMP
    case 0x3: c.reg_write = true; c.alu_op = AluOp::Add; break;                 // ADD
    case 0x4: c.reg_write = true; c.alu_op = AluOp::Sub; break;                 // SUB
    case 0x5: c.reg_write = true; c.alu_op = AluOp::Mul; break;                 // MUL
    case 0x6: c.reg_write = true; c.alu_op = AluOp::Div; break;                 // DIV
    case 0x7: c.reg_write = c.mem_read = true; c.reg_input = RegInput::Lsu; break;   // LDR
    case 0x8: c.mem_write = true; break;                                        // STR
    case 0x9: c.reg_write = true; c.reg_input = RegInput::Const; break;         // CONST
    case 0xA: c.tc_op = TcOp::Lda; break;                                       // TLDA
    case 0xB: c.tc_op = TcOp::Ldb; break;                                       // TLDB
    case 0xC: c.tc_op = TcOp::Mma; break;                                       // TMMA
    case 0xD: c.tc_op = TcOp::Stc; break;                                       // TSTC
    case 0xE: c.tc_op = TcOp::Clr; break;                                       // TCLR
    case 0xF: c.ret = true; break;                                              // RET
    default: break;                                                             // NOP
    }
    return c;
}

void expect_control(const DecodedInstruction& d, const Control& c, const std::string& what) {
    EXPECT_EQ(d.reg_write, c.reg_write) << what;
    EXPECT_EQ(d.mem_read, c.mem_read) << what;
    EXPECT_EQ(d.mem_write, c.mem_write) << what;
    EXPECT_EQ(d.nzp_write, c.nzp_write) << what;
    EXPECT_EQ(d.reg_input, c.reg_input) << what;
    EXPECT_EQ(d.alu_op, c.alu_op) << what;
    EXPECT_EQ(d.alu_cmp, c.alu_cmp) << what;
    EXPECT_EQ(d.pc_branch, c.pc_branch) << what;
    EXPECT_EQ(d.ret, c.ret) << what;
    EXPECT_EQ(d.tc_op, c.tc_op) << what;
}

TEST(Decoder, ResetValuesAreZero) {
    Decoder decoder("decoder");
    expect_control(decoder.q, Control{}, "after construction");
    EXPECT_EQ(decoder.q.rd, 0);
    EXPECT_EQ(decoder.q.rs, 0);
    EXPECT_EQ(decoder.q.rt, 0);
    EXPECT_EQ(decoder.q.nzp, 0);
    EXPECT_EQ(decoder.q.imm, 0);
    edge(decoder, false, CoreState::Decode, uint16_t{0x7ABC});   // LDR
    ASSERT_TRUE(decoder.q.mem_read);
    edge(decoder, true, CoreState::Decode, uint16_t{0x7ABC});
    expect_control(decoder.q, Control{}, "after reset");
    EXPECT_EQ(decoder.q.rd, 0);
    EXPECT_EQ(decoder.q.rs, 0);
    EXPECT_EQ(decoder.q.rt, 0);
    EXPECT_EQ(decoder.q.nzp, 0);
    EXPECT_EQ(decoder.q.imm, 0);
}

TEST(Decoder, EveryOpcodeSetsItsControlBitsAndLatchesTheFields) {
    Decoder decoder("decoder");
    for (unsigned opcode = 0; opcode < 16; ++opcode) {
        // rd = 0xB (so nzp = instr[11:9] = 0b101), rs = 0x6, rt = 0xC, imm = 0x6C.
        const uint16_t word = static_cast<uint16_t>(opcode << 12 | 0xB6C);
        edge(decoder, false, CoreState::Decode, word);
        const std::string what = fmt::format("instruction 0x{:04X}", word);
        expect_control(decoder.q, expected_control(opcode), what);
        EXPECT_EQ(decoder.q.rd, 0xB) << what;
        EXPECT_EQ(decoder.q.rs, 0x6) << what;
        EXPECT_EQ(decoder.q.rt, 0xC) << what;
        EXPECT_EQ(decoder.q.imm, 0x6C) << what;
        EXPECT_EQ(decoder.q.nzp, 0b101) << what;
    }
}

// Without a tensor core nothing reads tc_op, so on tiny-gpu's configs they are NOPs.
TEST(Decoder, TileOpcodesSetOnlyTheTensorCoreOpAfterAnyInstruction) {
    Decoder decoder("decoder");
    for (unsigned opcode = 0xA; opcode <= 0xE; ++opcode) {
        edge(decoder, false, CoreState::Decode, uint16_t{0x7123});   // LDR R1, R2: sets three bits
        ASSERT_TRUE(decoder.q.reg_write && decoder.q.mem_read);
        const uint16_t word = static_cast<uint16_t>(opcode << 12 | 0xFFF);
        edge(decoder, false, CoreState::Decode, word);
        Control only_tc;
        only_tc.tc_op = expected_control(opcode).tc_op;
        EXPECT_NE(only_tc.tc_op, TcOp::None);
        expect_control(decoder.q, only_tc, fmt::format("instruction 0x{:04X}", word));
    }
}

TEST(Decoder, BranchConditionIsInstrBits11To9) {
    Decoder decoder("decoder");
    const std::pair<uint16_t, uint8_t> cases[] = {
        {0x1800, 0b100},   // BRn
        {0x1400, 0b010},   // BRz
        {0x1200, 0b001},   // BRp
        {0x1E00, 0b111},   // BRnzp
        {0x1A00, 0b101},   // BRnp
        {0x1100, 0b000},   // instr[8] is not part of the condition
    };
    for (const auto& [word, nzp] : cases) {
        edge(decoder, false, CoreState::Decode, uint16_t(word | 0x2A));
        EXPECT_EQ(decoder.q.nzp, nzp) << fmt::format("0x{:04X}", word);
        EXPECT_EQ(decoder.q.imm, 0x2A);
        EXPECT_TRUE(decoder.q.pc_branch);
    }
}

TEST(Decoder, LatchesOnlyInDecode) {
    Decoder decoder("decoder");
    edge(decoder, false, CoreState::Decode, uint16_t{0x9110});   // CONST R1, #16
    for (CoreState s : {CoreState::Idle, CoreState::Fetch, CoreState::Request, CoreState::Wait, CoreState::Execute,
                        CoreState::Update, CoreState::Done}) {
        edge(decoder, false, s, uint16_t{0xF000});   // RET on the bus, not decoded
        EXPECT_FALSE(decoder.q.ret) << name(s);
        Control c;
        c.reg_write = true;
        c.reg_input = RegInput::Const;
        expect_control(decoder.q, c, name(s));
        EXPECT_EQ(decoder.q.rd, 1) << name(s);
        EXPECT_EQ(decoder.q.imm, 16) << name(s);
    }
}

}  // namespace
}  // namespace lockstep::gpu
