// Register file (per thread slot): R0..R12 writable, R13 = blockIdx, R14 = blockDim,
// R15 = threadIdx. Clocked only when enabled: a disabled slot holds its registers.
module registers import gpu_pkg::*; #(
  // Thread slots per core (the value of R14).
  parameter int unsigned ThreadsPerBlock = 4,
  // This slot's index within its core (the value of R15).
  parameter int unsigned ThreadIdx = 0,
  // Register width.
  parameter int unsigned DataBits = 8
) (
  input  logic                      clk_i,
  input  logic                      reset_i,
  input  logic                      enable_i,
  input  core_state_e               core_state_i,
  input  logic [7:0]                block_id_i,
  // Decoder fields and control bits.
  input  logic [3:0]                rd_i,
  input  logic [3:0]                rs_i,
  input  logic [3:0]                rt_i,
  input  logic [7:0]                imm_i,
  input  logic                      reg_write_i,
  input  logic [1:0]                reg_input_i,
  // Write-back sources.
  input  logic [DataBits-1:0]       alu_out_i,
  input  logic [DataBits-1:0]       lsu_out_i,
  output logic [DataBits-1:0]       rs_o,
  output logic [DataBits-1:0]       rt_o,
  output logic [15:0][DataBits-1:0] regs_o
);

  // R15 = ThreadIdx, R14 = ThreadsPerBlock, R0..R13 = 0.
  localparam logic [15:0][DataBits-1:0] RegsReset =
      {DataBits'(ThreadIdx), DataBits'(ThreadsPerBlock), {14{DataBits'(0)}}};

  logic [15:0][DataBits-1:0] regs_d, regs_q;
  logic [DataBits-1:0]       rs_d, rs_q;
  logic [DataBits-1:0]       rt_d, rt_q;

  always_comb begin
    regs_d = regs_q;
    rs_d   = rs_q;
    rt_d   = rt_q;
    if (enable_i) begin
      regs_d[RegBlockIdx] = DataBits'(block_id_i);
      if (core_state_i == CoreRequest) begin
        rs_d = regs_q[rs_i];
        rt_d = regs_q[rt_i];
      end
      if (core_state_i == CoreUpdate && reg_write_i && rd_i < RegBlockIdx) begin
        unique case (reg_input_i)
          RegInputAlu:   regs_d[rd_i] = alu_out_i;
          RegInputLsu:   regs_d[rd_i] = lsu_out_i;
          RegInputConst: regs_d[rd_i] = DataBits'(imm_i);
          default:       regs_d[rd_i] = regs_q[rd_i];
        endcase
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      regs_q <= RegsReset;
      rs_q   <= '0;
      rt_q   <= '0;
    end else begin
      regs_q <= regs_d;
      rs_q   <= rs_d;
      rt_q   <= rt_d;
    end
  end

  assign rs_o   = rs_q;
  assign rt_o   = rt_q;
  assign regs_o = regs_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // A thread never writes R13..R15: R14 and R15 keep their reset values, and R13 only takes
  // the block id (every enabled edge).
  RegistersReadOnlyKept: assert property (@(posedge clk_i) disable iff (reset_i)
      regs_d[15] == regs_q[15] && regs_d[14] == regs_q[14]
      && regs_d[RegBlockIdx] == (enable_i ? DataBits'(block_id_i) : regs_q[RegBlockIdx]))
    else $error("a read-only register changed: R13 %0d -> %0d, R14 %0d -> %0d, R15 %0d -> %0d",
                regs_q[13], regs_d[13], regs_q[14], regs_d[14], regs_q[15], regs_d[15]);

endmodule
