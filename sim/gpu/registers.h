// Register file (one per thread slot): R0..R12 free, R13..R15 = %blockIdx, %blockDim, %threadIdx.
#pragma once

#include "gpu/decoder.h"
#include "gpu/gpu_types.h"
#include "common/unit.h"

#include <array>

namespace lockstep::gpu {

struct RegisterFile {
    std::array<uint32_t, kRegisters> regs{};
    uint32_t rs = 0, rt = 0;       // operands read in StRequest
};

class Registers : public Unit<RegisterFile> {
public:
    Registers(const sc_core::sc_module_name& name, unsigned threads_per_block, unsigned slot);
    void evaluate(bool reset, bool enable, uint32_t block_id, CoreState core_state,
                  const DecodedInstruction& decoded, uint32_t alu_out, uint32_t lsu_out);
    // Out of reset, the slots of a warp whose register file changes at this edge, of its active
    // ones (as Alu::clocked()); `stale`: the slots whose %blockIdx is not the block id they are given.
    static uint32_t clocked(uint32_t active, CoreState core_state, uint32_t stale) {
        return core_state == CoreState::Request || core_state == CoreState::Update ? active : active & stale;
    }

private:
    RegisterFile reset_state_;
};

}  // namespace lockstep::gpu
