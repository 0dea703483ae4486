#include "gpu/pc.h"

namespace lockstep::gpu {

void Pc::evaluate(bool reset, bool enable, CoreState core_state, const DecodedInstruction& decoded,
                  uint32_t alu_out, uint32_t current_pc) {
    d_ = q;
    if (reset) {
        d_ = PcState{};
        return;
    }
    if (!enable) return;
    if (core_state == CoreState::Execute) {
        const bool taken = decoded.pc_branch && (q.nzp & decoded.nzp) != 0;
        d_.next_pc = (taken ? decoded.imm : current_pc + 1) & mask_;
    }
    if (core_state == CoreState::Update && decoded.nzp_write) d_.nzp = alu_out & 0x7;
}

}  // namespace lockstep::gpu
