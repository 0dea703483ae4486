// The tiny-gpu compatible 16-bit ISA: one table that encodes, decodes and disassembles.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::isa {

enum class Opcode : uint8_t {
    Nop = 0x0, Br = 0x1, Cmp = 0x2, Add = 0x3, Sub = 0x4, Mul = 0x5,
    Div = 0x6, Ldr = 0x7, Str = 0x8, Const = 0x9,
    // Tensor-core tile instructions (docs/isa.md): only on a GPU with a tensor core.
    Tlda = 0xA, Tldb = 0xB, Tmma = 0xC, Tstc = 0xD, Tclr = 0xE,
    Ret = 0xF,
};

// The tile instructions, which need the config's `tensor_core:` section.
constexpr bool is_tensor_op(Opcode op) { return op >= Opcode::Tlda && op <= Opcode::Tclr; }

// Condition bits of BRnzp, as they sit in instr[11:9].
constexpr uint8_t kCondN = 0b100, kCondZ = 0b010, kCondP = 0b001;

// Read-only registers.
constexpr uint8_t kBlockIdx = 13, kBlockDim = 14, kThreadIdx = 15;
constexpr uint8_t kFirstReadOnly = 13;

// Which fields an instruction uses (drives the assembler, disassembler and generator).
enum class Form : uint8_t {
    None,        // NOP, RET
    Branch,      // BRnzp imm8
    RsRt,        // CMP rs, rt; TLDA, TLDB, TSTC base, stride
    RdRsRt,      // ADD/SUB/MUL/DIV rd, rs, rt
    RdRs,        // LDR rd, rs
    StoreRsRt,   // STR rs, rt
    RdImm,       // CONST rd, imm8
};

struct Instruction {
    Opcode op = Opcode::Nop;
    uint8_t rd = 0, rs = 0, rt = 0;   // register numbers 0..15
    uint8_t imm = 0;                  // imm8 (CONST value, branch target)
    uint8_t nzp = 0;                  // branch condition mask (kCondN | kCondZ | kCondP)
};

Form form_of(Opcode op);
const char* mnemonic(Opcode op);                  // "ADD"; "BR" for the branch
std::optional<Opcode> opcode_from_mnemonic(const std::string& upper);  // not for BR*

uint16_t encode(const Instruction& instr);
// Every opcode is known now (0xA..0xE are the tile instructions); `known` stays for callers
// that ask.
Instruction decode(uint16_t word, bool* known = nullptr);

std::string register_name(uint8_t reg);           // "R4", "%blockIdx", ...
// "ADD R0, R0, %threadIdx", "BRn #12", "CONST R1, #16", "TLDA R2, R3"; a word with bits its
// instruction ignores prints as ".word 0xA123", and so is a branch with no condition bits (never taken; the assembler refuses a bare "BR").
// The output assembles back to the same word.
std::string disassemble(uint16_t word);

// A program as assembly the assembler takes back: a label "L<address>:" before each branch
// target inside the program, "BRn L12" for the branch, each line's address and word in a
// trailing comment. `threads` goes into the .threads line (the words do not say it).
std::string disassemble_program(const std::vector<uint16_t>& words, unsigned threads = 1);

}  // namespace lockstep::isa
