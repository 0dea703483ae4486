#include "gpu/registers.h"

#include "common/isa.h"

namespace lockstep::gpu {

Registers::Registers(const sc_core::sc_module_name& name, unsigned threads_per_block, unsigned slot)
    : Unit(name) {
    reset_state_.regs[isa::kBlockDim] = threads_per_block;
    reset_state_.regs[isa::kThreadIdx] = slot;
    q = d_ = reset_state_;
}

void Registers::evaluate(bool reset, bool enable, uint32_t block_id, CoreState core_state,
                         const DecodedInstruction& decoded, uint32_t alu_out, uint32_t lsu_out) {
    d_ = q;
    if (reset) {
        d_ = reset_state_;
        return;
    }
    if (!enable) return;
    d_.regs[isa::kBlockIdx] = block_id;
    if (core_state == CoreState::Request) {
        d_.rs = q.regs[decoded.rs];
        d_.rt = q.regs[decoded.rt];
    }
    if (core_state == CoreState::Update && decoded.reg_write && decoded.rd < isa::kFirstReadOnly) {
        switch (decoded.reg_input) {
        case RegInput::Alu: d_.regs[decoded.rd] = alu_out; break;
        case RegInput::Lsu: d_.regs[decoded.rd] = lsu_out; break;
        case RegInput::Const: d_.regs[decoded.rd] = decoded.imm; break;
        }
    }
}

}  // namespace lockstep::gpu
