// Per-thread next-PC unit: NZP flags and the branch decision.
// Clocked only when enabled: a disabled slot holds its state.
module pc import gpu_pkg::*; #(
  // Program-counter width.
  parameter int unsigned ProgramAddrBits = 8
) (
  input  logic                       clk_i,
  input  logic                       reset_i,
  input  logic                       enable_i,
  input  core_state_e                core_state_i,
  input  logic [ProgramAddrBits-1:0] pc_i,
  // Decoder fields and control bits.
  input  logic [2:0]                 nzp_i,
  // Branch target: imm8 truncated to ProgramAddrBits.
  input  logic [ProgramAddrBits-1:0] imm_i,
  input  logic                       nzp_write_i,
  input  logic                       pc_branch_i,
  // ALU out_q[2:0]: the CMP result.
  input  logic [2:0]                 alu_nzp_i,
  output logic [2:0]                 nzp_o,
  output logic [ProgramAddrBits-1:0] next_pc_o
);

  logic [2:0]                 nzp_d, nzp_q;
  logic [ProgramAddrBits-1:0] next_pc_d, next_pc_q;

  always_comb begin
    nzp_d     = nzp_q;
    next_pc_d = next_pc_q;
    if (enable_i) begin
      if (core_state_i == CoreExecute) begin
        if (pc_branch_i && (nzp_q & nzp_i) != 3'b000) begin
          next_pc_d = imm_i;
        end else begin
          next_pc_d = pc_i + ProgramAddrBits'(1);
        end
      end
      if (core_state_i == CoreUpdate && nzp_write_i) begin
        nzp_d = alu_nzp_i;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      nzp_q     <= 3'd0;
      next_pc_q <= '0;
    end else begin
      nzp_q     <= nzp_d;
      next_pc_q <= next_pc_d;
    end
  end

  assign nzp_o     = nzp_q;
  assign next_pc_o = next_pc_q;

endmodule
