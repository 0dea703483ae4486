// Compute core: WarpsPerCore resident warps, each a decoder and scheduler shared by
// ThreadsPerBlock thread slots with their own ALU, LSU, register file and PC unit, and one
// fetcher and warp scheduler shared by the warps: the warp scheduler gives the front end
// (the fetcher and the issue stages) to one warp at a time (docs/architecture.md, "Warps").
// No state of its own. Warp w's units are reset with its context (warp_reset_i[w]); the
// fetcher's state and the warp scheduler while every warp's context is in reset.
// Slot t of a warp is enabled when t < its thread count. With TcRows > 0 a tensor core runs
// the tile instructions of warp 0 (the config loader allows a tensor core only with one
// warp); without one its outputs are 0 and no scheduler waits for it.
// With StackDepth > 0 a warp's active lanes (the enabled threads of the top
// reconvergence-stack entry) take the place of its enabled slots for every unit.
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
  // Resident warps (blocks) per core.
  parameter int unsigned WarpsPerCore = 1,
  // Warp scheduler: 0 round robin, 1 greedy-then-oldest.
  parameter int unsigned WarpScheduler = 0,
  // Width of a warp index.
  localparam int unsigned WBits = (WarpsPerCore > 1) ? $clog2(WarpsPerCore) : 1,
  // Thread slots of all warps (lane t of warp w at w*ThreadsPerBlock + t).
  localparam int unsigned NumLanes = WarpsPerCore * ThreadsPerBlock,
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
  // Per warp: reset, start, block id, thread count and done of its context.
  input  logic [WarpsPerCore-1:0]                           warp_reset_i,
  input  logic [WarpsPerCore-1:0]                           start_i,
  input  logic [WarpsPerCore-1:0][7:0]                      block_id_i,
  input  logic [WarpsPerCore-1:0][CountBits-1:0]            thread_count_i,
  output logic [WarpsPerCore-1:0]                           done_o,
  // Program-memory controller port.
  output logic                                              prog_read_valid_o,
  output logic [ProgramAddrBits-1:0]                        prog_read_address_o,
  input  logic                                              prog_read_ready_i,
  input  logic [ProgWordBits-1:0]                           prog_read_data_i,
  // Data-memory ports, one per lane (lane t of warp w at w*ThreadsPerBlock + t).
  output logic [NumLanes-1:0]                               data_read_valid_o,
  output logic [NumLanes-1:0][DataBits-1:0]                 data_read_address_o,
  input  logic [NumLanes-1:0]                               data_read_ready_i,
  input  logic [NumLanes-1:0][DataBits-1:0]                 data_read_data_i,
  output logic [NumLanes-1:0]                               data_write_valid_o,
  output logic [NumLanes-1:0][DataBits-1:0]                 data_write_address_o,
  output logic [NumLanes-1:0][DataBits-1:0]                 data_write_data_o,
  input  logic [NumLanes-1:0]                               data_write_ready_i,
  // Tensor-core tile port, straight to data memory (0 without a tensor core).
  output logic                                              tc_read_valid_o,
  output logic [DataBits-1:0]                               tc_read_address_o,
  input  logic                                              tc_read_ready_i,
  input  logic [DataBits-1:0]                               tc_read_data_i,
  output logic                                              tc_write_valid_o,
  output logic [DataBits-1:0]                               tc_write_address_o,
  output logic [DataBits-1:0]                               tc_write_data_o,
  input  logic                                              tc_write_ready_i,
  // Observation: per warp (the scheduler's, the warp's instruction register and stack), per
  // lane (warp-major), and the core's fetcher and warp scheduler.
  output logic [WarpsPerCore-1:0][2:0]                      dbg_state_o,
  output logic [WarpsPerCore-1:0][ProgramAddrBits-1:0]      dbg_pc_o,
  output logic [WarpsPerCore-1:0]                           dbg_diverged_o,
  output logic [1:0]                                        dbg_fetcher_state_o,
  output logic [WarpsPerCore-1:0][15:0]                     dbg_instruction_o,
  output logic [NumLanes-1:0][1:0]                          dbg_lsu_state_o,
  output logic [NumLanes-1:0][DataBits-1:0]                 dbg_lsu_out_o,
  output logic [NumLanes-1:0][DataBits-1:0]                 dbg_alu_out_o,
  output logic [NumLanes-1:0][2:0]                          dbg_nzp_o,
  output logic [NumLanes-1:0][ProgramAddrBits-1:0]          dbg_next_pc_o,
  output logic [NumLanes*16-1:0][DataBits-1:0]              dbg_regs_o,
  // Warp scheduler (0 with one warp).
  output logic                                              dbg_warp_owner_valid_o,
  output logic [WBits-1:0]                                  dbg_warp_owner_o,
  output logic [WBits-1:0]                                  dbg_warp_last_o,
  // Divergence observation per warp (0 when StackDepth = 0); entry i of warp w at
  // w*StackEntries + i.
  output logic [WarpsPerCore-1:0][ThreadsPerBlock-1:0]      dbg_active_o,
  output logic [WarpsPerCore-1:0][SpBits-1:0]               dbg_sp_o,
  output logic [WarpsPerCore-1:0]                           dbg_overflow_o,
  output logic [WarpsPerCore-1:0][ProgramAddrBits:0]        dbg_reconv_o,
  output logic [WarpsPerCore*StackEntries-1:0][ProgramAddrBits-1:0] dbg_stack_pc_o,
  output logic [WarpsPerCore*StackEntries-1:0][ProgramAddrBits:0]   dbg_stack_rpc_o,
  output logic [WarpsPerCore*StackEntries-1:0][ThreadsPerBlock-1:0] dbg_stack_mask_o,
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

  // Shared by the warps: the warp scheduler's view of the front end and the fetcher.
  logic                       shared_reset;
  logic [WarpsPerCore-1:0]    own, grant;
  logic                       owner_valid;
  logic [WBits-1:0]           owner, last;
  core_state_e                fetch_state;
  logic [ProgramAddrBits-1:0] fetch_pc;
  fetcher_state_e             fetcher_state;

  // Per warp.
  core_state_e [WarpsPerCore-1:0]                      warp_state, warp_state_next;
  logic        [WarpsPerCore-1:0][ProgramAddrBits-1:0] warp_pc;
  logic        [WarpsPerCore-1:0][15:0]                instruction;
  logic        [WarpsPerCore-1:0][ProgramAddrBits:0]   reconv;
  logic        [WarpsPerCore-1:0]                      mem_access, to_fetch, lsu_busy;
  logic        [WarpsPerCore-1:0][2:0]                 warp_tc_op;

  // The tensor core holds warp 0 in StWait (the only warp when there is a tensor core).
  logic tc_busy;

  // Per lane (lane t of warp w at w*ThreadsPerBlock + t).
  // The lanes that run the current instruction (the enabled slots when StackDepth = 0).
  logic [NumLanes-1:0]                      active;
  logic [NumLanes-1:0][DataBits-1:0]        reg_rs;
  logic [NumLanes-1:0][DataBits-1:0]        reg_rt;

  // The fetcher's state and the warp scheduler are reset while every warp's context is
  // (always while the GPU is; with one warp exactly the core's reset as before).
  assign shared_reset = &warp_reset_i;

  warp_scheduler #(
    .WarpsPerCore (WarpsPerCore),
    .WarpScheduler(WarpScheduler)
  ) u_warp_scheduler (
    .clk_i,
    .reset_i          (shared_reset),
    .warp_reset_i,
    .warp_state_i     (warp_state),
    .warp_state_next_i(warp_state_next),
    .start_i,
    .block_id_i,
    .mem_access_i     (mem_access),
    .to_fetch_i       (to_fetch),
    .lsu_busy_i       (lsu_busy),
    .own_o            (own),
    .grant_o          (grant),
    .owner_valid_o    (owner_valid),
    .owner_o          (owner),
    .last_o           (last)
  );

  // The fetcher sees the owner's state and PC (CoreIdle when no warp owns the front end).
  always_comb begin
    fetch_state = CoreIdle;
    fetch_pc    = '0;
    for (int unsigned w = 0; w < WarpsPerCore; w++) begin
      if (own[w]) begin
        fetch_state = warp_state[w];
        fetch_pc    = warp_pc[w];
      end
    end
  end

  fetcher #(
    .ProgramAddrBits(ProgramAddrBits),
    .StackDepth     (StackDepth),
    .WarpsPerCore   (WarpsPerCore)
  ) u_fetcher (
    .clk_i,
    .reset_i           (shared_reset),
    .warp_reset_i,
    .core_state_i      (fetch_state),
    .pc_i              (fetch_pc),
    .owner_i           (owner),
    .mem_read_valid_o  (prog_read_valid_o),
    .mem_read_address_o(prog_read_address_o),
    .mem_read_ready_i  (prog_read_ready_i),
    .mem_read_data_i   (prog_read_data_i),
    .state_o           (fetcher_state),
    .instruction_o     (instruction),
    .reconv_o          (reconv)
  );

  for (genvar w = 0; w < WarpsPerCore; w++) begin : g_warp
    // Decoder outputs.
    logic [3:0] rd, rs, rt;
    logic [2:0] nzp;
    logic [7:0] imm;
    logic       reg_write, mem_read, mem_write, nzp_write, alu_cmp, pc_branch, ret;
    logic [1:0] reg_input, alu_op;

    // Per thread slot of this warp.
    logic [ThreadsPerBlock-1:0]                      thread_enable;
    lsu_state_e [ThreadsPerBlock-1:0]                lsu_state;
    logic [ThreadsPerBlock-1:0][DataBits-1:0]        lsu_out;
    logic [ThreadsPerBlock-1:0][DataBits-1:0]        alu_out;
    logic [ThreadsPerBlock-1:0][ProgramAddrBits-1:0] next_pc;
    logic [ThreadsPerBlock-1:0]                      warp_active;

    decoder u_decoder (
      .clk_i,
      .reset_i      (warp_reset_i[w]),
      .core_state_i (warp_state[w]),
      .instruction_i(instruction[w]),
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
      .tc_op_o      (warp_tc_op[w])
    );

    assign mem_access[w] = mem_read || mem_write;

    scheduler #(
      .ThreadsPerBlock(ThreadsPerBlock),
      .ProgramAddrBits(ProgramAddrBits),
      .StackDepth     (StackDepth)
    ) u_scheduler (
      .clk_i,
      .reset_i        (warp_reset_i[w]),
      .start_i        (start_i[w]),
      .fetcher_state_i(fetcher_state),
      .reconv_i       (reconv[w]),
      .ret_i          (ret),
      .thread_enable_i(thread_enable),
      .lsu_state_i    (lsu_state),
      .next_pc_i      (next_pc),
      .tc_busy_i      ((w == 0) ? tc_busy : 1'b0),
      .own_i          (own[w]),
      .grant_i        (grant[w]),
      .state_o        (warp_state[w]),
      .state_next_o   (warp_state_next[w]),
      .to_fetch_o     (to_fetch[w]),
      .lsu_busy_o     (lsu_busy[w]),
      .pc_o           (warp_pc[w]),
      .done_o         (done_o[w]),
      .diverged_o     (dbg_diverged_o[w]),
      .active_o       (warp_active),
      .sp_o           (dbg_sp_o[w]),
      .overflow_o     (dbg_overflow_o[w]),
      .stack_pc_o     (dbg_stack_pc_o[w*StackEntries +: StackEntries]),
      .stack_rpc_o    (dbg_stack_rpc_o[w*StackEntries +: StackEntries]),
      .stack_mask_o   (dbg_stack_mask_o[w*StackEntries +: StackEntries])
    );

    assign active[w*ThreadsPerBlock +: ThreadsPerBlock] = warp_active;

    for (genvar t = 0; t < ThreadsPerBlock; t++) begin : g_thread
      // This lane's index among the core's lanes.
      localparam int unsigned L = w * ThreadsPerBlock + t;

      assign thread_enable[t] = CountBits'(t) < thread_count_i[w];

      alu #(
        .DataBits(DataBits)
      ) u_alu (
        .clk_i,
        .reset_i     (warp_reset_i[w]),
        .enable_i    (active[L]),
        .core_state_i(warp_state[w]),
        .alu_op_i    (alu_op),
        .alu_cmp_i   (alu_cmp),
        .rs_i        (reg_rs[L]),
        .rt_i        (reg_rt[L]),
        .out_o       (alu_out[t])
      );

      lsu #(
        .DataBits(DataBits)
      ) u_lsu (
        .clk_i,
        .reset_i            (warp_reset_i[w]),
        .enable_i           (active[L]),
        .core_state_i       (warp_state[w]),
        .mem_read_i         (mem_read),
        .mem_write_i        (mem_write),
        .rs_i               (reg_rs[L]),
        .rt_i               (reg_rt[L]),
        .mem_read_valid_o   (data_read_valid_o[L]),
        .mem_read_address_o (data_read_address_o[L]),
        .mem_read_ready_i   (data_read_ready_i[L]),
        .mem_read_data_i    (data_read_data_i[L]),
        .mem_write_valid_o  (data_write_valid_o[L]),
        .mem_write_address_o(data_write_address_o[L]),
        .mem_write_data_o   (data_write_data_o[L]),
        .mem_write_ready_i  (data_write_ready_i[L]),
        .state_o            (lsu_state[t]),
        .out_o              (lsu_out[t])
      );

      registers #(
        .ThreadsPerBlock(ThreadsPerBlock),
        .ThreadIdx      (t),
        .DataBits       (DataBits)
      ) u_registers (
        .clk_i,
        .reset_i     (warp_reset_i[w]),
        .enable_i    (active[L]),
        .core_state_i(warp_state[w]),
        .block_id_i  (block_id_i[w]),
        .rd_i        (rd),
        .rs_i        (rs),
        .rt_i        (rt),
        .imm_i       (imm),
        .reg_write_i (reg_write),
        .reg_input_i (reg_input),
        .alu_out_i   (alu_out[t]),
        .lsu_out_i   (lsu_out[t]),
        .rs_o        (reg_rs[L]),
        .rt_o        (reg_rt[L]),
        .regs_o      (dbg_regs_o[L*16 +: 16])
      );

      pc #(
        .ProgramAddrBits(ProgramAddrBits)
      ) u_pc (
        .clk_i,
        .reset_i     (warp_reset_i[w]),
        .enable_i    (active[L]),
        .core_state_i(warp_state[w]),
        .pc_i        (warp_pc[w]),
        .nzp_i       (nzp),
        .imm_i       (imm[ProgramAddrBits-1:0]),
        .nzp_write_i (nzp_write),
        .pc_branch_i (pc_branch),
        .alu_nzp_i   (alu_out[t][2:0]),
        .nzp_o       (dbg_nzp_o[L]),
        .next_pc_o   (next_pc[t])
      );
    end

    assign dbg_lsu_state_o[w*ThreadsPerBlock +: ThreadsPerBlock] = lsu_state;
    assign dbg_lsu_out_o[w*ThreadsPerBlock +: ThreadsPerBlock]   = lsu_out;
    assign dbg_alu_out_o[w*ThreadsPerBlock +: ThreadsPerBlock]   = alu_out;
    assign dbg_next_pc_o[w*ThreadsPerBlock +: ThreadsPerBlock]   = next_pc;
    assign dbg_active_o[w] = (StackDepth > 0) ? warp_active : '0;
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
      .reset_i           (warp_reset_i[0]),
      .core_state_i      (warp_state[0]),
      .tc_op_i           (warp_tc_op[0]),
      .thread_enable_i   (active[0 +: ThreadsPerBlock]),
      .rs_i              (reg_rs[0 +: ThreadsPerBlock]),
      .rt_i              (reg_rt[0 +: ThreadsPerBlock]),
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
    // The config loader allows a tensor core only with one warp; other warps' tile
    // instructions (if any) reach no unit.
    if (WarpsPerCore > 1) begin : g_other_warps
      logic [WarpsPerCore-1:1][2:0] unused_tc_op;
      assign unused_tc_op = warp_tc_op[WarpsPerCore-1:1];
    end
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

    logic [WarpsPerCore-1:0][2:0] unused_tc_op;
    logic                         unused_tc_read_ready, unused_tc_write_ready;
    logic [DataBits-1:0]          unused_tc_read_data;
    assign unused_tc_op          = warp_tc_op;
    assign unused_tc_read_ready  = tc_read_ready_i;
    assign unused_tc_write_ready = tc_write_ready_i;
    assign unused_tc_read_data   = tc_read_data_i;
  end

  assign dbg_state_o            = warp_state;
  assign dbg_pc_o               = warp_pc;
  assign dbg_fetcher_state_o    = fetcher_state;
  assign dbg_instruction_o      = instruction;
  assign dbg_reconv_o           = reconv;
  // With one warp the warp scheduler's registers are not observed (they read 0).
  assign dbg_warp_owner_valid_o = (WarpsPerCore > 1) ? owner_valid : 1'b0;
  assign dbg_warp_owner_o       = (WarpsPerCore > 1) ? owner : '0;
  assign dbg_warp_last_o        = (WarpsPerCore > 1) ? last : '0;

endmodule
