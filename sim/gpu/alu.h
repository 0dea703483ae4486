// ALU (one per thread slot): arithmetic and compare on rs/rt in StExecute.
#pragma once

#include "gpu/decoder.h"
#include "common/bits.h"
#include "common/unit.h"

namespace lockstep::gpu {

struct AluState {
    uint32_t out = 0;
};

class Alu : public Unit<AluState> {
public:
    Alu(const sc_core::sc_module_name& name, unsigned data_bits) : Unit(name), mask_(mask_bits(data_bits)) {}
    void evaluate(bool reset, bool enable, CoreState core_state, const DecodedInstruction& decoded,
                  uint32_t rs, uint32_t rt);
    // Out of reset, the slots of a warp whose ALU changes at this edge, of its active ones
    // (bit t = slot t): evaluate() would keep every other's state as it is, and the core skips
    // them (clock gating).
    static uint32_t clocked(uint32_t active, CoreState core_state) {
        return core_state == CoreState::Execute ? active : 0;
    }

private:
    uint32_t mask_;
};

}  // namespace lockstep::gpu
