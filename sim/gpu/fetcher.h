// Fetcher: reads the instruction at the PC of the warp that owns the core's front end through
// the program-memory controller; the word goes into that warp's instruction registers (core.h).
#pragma once

#include "common/memory.h"
#include "gpu/gpu_types.h"
#include "common/unit.h"

namespace lockstep::gpu {

struct FetcherRegs {
    FetcherState state = FetcherState::Idle;
    bool read_valid = false;
    uint32_t read_address = 0;
};

class Fetcher : public Unit<FetcherRegs> {
public:
    explicit Fetcher(const sc_core::sc_module_name& name) : Unit(name) {}
    void evaluate(bool reset, CoreState core_state, uint32_t pc, const MemResponse& memory);
    // evaluate() would keep the state as it is (the core then skips it: clock gating).
    bool holds(bool reset, CoreState core_state, const MemResponse& memory) const {
        switch (q.state) {
        case FetcherState::Idle: return !reset && core_state != CoreState::Fetch;
        case FetcherState::Fetching: return !reset && !memory.read_ready;
        case FetcherState::Fetched: return !reset && core_state != CoreState::Decode;
        }
        return false;
    }
};

}  // namespace lockstep::gpu
