// Fetcher: reads the instruction at the core's PC through the program-memory controller.
#pragma once

#include "common/memory.h"
#include "gpu/gpu_types.h"
#include "common/unit.h"

namespace lockstep::gpu {

struct FetcherRegs {
    FetcherState state = FetcherState::Idle;
    bool read_valid = false;
    uint32_t read_address = 0;
    uint16_t instruction = 0;
    uint32_t reconv = 0;           // the word's reconvergence field (divergence; 0 without it)
};

class Fetcher : public Unit<FetcherRegs> {
public:
    explicit Fetcher(const sc_core::sc_module_name& name) : Unit(name) {}
    void evaluate(bool reset, CoreState core_state, uint32_t pc, const MemResponse& memory);
};

}  // namespace lockstep::gpu
