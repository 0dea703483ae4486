#include "gpu/decoder.h"

#include "common/isa.h"

namespace lockstep::gpu {

void Decoder::evaluate(bool reset, CoreState core_state, uint16_t instruction) {
    d_ = q;
    if (reset) {
        d_ = DecodedInstruction{};
        return;
    }
    if (core_state != CoreState::Decode) return;
    DecodedInstruction out;
    out.rd = (instruction >> 8) & 0xF;
    out.rs = (instruction >> 4) & 0xF;
    out.rt = instruction & 0xF;
    out.imm = instruction & 0xFF;
    out.nzp = (instruction >> 9) & 0x7;
    using isa::Opcode;
    switch (static_cast<Opcode>(instruction >> 12)) {
    case Opcode::Br: out.pc_branch = true; break;
    case Opcode::Cmp: out.alu_cmp = true; out.nzp_write = true; break;
    case Opcode::Add: out.reg_write = true; out.alu_op = AluOp::Add; break;
    case Opcode::Sub: out.reg_write = true; out.alu_op = AluOp::Sub; break;
    case Opcode::Mul: out.reg_write = true; out.alu_op = AluOp::Mul; break;
    case Opcode::Div: out.reg_write = true; out.alu_op = AluOp::Div; break;
    case Opcode::Ldr: out.reg_write = true; out.reg_input = RegInput::Lsu; out.mem_read = true; break;
    case Opcode::Str: out.mem_write = true; break;
    case Opcode::Const: out.reg_write = true; out.reg_input = RegInput::Const; break;
    case Opcode::Ret: out.ret = true; break;
    case Opcode::Tlda: out.tc_op = TcOp::Lda; break;
    case Opcode::Tldb: out.tc_op = TcOp::Ldb; break;
    case Opcode::Tmma: out.tc_op = TcOp::Mma; break;
    case Opcode::Tstc: out.tc_op = TcOp::Stc; break;
    case Opcode::Tclr: out.tc_op = TcOp::Clr; break;
    default: break;   // NOP does nothing
    }
    d_ = out;
}

}  // namespace lockstep::gpu
