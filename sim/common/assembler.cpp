// Two steps: read every line (labels recorded, branch targets left pending), then
// check sizes and resolve labels, so labels may be used before they are defined.
#include "common/assembler.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "common/error.h"
#include "common/isa.h"
#include "common/plural.h"
#include "common/spelling.h"

namespace lockstep {
namespace {

using isa::Form;

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return "";
    const auto last = text.find_last_not_of(" \t\r");
    return std::string(text.substr(first, last - first + 1));
}

std::string upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

bool is_identifier(const std::string& text) {
    if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Splits on any of `separators`, dropping empty pieces.
std::vector<std::string> split(const std::string& text, const char* separators) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = std::min(text.find_first_of(separators, start), text.size());
        if (end > start) parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}


// The operands each form takes, for "wrong operand count" messages.
std::pair<size_t, const char*> operand_shape(Form form, isa::Opcode op) {
    if (isa::is_tensor_op(op) && form == Form::RsRt) return {2, "base, stride registers"};
    switch (form) {
        case Form::None: return {0, ""};
        case Form::Branch: return {1, "target"};
        case Form::RsRt: return {2, "rs, rt"};
        case Form::RdRsRt: return {3, "rd, rs, rt"};
        case Form::RdRs: return {2, "rd, rs"};
        case Form::StoreRsRt: return {2, "rs, rt"};
        case Form::RdImm: return {2, "rd, #imm"};
    }
    return {0, ""};
}

// Every spelling the assembler takes for an instruction, for "did you mean" hints.
const std::vector<std::string>& mnemonic_spellings() {
    static const std::vector<std::string> names = {"NOP", "BRn", "BRz", "BRp", "BRnz", "BRnp", "BRzp", "BRnzp",
                                                   "CMP", "ADD", "SUB", "MUL", "DIV", "LDR", "STR", "CONST", "RET",
                                                   "TLDA", "TLDB", "TMMA", "TSTC", "TCLR"};
    return names;
}

// tiny-gpu resets NZP to 000 and CMP sets exactly one bit, so a jump needs a CMP before it.
constexpr const char* kHowToJump = "to jump always, set Z first: 'CMP R0, R0' then 'BRz LABEL'";

// Words other assemblers use for an unconditional jump.
bool is_jump_word(const std::string& upper) {
    return upper == "JMP" || upper == "JUMP" || upper == "J" || upper == "B" || upper == "BRA" ||
           upper == "BAL" || upper == "GOTO";
}

// A '#' that is a word of its own ("ADD R1, R2, R3 # sum") or starts the line: a comment.
bool has_hash_comment(const std::string& text) {
    if (!text.empty() && text[0] == '#') return true;
    for (size_t at = text.find('#'); at != std::string::npos; at = text.find('#', at + 1)) {
        const bool alone_before = at == 0 || text[at - 1] == ' ' || text[at - 1] == '\t';
        const bool alone_after = at + 1 == text.size() || text[at + 1] == ' ' || text[at + 1] == '\t';
        // "# 16" is an immediate with a space in it, not a comment.
        const size_t next = text.find_first_not_of(" \t", at + 1);
        const bool number_next = next != std::string::npos && std::isdigit(static_cast<unsigned char>(text[next]));
        if (alone_before && alone_after && !number_next) return true;
    }
    return false;
}

class Assembler {
public:
    Assembler(const std::string& path, const AsmLimits& limits) : limits_(limits) {
        program_.path = path;
    }

    void read_line(std::string_view text, int line) {
        line_ = line;
        std::string rest = trim(text.substr(0, text.find(';')));
        if (rest.find("//") != std::string::npos) throw fail("comments start with ';', not '//'");
        if (has_hash_comment(rest)) throw fail("comments start with ';', not '#'");
        // Any number of "NAME:" prefixes, alone or before an instruction.
        for (size_t colon; (colon = rest.find(':')) != std::string::npos;) {
            define_label(trim(std::string_view(rest).substr(0, colon)));
            rest = trim(std::string_view(rest).substr(colon + 1));
        }
        if (rest.empty()) return;
        if (rest[0] == '#') throw fail("comments start with ';', not '#'");
        const size_t space = std::min(rest.find_first_of(" \t"), rest.size());
        const std::string head = rest.substr(0, space);
        const std::string operands = trim(std::string_view(rest).substr(space));
        if (head[0] == '.') {
            directive(head, operands);
        } else {
            instruction(head, operands);
        }
    }

