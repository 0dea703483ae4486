// Load-store unit (one per thread slot): one memory request per LDR/STR, then waits.
#pragma once

#include "common/memory.h"
#include "gpu/decoder.h"
#include "common/unit.h"

namespace lockstep::gpu {

struct LsuRegs {
    LsuState state = LsuState::Idle;
    uint32_t out = 0;              // loaded word
    MemRequest request;            // towards the data-memory controller
};

class Lsu : public Unit<LsuRegs> {
public:
    explicit Lsu(const sc_core::sc_module_name& name) : Unit(name) {}
    void evaluate(bool reset, bool enable, CoreState core_state, const DecodedInstruction& decoded,
                  uint32_t rs, uint32_t rt, const MemResponse& memory);
    // evaluate() would keep the state as it is (the core then skips it: clock gating).
    bool holds(bool reset, bool enable, CoreState core_state, const DecodedInstruction& decoded) const {
        return !reset && (!enable || !(decoded.mem_read || decoded.mem_write) ||
                          (q.state == LsuState::Idle && core_state != CoreState::Request) ||
                          (q.state == LsuState::Done && core_state != CoreState::Update));
    }
};

}  // namespace lockstep::gpu
