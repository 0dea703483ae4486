// The opcode table and everything derived from it: encode, decode, disassemble.
#include "common/isa.h"

#include <array>

#include <fmt/format.h>

namespace lockstep::isa {
namespace {

struct OpInfo {
    const char* mnemonic;
    Form form;
};

// Indexed by the 4-bit opcode.
constexpr std::array<OpInfo, 16> kOps = {{
    {"NOP", Form::None},      // 0x0
    {"BR", Form::Branch},     // 0x1
    {"CMP", Form::RsRt},      // 0x2
    {"ADD", Form::RdRsRt},    // 0x3
    {"SUB", Form::RdRsRt},    // 0x4
    {"MUL", Form::RdRsRt},    // 0x5
    {"DIV", Form::RdRsRt},    // 0x6
    {"LDR", Form::RdRs},      // 0x7
    {"STR", Form::StoreRsRt}, // 0x8
    {"CONST", Form::RdImm},   // 0x9
    {"TLDA", Form::RsRt},     // 0xA tensor core: load the A tile
    {"TLDB", Form::RsRt},     // 0xB load the B tile
    {"TMMA", Form::None},     // 0xC acc += A * B
    {"TSTC", Form::RsRt},     // 0xD store the accumulators
    {"TCLR", Form::None},     // 0xE clear them
    {"RET", Form::None},      // 0xF
}};

const OpInfo& info(Opcode op) { return kOps[static_cast<uint8_t>(op) & 0xF]; }

bool writes_rd(Form form) { return form == Form::RdRsRt || form == Form::RdRs || form == Form::RdImm; }

std::string raw_word(uint16_t word) { return fmt::format(".word 0x{:04X}", word); }

std::string branch_mnemonic(uint8_t nzp) {
    std::string name = "BR";
    if (nzp & kCondN) name += 'n';
    if (nzp & kCondZ) name += 'z';
    if (nzp & kCondP) name += 'p';
    return name;
}

}  // namespace

Form form_of(Opcode op) { return info(op).form; }

const char* mnemonic(Opcode op) {
    const char* name = info(op).mnemonic;
    return name != nullptr ? name : ".word";
}

std::optional<Opcode> opcode_from_mnemonic(const std::string& upper) {
    for (size_t code = 0; code < kOps.size(); ++code) {
        if (kOps[code].mnemonic == nullptr || kOps[code].form == Form::Branch) continue;
        if (upper == kOps[code].mnemonic) return static_cast<Opcode>(code);
    }
    return std::nullopt;
}

uint16_t encode(const Instruction& instr) {
    unsigned word = static_cast<unsigned>(instr.op) << 12;
    const unsigned rd = instr.rd & 0xFu, rs = instr.rs & 0xFu, rt = instr.rt & 0xFu;
    switch (form_of(instr.op)) {
        case Form::None: break;
        case Form::Branch: word |= (instr.nzp & 0x7u) << 9 | instr.imm; break;
        case Form::RsRt: word |= rs << 4 | rt; break;
        case Form::RdRsRt: word |= rd << 8 | rs << 4 | rt; break;
        case Form::RdRs: word |= rd << 8 | rs << 4; break;
        case Form::StoreRsRt: word |= rs << 4 | rt; break;
        case Form::RdImm: word |= rd << 8 | instr.imm; break;
    }
    return static_cast<uint16_t>(word);
}

// Every field is extracted from its bits whatever the form, as the RTL decoder does.
Instruction decode(uint16_t word, bool* known) {
    const uint8_t code = word >> 12;
    const bool is_known = kOps[code].mnemonic != nullptr;
    if (known != nullptr) *known = is_known;
    Instruction instr;
    instr.op = is_known ? static_cast<Opcode>(code) : Opcode::Nop;
    instr.rd = (word >> 8) & 0xF;
    instr.rs = (word >> 4) & 0xF;
    instr.rt = word & 0xF;
    instr.imm = word & 0xFF;
    instr.nzp = (word >> 9) & 0x7;
    return instr;
}

std::string register_name(uint8_t reg) {
    switch (reg) {
        case kBlockIdx: return "%blockIdx";
        case kBlockDim: return "%blockDim";
        case kThreadIdx: return "%threadIdx";
        default: return "R" + std::to_string(reg);
    }
}

std::string disassemble(uint16_t word) {
    bool known = false;
    const Instruction in = decode(word, &known);
    const Form form = form_of(in.op);
    // Words the assembler cannot write as an instruction (free opcodes, bits the form
    // ignores, a read-only destination, a branch with no condition, which never jumps)
    // print as raw words so the round trip is exact.
    if (!known || encode(in) != word || (writes_rd(form) && in.rd >= kFirstReadOnly) ||
        (form == Form::Branch && in.nzp == 0)) {
        return raw_word(word);
    }
    const std::string name = mnemonic(in.op);
    auto reg = [](uint8_t r) { return register_name(r); };
    switch (form) {
        case Form::None: return name;
        case Form::Branch: return fmt::format("{} #{}", branch_mnemonic(in.nzp), in.imm);
        case Form::RsRt: return fmt::format("{} {}, {}", name, reg(in.rs), reg(in.rt));
        case Form::RdRsRt: return fmt::format("{} {}, {}, {}", name, reg(in.rd), reg(in.rs), reg(in.rt));
        case Form::RdRs: return fmt::format("{} {}, {}", name, reg(in.rd), reg(in.rs));
        case Form::StoreRsRt: return fmt::format("{} {}, {}", name, reg(in.rs), reg(in.rt));
        case Form::RdImm: return fmt::format("{} {}, #{}", name, reg(in.rd), in.imm);
    }
    return raw_word(word);
}

std::string disassemble_program(const std::vector<uint16_t>& words, unsigned threads) {
    // A target one past the last word is still a label (after the last line); beyond, a number.
    std::vector<bool> target(words.size() + 1, false);
    auto is_branch = [](uint16_t word) { return disassemble(word).rfind("BR", 0) == 0; };
    for (uint16_t word : words) {
        const Instruction in = decode(word);
        if (is_branch(word) && in.imm < target.size()) target[in.imm] = true;
    }
    std::string out = fmt::format("; {} words, disassembled; the words do not hold the thread count\n"
                                  ".threads {}\n", words.size(), threads);
    for (size_t address = 0; address <= words.size(); ++address) {
        if (target[address]) out += fmt::format("L{}:\n", address);
        if (address == words.size()) break;
        const uint16_t word = words[address];
        const Instruction in = decode(word);
        std::string text = disassemble(word);
        if (is_branch(word) && in.imm < target.size())
            text = fmt::format("{} L{}", text.substr(0, text.find(' ')), in.imm);
        out += fmt::format("    {:<30} ; {:>3}  {:04X}\n", text, address, word);
    }
    return out;
}

}  // namespace lockstep::isa