    Program finish() {
        const size_t words = program_.code.size();
        if (words > limits_.program_words) {
            line_ = program_.code_lines[limits_.program_words];
            throw fail(fmt::format("program has {}, program memory holds {}", plural(words, "instruction"),
                                   limits_.program_words));
        }
        if (data_overflow_line_ != 0) {
            line_ = data_overflow_line_;
            throw fail(fmt::format("too many data words: {}, data memory holds {}", program_.data.size(),
                                   limits_.data_words));
        }
        for (const Fixup& fixup : fixups_) resolve(fixup);
        if (threads_line_ == 0) {
            line_ = 1;
            throw fail("missing .threads directive");
        }
        return std::move(program_);
    }

private:
    struct Fixup {
        size_t index;  // instruction whose imm8 is the label address
        std::string label;
        int line;
    };

    Error fail(const std::string& message) const { return error_at(program_.path, line_, message); }

    void define_label(const std::string& name) {
        if (!is_identifier(name)) throw fail(fmt::format("bad label '{}'", name));
        const auto [it, inserted] = labels_.try_emplace(name, Label{program_.code.size(), line_});
        if (!inserted) {
            throw fail(
                fmt::format("duplicate label '{}' (first defined on line {})", name, it->second.line));
        }
    }

    void directive(const std::string& head, const std::string& operands) {
        const std::string name = upper(head);
        const std::vector<std::string> values = split(operands, " \t,");
        if (name == ".DATA") {
            if (values.empty()) throw fail(".data needs at least one value");
            for (const std::string& value : values) add_data(value);
            return;
        }
        if (name != ".THREADS" && name != ".WORD") {
            const auto near = nearest_names(head, {".threads", ".data", ".word"});
            throw fail(fmt::format("unknown directive '{}'{}", head,
                                   near.empty() ? "" : ": did you mean " + quoted_choices(near) + "?"));
        }
        if (values.empty()) throw fail(fmt::format("{} needs a value", head));
        if (values.size() > 1)
            throw fail(fmt::format("unexpected '{}' after {} value", values[1], head));
        const auto value = parse_number(values[0]);
        if (!value) throw fail(fmt::format("bad number '{}'", values[0]));
        if (name == ".WORD") {
            if (*value < 0 || *value > 0xFFFF) {
                throw fail(fmt::format(".word {} out of range 0..65535", *value));
            }
            emit(static_cast<uint16_t>(*value));
            return;
        }
        if (threads_line_ != 0)
            throw fail(fmt::format("duplicate .threads (first on line {})", threads_line_));
        if (*value < 1 || *value > limits_.max_threads) {
            throw fail(fmt::format(".threads {} out of range 1..{}", *value, limits_.max_threads));
        }
        program_.threads = static_cast<unsigned>(*value);
        threads_line_ = line_;
    }

    void add_data(const std::string& text) {
        const auto value = parse_number(text[0] == '#' ? text.substr(1) : text);
        if (!value) throw fail(fmt::format("bad data value '{}'{}", text, comment_hint(text)));
        const long long lowest = -(1LL << (limits_.data_bits - 1));
        const long long highest = (1LL << limits_.data_bits) - 1;
        if (*value < lowest || *value > highest) {
            throw fail(fmt::format("data value {} out of range {}..{}", *value, lowest, highest));
        }
        // Two's complement: the low data_bits of the value.
        program_.data.push_back(static_cast<uint32_t>(*value & highest));
        if (program_.data.size() > limits_.data_words && data_overflow_line_ == 0) {
            data_overflow_line_ = line_;
        }
    }

    void instruction(const std::string& head, const std::string& operand_text) {
        isa::Instruction instr;
        const std::string name = upper(head);
        head_ = head;
        if (name == "BR") {
            throw fail(fmt::format("{} without condition letters never jumps: write BRn, BRz, BRp or a mix "
                                   "such as BRnz; {}", head, kHowToJump));
        }
        if (const auto nzp = branch_condition(name)) {
            instr.op = isa::Opcode::Br;
            instr.nzp = *nzp;
        } else if (const auto op = isa::opcode_from_mnemonic(name)) {
            instr.op = *op;
        } else {
            throw fail(unknown_mnemonic(head, operand_text));
        }
        const Form form = isa::form_of(instr.op);
        const std::vector<std::string> ops = operands(head, operand_text, form, instr.op);
        switch (form) {
            case Form::None: break;
            case Form::Branch: branch_target(ops[0], &instr); break;
            case Form::RsRt:
            case Form::StoreRsRt:
                instr.rs = reg(ops[0]);
                instr.rt = reg(ops[1]);
                break;
            case Form::RdRsRt:
                instr.rd = dest(ops[0]);
                instr.rs = reg(ops[1]);
                instr.rt = reg(ops[2]);
                break;
            case Form::RdRs:
                instr.rd = dest(ops[0]);
                instr.rs = reg(ops[1]);
                break;
            case Form::RdImm:
                instr.rd = dest(ops[0]);
                instr.imm = immediate(ops[1]);
                break;
        }
        emit(isa::encode(instr));
    }

