#include "common/reconvergence.h"

#include "common/isa.h"

#include <bitset>

namespace lockstep {
namespace {

// Program memory has at most 2^8 words; one more node is the exit.
constexpr unsigned kMaxNodes = (1u << limits::kProgramAddrBits.hi) + 1;
using NodeSet = std::bitset<kMaxNodes>;

bool conditional_branch(const isa::Instruction& in) { return in.op == isa::Opcode::Br && in.nzp != 0; }

}  // namespace

std::vector<uint32_t> reconvergence_fields(const std::vector<uint16_t>& code, unsigned program_addr_bits) {
    const unsigned words = 1u << program_addr_bits, exit = words, mask = words - 1;
    // Successors of each address (at most two), exit for RET.
    std::vector<std::vector<unsigned>> succ(words);
    std::vector<isa::Instruction> instr(words);
    for (unsigned pc = 0; pc < words; ++pc) {
        instr[pc] = isa::decode(pc < code.size() ? code[pc] : 0);
        if (instr[pc].op == isa::Opcode::Ret) {
            succ[pc] = {exit};
        } else if (conditional_branch(instr[pc])) {
            succ[pc] = {instr[pc].imm & mask, (pc + 1) & mask};
        } else {
            succ[pc] = {(pc + 1) & mask};
        }
    }
    // Post-dominator sets by the iterative data-flow method: pdom(exit) = {exit},
    // pdom(n) = {n} + the intersection over successors; start from "every node".
    NodeSet all;
    for (unsigned n = 0; n <= exit; ++n) all.set(n);
    std::vector<NodeSet> pdom(words + 1, all);
    pdom[exit].reset();
    pdom[exit].set(exit);
    for (bool changed = true; changed;) {
        changed = false;
        for (unsigned n = words; n-- > 0;) {
            NodeSet next = all;
            for (unsigned s : succ[n]) next &= pdom[s];
            next.set(n);
            if (next != pdom[n]) {
                pdom[n] = next;
                changed = true;
            }
        }
    }
    // Which nodes reach RET at all (a node on an endless loop has no post-dominator).
    std::vector<bool> reaches(words + 1, false);
    reaches[exit] = true;
    for (bool changed = true; changed;) {
        changed = false;
        for (unsigned n = 0; n < words; ++n) {
            if (reaches[n]) continue;
            for (unsigned s : succ[n]) reaches[n] = reaches[n] || reaches[s];
            changed = changed || reaches[n];
        }
    }
    std::vector<uint32_t> fields(code.size(), 0);
    for (unsigned pc = 0; pc < code.size() && pc < words; ++pc) {
        if (!conditional_branch(instr[pc])) continue;
        if (!reaches[pc]) {
            fields[pc] = exit;
            continue;
        }
        NodeSet strict = pdom[pc];
        strict.reset(pc);
        // Strict post-dominators form a chain; the immediate one has all the others as its own.
        uint32_t field = exit;
        for (unsigned d = 0; d < words; ++d) {
            if (strict.test(d) && pdom[d] == strict) field = d;
        }
        fields[pc] = field;
    }
    return fields;
}

std::vector<uint32_t> program_image(const std::vector<uint16_t>& code, const GpuConfig& config) {
    std::vector<uint32_t> image(code.begin(), code.end());
    if (!config.divergence()) return image;
    const std::vector<uint32_t> fields = reconvergence_fields(code, config.program_addr_bits);
    for (size_t pc = 0; pc < image.size(); ++pc) image[pc] |= fields[pc] << 16;
    return image;
}

}  // namespace lockstep
