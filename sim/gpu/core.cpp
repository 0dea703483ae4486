#include "gpu/core.h"

#include "common/bits.h"
#include "common/isa.h"

#include <string>

namespace lockstep::gpu {
namespace {

WarpScheduler::Policy policy_of(const GpuConfig& config) {
    return config.warp_scheduler == "gto" ? WarpScheduler::Policy::GreedyThenOldest : WarpScheduler::Policy::RoundRobin;
}

}  // namespace

Core::Core(const sc_core::sc_module_name& name, const GpuConfig& config, unsigned index)
    : sc_core::sc_module(name), fetcher("fetcher"),
      warp_scheduler("warp_scheduler", config.warps_per_core, policy_of(config)),
      index_(index), cores_(config.cores), tpb_(config.threads_per_block) {
    warps.resize(config.warps_per_core);
    for (unsigned w = 0; w < warps.size(); ++w) {
        Warp& warp = warps[w];
        const std::string warp_prefix = w == 0 ? "" : "warp" + std::to_string(w) + "_";
        warp.instruction = std::make_unique<InstructionRegister>((warp_prefix + "instruction").c_str());
        warp.decoder = std::make_unique<Decoder>((warp_prefix + "decoder").c_str());
        warp.scheduler = std::make_unique<Scheduler>((warp_prefix + "scheduler").c_str(), config.stack_depth,
                                                     config.program_addr_bits);
        warp.threads.resize(tpb_);
        for (unsigned t = 0; t < tpb_; ++t) {
            const std::string prefix = warp_prefix + "thread" + std::to_string(t) + "_";
            ThreadSlot& slot = warp.threads[t];
            slot.alu = std::make_unique<Alu>((prefix + "alu").c_str(), config.data_width);
            slot.lsu = std::make_unique<Lsu>((prefix + "lsu").c_str());
            slot.registers = std::make_unique<Registers>((prefix + "registers").c_str(), tpb_, t);
            slot.pc = std::make_unique<Pc>((prefix + "pc").c_str(), config.program_addr_bits);
        }
    }
    if (config.tensor_core.present()) tensor = std::make_unique<TensorCore>("tensor_core", config);
    next_pcs_.assign(tpb_, 0);
    rs_.assign(tpb_, 0);
    rt_.assign(tpb_, 0);
    requests_.assign(warps.size(), WarpRequest{});
    lanes_busy_.assign(warps.size(), 0);
    settled_.assign(warps.size(), 0);
    evaluated_.assign(warps.size(), 0);
    committed_.assign(warps.size(), 0);
    // The slots start in their reset state: no LSU in flight, %blockIdx 0 as block_at_.
    lsu_busy_.assign(warps.size(), 0);
    lsu_requesting_.assign(warps.size(), 0);
    lsu_busy_count_.assign(warps.size(), 0);
    lsu_requesting_count_.assign(warps.size(), 0);
    block_stale_.assign(warps.size(), 0);
    block_at_.assign(warps.size(), 0);
}

void Core::note_slot(unsigned w, unsigned t) {
    const ThreadSlot& slot = warps[w].threads[t];
    const LsuState lsu = slot.lsu->q.state;
    const uint32_t bit = 1u << t;
    const bool stale = slot.registers->q.regs[isa::kBlockIdx] != block_at_[w];
    lsu_busy_[w] = gpu::lsu_busy(lsu) ? lsu_busy_[w] | bit : lsu_busy_[w] & ~bit;
    lsu_requesting_[w] = lsu == LsuState::Requesting ? lsu_requesting_[w] | bit : lsu_requesting_[w] & ~bit;
    block_stale_[w] = stale ? block_stale_[w] | bit : block_stale_[w] & ~bit;
}

void Core::count_lsus(unsigned w) {
    lsu_busy_count_[w] = count_bits(lsu_busy_[w]);
    lsu_requesting_count_[w] = count_bits(lsu_requesting_[w]);
}

void Core::overwrite_register(unsigned warp, unsigned thread, unsigned reg, uint32_t value) {
    Registers& unit = *warps.at(warp).threads.at(thread).registers;
    RegisterFile regs = unit.q;
    regs.regs.at(reg) = value;
    unit.overwrite(regs);
    note_slot(warp, thread);
    count_lsus(warp);
    settled_[warp] = 0;   // a reset edge resets it again
}

void Core::evaluate(bool reset, const DispatcherState& dispatch, const MemResponse& program, const MemResponse* data,
                    const MemResponse& tile) {
    bool all_in_reset = true;
    const bool tensor_busy = tensor && tensor->busy();
    for (unsigned w = 0; w < warps.size(); ++w) {
        Warp& warp = warps[w];
        const unsigned x = context(w);
        const bool warp_reset = reset || dispatch.core_reset[x];
        all_in_reset = all_in_reset && warp_reset;
        const CoreState state = warp.scheduler->q.state;
        const DecodedInstruction& decoded = warp.decoder->q;
        const uint32_t enabled = lane_mask(dispatch.core_thread_count[x]);
        const uint32_t active = warp.scheduler->active(enabled);
        const uint32_t block_id = dispatch.core_block_id[x];
        if (block_id != block_at_[w]) {   // a new block: compare the slots' %blockIdx with it
            block_at_[w] = block_id;
            for (unsigned t = 0; t < tpb_; ++t) note_slot(w, t);
            count_lsus(w);
        }
        const bool lsu_busy = (lsu_busy_[w] & active) != 0;   // an active LSU in flight
        // A warp held in reset since an edge that reset its slots keeps them as they are.
        const bool settled = warp_reset && settled_[w];
        settled_[w] = warp_reset;
        // Every slot holds (the units' holds(), for the whole warp): out of reset, in a state
        // in which no ALU, PC or register file changes, with no active LSU in flight on a
        // load or store, and every active %blockIdx current.
        const bool quiet = !warp_reset &&
                           (state == CoreState::Idle || state == CoreState::Fetch || state == CoreState::Decode ||
                            state == CoreState::Wait || state == CoreState::Done) &&
                           (!lsu_busy || !(decoded.mem_read || decoded.mem_write)) && (block_stale_[w] & active) == 0;
        uint32_t evaluated = 0;   // slots with a unit that does not hold
        for (unsigned t = 0; t < tpb_ && !settled && !quiet; ++t) {
            const ThreadSlot& slot = warp.threads[t];
            const bool enable = (active >> t & 1) != 0;
            const RegisterFile& regs = slot.registers->q;
            bool clocked = false;
            if (!Alu::holds(warp_reset, enable, state)) {
                slot.alu->evaluate(warp_reset, enable, state, decoded, regs.rs, regs.rt);
                clocked = true;
            }
            if (!slot.lsu->holds(warp_reset, enable, state, decoded)) {
                slot.lsu->evaluate(warp_reset, enable, state, decoded, regs.rs, regs.rt, data[x * tpb_ + t]);
                clocked = true;
            }
            if (!slot.registers->holds(warp_reset, enable, block_id, state)) {
                slot.registers->evaluate(warp_reset, enable, block_id, state, decoded, slot.alu->q.out, slot.lsu->q.out);
                clocked = true;
            }
            if (!Pc::holds(warp_reset, enable, state, decoded)) {
                slot.pc->evaluate(warp_reset, enable, state, decoded, slot.alu->q.out, warp.scheduler->q.pc);
                clocked = true;
            }
            evaluated |= static_cast<uint32_t>(clocked) << t;
        }
        lanes_busy_[w] = lsu_busy;
        evaluated_[w] = evaluated;
        if (tensor && w == 0) {   // a GPU with a tensor core has one warp a core
            for (unsigned t = 0; t < tpb_; ++t) {
                rs_[t] = warp.threads[t].registers->q.rs;
                rt_[t] = warp.threads[t].registers->q.rt;
            }
            tensor->evaluate(warp_reset, state, decoded, rs_.data(), rt_.data(), dispatch.core_thread_count[x], tile);
        }
    }
    // The warps' schedulers as if no warp were granted, then the warp scheduler's choice, then
    // the granted warp again if it resumes from WAIT.
    const auto run_scheduler = [&](unsigned w, bool granted) {
        Warp& warp = warps[w];
        const unsigned x = context(w);
        if (warp.scheduler->q.state == CoreState::Update) {   // the only state that reads them
            for (unsigned t = 0; t < tpb_; ++t) next_pcs_[t] = warp.threads[t].pc->q.next_pc;
        }
        const bool own = warp_scheduler.owns(w);
        warp.scheduler->evaluate(reset || dispatch.core_reset[x], dispatch.core_start[x],
                                 own ? fetcher.q.state : FetcherState::Idle, warp.decoder->q.ret,
                                 lanes_busy_[w] != 0 || (w == 0 && tensor_busy), own || granted,
                                 lane_mask(dispatch.core_thread_count[x]), next_pcs_, warp.instruction->q.reconv);
    };
    for (unsigned w = 0; w < warps.size(); ++w) {
        run_scheduler(w, false);
        const Warp& warp = warps[w];
        const unsigned x = context(w);
        WarpRequest& r = requests_[w];
        r.in_reset = reset || dispatch.core_reset[x];
        r.state = warp.scheduler->q.state;
        r.start = dispatch.core_start[x];
        r.memory_op = warp.decoder->q.mem_read || warp.decoder->q.mem_write;
        r.lanes_busy = lanes_busy_[w] != 0;
        r.to_fetch = r.state == CoreState::Update && warp.scheduler->next_state() == CoreState::Fetch;
        r.block_id = dispatch.core_block_id[x];
    }
    const bool shared_reset = reset || all_in_reset;
    const int granted = warp_scheduler.evaluate(shared_reset, requests_);
    if (granted >= 0 && warps[static_cast<unsigned>(granted)].scheduler->q.state == CoreState::Wait) {
        run_scheduler(static_cast<unsigned>(granted), true);
    }
    // The fetcher serves the warp that owns the front end and writes its instruction registers.
    const WarpSchedulerState& ws = warp_scheduler.q;
    const Scheduler* owner = ws.owner_valid ? warps[ws.owner].scheduler.get() : nullptr;
    fetcher.evaluate(shared_reset, owner ? owner->q.state : CoreState::Idle, owner ? owner->q.pc : 0, program);
    const bool fetched = fetcher.q.state == FetcherState::Fetching && program.read_ready;
    for (unsigned w = 0; w < warps.size(); ++w) {
        Warp& warp = warps[w];
        const bool warp_reset = reset || dispatch.core_reset[context(w)];
        const bool load = fetched && warp_scheduler.owns(w);
        if (!InstructionRegister::holds(warp_reset, load)) warp.instruction->evaluate(warp_reset, load, program.read_data);
        const CoreState state = warp.scheduler->q.state;
        if (!Decoder::holds(warp_reset, state)) warp.decoder->evaluate(warp_reset, state, warp.instruction->q.instruction);
    }
}

void Core::commit() {
    fetcher.commit();
    warp_scheduler.commit();
    if (tensor) tensor->commit();
    for (unsigned w = 0; w < warps.size(); ++w) {
        Warp& warp = warps[w];
        warp.instruction->commit();
        warp.decoder->commit();
        warp.scheduler->commit();
        // A slot none of whose units evaluated holds: its next state is its current one.
        committed_[w] = evaluated_[w];
        for (uint32_t rest = evaluated_[w]; rest != 0; rest &= rest - 1) {
            const unsigned t = static_cast<unsigned>(__builtin_ctz(rest));
            ThreadSlot& slot = warp.threads[t];
            slot.alu->commit();
            slot.lsu->commit();
            slot.registers->commit();
            slot.pc->commit();
            note_slot(w, t);
        }
        if (evaluated_[w] != 0) count_lsus(w);
    }
}

}  // namespace lockstep::gpu
