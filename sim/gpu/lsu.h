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
    // Out of reset, the slots of a warp whose LSU changes at this edge, of its active ones (as
    // Alu::clocked()); `busy`: the slots whose LSU is requesting or waiting, `done`: those in DONE
    // (the others are idle).
    static uint32_t clocked(uint32_t active, CoreState core_state, const DecodedInstruction& decoded, uint32_t busy,
                            uint32_t done) {
        if (!(decoded.mem_read || decoded.mem_write)) return 0;
        uint32_t moving = busy;   // an idle LSU moves in REQUEST, a done one in UPDATE
        if (core_state == CoreState::Request) moving |= ~(busy | done);
        if (core_state == CoreState::Update) moving |= done;
        return active & moving;
    }
};

}  // namespace lockstep::gpu
