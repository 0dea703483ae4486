#include "gpu/alu.h"

namespace lockstep::gpu {

void Alu::evaluate(bool reset, bool enable, CoreState core_state, const DecodedInstruction& decoded,
                   uint32_t rs, uint32_t rt) {
    d_ = q;
    if (reset) {
        d_ = AluState{};
        return;
    }
    if (!enable || core_state != CoreState::Execute) return;
    if (decoded.alu_cmp) {   // unsigned compare; bit 2 = N (rs < rt), 1 = Z, 0 = P
        d_.out = (rs < rt ? 4u : 0u) | (rs == rt ? 2u : 0u) | (rs > rt ? 1u : 0u);
        return;
    }
    switch (decoded.alu_op) {
    case AluOp::Add: d_.out = (rs + rt) & mask_; break;
    case AluOp::Sub: d_.out = (rs - rt) & mask_; break;
    case AluOp::Mul: d_.out = (rs * rt) & mask_; break;
    case AluOp::Div: d_.out = rt == 0 ? mask_ : rs / rt; break;   // x / 0 = all ones, as RISC-V
    }
}

}  // namespace lockstep::gpu