    // What `head` may have meant: a branch's letters in order, a jump, a label without its
    // colon, a known mnemonic a few letters away.
    std::string unknown_mnemonic(const std::string& head, const std::string& operand_text) const {
        const std::string name = upper(head);
        const std::string message = fmt::format("unknown mnemonic '{}'", head);
        if (is_jump_word(name)) return fmt::format("{}: there is no unconditional jump; {}", message, kHowToJump);
        const bool condition_letters =
            name.size() > 2 && name.rfind("BR", 0) == 0 && name.find_first_not_of("NZP", 2) == std::string::npos;
        if (condition_letters) {
            std::string ordered = "BR";
            for (const char letter : {'n', 'z', 'p'}) {
                if (name.find(static_cast<char>(std::toupper(letter)), 2) != std::string::npos) ordered += letter;
            }
            return fmt::format("{}: write each condition letter once, in the order n, z, p: '{}'", message, ordered);
        }
        // A word alone on its line is more likely a label: only a one-letter slip suggests more.
        const std::vector<std::string> near = nearest_names(head, mnemonic_spellings(), operand_text.empty() ? 1 : 2);
        const std::string first_operand = upper(operand_text.substr(0, operand_text.find_first_of(" \t")));
        const bool before_instruction =
            isa::opcode_from_mnemonic(first_operand).has_value() || branch_condition(first_operand).has_value();
        if (is_identifier(head) && (operand_text.empty() || before_instruction)) {
            const std::string label = fmt::format("{}: a label needs a colon, '{}:'", message, head);
            if (before_instruction || near.empty()) return label;
            return fmt::format("{}, or did you mean {}?", label, quoted_choices(near));
        }
        if (!near.empty()) return fmt::format("{}: did you mean {}?", message, quoted_choices(near));
        return message;
    }

    // "BR" plus one or more of n, z, p in that order; nullopt if `name` is not such a branch.
    static std::optional<uint8_t> branch_condition(const std::string& name) {
        if (name.rfind("BR", 0) != 0) return std::nullopt;
        static const char kLetters[] = "NZP";
        uint8_t mask = 0;
        size_t next = 0;
        for (size_t i = 2; i < name.size(); ++i) {
            while (next < 3 && kLetters[next] != name[i]) ++next;
            if (next == 3) return std::nullopt;
            mask |= static_cast<uint8_t>(0b100 >> next++);
        }
        if (mask == 0) return std::nullopt;
        return mask;
    }

    std::vector<std::string> operands(const std::string& head, const std::string& text, Form form, isa::Opcode op) {
        const auto [count, shape] = operand_shape(form, op);
        if (count == 0) {
            if (!text.empty()) {
                throw fail(fmt::format("{} takes no operands, got '{}'{}", head, text, comment_hint(text)));
            }
            return {};
        }
        std::vector<std::string> ops;
        if (!text.empty()) {
            std::stringstream stream(text);
            for (std::string op; std::getline(stream, op, ',');) ops.push_back(trim(op));
            if (text.back() == ',') ops.emplace_back();
        }
        for (size_t i = 0; i < ops.size(); ++i) {
            if (ops[i].empty()) throw fail(fmt::format("operand {} of {} is empty", i + 1, head));
            const size_t space = ops[i].find_first_of(" \t");
            if (space != std::string::npos) {
                const std::string extra = trim(ops[i].substr(space));
                throw fail(fmt::format("unexpected '{}' after '{}'{}", extra, ops[i].substr(0, space),
                                       comment_hint(extra)));
            }
        }
        if (ops.size() != count) {
            throw fail(fmt::format("{} expects {} operand{} ({}), got {}", head, count,
                                   count == 1 ? "" : "s", shape, ops.size()));
        }
        return ops;
    }

    // '#' and then words, where no immediate can be, is most likely a comment.
    static std::string comment_hint(const std::string& text) {
        const bool words = text[0] == '#' && !parse_number(text.substr(1));
        return words ? " (comments start with ';', not '#')" : "";
    }

    uint8_t reg(const std::string& text) const {
        const std::string name = upper(text);
        if (text[0] == '#' || parse_number(text)) {
            const std::string value = text[0] == '#' ? text : "#" + text;
            throw fail(fmt::format("{} takes registers only, got '{}': put the value in a register with "
                                   "CONST first ('CONST Rn, {}')", head_, text, value));
        }
        if (name == "%BLOCKIDX") return isa::kBlockIdx;
        if (name == "%BLOCKDIM") return isa::kBlockDim;
        if (name == "%THREADIDX") return isa::kThreadIdx;
        const bool digits = name.size() >= 2 && name.size() <= 3 && name[0] == 'R' &&
                            std::all_of(name.begin() + 1, name.end(), [](char c) {
                                return std::isdigit(static_cast<unsigned char>(c));
                            });
        if (!digits || std::stoi(name.substr(1)) > 15)
            throw fail(fmt::format("bad register '{}'", text));
        return static_cast<uint8_t>(std::stoi(name.substr(1)));
    }

