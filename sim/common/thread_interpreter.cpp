#include "common/thread_interpreter.h"

#include "common/error.h"
#include "common/isa.h"

#include <fmt/format.h>

#include <array>

namespace lockstep {

std::vector<uint32_t> run_threads_alone(const Program& program, const GpuConfig& config,
                                        const std::vector<uint32_t>& initial_memory, uint64_t max_steps) {
    using isa::Opcode;
    const uint32_t word_mask = config.data_width >= 32 ? ~0u : (1u << config.data_width) - 1;
    const uint32_t pc_mask = (1u << config.program_addr_bits) - 1;
    const size_t words = size_t{1} << config.data_addr_bits;
    std::vector<uint32_t> memory(words, 0);
    for (size_t a = 0; a < initial_memory.size() && a < words; ++a) memory[a] = initial_memory[a] & word_mask;
    const unsigned tpb = config.threads_per_block;
    for (unsigned thread = 0; thread < program.threads; ++thread) {
        std::array<uint32_t, 16> regs{};
        regs[isa::kBlockIdx] = (thread / tpb) & word_mask;
        regs[isa::kBlockDim] = tpb & word_mask;
        regs[isa::kThreadIdx] = (thread % tpb) & word_mask;
        uint8_t nzp = 0;
        uint32_t pc = 0;
        const auto fail = [&](const std::string& what) {
            return Error(fmt::format("{}: thread {} (block {}, slot {}) at PC {}: {}", program.path, thread,
                                     thread / tpb, thread % tpb, pc, what));
        };
        const auto check = [&](uint32_t address) {
            if (address >= words) throw fail(fmt::format("address {} is outside data memory (0..{})", address, words - 1));
            return address;
        };
        for (uint64_t step = 0;; ++step) {
            if (step == max_steps) throw fail(fmt::format("no RET within {} instructions", max_steps));
            const isa::Instruction in = isa::decode(pc < program.code.size() ? program.code[pc] : 0);
            const uint32_t rs = regs[in.rs], rt = regs[in.rt];
            uint32_t next = (pc + 1) & pc_mask;
            const auto write = [&](uint32_t value) {
                if (in.rd < isa::kFirstReadOnly) regs[in.rd] = value & word_mask;
            };
            switch (in.op) {
            case Opcode::Nop: break;
            case Opcode::Br:
                if ((nzp & in.nzp) != 0) next = in.imm & pc_mask;
                break;
            case Opcode::Cmp: nzp = static_cast<uint8_t>((rs < rt ? 4 : 0) | (rs == rt ? 2 : 0) | (rs > rt ? 1 : 0)); break;
            case Opcode::Add: write(rs + rt); break;
            case Opcode::Sub: write(rs - rt); break;
            case Opcode::Mul: write(rs * rt); break;
            case Opcode::Div: write(rt == 0 ? word_mask : rs / rt); break;
            case Opcode::Ldr: write(memory[check(rs)]); break;
            case Opcode::Str: memory[check(rs)] = rt; break;
            case Opcode::Const: write(in.imm); break;
            case Opcode::Ret: break;
            default: throw fail(fmt::format("{} needs a tensor core", isa::mnemonic(in.op)));
            }
            if (in.op == Opcode::Ret) break;
            pc = next;
        }
    }
    return memory;
}

}  // namespace lockstep
