// Scheduler: steps a core through FETCH..UPDATE per instruction; all active threads in
// lock-step. With divergence it keeps the reconvergence stack (docs/architecture.md,
// "Branch divergence"); without it different next PCs stop the core (diverged).
#pragma once

#include "gpu/gpu_types.h"
#include "common/unit.h"

#include <cstdint>
#include <vector>

namespace lockstep::gpu {

// Its registers but the stack, which changes on few edges and is copied only then.
struct SchedulerFlops {
    CoreState state = CoreState::Idle;
    uint32_t pc = 0;
    bool done = false;
    bool diverged = false;         // enabled threads chose different next PCs (no divergence support)
    uint32_t sp = 0;               // stack entries in use
    bool overflow = false;         // a divergent branch needed more than stack_depth entries
};

struct SchedulerState : SchedulerFlops {
    std::vector<StackEntry> stack; // stack_depth entries; entries at and above sp keep old values
};

class Scheduler : public Unit<SchedulerState> {
public:
    Scheduler(const sc_core::sc_module_name& name, unsigned stack_depth, unsigned program_addr_bits);

    // The lanes that run the current instruction: enabled ones, narrowed by the stack's top.
    uint32_t active(uint32_t enabled) const {
        return q.sp == 0 ? enabled : enabled & q.stack[q.sp - 1].mask;
    }

    // `fetcher`: the core's fetcher state as this warp sees it (StIdle unless it owns the front
    // end); `lsu_busy`: some active LSU is requesting or waiting, or the tensor core is busy;
    // `may_issue`: it owns the front end or is granted it at this edge (docs/architecture.md,
    // "Warps"; always with one warp a core); `enabled`: the block's lanes (bit t = slot t);
    // `next_pcs`: every slot's next PC; `reconv`: its instruction's reconvergence field.
    void evaluate(bool reset, bool start, FetcherState fetcher, bool ret, bool lsu_busy, bool may_issue,
                  uint32_t enabled, const std::vector<uint32_t>& next_pcs, uint32_t reconv);
    // evaluate() with these inputs would keep the state as it is (the core then skips it: clock
    // gating). Only after a commit, when the next state still equals the current one.
    bool holds(bool reset, bool start, FetcherState fetcher, bool lsu_busy, bool may_issue) const {
        if (reset) return false;
        switch (q.state) {
        case CoreState::Idle: return !start;
        case CoreState::Fetch: return fetcher != FetcherState::Fetched;
        case CoreState::Wait: return lsu_busy || !may_issue;
        case CoreState::Done: return true;
        default: return false;
        }
    }
    // After evaluate(): the state it moves to at the edge.
    CoreState next_state() const { return d_.state; }
    // The edge: the stack is copied only when evaluate() changed it (between edges d_ equals q).
    void commit() {
        static_cast<SchedulerFlops&>(q) = d_;
        if (stack_changed_) q.stack = d_.stack;
        stack_changed_ = false;
    }

private:
    std::vector<StackEntry>& next_stack() {   // d_.stack, to change
        stack_changed_ = true;
        return d_.stack;
    }
    void update_uniform(uint32_t enabled, const std::vector<uint32_t>& next_pcs);
    void update_stack(bool ret, const std::vector<uint32_t>& next_pcs, uint32_t reconv);
    void push(const StackEntry& entry);
    void settle();

    unsigned depth_;
    uint32_t pc_mask_;
    bool stack_changed_ = false;   // d_.stack differs from q.stack
};

}  // namespace lockstep::gpu