    uint8_t dest(const std::string& text) const {
        const uint8_t r = reg(text);
        if (r >= isa::kFirstReadOnly) {
            throw fail(fmt::format("R{} ({}) is read-only", r, isa::register_name(r)));
        }
        return r;
    }

    uint8_t immediate(const std::string& text) const {
        if (text[0] != '#') throw fail(fmt::format("expected an immediate like #16, got '{}'", text));
        const auto value = parse_number(text.substr(1));
        if (!value) throw fail(fmt::format("bad immediate '{}'", text));
        if (*value < 0 || *value > 255)
            throw fail(fmt::format("immediate {} out of range 0..255", *value));
        return static_cast<uint8_t>(*value);
    }

    // Highest address an imm8 branch can reach in this program memory.
    long long last_target() const { return std::min<long long>(limits_.program_words, 256) - 1; }

    void branch_target(const std::string& text, isa::Instruction* instr) {
        if (is_identifier(text)) {
            fixups_.push_back({program_.code.size(), text, line_});
            return;
        }
        const auto value = parse_number(text[0] == '#' ? text.substr(1) : text);
        if (!value) throw fail(fmt::format("bad branch target '{}'", text));
        if (*value < 0 || *value > last_target()) {
            throw fail(fmt::format("branch target {} out of range 0..{}", *value, last_target()));
        }
        instr->imm = static_cast<uint8_t>(*value);
    }

    void resolve(const Fixup& fixup) {
        line_ = fixup.line;
        const auto it = labels_.find(fixup.label);
        if (it == labels_.end()) throw fail(fmt::format("undefined label '{}'", fixup.label));
        const size_t address = it->second.address;
        if (static_cast<long long>(address) > last_target()) {
            throw fail(fmt::format("label '{}' is at address {}, beyond program memory ({})",
                                   fixup.label, address, plural(last_target() + 1, "word")));
        }
        program_.code[fixup.index] |= static_cast<uint16_t>(address);
    }

    void emit(uint16_t word) {
        program_.code.push_back(word);
        program_.code_lines.push_back(line_);
    }

    struct Label {
        size_t address;
        int line;
    };

    AsmLimits limits_;
    Program program_;
    int line_ = 0;                // source line being read, for messages
    std::string head_;            // mnemonic being read, as written, for messages
    int threads_line_ = 0;        // line of .threads, 0 while none seen
    int data_overflow_line_ = 0;  // line of the first .data word that did not fit
    std::map<std::string, Label> labels_;
    std::vector<Fixup> fixups_;
};

}  // namespace

std::optional<long long> parse_number(const std::string& text) {
    std::string_view digits = text;
    const bool negative = !digits.empty() && digits[0] == '-';
    if (negative) digits.remove_prefix(1);
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        base = 16;
    }
    // Unsigned parse, so a second sign ("--5", "0x-5") is rejected.
    unsigned long long value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    if (value > static_cast<unsigned long long>(std::numeric_limits<long long>::max()))
        return std::nullopt;
    const auto magnitude = static_cast<long long>(value);
    return negative ? -magnitude : magnitude;
}

Program assemble(const std::string& source, const std::string& path, const AsmLimits& limits) {
    Assembler assembler(path, limits);
    std::istringstream lines(source);
    int number = 0;
    for (std::string line; std::getline(lines, line);) assembler.read_line(line, ++number);
    return assembler.finish();
}

Program assemble_file(const std::string& path, const AsmLimits& limits) {
    std::ifstream file(path);
    // A directory opens like a file and reads as empty, so it is refused by name.
    if (!file || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    std::stringstream text;
    text << file.rdbuf();
    return assemble(text.str(), path, limits);
}

std::string listing(const Program& program, const std::vector<uint32_t>& reconvergence, unsigned program_addr_bits) {
    std::string out;
    for (size_t address = 0; address < program.code.size(); ++address) {
        const uint16_t word = program.code[address];
        const int line = address < program.code_lines.size() ? program.code_lines[address] : 0;
        out += fmt::format("{:3}  {:04X}  {:<30} ; line {}", address, word, isa::disassemble(word), line);
        const uint32_t field = address < reconvergence.size() ? reconvergence[address] : 0;
        if (field >> program_addr_bits != 0) {
            out += ", paths meet only at RET";
        } else if (field != 0) {
            out += fmt::format(", reconverges at {}", field);
        }
        out += "\n";
    }
    return out;
}

}  // namespace lockstep
