// Program counter unit (one per thread slot): NZP flags and this thread's next PC.
#pragma once

#include "gpu/decoder.h"
#include "common/bits.h"
#include "common/unit.h"

namespace lockstep::gpu {

struct PcState {
    uint8_t nzp = 0;
    uint32_t next_pc = 0;
};

class Pc : public Unit<PcState> {
public:
    Pc(const sc_core::sc_module_name& name, unsigned program_addr_bits)
        : Unit(name), mask_(mask_bits(program_addr_bits)) {}
    void evaluate(bool reset, bool enable, CoreState core_state, const DecodedInstruction& decoded,
                  uint32_t alu_out, uint32_t current_pc);
    // Out of reset, the slots of a warp whose PC unit changes at this edge, of its active ones
    // (as Alu::clocked()).
    static uint32_t clocked(uint32_t active, CoreState core_state, const DecodedInstruction& decoded) {
        return core_state == CoreState::Execute || (core_state == CoreState::Update && decoded.nzp_write) ? active : 0;
    }

private:
    uint32_t mask_;
};

}  // namespace lockstep::gpu
