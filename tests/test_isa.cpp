// The ISA table: encode, decode and disassemble agree for every opcode and every word.
#include "common/isa.h"

#include <gtest/gtest.h>

#include "common/assembler.h"
#include "common/error.h"

namespace lockstep::isa {
namespace {

Instruction make(Opcode op, uint8_t rd, uint8_t rs, uint8_t rt, uint8_t imm = 0, uint8_t nzp = 0) {
    Instruction instr;
    instr.op = op;
    instr.rd = rd;
    instr.rs = rs;
    instr.rt = rt;
    instr.imm = imm;
    instr.nzp = nzp;
    return instr;
}

TEST(Isa, EncodePlacesOnlyTheFieldsEachFormUses) {
    // Unused fields are set to all ones to show that encode ignores them.
    EXPECT_EQ(encode(make(Opcode::Nop, 15, 15, 15, 255, 7)), 0x0000);
    EXPECT_EQ(encode(make(Opcode::Br, 15, 15, 15, 12, kCondN)), 0x180C);
    EXPECT_EQ(encode(make(Opcode::Br, 0, 0, 0, 0xAB, kCondN | kCondZ | kCondP)), 0x1EAB);
    EXPECT_EQ(encode(make(Opcode::Cmp, 15, 9, 2, 255)), 0x2092);
    EXPECT_EQ(encode(make(Opcode::Add, 0, 0, 15)), 0x300F);
    EXPECT_EQ(encode(make(Opcode::Sub, 7, 0, 7)), 0x4707);
    EXPECT_EQ(encode(make(Opcode::Mul, 0, 13, 14)), 0x50DE);
    EXPECT_EQ(encode(make(Opcode::Div, 6, 0, 2)), 0x6602);
    EXPECT_EQ(encode(make(Opcode::Ldr, 10, 10, 15, 255)), 0x7AA0);
    EXPECT_EQ(encode(make(Opcode::Str, 15, 9, 8, 255)), 0x8098);
    EXPECT_EQ(encode(make(Opcode::Const, 5, 15, 15, 0x10)), 0x9510);
    EXPECT_EQ(encode(make(Opcode::Ret, 15, 15, 15, 255, 7)), 0xF000);
}

TEST(Isa, DecodeExtractsEveryField) {
    bool known = false;
    const Instruction in = decode(0x3A5F, &known);
    EXPECT_TRUE(known);
    EXPECT_EQ(in.op, Opcode::Add);
    EXPECT_EQ(in.rd, 10);
    EXPECT_EQ(in.rs, 5);
    EXPECT_EQ(in.rt, 15);
    EXPECT_EQ(in.imm, 0x5F);
    EXPECT_EQ(in.nzp, 0b101);

    const Instruction br = decode(0x1C2A);
    EXPECT_EQ(br.op, Opcode::Br);
    EXPECT_EQ(br.nzp, kCondN | kCondZ);
    EXPECT_EQ(br.imm, 0x2A);
}

TEST(Isa, DecodeKnowsEveryOpcode) {
    const Opcode ops[16] = {Opcode::Nop,  Opcode::Br,    Opcode::Cmp,  Opcode::Add,
                            Opcode::Sub,  Opcode::Mul,   Opcode::Div,  Opcode::Ldr,
                            Opcode::Str,  Opcode::Const, Opcode::Tlda, Opcode::Tldb,
                            Opcode::Tmma, Opcode::Tstc,  Opcode::Tclr, Opcode::Ret};
    for (unsigned code = 0; code < 16; ++code) {
        bool known = false;
        EXPECT_EQ(decode(static_cast<uint16_t>(code << 12 | 0x123), &known).op, ops[code]) << code;
        EXPECT_TRUE(known) << code;
        EXPECT_EQ(is_tensor_op(ops[code]), code >= 0xA && code <= 0xE) << code;
    }
}

TEST(Isa, TileInstructionsPrintAndIgnoredBitsPrintAsWords) {
    EXPECT_EQ(disassemble(0xA023), "TLDA R2, R3");
    EXPECT_EQ(disassemble(0xB0DE), "TLDB %blockIdx, %blockDim");
    EXPECT_EQ(disassemble(0xC000), "TMMA");
    EXPECT_EQ(disassemble(0xD04F), "TSTC R4, %threadIdx");
    EXPECT_EQ(disassemble(0xE000), "TCLR");
    EXPECT_EQ(encode(Instruction{Opcode::Tstc, 9, 4, 5, 0xFF, 7}), 0xD045) << "rd is not part of a tile instruction";
    EXPECT_EQ(disassemble(0xA123), ".word 0xA123") << "rd set";
    EXPECT_EQ(disassemble(0xC001), ".word 0xC001");
    EXPECT_EQ(disassemble(0xE100), ".word 0xE100");
}

TEST(Isa, FormsAndMnemonics) {
    EXPECT_EQ(form_of(Opcode::Nop), Form::None);
    EXPECT_EQ(form_of(Opcode::Br), Form::Branch);
    EXPECT_EQ(form_of(Opcode::Cmp), Form::RsRt);
    EXPECT_EQ(form_of(Opcode::Add), Form::RdRsRt);
    EXPECT_EQ(form_of(Opcode::Sub), Form::RdRsRt);
    EXPECT_EQ(form_of(Opcode::Mul), Form::RdRsRt);
    EXPECT_EQ(form_of(Opcode::Div), Form::RdRsRt);
    EXPECT_EQ(form_of(Opcode::Ldr), Form::RdRs);
    EXPECT_EQ(form_of(Opcode::Str), Form::StoreRsRt);
    EXPECT_EQ(form_of(Opcode::Const), Form::RdImm);
    EXPECT_EQ(form_of(Opcode::Ret), Form::None);

    EXPECT_STREQ(mnemonic(Opcode::Br), "BR");
    EXPECT_STREQ(mnemonic(Opcode::Const), "CONST");
    for (const char* name : {"NOP", "CMP", "ADD", "SUB", "MUL", "DIV", "LDR", "STR", "CONST", "RET"}) {
        const auto op = opcode_from_mnemonic(name);
        ASSERT_TRUE(op.has_value()) << name;
        EXPECT_STREQ(mnemonic(*op), name);
    }
    EXPECT_FALSE(opcode_from_mnemonic("BR").has_value());
    EXPECT_FALSE(opcode_from_mnemonic("BRNZP").has_value());
    EXPECT_FALSE(opcode_from_mnemonic("ADDD").has_value());
    EXPECT_FALSE(opcode_from_mnemonic("add").has_value());  // callers pass upper case
}

TEST(Isa, RegisterNames) {
    EXPECT_EQ(register_name(0), "R0");
    EXPECT_EQ(register_name(9), "R9");
    EXPECT_EQ(register_name(12), "R12");
    EXPECT_EQ(register_name(kBlockIdx), "%blockIdx");
    EXPECT_EQ(register_name(kBlockDim), "%blockDim");
    EXPECT_EQ(register_name(kThreadIdx), "%threadIdx");
}

TEST(Isa, DisassemblesEveryForm) {
    EXPECT_EQ(disassemble(0x0000), "NOP");
    EXPECT_EQ(disassemble(0x180C), "BRn #12");
    EXPECT_EQ(disassemble(0x2092), "CMP R9, R2");
    EXPECT_EQ(disassemble(0x300F), "ADD R0, R0, %threadIdx");
    EXPECT_EQ(disassemble(0x4707), "SUB R7, R0, R7");
    EXPECT_EQ(disassemble(0x50DE), "MUL R0, %blockIdx, %blockDim");
    EXPECT_EQ(disassemble(0x6602), "DIV R6, R0, R2");
    EXPECT_EQ(disassemble(0x7AA0), "LDR R10, R10");
    EXPECT_EQ(disassemble(0x8098), "STR R9, R8");
    EXPECT_EQ(disassemble(0x9110), "CONST R1, #16");
    EXPECT_EQ(disassemble(0x9CFF), "CONST R12, #255");
    EXPECT_EQ(disassemble(0xF000), "RET");
}

TEST(Isa, BranchMnemonicListsTheMaskLetters) {
    EXPECT_EQ(disassemble(0x1205), "BRp #5");
    EXPECT_EQ(disassemble(0x1405), "BRz #5");
    EXPECT_EQ(disassemble(0x1605), "BRzp #5");
    EXPECT_EQ(disassemble(0x1805), "BRn #5");
    EXPECT_EQ(disassemble(0x1A05), "BRnp #5");
    EXPECT_EQ(disassemble(0x1C05), "BRnz #5");
    EXPECT_EQ(disassemble(0x1EFF), "BRnzp #255");
}

TEST(Isa, WordsWithIgnoredBitsPrintAsWords) {
    EXPECT_EQ(disassemble(0x0001), ".word 0x0001");  // NOP with low bits
    EXPECT_EQ(disassemble(0xF800), ".word 0xF800");  // RET with rd bits
    EXPECT_EQ(disassemble(0x1105), ".word 0x1105");  // BR with bit 8
    EXPECT_EQ(disassemble(0x1000), ".word 0x1000");  // BR with no condition: never taken
    EXPECT_EQ(disassemble(0x1005), ".word 0x1005");
    EXPECT_EQ(disassemble(0x2192), ".word 0x2192");  // CMP with rd bits
    EXPECT_EQ(disassemble(0x7AA1), ".word 0x7AA1");  // LDR with rt bits
    EXPECT_EQ(disassemble(0x8198), ".word 0x8198");  // STR with rd bits
    // A read-only destination cannot be assembled, so it is a raw word too.
    EXPECT_EQ(disassemble(0x3D01), ".word 0x3D01");
    EXPECT_EQ(disassemble(0x7E00), ".word 0x7E00");
    EXPECT_EQ(disassemble(0x9F10), ".word 0x9F10");
    // Reading a read-only register is fine.
    EXPECT_EQ(disassemble(0x80DE), "STR %blockIdx, %blockDim");
    EXPECT_EQ(disassemble(0x20EF), "CMP %blockDim, %threadIdx");
}

TEST(Isa, EveryWordRoundTripsThroughTheAssembler) {
    int raw_words = 0;
    for (unsigned value = 0; value <= 0xFFFF; ++value) {
        const auto word = static_cast<uint16_t>(value);
        const std::string text = disassemble(word);
        if (text.rfind(".word ", 0) == 0) ++raw_words;
        Program program;
        try {
            program = assemble(".threads 1\n" + text + "\n", "<string>", AsmLimits{});
        } catch (const Error& e) {
            FAIL() << "word " << value << " '" << text << "': " << e.what();
        }
        ASSERT_EQ(program.code.size(), 1u) << text;
        ASSERT_EQ(program.code[0], word) << text;
    }
    // The words whose ignored bits or read-only rd cannot be written.
    const int none = 4 * 4095;               // NOP, TMMA, TCLR, RET with any low bit set
    const int branch = 8 * 256 + 256;        // bit 8 set; no condition (never taken)
    const int rs_rt = 5 * 15 * 256;          // CMP, STR, TLDA, TLDB, TSTC with rd bits
    const int rd_rs_rt = 4 * 3 * 256;        // ADD..DIV to R13..R15
    const int ldr = 13 * 15 * 16 + 3 * 256;  // rt bits with a writable rd; any read-only rd
    const int constant = 3 * 256;            // CONST to R13..R15
    EXPECT_EQ(raw_words, none + branch + rs_rt + rd_rs_rt + ldr + constant);
}

// Branch targets inside the program (or just past its end) become labels; others stay numbers,
// and the never-taken branch stays a raw word with no label for its target.
TEST(Isa, DisassembledProgramHasLabelsForBranchTargets) {
    EXPECT_EQ(disassemble_program({0x9101, 0x2011, 0x1A00, 0x1403, 0x1E10, 0x1002, 0xF000}, 4),
              "; 7 words, disassembled; the words do not hold the thread count\n"
              ".threads 4\n"
              "L0:\n"
              "    CONST R1, #1                   ;   0  9101\n"
              "    CMP R1, R1                     ;   1  2011\n"
              "    BRnp L0                        ;   2  1A00\n"
              "L3:\n"
              "    BRz L3                         ;   3  1403\n"
              "    BRnzp #16                      ;   4  1E10\n"
              "    .word 0x1002                   ;   5  1002\n"
              "    RET                            ;   6  F000\n");
    EXPECT_EQ(disassemble_program({0x1402, 0x0000}),
              "; 2 words, disassembled; the words do not hold the thread count\n"
              ".threads 1\n"
              "    BRz L2                         ;   0  1402\n"
              "    NOP                            ;   1  0000\n"
              "L2:\n");
}

TEST(Isa, EncodeOfDecodeKeepsOnlyUsedBits) {
    EXPECT_EQ(encode(decode(0x0FFF)), 0x0000);
    EXPECT_EQ(encode(decode(0x1FFF)), 0x1EFF);
    EXPECT_EQ(encode(decode(0x2FFF)), 0x20FF);
    EXPECT_EQ(encode(decode(0x7FFF)), 0x7FF0);
    EXPECT_EQ(encode(decode(0x8FFF)), 0x80FF);
    EXPECT_EQ(encode(decode(0xFFFF)), 0xF000);
    EXPECT_EQ(encode(decode(0x3FFF)), 0x3FFF);
    EXPECT_EQ(encode(decode(0x9FFF)), 0x9FFF);
}

}  // namespace
}  // namespace lockstep::isa
