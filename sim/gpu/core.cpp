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
      index_(index), cores_(config.cores), tpb_(config.threads_per_block), warp_count_(config.warps_per_core) {
    warps.resize(config.warps_per_core);
    for (unsigned w = 0; w < warp_count_; ++w) {
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
    notes_.assign(warps.size(), WarpNotes{});
}

void Core::SlotSummary::note_lsu(LsuState lsu, unsigned t) {
    const uint32_t keep = ~(1u << t);
    lsu_busy = (lsu_busy & keep) | static_cast<uint32_t>(gpu::lsu_busy(lsu)) << t;
    lsu_done = (lsu_done & keep) | static_cast<uint32_t>(lsu == LsuState::Done) << t;
    lsu_requesting = (lsu_requesting & keep) | static_cast<uint32_t>(lsu == LsuState::Requesting) << t;
}

void Core::SlotSummary::note(const ThreadSlot& slot, unsigned t) {
    note_lsu(slot.lsu->q.state, t);
    const uint32_t keep = ~(1u << t);
    block_stale = (block_stale & keep) | static_cast<uint32_t>(slot.registers->q.regs[isa::kBlockIdx] != block_at) << t;
}

void Core::SlotSummary::count_lsus() {
    lsu_busy_count = count_bits(lsu_busy);
    lsu_requesting_count = count_bits(lsu_requesting);
}

void Core::overwrite_register(unsigned warp, unsigned thread, unsigned reg, uint32_t value) {
    Registers& unit = *warps.at(warp).threads.at(thread).registers;
    RegisterFile regs = unit.q;
    regs.regs.at(reg) = value;
    unit.overwrite(regs);
    notes_[warp].slots.note(warps[warp].threads[thread], thread);
    notes_[warp].slots.count_lsus();
    notes_.at(warp).settled = false;   // a reset edge resets it again
}

void Core::evaluate(bool reset, const DispatcherState& dispatch, const MemResponse& program, const MemResponse* data,
                    const MemResponse& tile) {
    bool all_in_reset = true;
    const bool tensor_busy = tensor && tensor->busy();
    for (unsigned w = 0; w < warp_count_; ++w) {
        Warp& warp = warps[w];
        const unsigned x = context(w);
        const bool warp_reset = reset || dispatch.core_reset[x];
        all_in_reset = all_in_reset && warp_reset;
        const CoreState state = warp.scheduler->q.state;
        const DecodedInstruction& decoded = warp.decoder->q;
        const uint32_t enabled = lane_mask(dispatch.core_thread_count[x]);
        const uint32_t active = warp.scheduler->active(enabled);
        const uint32_t block_id = dispatch.core_block_id[x];
        SlotSummary& summary = notes_[w].slots;
        if (block_id != summary.block_at) {   // a new block: compare the slots' %blockIdx with it
            summary.block_at = block_id;
            for (unsigned t = 0; t < tpb_; ++t) summary.note(warp.threads[t], t);
            summary.count_lsus();
        }
        const bool lsu_busy = (summary.lsu_busy & active) != 0;   // an active LSU in flight
        // The units that change at this edge (the others hold: clock gating). A reset reaches
        // every slot, but a warp held in reset since an edge that reset its slots keeps them.
        Clocked& clocked = notes_[w].evaluated;
        if (warp_reset) {
            const uint32_t all = notes_[w].settled ? 0 : lane_mask(tpb_);
            clocked = {all, all, all, all, true};
        } else {
            clocked.alu = Alu::clocked(active, state);
            clocked.lsu = Lsu::clocked(active, state, decoded, summary.lsu_busy, summary.lsu_done);
            clocked.registers = Registers::clocked(active, state, summary.block_stale);
            clocked.pc = Pc::clocked(active, state, decoded);
            clocked.reset = false;
        }
        notes_[w].settled = warp_reset;
        for (uint32_t rest = clocked.any(); rest != 0; rest &= rest - 1) {
            const unsigned t = static_cast<unsigned>(__builtin_ctz(rest));
            const uint32_t bit = 1u << t;
            const ThreadSlot& slot = warp.threads[t];
            const bool enable = (active & bit) != 0;
            const RegisterFile& regs = slot.registers->q;
            if (clocked.alu & bit) slot.alu->evaluate(warp_reset, enable, state, decoded, regs.rs, regs.rt);
            if (clocked.lsu & bit) {
                slot.lsu->evaluate(warp_reset, enable, state, decoded, regs.rs, regs.rt, data[x * tpb_ + t]);
            }
            if (clocked.registers & bit) {
                slot.registers->evaluate(warp_reset, enable, block_id, state, decoded, slot.alu->q.out, slot.lsu->q.out);
            }
            if (clocked.pc & bit) slot.pc->evaluate(warp_reset, enable, state, decoded, slot.alu->q.out, warp.scheduler->q.pc);
        }
        notes_[w].lanes_busy = lsu_busy;
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
        const bool own = warp_scheduler.owns(w);
        const bool warp_reset = reset || dispatch.core_reset[x];
        const FetcherState seen = own ? fetcher.q.state : FetcherState::Idle;
        const bool busy = notes_[w].lanes_busy || (w == 0 && tensor_busy);
        // (The granted warp's second evaluation follows a first one of this edge.)
        if (!granted && warp.scheduler->holds(warp_reset, dispatch.core_start[x], seen, busy, own)) return;
        if (warp.scheduler->q.state == CoreState::Update) {   // the only state that reads them
            for (unsigned t = 0; t < tpb_; ++t) next_pcs_[t] = warp.threads[t].pc->q.next_pc;
        }
        warp.scheduler->evaluate(warp_reset, dispatch.core_start[x], seen, warp.decoder->q.ret, busy, own || granted,
                                 lane_mask(dispatch.core_thread_count[x]), next_pcs_, warp.instruction->q.reconv);
        notes_[w].front |= kScheduler;
    };
    for (unsigned w = 0; w < warp_count_; ++w) run_scheduler(w, false);
    const bool shared_reset = reset || all_in_reset;
    const auto memory_op = [](const Warp& warp) { return warp.decoder->q.mem_read || warp.decoder->q.mem_write; };
    int granted = -1;   // as the warp scheduler's evaluate() returns it when the owner keeps the front end
    const WarpSchedulerState& held = warp_scheduler.q;
    if (shared_reset || !held.owner_valid ||
        !warp_scheduler.keeps(warps[held.owner].scheduler->q.state, memory_op(warps[held.owner]))) {
        for (unsigned w = 0; w < warp_count_; ++w) {
            const Warp& warp = warps[w];
            const unsigned x = context(w);
            WarpRequest& r = requests_[w];
            r.in_reset = reset || dispatch.core_reset[x];
            r.state = warp.scheduler->q.state;
            r.start = dispatch.core_start[x];
            r.memory_op = memory_op(warp);
            r.lanes_busy = notes_[w].lanes_busy;
            r.to_fetch = r.state == CoreState::Update && warp.scheduler->next_state() == CoreState::Fetch;
            r.block_id = dispatch.core_block_id[x];
        }
        granted = warp_scheduler.evaluate(shared_reset, requests_);
        warp_scheduler_clocked_ = true;
    }
    if (granted >= 0 && warps[static_cast<unsigned>(granted)].scheduler->q.state == CoreState::Wait) {
        run_scheduler(static_cast<unsigned>(granted), true);
    }
    // The fetcher serves the warp that owns the front end and writes its instruction registers.
    const WarpSchedulerState& ws = warp_scheduler.q;
    const Scheduler* owner = ws.owner_valid ? warps[ws.owner].scheduler.get() : nullptr;
    const CoreState owner_state = owner ? owner->q.state : CoreState::Idle;
    if (!fetcher.holds(shared_reset, owner_state, program)) {
        fetcher.evaluate(shared_reset, owner_state, owner ? owner->q.pc : 0, program);
        fetcher_clocked_ = true;
    }
    const bool fetched = fetcher.q.state == FetcherState::Fetching && program.read_ready;
    for (unsigned w = 0; w < warp_count_; ++w) {
        Warp& warp = warps[w];
        const bool warp_reset = reset || dispatch.core_reset[context(w)];
        const bool load = fetched && warp_scheduler.owns(w);
        if (!InstructionRegister::holds(warp_reset, load)) {
            warp.instruction->evaluate(warp_reset, load, program.read_data);
            notes_[w].front |= kInstruction;
        }
        const CoreState state = warp.scheduler->q.state;
        if (!Decoder::holds(warp_reset, state)) {
            warp.decoder->evaluate(warp_reset, state, warp.instruction->q.instruction);
            notes_[w].front |= kDecoder;
        }
    }
}

void Core::commit() {
    // A unit that did not evaluate holds: its next state is its current one.
    if (fetcher_clocked_) fetcher.commit();
    if (warp_scheduler_clocked_) warp_scheduler.commit();
    fetcher_clocked_ = warp_scheduler_clocked_ = false;
    if (tensor) tensor->commit();
    for (unsigned w = 0; w < warp_count_; ++w) {
        Warp& warp = warps[w];
        const uint32_t front = notes_[w].front;
        notes_[w].front = 0;
        if (front & kInstruction) warp.instruction->commit();
        if (front & kDecoder) warp.decoder->commit();
        if (front & kScheduler) {
            const auto stopped = [](const SchedulerState& s) { return s.diverged || s.overflow ? 1u : 0u; };
            const unsigned was = stopped(warp.scheduler->q);
            warp.scheduler->commit();
            stopped_ = stopped_ - was + stopped(warp.scheduler->q);
        }
        const Clocked& clocked = notes_[w].committed = notes_[w].evaluated;
        SlotSummary& summary = notes_[w].slots;
        for (uint32_t rest = clocked.any(); rest != 0; rest &= rest - 1) {
            const unsigned t = static_cast<unsigned>(__builtin_ctz(rest));
            const uint32_t bit = 1u << t;
            ThreadSlot& slot = warp.threads[t];
            if (clocked.alu & bit) slot.alu->commit();
            if (clocked.lsu & bit) slot.lsu->commit();
            if (clocked.registers & bit) slot.registers->commit();
            if (clocked.pc & bit) slot.pc->commit();
            if (clocked.reset) {
                summary.note(slot, t);
            } else if (clocked.lsu & bit) {
                summary.note_lsu(slot.lsu->q.state, t);
            }
        }
        // Out of reset a register file that evaluated is enabled, and takes the block id.
        if (!clocked.reset) summary.block_stale &= ~clocked.registers;
        if (clocked.lsu != 0) summary.count_lsus();
    }
}

}  // namespace lockstep::gpu
