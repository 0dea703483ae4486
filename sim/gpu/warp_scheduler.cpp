#include "gpu/warp_scheduler.h"

namespace lockstep::gpu {

WarpScheduler::WarpScheduler(const sc_core::sc_module_name& name, unsigned warps, Policy policy)
    : Unit(name), warps_(warps), policy_(policy) {}

bool WarpScheduler::eligible(unsigned w, const WarpRequest& r) const {
    if (r.in_reset) return false;
    const bool own = owns(w);
    switch (r.state) {
    case CoreState::Idle: return r.start;                     // its first instruction
    case CoreState::Fetch: return !own;                       // waiting to fetch
    case CoreState::Update: return own && r.to_fetch;         // the owner goes on
    case CoreState::Wait: return !own && !r.lanes_busy;       // its load or store is done
    default: return false;
    }
}

int WarpScheduler::evaluate(bool reset, const std::vector<WarpRequest>& warps) {
    d_ = q;
    if (reset) {
        d_ = WarpSchedulerState{};
        return -1;
    }
    if (q.owner_valid && keeps(warps[q.owner].state, warps[q.owner].memory_op)) return -1;
    int pick = -1;
    if (policy_ == Policy::RoundRobin) {
        unsigned w = q.last;
        for (unsigned i = 1; i <= warps_ && pick < 0; ++i) {
            w = w + 1 == warps_ ? 0 : w + 1;   // (q.last + i) % warps_
            if (eligible(w, warps[w])) pick = static_cast<int>(w);
        }
    } else if (q.owner_valid && eligible(q.owner, warps[q.owner])) {
        pick = static_cast<int>(q.owner);
    } else {
        for (unsigned w = 0; w < warps_; ++w) {
            if (eligible(w, warps[w]) && (pick < 0 || warps[w].block_id < warps[static_cast<unsigned>(pick)].block_id)) {
                pick = static_cast<int>(w);
            }
        }
    }
    if (pick < 0) {
        d_.owner_valid = false;
        return -1;
    }
    d_.owner_valid = true;
    d_.owner = d_.last = static_cast<uint32_t>(pick);
    return pick;
}

}  // namespace lockstep::gpu
