// ALU (per thread slot): computes every StExecute, whatever the instruction.
// Clocked only when enabled: a disabled slot holds out_q.
module alu import gpu_pkg::*; #(
  // Data word width.
  parameter int unsigned DataBits = 8
) (
  input  logic                clk_i,
  input  logic                reset_i,
  input  logic                enable_i,
  input  core_state_e         core_state_i,
  input  logic [1:0]          alu_op_i,
  input  logic                alu_cmp_i,
  input  logic [DataBits-1:0] rs_i,
  input  logic [DataBits-1:0] rt_i,
  output logic [DataBits-1:0] out_o
);

  logic [DataBits-1:0] out_d, out_q;

  always_comb begin
    out_d = out_q;
    if (enable_i && core_state_i == CoreExecute) begin
      if (alu_cmp_i) begin
        out_d = {{(DataBits - 3){1'b0}}, rs_i < rt_i, rs_i == rt_i, rs_i > rt_i};
      end else begin
        unique case (alu_op_i)
          AluAdd:  out_d = rs_i + rt_i;
          AluSub:  out_d = rs_i - rt_i;
          AluMul:  out_d = rs_i * rt_i;
          AluDiv:  out_d = (rt_i == '0) ? '1 : rs_i / rt_i;
          default: out_d = out_q;
        endcase
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      out_q <= '0;
    end else begin
      out_q <= out_d;
    end
  end

  assign out_o = out_q;

endmodule
