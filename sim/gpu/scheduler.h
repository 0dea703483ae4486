// Scheduler: steps a core through FETCH..UPDATE per instruction; all active threads in
// lock-step. With divergence it keeps the reconvergence stack (docs/architecture.md,
// "Branch divergence"); without it different next PCs stop the core (diverged).
#pragma once

#include "gpu/gpu_types.h"
#include "common/unit.h"

#include <cstdint>
#include <vector>

namespace lockstep::gpu {

struct SchedulerState {
    CoreState state = CoreState::Idle;
    uint32_t pc = 0;
    bool done = false;
    bool diverged = false;         // enabled threads chose different next PCs (no divergence support)
    std::vector<StackEntry> stack; // stack_depth entries; entries at and above sp keep old values
    uint32_t sp = 0;               // entries in use
    bool overflow = false;         // a divergent branch needed more than stack_depth entries
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
    // After evaluate(): the state it moves to at the edge.
    CoreState next_state() const { return d_.state; }

private:
    void update_uniform(uint32_t enabled, const std::vector<uint32_t>& next_pcs);
    void update_stack(bool ret, const std::vector<uint32_t>& next_pcs, uint32_t reconv);
    void push(const StackEntry& entry);
    void settle();

    unsigned depth_;
    uint32_t pc_mask_;
};

}  // namespace lockstep::gpu
