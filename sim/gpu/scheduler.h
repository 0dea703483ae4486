// Scheduler: steps a core through FETCH..UPDATE per instruction; all threads in lock-step.
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
    bool diverged = false;         // enabled threads chose different next PCs
};

class Scheduler : public Unit<SchedulerState> {
public:
    explicit Scheduler(const sc_core::sc_module_name& name) : Unit(name) {}
    // `lsu_busy`: some enabled LSU is requesting or waiting, or the tensor core is busy;
    // `next_pcs`: enabled threads' next PC.
    void evaluate(bool reset, bool start, FetcherState fetcher, bool ret, bool lsu_busy,
                  const std::vector<uint32_t>& next_pcs);
};

}  // namespace lockstep::gpu
