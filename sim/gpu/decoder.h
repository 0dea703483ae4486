// Decoder: turns the fetched instruction into fields and control bits (in StDecode).
#pragma once

#include "gpu/gpu_types.h"
#include "common/unit.h"

#include <cstdint>

namespace lockstep::gpu {

struct DecodedInstruction {
    uint8_t rd = 0, rs = 0, rt = 0;
    uint8_t nzp = 0;              // branch condition, instr[11:9]
    uint8_t imm = 0;              // instr[7:0]
    bool reg_write = false;       // writes rd in StUpdate
    bool mem_read = false;        // LDR
    bool mem_write = false;       // STR
    bool nzp_write = false;       // CMP
    RegInput reg_input = RegInput::Alu;   // what UPDATE writes into rd
    AluOp alu_op = AluOp::Add;
    bool alu_cmp = false;         // ALU produces NZP bits
    bool pc_branch = false;       // BRnzp
    bool ret = false;             // RET
    TcOp tc_op = TcOp::None;      // a tile instruction, for the tensor core
};

class Decoder : public Unit<DecodedInstruction> {
public:
    explicit Decoder(const sc_core::sc_module_name& name) : Unit(name) {}
    void evaluate(bool reset, CoreState core_state, uint16_t instruction);
    // evaluate() would keep the state as it is (the core then skips it: clock gating).
    static bool holds(bool reset, CoreState core_state) { return !reset && core_state != CoreState::Decode; }
};

}  // namespace lockstep::gpu
