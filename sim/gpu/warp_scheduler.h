// Warp scheduler (per core): gives the core's front end (fetcher and issue stages) to one
// resident warp at a time (docs/architecture.md, "Warps").
#pragma once

#include "common/unit.h"
#include "gpu/gpu_types.h"

#include <cstdint>
#include <vector>

namespace lockstep::gpu {

struct WarpSchedulerState {
    bool owner_valid = false;
    uint32_t owner = 0;
    uint32_t last = 0;             // the warp granted last (round robin starts after it)
};

// What the warp scheduler reads of warp w before the edge.
struct WarpRequest {
    bool in_reset = false;         // its context is held in reset
    CoreState state = CoreState::Idle;
    bool start = false;            // its context has a block
    bool memory_op = false;        // its decoded instruction is an LDR or STR
    bool lanes_busy = false;       // an active lane's LSU is requesting or waiting
    bool to_fetch = false;         // in StUpdate, its UPDATE goes on to StFetch
    uint32_t block_id = 0;         // the oldest warp has the lowest block
};

class WarpScheduler : public Unit<WarpSchedulerState> {
public:
    enum class Policy { RoundRobin, GreedyThenOldest };
    WarpScheduler(const sc_core::sc_module_name& name, unsigned warps, Policy policy);

    bool owns(unsigned w) const { return q.owner_valid && q.owner == w; }
    // Out of reset, the owner keeps the front end at this edge, given its state and whether its
    // instruction is an LDR or STR: evaluate() would return -1 and change nothing (the core then
    // skips it, and builds no requests for it).
    bool keeps(CoreState owner_state, bool owner_memory_op) const {
        return q.owner_valid &&
               !(owner_state == CoreState::Update || (owner_state == CoreState::Request && owner_memory_op));
    }
    // Chooses this edge's owner; returns the granted warp, or -1.
    int evaluate(bool reset, const std::vector<WarpRequest>& warps);

private:
    bool eligible(unsigned w, const WarpRequest& r) const;
    unsigned warps_;
    Policy policy_;
};

}  // namespace lockstep::gpu
