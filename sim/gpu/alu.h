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
    // evaluate() would keep the state as it is (the core then skips it: clock gating).
    static bool holds(bool reset, bool enable, CoreState core_state) {
        return !reset && (!enable || core_state != CoreState::Execute);
    }

private:
    uint32_t mask_;
};

}  // namespace lockstep::gpu
