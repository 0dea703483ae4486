// Compute core: fetcher, decoder and scheduler shared by ThreadsPerBlock thread slots,
// each with its own ALU, LSU, register file and PC unit. No state of its own.
// Slot t is enabled when t < thread_count_i.
module core import gpu_pkg::*; #(
  // Thread slots per core.
  parameter int unsigned ThreadsPerBlock = 4,
  // Data word, register and data-address width.
  parameter int unsigned DataBits = 8,
  // Program-counter width.
  parameter int unsigned ProgramAddrBits = 8,
  // Width of a per-core thread count.
  localparam int unsigned CountBits = $clog2(ThreadsPerBlock) + 1
) (
  input  logic                                              clk_i,
  input  logic                                              reset_i,
  input  logic                                              start_i,
  input  logic [7:0]                                        block_id_i,
  input  logic [CountBits-1:0]                              thread_count_i,
  output logic                                              done_o,
  // Program-memory controller port.
  output logic                                              prog_read_valid_o,
  output logic [ProgramAddrBits-1:0]                        prog_read_address_o,
  input  logic                                              prog_read_ready_i,
  input  logic [15:0]                                       prog_read_data_i,
  // Data-memory ports, one per thread slot.
  output logic [ThreadsPerBlock-1:0]                        data_read_valid_o,
  output logic [ThreadsPerBlock-1:0][DataBits-1:0]          data_read_address_o,
  input  logic [ThreadsPerBlock-1:0]                        data_read_ready_i,
  input  logic [ThreadsPerBlock-1:0][DataBits-1:0]          data_read_data_i,
  output logic [ThreadsPerBlock-1:0]                        data_write_valid_o,
  output logic [ThreadsPerBlock-1:0][DataBits-1:0]          data_write_address_o,
  output logic [ThreadsPerBlock-1:0][DataBits-1:0]          data_write_data_o,
  input  logic [ThreadsPerBlock-1:0]                        data_write_ready_i,
  // Observation.
  output logic [2:0]                                        dbg_state_o,
  output logic [ProgramAddrBits-1:0]                        dbg_pc_o,
  output logic                                              dbg_diverged_o,
  output logic [1:0]                                        dbg_fetcher_state_o,
  output logic [15:0]                                       dbg_instruction_o,
  output logic [ThreadsPerBlock-1:0][1:0]                   dbg_lsu_state_o,
  output logic [ThreadsPerBlock-1:0][DataBits-1:0]          dbg_lsu_out_o,
  output logic [ThreadsPerBlock-1:0][DataBits-1:0]          dbg_alu_out_o,
  output logic [ThreadsPerBlock-1:0][2:0]                   dbg_nzp_o,
  output logic [ThreadsPerBlock-1:0][ProgramAddrBits-1:0]   dbg_next_pc_o,
  output logic [ThreadsPerBlock*16-1:0][DataBits-1:0]       dbg_regs_o
);

  core_state_e                core_state;
  logic [ProgramAddrBits-1:0] core_pc;
  fetcher_state_e             fetcher_state;
  logic [15:0]                instruction;

  // Decoder outputs.
  logic [3:0] rd, rs, rt;
  logic [2:0] nzp;
  logic [7:0] imm;
  logic       reg_write, mem_read, mem_write, nzp_write, alu_cmp, pc_branch, ret;
  logic [1:0] reg_input, alu_op;

  // Per thread slot.
  logic [ThreadsPerBlock-1:0]                      thread_enable;
  lsu_state_e [ThreadsPerBlock-1:0]                lsu_state;
  logic [ThreadsPerBlock-1:0][DataBits-1:0]        lsu_out;
  logic [ThreadsPerBlock-1:0][DataBits-1:0]        alu_out;
  logic [ThreadsPerBlock-1:0][DataBits-1:0]        reg_rs;
  logic [ThreadsPerBlock-1:0][DataBits-1:0]        reg_rt;
  logic [ThreadsPerBlock-1:0][ProgramAddrBits-1:0] next_pc;

  fetcher #(
    .ProgramAddrBits(ProgramAddrBits)
  ) u_fetcher (
    .clk_i,
    .reset_i,
    .core_state_i      (core_state),
    .pc_i              (core_pc),
    .mem_read_valid_o  (prog_read_valid_o),
    .mem_read_address_o(prog_read_address_o),
    .mem_read_ready_i  (prog_read_ready_i),
    .mem_read_data_i   (prog_read_data_i),
    .state_o           (fetcher_state),
    .instruction_o     (instruction)
  );

  decoder u_decoder (
    .clk_i,
    .reset_i,
    .core_state_i (core_state),
    .instruction_i(instruction),
    .rd_o         (rd),
    .rs_o         (rs),
    .rt_o         (rt),
    .nzp_o        (nzp),
    .imm_o        (imm),
    .reg_write_o  (reg_write),
    .mem_read_o   (mem_read),
    .mem_write_o  (mem_write),
    .nzp_write_o  (nzp_write),
    .reg_input_o  (reg_input),
    .alu_op_o     (alu_op),
    .alu_cmp_o    (alu_cmp),
    .pc_branch_o  (pc_branch),
    .ret_o        (ret)
  );

  scheduler #(
    .ThreadsPerBlock(ThreadsPerBlock),
    .ProgramAddrBits(ProgramAddrBits)
  ) u_scheduler (
    .clk_i,
    .reset_i,
    .start_i,
    .fetcher_state_i(fetcher_state),
    .ret_i          (ret),
    .thread_enable_i(thread_enable),
    .lsu_state_i    (lsu_state),
    .next_pc_i      (next_pc),
    .state_o        (core_state),
    .pc_o           (core_pc),
    .done_o,
    .diverged_o     (dbg_diverged_o)
  );

  for (genvar t = 0; t < ThreadsPerBlock; t++) begin : g_thread
    assign thread_enable[t] = CountBits'(t) < thread_count_i;

    alu #(
      .DataBits(DataBits)
    ) u_alu (
      .clk_i,
      .reset_i,
      .enable_i    (thread_enable[t]),
      .core_state_i(core_state),
      .alu_op_i    (alu_op),
      .alu_cmp_i   (alu_cmp),
      .rs_i        (reg_rs[t]),
      .rt_i        (reg_rt[t]),
      .out_o       (alu_out[t])
    );

    lsu #(
      .DataBits(DataBits)
    ) u_lsu (
      .clk_i,
      .reset_i,
      .enable_i           (thread_enable[t]),
      .core_state_i       (core_state),
      .mem_read_i         (mem_read),
      .mem_write_i        (mem_write),
      .rs_i               (reg_rs[t]),
      .rt_i               (reg_rt[t]),
      .mem_read_valid_o   (data_read_valid_o[t]),
      .mem_read_address_o (data_read_address_o[t]),
      .mem_read_ready_i   (data_read_ready_i[t]),
      .mem_read_data_i    (data_read_data_i[t]),
      .mem_write_valid_o  (data_write_valid_o[t]),
      .mem_write_address_o(data_write_address_o[t]),
      .mem_write_data_o   (data_write_data_o[t]),
      .mem_write_ready_i  (data_write_ready_i[t]),
      .state_o            (lsu_state[t]),
      .out_o              (lsu_out[t])
    );

    registers #(
      .ThreadsPerBlock(ThreadsPerBlock),
      .ThreadIdx      (t),
      .DataBits       (DataBits)
    ) u_registers (
      .clk_i,
      .reset_i,
      .enable_i    (thread_enable[t]),
      .core_state_i(core_state),
      .block_id_i,
      .rd_i        (rd),
      .rs_i        (rs),
      .rt_i        (rt),
      .imm_i       (imm),
      .reg_write_i (reg_write),
      .reg_input_i (reg_input),
      .alu_out_i   (alu_out[t]),
      .lsu_out_i   (lsu_out[t]),
      .rs_o        (reg_rs[t]),
      .rt_o        (reg_rt[t]),
      .regs_o      (dbg_regs_o[t*16 +: 16])
    );

    pc #(
      .ProgramAddrBits(ProgramAddrBits)
    ) u_pc (
      .clk_i,
      .reset_i,
      .enable_i    (thread_enable[t]),
      .core_state_i(core_state),
      .pc_i        (core_pc),
      .nzp_i       (nzp),
      .imm_i       (imm[ProgramAddrBits-1:0]),
      .nzp_write_i (nzp_write),
      .pc_branch_i (pc_branch),
      .alu_nzp_i   (alu_out[t][2:0]),
      .nzp_o       (dbg_nzp_o[t]),
      .next_pc_o   (next_pc[t])
    );
  end

  assign dbg_state_o         = core_state;
  assign dbg_pc_o            = core_pc;
  assign dbg_fetcher_state_o = fetcher_state;
  assign dbg_instruction_o   = instruction;
  assign dbg_lsu_state_o     = lsu_state;
  assign dbg_lsu_out_o       = lsu_out;
  assign dbg_alu_out_o       = alu_out;
  assign dbg_next_pc_o       = next_pc;

endmodule
