// The assembler: every instruction form, labels, directives, and every error message.
#include "common/assembler.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "testing.h"

namespace lockstep {
namespace {

using Words = std::vector<uint16_t>;

Program assemble_text(const std::string& source, const AsmLimits& limits = AsmLimits{}) {
    return assemble(source, "k.asm", limits);
}

// The message assembling `source` fails with, or "no error".
std::string error_of(const std::string& source, const AsmLimits& limits = AsmLimits{}) {
    try {
        assemble(source, "k.asm", limits);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(Assembler, EveryInstructionForm) {
    const Program p = assemble_text(
        ".threads 4\n"
        "NOP\n"
        "BRnzp #0\n"
        "CMP R9, R2\n"
        "ADD R0, R0, %threadIdx\n"
        "SUB R7, R0, R7\n"
        "MUL R0, %blockIdx, %blockDim\n"
        "DIV R6, R0, R2\n"
        "LDR R10, R10\n"
        "STR R9, R8\n"
        "CONST R1, #16\n"
        "RET\n");
    EXPECT_EQ(p.code, (Words{0x0000, 0x1E00, 0x2092, 0x300F, 0x4707, 0x50DE, 0x6602, 0x7AA0, 0x8098,
                             0x9110, 0xF000}));
    EXPECT_EQ(p.code_lines, (std::vector<int>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
    EXPECT_EQ(p.threads, 4u);
    EXPECT_TRUE(p.data.empty());
    EXPECT_EQ(p.path, "k.asm");
}

TEST(Assembler, EveryBranchCondition) {
    const Program p = assemble_text(
        ".threads 1\nBRn 1\nBRz 1\nBRp 1\nBRnz 1\nBRnp 1\nBRzp 1\nBRnzp 1\nbrNZp 1\n");
    EXPECT_EQ(p.code, (Words{0x1801, 0x1401, 0x1201, 0x1C01, 0x1A01, 0x1601, 0x1E01, 0x1E01}));
}

// A bare BR would never jump (NZP & 000 = 0), so it is an error that says how to jump; the
// never-taken encoding is still there as a raw word.
TEST(Assembler, BranchWithoutConditionIsAnErrorThatSaysHowToJump) {
    const std::string hint =
        "without condition letters never jumps: write BRn, BRz, BRp or a mix such as BRnz; "
        "to jump always, set Z first: 'CMP R0, R0' then 'BRz LABEL'";
    EXPECT_EQ(error_of(".threads 1\nL: NOP\nBR L\n"), "k.asm:3: BR " + hint);
    EXPECT_EQ(error_of(".threads 1\nbr 1\n"), "k.asm:2: br " + hint);
    EXPECT_EQ(error_of(".threads 1\nBR\n"), "k.asm:2: BR " + hint);
    EXPECT_EQ(assemble_text(".threads 1\n.word 0x1001\n").code, (Words{0x1001}));
}

TEST(Assembler, BranchTargetsAsNumbersWithOrWithoutHash) {
    const Program p = assemble_text(".threads 1\nBRn #12\nBRz 12\nBRp 0x0C\nBRnzp #0xFF\n");
    EXPECT_EQ(p.code, (Words{0x180C, 0x140C, 0x120C, 0x1EFF}));
}

TEST(Assembler, LabelsBeforeAndAfterUseInBothStyles) {
    const Program p = assemble_text(
        ".threads 1\n"
        "START:\n"            // alone on its line: address 0
        "  BRz END\n"         // forward reference
        "LOOP: CMP R1, R2\n"  // before an instruction: address 1
        "  BRn LOOP\n"
        "  BRnzp START\n"
        "END: RET\n");  // address 4
    EXPECT_EQ(p.code, (Words{0x1404, 0x2012, 0x1801, 0x1E00, 0xF000}));
}

TEST(Assembler, SeveralLabelsOnOneAddress) {
    const Program p = assemble_text(".threads 1\nA: B:\nC:\n  BRn A\n  BRz B\n  BRp C\n");
    EXPECT_EQ(p.code, (Words{0x1800, 0x1400, 0x1200}));
}

TEST(Assembler, CommentsBlankLinesSpacesAndCase) {
    const Program p = assemble_text(
        "; a comment line\n"
        "\n"
        "   .THREADS 8   ; threads\r\n"
        "\tadd   r1 ,R2,  r3   ; spaced out\n"
        "const R12, #0x1f\n"
        "Mul R0,%BLOCKIDX,%blockdim\n"
        "   ; indented comment\n"
        "ret");
    EXPECT_EQ(p.code, (Words{0x3123, 0x9C1F, 0x50DE, 0xF000}));
    EXPECT_EQ(p.code_lines, (std::vector<int>{4, 5, 6, 8}));
    EXPECT_EQ(p.threads, 8u);
}

TEST(Assembler, DataAppendsFromAddressZero) {
    const Program p = assemble_text(
        ".threads 1\n"
        ".data 0 1 2 3\n"
        ".data 0x10 255\n"
        ".data -1 -128, 7\n"  // negatives in two's complement, commas tolerated
        "RET\n");
    EXPECT_EQ(p.data, (std::vector<uint32_t>{0, 1, 2, 3, 16, 255, 255, 128, 7}));
}

TEST(Assembler, DataWidthFollowsTheLimits) {
    AsmLimits limits;
    limits.data_bits = 16;
    const Program p = assemble_text(".threads 1\n.data -1 65535 -32768 300\nRET\n", limits);
    EXPECT_EQ(p.data, (std::vector<uint32_t>{0xFFFF, 0xFFFF, 0x8000, 300}));
}

TEST(Assembler, WordDirectiveEmitsRawWords) {
    const Program p = assemble_text(".threads 1\n.word 0xA123\nL: .word 65535\nBRn L\n");
    EXPECT_EQ(p.code, (Words{0xA123, 0xFFFF, 0x1801}));
}

TEST(Assembler, ListingShowsAddressWordDisassemblyAndLine) {
    const Program p = assemble_text(".threads 1\nLOOP: CONST R1, #16\n\nBRn LOOP\nRET\n");
    EXPECT_EQ(listing(p),
              "  0  9110  CONST R1, #16                  ; line 2\n"
              "  1  1800  BRn #0                         ; line 4\n"
              "  2  F000  RET                            ; line 5\n");
}

TEST(Assembler, ReadsMataddFromFile) {
    const Program p = assemble_file(testing::source_path("programs/matadd.asm"), AsmLimits{});
    EXPECT_EQ(p.threads, 8u);
    EXPECT_EQ(p.data, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(p.code, (Words{0x50DE, 0x300F, 0x9100, 0x9208, 0x9310, 0x3410, 0x7440, 0x3520, 0x7550,
                             0x3645, 0x3730, 0x8076, 0xF000}));
}

TEST(Assembler, ReadsMatmulFromFile) {
    const Program p = assemble_file(testing::source_path("programs/matmul.asm"), AsmLimits{});
    EXPECT_EQ(p.threads, 4u);
    EXPECT_EQ(p.data, (std::vector<uint32_t>{1, 2, 3, 4, 1, 2, 3, 4}));
    EXPECT_EQ(p.code,
              (Words{0x50DE, 0x300F, 0x9101, 0x9202, 0x9300, 0x9404, 0x9508, 0x6602, 0x5762, 0x4707,
                     0x9800, 0x9900, 0x5A62, 0x3AA9, 0x3AA3, 0x7AA0, 0x5B92, 0x3BB7, 0x3BB4, 0x7BB0,
                     0x5CAB, 0x388C, 0x3991, 0x2092, 0x180C, 0x3950, 0x8098, 0xF000}));
}

// Every shipped program assembles for tiny-gpu and states its expected results.
TEST(Assembler, EveryProgramAssemblesAndHasExpectations) {
    const std::pair<const char*, unsigned> programs[] = {{"matadd", 8},         {"matmul", 4},
                                                         {"vecadd_blocks", 32}, {"matmul4x4", 16},
                                                         {"reduce", 8},         {"partial_block", 10},
                                                         {"jump", 4}};
    for (const auto& [name, threads] : programs) {
        const std::string path = testing::source_path(std::string("programs/") + name + ".asm");
        const Program p = assemble_file(path, AsmLimits{});
        EXPECT_EQ(p.threads, threads) << name;
        std::ifstream file(path);
        int expect_lines = 0;
        for (std::string line; std::getline(file, line);) {
            if (line.rfind("; expect: ", 0) == 0) ++expect_lines;
        }
        EXPECT_GE(expect_lines, 1) << name;
    }
}

TEST(AssemblerErrors, UnknownMnemonic) {
    EXPECT_EQ(error_of(".threads 1\nRET\nXOR R1, R2, R3\n"), "k.asm:3: unknown mnemonic 'XOR'");
    EXPECT_EQ(error_of(".threads 1\nFOO R1\n"), "k.asm:2: unknown mnemonic 'FOO'");
}

// A mnemonic one or two edits from a known one (swapped neighbours count once) names it.
TEST(AssemblerErrors, MisspeltMnemonicSuggestsTheNearest) {
    EXPECT_EQ(error_of(".threads 1\nRET\nADDD R1, R2, R3\n"),
              "k.asm:3: unknown mnemonic 'ADDD': did you mean 'ADD'?");
    EXPECT_EQ(error_of(".threads 1\nCNOST R1, #2\n"), "k.asm:2: unknown mnemonic 'CNOST': did you mean 'CONST'?");
    EXPECT_EQ(error_of(".threads 1\nSTORE R1, R2\n"), "k.asm:2: unknown mnemonic 'STORE': did you mean 'STR'?");
    EXPECT_EQ(error_of(".threads 1\nmull R1, R2, R3\n"), "k.asm:2: unknown mnemonic 'mull': did you mean 'MUL'?");
    EXPECT_EQ(error_of(".threads 1\nBRx 3\n"), "k.asm:2: unknown mnemonic 'BRx': did you mean 'BRn', 'BRz' or 'BRp'?");
    EXPECT_EQ(error_of(".threads 1\n.thread 4\n"), "k.asm:2: unknown directive '.thread': did you mean '.threads'?");
}

TEST(AssemblerErrors, BranchLettersOutOfOrderOrTwice) {
    EXPECT_EQ(error_of(".threads 1\nBRpn 3\n"),
              "k.asm:2: unknown mnemonic 'BRpn': write each condition letter once, in the order n, z, p: 'BRnp'");
    EXPECT_EQ(error_of(".threads 1\nBRnn 3\n"),
              "k.asm:2: unknown mnemonic 'BRnn': write each condition letter once, in the order n, z, p: 'BRn'");
    EXPECT_EQ(error_of(".threads 1\nbrPZN 3\n"),
              "k.asm:2: unknown mnemonic 'brPZN': write each condition letter once, in the order n, z, p: 'BRnzp'");
}

TEST(AssemblerErrors, JumpMnemonicsOfOtherMachinesSayHowToJump) {
    for (const char* jump : {"JMP", "jump", "B", "BRA", "GOTO"}) {
        EXPECT_EQ(error_of(std::string(".threads 1\nL: NOP\n") + jump + " L\n"),
                  std::string("k.asm:3: unknown mnemonic '") + jump +
                      "': there is no unconditional jump; to jump always, set Z first: 'CMP R0, R0' then "
                      "'BRz LABEL'");
    }
}

TEST(AssemblerErrors, LabelWithoutItsColon) {
    EXPECT_EQ(error_of(".threads 1\nloop\nRET\n"), "k.asm:2: unknown mnemonic 'loop': a label needs a colon, 'loop:'");
    EXPECT_EQ(error_of(".threads 1\nloop ADD R1, R2, R3\n"),
              "k.asm:2: unknown mnemonic 'loop': a label needs a colon, 'loop:'");
    EXPECT_EQ(error_of(".threads 1\nDONE BRnzp 0\n"), "k.asm:2: unknown mnemonic 'DONE': a label needs a colon, 'DONE:'");
    // Alone on its line and one letter from a mnemonic: either.
    EXPECT_EQ(error_of(".threads 1\nRETS\n"),
              "k.asm:2: unknown mnemonic 'RETS': a label needs a colon, 'RETS:', or did you mean 'RET'?");
}

// The comment character is ';' only: '#' starts immediates.
TEST(AssemblerErrors, HashAndSlashComments) {
    const std::string hash = "comments start with ';', not '#'";
    EXPECT_EQ(error_of(".threads 1\n# setup\n"), "k.asm:2: " + hash);
    EXPECT_EQ(error_of(".threads 1\n#setup: first\n"), "k.asm:2: " + hash);
    EXPECT_EQ(error_of(".threads 1\nADD R1, R2, R3 # sum\n"), "k.asm:2: " + hash);
    EXPECT_EQ(error_of(".threads 1\nLOOP: #top\n"), "k.asm:2: " + hash);
    EXPECT_EQ(error_of(".threads 1\n.data 1 2 # inputs\n"), "k.asm:2: " + hash);
    EXPECT_EQ(error_of(".threads 1\nADD R1, R2, R3 #sum\n"), "k.asm:2: unexpected '#sum' after 'R3' (" + hash + ")");
    EXPECT_EQ(error_of(".threads 1\nRET #done\n"), "k.asm:2: RET takes no operands, got '#done' (" + hash + ")");
    EXPECT_EQ(error_of(".threads 1\n.data 1 #two\n"), "k.asm:2: bad data value '#two' (" + hash + ")");
    const std::string slash = "comments start with ';', not '//'";
    EXPECT_EQ(error_of(".threads 1\n// setup\n"), "k.asm:2: " + slash);
    EXPECT_EQ(error_of(".threads 1\nCONST R1, #16 // sixteen\n"), "k.asm:2: " + slash);
    EXPECT_EQ(assemble_text(".threads 1\nCONST R1, #16 ; '#' and '//' in a comment\n").code, (Words{0x9110}));
    EXPECT_EQ(error_of(".threads 1\nCONST R1, # 16\n"), "k.asm:2: unexpected '16' after '#'");
}

TEST(AssemblerErrors, ImmediateWhereARegisterGoes) {
    EXPECT_EQ(error_of(".threads 1\nADD R0, R0, #1\n"),
              "k.asm:2: ADD takes registers only, got '#1': put the value in a register with CONST first "
              "('CONST Rn, #1')");
    EXPECT_EQ(error_of(".threads 1\nsub R0, 2, R1\n"),
              "k.asm:2: sub takes registers only, got '2': put the value in a register with CONST first "
              "('CONST Rn, #2')");
    EXPECT_EQ(error_of(".threads 1\nLDR R1, #0x10\n"),
              "k.asm:2: LDR takes registers only, got '#0x10': put the value in a register with CONST first "
              "('CONST Rn, #0x10')");
}

TEST(AssemblerErrors, BadRegister) {
    EXPECT_EQ(error_of(".threads 1\nADD R1, R16, R2\n"), "k.asm:2: bad register 'R16'");
    EXPECT_EQ(error_of(".threads 1\nLDR R1, %warpIdx\n"), "k.asm:2: bad register '%warpIdx'");
    EXPECT_EQ(error_of(".threads 1\nCMP R1, R2x\n"), "k.asm:2: bad register 'R2x'");
}

TEST(AssemblerErrors, ReadOnlyDestination) {
    EXPECT_EQ(error_of(".threads 1\nADD R13, R1, R2\n"), "k.asm:2: R13 (%blockIdx) is read-only");
    EXPECT_EQ(error_of(".threads 1\nLDR %blockDim, R1\n"), "k.asm:2: R14 (%blockDim) is read-only");
    EXPECT_EQ(error_of(".threads 1\nCONST R15, #1\n"), "k.asm:2: R15 (%threadIdx) is read-only");
}

TEST(AssemblerErrors, Immediates) {
    EXPECT_EQ(error_of(".threads 1\nCONST R1, #300\n"), "k.asm:2: immediate 300 out of range 0..255");
    EXPECT_EQ(error_of(".threads 1\nCONST R1, #-1\n"), "k.asm:2: immediate -1 out of range 0..255");
    EXPECT_EQ(error_of(".threads 1\nCONST R1, #abc\n"), "k.asm:2: bad immediate '#abc'");
    EXPECT_EQ(error_of(".threads 1\nCONST R1, 16\n"),
              "k.asm:2: expected an immediate like #16, got '16'");
}

TEST(AssemblerErrors, Labels) {
    EXPECT_EQ(error_of(".threads 1\nLOOP: NOP\nBRn LOOP2\n"), "k.asm:3: undefined label 'LOOP2'");
    EXPECT_EQ(error_of(".threads 1\nNOP\n\n\n\n\nLOOP: NOP\nLOOP:\n"),
              "k.asm:8: duplicate label 'LOOP' (first defined on line 7)");
    EXPECT_EQ(error_of(".threads 1\n1st: NOP\n"), "k.asm:2: bad label '1st'");
    EXPECT_EQ(error_of(".threads 1\nBRn L+1\n"), "k.asm:2: bad branch target 'L+1'");
}

TEST(AssemblerErrors, BranchTargets) {
    EXPECT_EQ(error_of(".threads 1\nBRn #300\n"), "k.asm:2: branch target 300 out of range 0..255");
    AsmLimits small;
    small.program_words = 16;
    EXPECT_EQ(error_of(".threads 1\nBRn 16\n", small), "k.asm:2: branch target 16 out of range 0..15");
    // A label after the last word of a full program memory cannot be reached.
    std::string full = ".threads 1\nBRn END\n";
    for (int i = 0; i < 15; ++i) full += "NOP\n";
    EXPECT_EQ(error_of(full + "END:\n", small),
              "k.asm:2: label 'END' is at address 16, beyond program memory (16 words)");
}

TEST(AssemblerErrors, ProgramTooLong) {
    std::string source = ".threads 1\n";
    for (int i = 0; i < 300; ++i) source += "NOP\n";
    // The first word that does not fit is on line 2 + 256.
    EXPECT_EQ(error_of(source), "k.asm:258: program has 300 instructions, program memory holds 256");
}

TEST(AssemblerErrors, TooMuchData) {
    std::string source = ".threads 1\n";
    for (int i = 0; i < 26; ++i) source += ".data 1 2 3 4 5 6 7 8 9 10\n";
    // Word 257 sits on the 26th .data line, line 27.
    EXPECT_EQ(error_of(source), "k.asm:27: too many data words: 260, data memory holds 256");
}

TEST(AssemblerErrors, DataValueRange) {
    EXPECT_EQ(error_of(".threads 1\n.data 1 256\n"), "k.asm:2: data value 256 out of range -128..255");
    EXPECT_EQ(error_of(".threads 1\n.data -129\n"), "k.asm:2: data value -129 out of range -128..255");
    EXPECT_EQ(error_of(".threads 1\n.data 1 two\n"), "k.asm:2: bad data value 'two'");
    EXPECT_EQ(error_of(".threads 1\n.data\n"), "k.asm:2: .data needs at least one value");
}

TEST(AssemblerErrors, Threads) {
    EXPECT_EQ(error_of(".threads 0\n"), "k.asm:1: .threads 0 out of range 1..255");
    EXPECT_EQ(error_of(".threads 256\n"), "k.asm:1: .threads 256 out of range 1..255");
    AsmLimits limits;
    limits.max_threads = 16;
    EXPECT_EQ(error_of("\n.threads 17\n", limits), "k.asm:2: .threads 17 out of range 1..16");
    EXPECT_EQ(error_of(".threads 4\n.threads 4\n"), "k.asm:2: duplicate .threads (first on line 1)");
    EXPECT_EQ(error_of(".threads\n"), "k.asm:1: .threads needs a value");
    EXPECT_EQ(error_of(".threads four\n"), "k.asm:1: bad number 'four'");
    EXPECT_EQ(error_of(".threads 4 8\n"), "k.asm:1: unexpected '8' after .threads value");
}

TEST(AssemblerErrors, MissingThreads) {
    EXPECT_EQ(error_of("NOP\nRET\n"), "k.asm:1: missing .threads directive");
    EXPECT_EQ(error_of(""), "k.asm:1: missing .threads directive");
}

TEST(AssemblerErrors, OperandCount) {
    EXPECT_EQ(error_of(".threads 1\nADD R1, R2\n"),
              "k.asm:2: ADD expects 3 operands (rd, rs, rt), got 2");
    EXPECT_EQ(error_of(".threads 1\nCMP R1\n"), "k.asm:2: CMP expects 2 operands (rs, rt), got 1");
    EXPECT_EQ(error_of(".threads 1\nldr R1, R2, R3\n"),
              "k.asm:2: ldr expects 2 operands (rd, rs), got 3");
    EXPECT_EQ(error_of(".threads 1\nCONST R1\n"), "k.asm:2: CONST expects 2 operands (rd, #imm), got 1");
    EXPECT_EQ(error_of(".threads 1\nBRn\n"), "k.asm:2: BRn expects 1 operand (target), got 0");
    EXPECT_EQ(error_of(".threads 1\nRET R1\n"), "k.asm:2: RET takes no operands, got 'R1'");
    EXPECT_EQ(error_of(".threads 1\nADD R1, , R2\n"), "k.asm:2: operand 2 of ADD is empty");
    EXPECT_EQ(error_of(".threads 1\nADD R1, R2, R3,\n"), "k.asm:2: operand 4 of ADD is empty");
}

TEST(AssemblerErrors, GarbageAfterOperands) {
    EXPECT_EQ(error_of(".threads 1\nADD R1, R2, R3 R4\n"), "k.asm:2: unexpected 'R4' after 'R3'");
    EXPECT_EQ(error_of(".threads 1\nBRn LOOP now\nLOOP: RET\n"),
              "k.asm:2: unexpected 'now' after 'LOOP'");
    EXPECT_EQ(error_of(".threads 1\nCONST R1, #1 #2\n"), "k.asm:2: unexpected '#2' after '#1'");
}

TEST(AssemblerErrors, Directives) {
    EXPECT_EQ(error_of(".threads 1\n.text\n"), "k.asm:2: unknown directive '.text'");
    EXPECT_EQ(error_of(".threads 1\n.word 70000\n"), "k.asm:2: .word 70000 out of range 0..65535");
    EXPECT_EQ(error_of(".threads 1\n.word -1\n"), "k.asm:2: .word -1 out of range 0..65535");
}

TEST(AssemblerErrors, MissingFile) {
    const std::string missing = testing::source_path("programs/no-such-kernel.asm");
    try {
        assemble_file(missing, AsmLimits{});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), missing + ": cannot open file");
    }
    try {
        assemble_file(testing::source_path("programs"), AsmLimits{});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), testing::source_path("programs") + ": cannot open file");
    }
}

}  // namespace
}  // namespace lockstep
