// Compute core: fetcher, decoder and scheduler shared by ThreadsPerBlock thread slots,
// each with its own ALU, LSU, register file and PC unit. No state of its own.
// Slot t is enabled when t < thread_count_i. With TcRows > 0 a tensor core runs the tile
// instructions; without one its outputs are 0 and the scheduler never waits for it.
// With StackDepth > 0 the scheduler's active lanes (the enabled threads of the top
// reconvergence-stack entry) take the place of the enabled slots for every unit.
module core import gpu_pkg::*; #(
  // Thread slots per core.
  parameter int unsigned ThreadsPerBlock = 4,
  // Data word, register and data-address width.
  parameter int unsigned DataBits = 8,
  // Program-counter width.
  parameter int unsigned ProgramAddrBits = 8,
  // Data memory holds 2^DataAddrBits words (the tensor core's range check).
  parameter int unsigned DataAddrBits = 8,
  // Tensor-core PE rows R (0: no tensor core) and columns C.
  parameter int unsigned TcRows = 0,
  parameter int unsigned TcCols = 0,
  // Tensor-core dataflow: 0 os, 1 ws, 2 is.
  parameter int unsigned TcDataflow = 0,
  // Tensor-core tile element and accumulator widths, signed.
  parameter int unsigned TcInBits = 8,
  parameter int unsigned TcAccBits = 32,
  // Reconvergence-stack entries (0: no divergence support).
  parameter int unsigned StackDepth = 0,
  // Program-memory word: the instruction, then {exit, ipdom} when StackDepth > 0.
  localparam int unsigned ProgWordBits = (StackDepth > 0) ? 16 + ProgramAddrBits + 1 : 16,
  // Stack entries of the observation ports (one without a stack) and the stack pointer's width.
  localparam int unsigned StackEntries = (StackDepth > 0) ? StackDepth : 1,
  localparam int unsigned SpBits = $clog2(StackEntries + 1),
  // Width of a per-core thread count.
  localparam int unsigned CountBits = $clog2(ThreadsPerBlock) + 1,
  // Tensor-core grid of the observation ports: 1 x 1 without a tensor core.
  localparam int unsigned TcR = (TcRows > 0) ? TcRows : 1,
  localparam int unsigned TcC = (TcRows > 0 && TcCols > 0) ? TcCols : 1
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
  input  logic [ProgWordBits-1:0]                           prog_read_data_i,
  // Data-memory ports, one per thread slot.
  output logic [ThreadsPerBlock-1:0]                        data_read_valid_o,
  output logic [ThreadsPerBlock-1:0][DataBits-1:0]          data_read_address_o,
  input  logic [ThreadsPerBlock-1:0]                        data_read_ready_i,
  input  logic [ThreadsPerBlock-1:0][DataBits-1:0]          data_read_data_i,
  output logic [ThreadsPerBlock-1:0]                        data_write_valid_o,
  output logic [ThreadsPerBlock-1:0][DataBits-1:0]          data_write_address_o,
  output logic [ThreadsPerBlock-1:0][DataBits-1:0]          data_write_data_o,
  input  logic [ThreadsPerBlock-1:0]                        data_write_ready_i,
  // Tensor-core tile port, straight to data memory (0 without a tensor core).
  output logic                                              tc_read_valid_o,
  output logic [DataBits-1:0]                               tc_read_address_o,
  input  logic                                              tc_read_ready_i,
  input  logic [DataBits-1:0]                               tc_read_data_i,
  output logic                                              tc_write_valid_o,
  output logic [DataBits-1:0]                               tc_write_address_o,
  output logic [DataBits-1:0]                               tc_write_data_o,
  input  logic                                              tc_write_ready_i,
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
  output logic [ThreadsPerBlock*16-1:0][DataBits-1:0]       dbg_regs_o,
  // Divergence observation (0 when StackDepth = 0).
  output logic [ThreadsPerBlock-1:0]                        dbg_active_o,
  output logic [SpBits-1:0]                                 dbg_sp_o,
  output logic                                              dbg_overflow_o,
  output logic [ProgramAddrBits:0]                          dbg_reconv_o,
  output logic [StackEntries-1:0][ProgramAddrBits-1:0]      dbg_stack_pc_o,
  output logic [StackEntries-1:0][ProgramAddrBits:0]        dbg_stack_rpc_o,
  output logic [StackEntries-1:0][ThreadsPerBlock-1:0]      dbg_stack_mask_o,
  // Tensor-core observation (0 without a tensor core).
  output logic [2:0]                                        dbg_tc_state_o,
  output logic [2:0]                                        dbg_tc_op_o,
  output logic [1:0]                                        dbg_tc_fault_o,
  output logic [7:0]                                        dbg_tc_fault_thread_o,
  output logic [7:0]                                        dbg_tc_t_o,
  output logic [7:0]                                        dbg_tc_row_o,
  output logic [7:0]                                        dbg_tc_col_o,
  output logic [DataBits-1:0]                               dbg_tc_base_o,
  output logic [DataBits-1:0]                               dbg_tc_stride_o,
  output logic [TcInBits-1:0]                               dbg_tc_a_o    [TcR*TcR],
  output logic [TcInBits-1:0]                               dbg_tc_b_o    [TcR*TcC],
  output logic [TcAccBits-1:0]                              dbg_tc_acc_o  [TcR*TcC],
  output logic [TcInBits-1:0]                               dbg_tc_h_o    [TcR*TcC],
  output logic                                              dbg_tc_hv_o   [TcR*TcC],
  output logic [TcAccBits-1:0]                              dbg_tc_v_o    [TcR*TcC],
  output logic                                              dbg_tc_vv_o   [TcR*TcC],
  output logic [TcAccBits-1:0]                              dbg_tc_pacc_o [TcR*TcC],
  output logic [TcInBits-1:0]                               dbg_tc_w_o    [TcR*TcC],
  output logic                                              dbg_tc_wv_o   [TcR*TcC],
  output logic                                              dbg_tc_mac_o  [TcR*TcC]
);

  core_state_e                core_state;
  logic [ProgramAddrBits-1:0] core_pc;
  fetcher_state_e             fetcher_state;
  logic [15:0]                instruction;
  logic [ProgramAddrBits:0]   reconv;

  // Decoder outputs.
  logic [3:0] rd, rs, rt;
  logic [2:0] nzp;
  logic [7:0] imm;
  logic       reg_write, mem_read, mem_write, nzp_write, alu_cmp, pc_branch, ret;
  logic [1:0] reg_input, alu_op;
  logic [2:0] tc_op;

  // The tensor core holds the core in StWait.
  logic tc_busy;

  // Per thread slot.
  logic [ThreadsPerBlock-1:0]                      thread_enable;
  // The lanes that run the current instruction (thread_enable when StackDepth = 0).
  logic [ThreadsPerBlock-1:0]                      active;
  lsu_state_e [ThreadsPerBlock-1:0]                lsu_state;
  logic [ThreadsPerBlock-1:0][DataBits-1:0]        lsu_out;
  logic [ThreadsPerBlock-1:0][DataBits-1:0]        alu_out;
  logic [ThreadsPerBlock-1:0][DataBits-1:0]        reg_rs;
  logic [ThreadsPerBlock-1:0][DataBits-1:0]        reg_rt;
  logic [ThreadsPerBlock-1:0][ProgramAddrBits-1:0] next_pc;

  fetcher #(
    .ProgramAddrBits(ProgramAddrBits),
    .StackDepth     (StackDepth)
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
    .instruction_o     (instruction),
    .reconv_o          (reconv)
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
    .ret_o        (ret),
    .tc_op_o      (tc_op)
  );

  scheduler #(
    .ThreadsPerBlock(ThreadsPerBlock),
    .ProgramAddrBits(ProgramAddrBits),
    .StackDepth     (StackDepth)
  ) u_scheduler (
    .clk_i,
    .reset_i,
    .start_i,
    .fetcher_state_i(fetcher_state),
    .reconv_i       (reconv),
    .ret_i          (ret),
    .thread_enable_i(thread_enable),
    .lsu_state_i    (lsu_state),
    .next_pc_i      (next_pc),
    .tc_busy_i      (tc_busy),
    .state_o        (core_state),
    .pc_o           (core_pc),
    .done_o,
    .diverged_o     (dbg_diverged_o),
    .active_o       (active),
    .sp_o           (dbg_sp_o),
    .overflow_o     (dbg_overflow_o),
    .stack_pc_o     (dbg_stack_pc_o),
    .stack_rpc_o    (dbg_stack_rpc_o),
    .stack_mask_o   (dbg_stack_mask_o)
  );

  for (genvar t = 0; t < ThreadsPerBlock; t++) begin : g_thread
    assign thread_enable[t] = CountBits'(t) < thread_count_i;

    alu #(
      .DataBits(DataBits)
    ) u_alu (
      .clk_i,
      .reset_i,
      .enable_i    (active[t]),
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
      .enable_i           (active[t]),
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
      .enable_i    (active[t]),
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
      .enable_i    (active[t]),
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

  if (TcRows > 0) begin : g_tensor_core
    tensor_core #(
      .ThreadsPerBlock(ThreadsPerBlock),
      .DataBits       (DataBits),
      .DataAddrBits   (DataAddrBits),
      .TcRows         (TcRows),
      .TcCols         (TcCols),
      .TcDataflow     (TcDataflow),
      .TcInBits       (TcInBits),
      .TcAccBits      (TcAccBits)
    ) u_tensor_core (
      .clk_i,
      .reset_i,
      .core_state_i      (core_state),
      .tc_op_i           (tc_op),
      .thread_enable_i   (active),
      .rs_i              (reg_rs),
      .rt_i              (reg_rt),
      .busy_o            (tc_busy),
      .read_valid_o      (tc_read_valid_o),
      .read_address_o    (tc_read_address_o),
      .read_ready_i      (tc_read_ready_i),
      .read_data_i       (tc_read_data_i),
      .write_valid_o     (tc_write_valid_o),
      .write_address_o   (tc_write_address_o),
      .write_data_o      (tc_write_data_o),
      .write_ready_i     (tc_write_ready_i),
      .dbg_state_o       (dbg_tc_state_o),
      .dbg_op_o          (dbg_tc_op_o),
      .dbg_fault_o       (dbg_tc_fault_o),
      .dbg_fault_thread_o(dbg_tc_fault_thread_o),
      .dbg_t_o           (dbg_tc_t_o),
      .dbg_row_o         (dbg_tc_row_o),
      .dbg_col_o         (dbg_tc_col_o),
      .dbg_base_o        (dbg_tc_base_o),
      .dbg_stride_o      (dbg_tc_stride_o),
      .dbg_a_o           (dbg_tc_a_o),
      .dbg_b_o           (dbg_tc_b_o),
      .dbg_acc_o         (dbg_tc_acc_o),
      .dbg_h_o           (dbg_tc_h_o),
      .dbg_hv_o          (dbg_tc_hv_o),
      .dbg_v_o           (dbg_tc_v_o),
      .dbg_vv_o          (dbg_tc_vv_o),
      .dbg_pacc_o        (dbg_tc_pacc_o),
      .dbg_w_o           (dbg_tc_w_o),
      .dbg_wv_o          (dbg_tc_wv_o),
      .dbg_mac_o         (dbg_tc_mac_o)
    );
  end else begin : g_no_tensor_core
    // Tile instructions decode, but nothing acts on them and nothing waits.
    assign tc_busy               = 1'b0;
    assign tc_read_valid_o       = 1'b0;
    assign tc_read_address_o     = '0;
    assign tc_write_valid_o      = 1'b0;
    assign tc_write_address_o    = '0;
    assign tc_write_data_o       = '0;
    assign dbg_tc_state_o        = '0;
    assign dbg_tc_op_o           = '0;
    assign dbg_tc_fault_o        = '0;
    assign dbg_tc_fault_thread_o = '0;
    assign dbg_tc_t_o            = '0;
    assign dbg_tc_row_o          = '0;
    assign dbg_tc_col_o          = '0;
    assign dbg_tc_base_o         = '0;
    assign dbg_tc_stride_o       = '0;
    assign dbg_tc_a_o            = '{default: '0};
    assign dbg_tc_b_o            = '{default: '0};
    assign dbg_tc_acc_o          = '{default: '0};
    assign dbg_tc_h_o            = '{default: '0};
    assign dbg_tc_hv_o           = '{default: '0};
    assign dbg_tc_v_o            = '{default: '0};
    assign dbg_tc_vv_o           = '{default: '0};
    assign dbg_tc_pacc_o         = '{default: '0};
    assign dbg_tc_w_o            = '{default: '0};
    assign dbg_tc_wv_o           = '{default: '0};
    assign dbg_tc_mac_o          = '{default: '0};

    logic [2:0]          unused_tc_op;
    logic                unused_tc_read_ready, unused_tc_write_ready;
    logic [DataBits-1:0] unused_tc_read_data;
    assign unused_tc_op          = tc_op;
    assign unused_tc_read_ready  = tc_read_ready_i;
    assign unused_tc_write_ready = tc_write_ready_i;
    assign unused_tc_read_data   = tc_read_data_i;
  end

  assign dbg_state_o         = core_state;
  assign dbg_pc_o            = core_pc;
  assign dbg_fetcher_state_o = fetcher_state;
  assign dbg_instruction_o   = instruction;
  assign dbg_lsu_state_o     = lsu_state;
  assign dbg_lsu_out_o       = lsu_out;
  assign dbg_alu_out_o       = alu_out;
  assign dbg_next_pc_o       = next_pc;
  assign dbg_active_o        = (StackDepth > 0) ? active : '0;
  assign dbg_reconv_o        = reconv;

endmodule
