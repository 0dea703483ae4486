#include "gpu/scheduler.h"

#include <algorithm>

namespace lockstep::gpu {

void Scheduler::evaluate(bool reset, bool start, FetcherState fetcher, bool ret, bool lsu_busy,
                         const std::vector<uint32_t>& next_pcs) {
    d_ = q;
    if (reset) {
        d_ = SchedulerState{};
        return;
    }
    switch (q.state) {
    case CoreState::Idle:
        if (start) d_.state = CoreState::Fetch;
        break;
    case CoreState::Fetch:
        if (fetcher == FetcherState::Fetched) d_.state = CoreState::Decode;
        break;
    case CoreState::Decode: d_.state = CoreState::Request; break;
    case CoreState::Request: d_.state = CoreState::Wait; break;
    case CoreState::Wait:
        if (!lsu_busy) d_.state = CoreState::Execute;
        break;
    case CoreState::Execute: d_.state = CoreState::Update; break;
    case CoreState::Update:
        if (ret) {
            d_.done = true;
            d_.state = CoreState::Done;
        } else if (std::all_of(next_pcs.begin(), next_pcs.end(),
                               [&](uint32_t pc) { return pc == next_pcs.front(); })) {
            d_.pc = next_pcs.front();
            d_.state = CoreState::Fetch;
        } else {
            d_.diverged = true;
            d_.state = CoreState::Done;
        }
        break;
    case CoreState::Done: break;
    }
}

}  // namespace lockstep::gpu
