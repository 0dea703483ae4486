#include "gpu/core.h"

#include <string>

namespace lockstep::gpu {

Core::Core(const sc_core::sc_module_name& name, const GpuConfig& config)
    : sc_core::sc_module(name), fetcher("fetcher"), decoder("decoder"),
      scheduler("scheduler", config.stack_depth, config.program_addr_bits) {
    threads.resize(config.threads_per_block);
    for (unsigned t = 0; t < config.threads_per_block; ++t) {
        const std::string prefix = "thread" + std::to_string(t) + "_";
        threads[t].alu = std::make_unique<Alu>((prefix + "alu").c_str(), config.data_width);
        threads[t].lsu = std::make_unique<Lsu>((prefix + "lsu").c_str());
        threads[t].registers = std::make_unique<Registers>((prefix + "registers").c_str(),
                                                           config.threads_per_block, t);
        threads[t].pc = std::make_unique<Pc>((prefix + "pc").c_str(), config.program_addr_bits);
    }
    if (config.tensor_core.present()) tensor = std::make_unique<TensorCore>("tensor_core", config);
    next_pcs_.assign(config.threads_per_block, 0);
    rs_.assign(config.threads_per_block, 0);
    rt_.assign(config.threads_per_block, 0);
}

void Core::evaluate(bool reset, bool start, uint32_t block_id, uint32_t thread_count,
                    const MemResponse& program, const MemResponse* data, const MemResponse& tile) {
    const CoreState state = scheduler.q.state;
    const DecodedInstruction& decoded = decoder.q;
    bool lsu_busy = false;
    const uint32_t enabled = lane_mask(thread_count);
    const uint32_t active = scheduler.active(enabled);
    for (unsigned t = 0; t < threads.size(); ++t) {
        const ThreadSlot& slot = threads[t];
        const bool enable = (active >> t & 1) != 0;
        const RegisterFile& regs = slot.registers->q;
        slot.alu->evaluate(reset, enable, state, decoded, regs.rs, regs.rt);
        slot.lsu->evaluate(reset, enable, state, decoded, regs.rs, regs.rt, data[t]);
        slot.registers->evaluate(reset, enable, block_id, state, decoded, slot.alu->q.out, slot.lsu->q.out);
        slot.pc->evaluate(reset, enable, state, decoded, slot.alu->q.out, scheduler.q.pc);
        if (enable) {
            const LsuState lsu = slot.lsu->q.state;
            lsu_busy |= lsu == LsuState::Requesting || lsu == LsuState::Waiting;
        }
        next_pcs_[t] = slot.pc->q.next_pc;
    }
    if (tensor) {
        for (unsigned t = 0; t < threads.size(); ++t) {
            rs_[t] = threads[t].registers->q.rs;
            rt_[t] = threads[t].registers->q.rt;
        }
        tensor->evaluate(reset, state, decoded, rs_.data(), rt_.data(), thread_count, tile);
    }
    const bool tensor_busy = tensor && tensor->busy();
    fetcher.evaluate(reset, state, scheduler.q.pc, program);
    decoder.evaluate(reset, state, fetcher.q.instruction);
    scheduler.evaluate(reset, start, fetcher.q.state, decoded.ret, lsu_busy || tensor_busy, enabled, next_pcs_,
                       fetcher.q.reconv);
}

void Core::commit() {
    fetcher.commit();
    decoder.commit();
    scheduler.commit();
    if (tensor) tensor->commit();
    for (ThreadSlot& slot : threads) {
        slot.alu->commit();
        slot.lsu->commit();
        slot.registers->commit();
        slot.pc->commit();
    }
}

}  // namespace lockstep::gpu
