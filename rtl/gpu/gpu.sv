// Top level: device control register, dispatcher, NumCores cores, the LSU port registers
// and one memory controller each for data and program memory (docs/architecture.md). With
// TcRows > 0 each core also has a tensor core with its own tile port to data memory. With
// StackDepth > 0 each core runs divergent branches on a reconvergence stack, and program
// words carry each branch's reconvergence PC above the instruction. With WarpsPerCore > 1
// each core holds that many resident warps (blocks), context x = w*NumCores + c being warp w
// of core c; the dispatcher hands blocks to contexts and every per-core observation port
// but the fetcher's is per context (docs/architecture.md, "Warps"). With SegmentWords > 0 a
// coalescer between the LSU port registers and the data controller merges each warp's loads
// (and stores) that fall in one segment of SegmentWords words into one request, and the data
// ports carry whole segments with a write mask (docs/architecture.md, "Coalescer"). With
// CacheSets > 0 a data cache of segments sits between the data controller's channels and data
// memory, which it reaches through one channel of its own (docs/architecture.md, "Data cache").
module gpu import gpu_pkg::*; #(
  // Compute cores.
  parameter int unsigned NumCores = 2,
  // Thread slots per core (block size).
  parameter int unsigned ThreadsPerBlock = 4,
  // Data-memory channels.
  parameter int unsigned DataChannels = 4,
  // Program-memory channels.
  parameter int unsigned ProgramChannels = 1,
  // Data word, register and data-address width (8 or 16).
  parameter int unsigned DataBits = 8,
  // Program-counter width (<= 8).
  parameter int unsigned ProgramAddrBits = 8,
  // Data memory holds 2^DataAddrBits words (<= DataBits).
  parameter int unsigned DataAddrBits = 8,
  // Tensor-core PE rows R (0: no tensor core) and columns C.
  parameter int unsigned TcRows = 0,
  parameter int unsigned TcCols = 0,
  // Tensor-core dataflow: 0 os, 1 ws, 2 is.
  parameter int unsigned TcDataflow = 0,
  // Tensor-core tile element width, signed (<= DataBits).
  parameter int unsigned TcInBits = 8,
  // Tensor-core accumulator width, signed, wrapping (DataBits..32).
  parameter int unsigned TcAccBits = 32,
  // Reconvergence-stack entries per core (0: off, a divergent branch stops the core; 3..32).
  parameter int unsigned StackDepth = 0,
  // Resident warps per core (1: one block at a time; 2..8).
  parameter int unsigned WarpsPerCore = 1,
  // Warp scheduler: 0 round robin, 1 greedy-then-oldest.
  parameter int unsigned WarpScheduler = 0,
  // Words of a data-memory segment (0: no coalescer; 1, 2, 4 or 8, SegmentWords*DataBits <= 64).
  parameter int unsigned SegmentWords = 0,
  // Data-cache sets (0: no cache; a power of two), lines a set (1..8), extra cycles a hit
  // waits (0..16), and its write policy (1 write-back with write-allocate, 0 write-through).
  parameter int unsigned CacheSets = 0,
  parameter int unsigned CacheWays = 1,
  parameter int unsigned CacheHitLatency = 0,
  parameter int unsigned CacheWriteBack = 1,
  // Width of a warp index.
  localparam int unsigned WBits = (WarpsPerCore > 1) ? $clog2(WarpsPerCore) : 1,
  // Warp contexts: warp w of core c is context w*NumCores + c.
  localparam int unsigned NumContexts = NumCores * WarpsPerCore,
  // Program-memory word: the instruction, then {exit, ipdom} when StackDepth > 0.
  localparam int unsigned ProgWordBits = (StackDepth > 0) ? 16 + ProgramAddrBits + 1 : 16,
  // Stack entries per core on the observation ports (one, reading 0, without a stack) and
  // the stack pointer's width.
  localparam int unsigned StackEntries = (StackDepth > 0) ? StackDepth : 1,
  localparam int unsigned SpBits = $clog2(StackEntries + 1),
  // Stack entries of all contexts on the observation ports.
  localparam int unsigned NumStackEntries = NumContexts * StackEntries,
  // Thread slots of all contexts (lane t of context x at x*ThreadsPerBlock + t).
  localparam int unsigned NumThreads = NumContexts * ThreadsPerBlock,
  // Width of a per-core thread count.
  localparam int unsigned CountBits = $clog2(ThreadsPerBlock) + 1,
  // Tensor-core grid of the observation ports: 1 x 1 without a tensor core.
  localparam int unsigned TcR = (TcRows > 0) ? TcRows : 1,
  localparam int unsigned TcC = (TcRows > 0 && TcCols > 0) ? TcCols : 1,
  // Words of one core's A tile and of its B tile, accumulators and PE grid.
  localparam int unsigned TcNumA = TcR * TcR,
  localparam int unsigned TcNumB = TcR * TcC,
  // Words a data-memory request carries (one without a coalescer) and their width.
  localparam int unsigned SegWords = (SegmentWords > 0) ? SegmentWords : 1,
  localparam int unsigned SegBits = SegWords * DataBits,
  // Data-memory channels: the cache's one, or the data controller's.
  localparam int unsigned MemChannels = (CacheSets > 0) ? 1 : DataChannels,
  // Cache lines on the observation ports (one, reading 0, without a cache), the width of an
  // age or way and of a channel index.
  localparam int unsigned CacheLines = (CacheSets > 0) ? CacheSets * CacheWays : 1,
  localparam int unsigned CacheAgeBits = (CacheWays > 1) ? $clog2(CacheWays) : 1,
  localparam int unsigned CachePortBits = (DataChannels > 1) ? $clog2(DataChannels) : 1
) (
  input  logic                                             clk_i,
  input  logic                                             rst_ni,
  input  logic                                             start_i,
  output logic                                             done_o,
  input  logic                                             dcr_we_i,
  input  logic [7:0]                                       dcr_data_i,
  // Program memory.
  output logic [ProgramChannels-1:0]                       prog_read_valid_o,
  output logic [ProgramChannels-1:0][ProgramAddrBits-1:0]  prog_read_address_o,
  input  logic [ProgramChannels-1:0]                       prog_read_ready_i,
  input  logic [ProgramChannels-1:0][ProgWordBits-1:0]     prog_read_data_i,
  // Data memory.
  output logic [MemChannels-1:0]                           data_read_valid_o,
  output logic [MemChannels-1:0][DataBits-1:0]             data_read_address_o,
  input  logic [MemChannels-1:0]                           data_read_ready_i,
  input  logic [MemChannels-1:0][SegBits-1:0]              data_read_data_i,
  output logic [MemChannels-1:0]                           data_write_valid_o,
  output logic [MemChannels-1:0][DataBits-1:0]             data_write_address_o,
  output logic [MemChannels-1:0][SegBits-1:0]              data_write_data_o,
  output logic [MemChannels-1:0][SegWords-1:0]             data_write_mask_o,
  input  logic [MemChannels-1:0]                           data_write_ready_i,
  // Tensor-core tile ports, one per core (data-memory channel DataChannels + c; 0 without).
  output logic [NumCores-1:0]                              tc_read_valid_o,
  output logic [NumCores-1:0][DataBits-1:0]                tc_read_address_o,
  input  logic [NumCores-1:0]                              tc_read_ready_i,
  input  logic [NumCores-1:0][DataBits-1:0]                tc_read_data_i,
  output logic [NumCores-1:0]                              tc_write_valid_o,
  output logic [NumCores-1:0][DataBits-1:0]                tc_write_address_o,
  output logic [NumCores-1:0][DataBits-1:0]                tc_write_data_o,
  input  logic [NumCores-1:0]                              tc_write_ready_i,
  // Observation (copies of unit flops, read by the lock-step harness every cycle); the
  // dbg_core_* ports and the instruction are per context, the fetcher's state per core.
  output logic [NumContexts-1:0][2:0]                      dbg_core_state_o,
  output logic [NumContexts-1:0][ProgramAddrBits-1:0]      dbg_core_pc_o,
  output logic [NumContexts-1:0]                           dbg_core_diverged_o,
  output logic [NumContexts-1:0]                           dbg_core_start_o,
  output logic [NumContexts-1:0]                           dbg_core_reset_o,
  output logic [NumContexts-1:0][7:0]                      dbg_core_block_o,
  output logic [NumContexts-1:0][CountBits-1:0]            dbg_core_threads_o,
  output logic [NumCores-1:0][1:0]                         dbg_fetcher_state_o,
  output logic [NumContexts-1:0][15:0]                     dbg_instruction_o,
  output logic [NumThreads-1:0][1:0]                       dbg_lsu_state_o,
  output logic [NumThreads-1:0][DataBits-1:0]              dbg_lsu_out_o,
  output logic [NumThreads-1:0][DataBits-1:0]              dbg_alu_out_o,
  output logic [NumThreads-1:0][2:0]                       dbg_nzp_o,
  output logic [NumThreads-1:0][ProgramAddrBits-1:0]       dbg_next_pc_o,
  output logic [NumThreads*16-1:0][DataBits-1:0]           dbg_regs_o,
  // Warp schedulers, per core (0 with one warp a core).
  output logic [NumCores-1:0]                              dbg_warp_owner_valid_o,
  output logic [NumCores-1:0][WBits-1:0]                   dbg_warp_owner_o,
  output logic [NumCores-1:0][WBits-1:0]                   dbg_warp_last_o,
  // Branch divergence, per context (0 without a reconvergence stack): active lanes, stack
  // pointer, overflow, the warp's reconvergence PC and the stack entries, entry i of context
  // x at index x*StackEntries + i.
  output logic [NumContexts-1:0][ThreadsPerBlock-1:0]      dbg_core_active_o,
  output logic [NumContexts-1:0][SpBits-1:0]               dbg_core_sp_o,
  output logic [NumContexts-1:0]                           dbg_core_overflow_o,
  output logic [NumContexts-1:0][ProgramAddrBits:0]        dbg_core_reconv_o,
  output logic [NumStackEntries-1:0][ProgramAddrBits-1:0]  dbg_stack_pc_o,
  output logic [NumStackEntries-1:0][ProgramAddrBits:0]    dbg_stack_rpc_o,
  output logic [NumStackEntries-1:0][ThreadsPerBlock-1:0]  dbg_stack_mask_o,
  // Data cache (0 without a cache): its request in hand, per line k = s*CacheWays + w its
  // flags, tag (segment address), age and words, and its counters.
  output logic [2:0]                                       dbg_cache_state_o,
  output logic [CachePortBits-1:0]                         dbg_cache_port_o,
  output logic [DataBits-1:0]                              dbg_cache_addr_o,
  output logic [CacheAgeBits-1:0]                          dbg_cache_way_o,
  output logic [4:0]                                       dbg_cache_count_o,
  output logic                                             dbg_cache_hit_o,
  output logic [CacheLines-1:0]                            dbg_cache_valid_o,
  output logic [CacheLines-1:0]                            dbg_cache_dirty_o,
  output logic [CacheLines-1:0][DataBits-1:0]              dbg_cache_tag_o,
  output logic [CacheLines-1:0][CacheAgeBits-1:0]          dbg_cache_age_o,
  output logic [CacheLines-1:0][SegBits-1:0]               dbg_cache_data_o,
  output logic [31:0]                                      dbg_cache_hits_o,
  output logic [31:0]                                      dbg_cache_misses_o,
  output logic [31:0]                                      dbg_cache_evictions_o,
  output logic [31:0]                                      dbg_cache_writebacks_o,
  // Tensor cores, per core (0 without a tensor core).
  output logic [NumCores-1:0][2:0]                         dbg_tc_state_o,
  output logic [NumCores-1:0][2:0]                         dbg_tc_op_o,
  output logic [NumCores-1:0][1:0]                         dbg_tc_fault_o,
  output logic [NumCores-1:0][7:0]                         dbg_tc_fault_thread_o,
  output logic [NumCores-1:0][7:0]                         dbg_tc_t_o,
  output logic [NumCores-1:0][7:0]                         dbg_tc_row_o,
  output logic [NumCores-1:0][7:0]                         dbg_tc_col_o,
  output logic [NumCores-1:0][DataBits-1:0]                dbg_tc_base_o,
  output logic [NumCores-1:0][DataBits-1:0]                dbg_tc_stride_o,
  // Tiles, accumulators and PE registers: unpacked (fast in Verilator), core-major, index
  // c*R*C + i*C + j (A: c*R*R + i*R + k).
  output logic [TcInBits-1:0]                              dbg_tc_a_o    [NumCores*TcNumA],
  output logic [TcInBits-1:0]                              dbg_tc_b_o    [NumCores*TcNumB],
  output logic [TcAccBits-1:0]                             dbg_tc_acc_o  [NumCores*TcNumB],
  output logic [TcInBits-1:0]                              dbg_tc_h_o    [NumCores*TcNumB],
  output logic                                             dbg_tc_hv_o   [NumCores*TcNumB],
  output logic [TcAccBits-1:0]                             dbg_tc_v_o    [NumCores*TcNumB],
  output logic                                             dbg_tc_vv_o   [NumCores*TcNumB],
  output logic [TcAccBits-1:0]                             dbg_tc_pacc_o [NumCores*TcNumB],
  output logic [TcInBits-1:0]                              dbg_tc_w_o    [NumCores*TcNumB],
  output logic                                             dbg_tc_wv_o   [NumCores*TcNumB],
  output logic                                             dbg_tc_mac_o  [NumCores*TcNumB]
);

  logic reset;
  assign reset = !rst_ni;

  logic [7:0] thread_count;

  // All blocks finished (the dispatcher's done_q); with a cache, done_o also waits for its flush.
  logic blocks_done;

  // Dispatcher outputs, per context.
  logic [NumContexts-1:0]                core_start;
  logic [NumContexts-1:0]                core_reset;
  logic [NumContexts-1:0][7:0]           core_block_id;
  logic [NumContexts-1:0][CountBits-1:0] core_thread_count;
  logic [NumContexts-1:0]                core_done;

  // Fetchers <-> program-memory controller.
  logic [NumCores-1:0]                      fetch_read_valid;
  logic [NumCores-1:0][ProgramAddrBits-1:0] fetch_read_address;
  logic [NumCores-1:0]                      fetch_read_ready;
  logic [NumCores-1:0][ProgWordBits-1:0]    fetch_read_data;

  // LSU port registers: _d from the LSUs / data controller (through the coalescer when there is
  // one), _q towards the data controller (again through the coalescer) / LSUs.
  logic [NumThreads-1:0]               lsu_read_valid_d, lsu_read_valid_q;
  logic [NumThreads-1:0][DataBits-1:0] lsu_read_address_d, lsu_read_address_q;
  logic [NumThreads-1:0]               lsu_write_valid_d, lsu_write_valid_q;
  logic [NumThreads-1:0][DataBits-1:0] lsu_write_address_d, lsu_write_address_q;
  logic [NumThreads-1:0][DataBits-1:0] lsu_write_data_d, lsu_write_data_q;
  logic [NumThreads-1:0]               lsu_read_ready_d, lsu_read_ready_q;
  logic [NumThreads-1:0][DataBits-1:0] lsu_read_data_d, lsu_read_data_q;
  logic [NumThreads-1:0]               lsu_write_ready_d, lsu_write_ready_q;

  dcr u_dcr (
    .clk_i,
    .reset_i       (reset),
    .we_i          (dcr_we_i),
    .data_i        (dcr_data_i),
    .thread_count_o(thread_count)
  );

  // The dispatcher's per-core registers are per context: blocks go to the lowest free context.
  dispatcher #(
    .NumCores       (NumContexts),
    .ThreadsPerBlock(ThreadsPerBlock)
  ) u_dispatcher (
    .clk_i,
    .reset_i            (reset),
    .start_i,
    .thread_count_i     (thread_count),
    .core_done_i        (core_done),
    .core_start_o       (core_start),
    .core_reset_o       (core_reset),
    .core_block_id_o    (core_block_id),
    .core_thread_count_o(core_thread_count),
    .done_o             (blocks_done)
  );

  for (genvar c = 0; c < NumCores; c++) begin : g_core
    // This core's per-warp and per-lane signals (warp w, lane t at w*ThreadsPerBlock + t),
    // copied to and from context w*NumCores + c.
    localparam int unsigned Lanes = WarpsPerCore * ThreadsPerBlock;
    logic [WarpsPerCore-1:0]                           warp_reset, warp_start, warp_done;
    logic [WarpsPerCore-1:0][7:0]                      warp_block_id;
    logic [WarpsPerCore-1:0][CountBits-1:0]            warp_thread_count;
    logic [Lanes-1:0]                                  read_valid, read_ready, write_valid, write_ready;
    logic [Lanes-1:0][DataBits-1:0]                    read_address, read_data;
    logic [Lanes-1:0][DataBits-1:0]                    write_address, write_data;
    logic [WarpsPerCore-1:0][2:0]                      state;
    logic [WarpsPerCore-1:0][ProgramAddrBits-1:0]      pc;
    logic [WarpsPerCore-1:0]                           diverged, overflow;
    logic [WarpsPerCore-1:0][15:0]                     instruction;
    logic [Lanes-1:0][1:0]                             lsu_state;
    logic [Lanes-1:0][DataBits-1:0]                    lsu_out, alu_out;
    logic [Lanes-1:0][2:0]                             nzp;
    logic [Lanes-1:0][ProgramAddrBits-1:0]             next_pc;
    logic [Lanes*16-1:0][DataBits-1:0]                 regs;
    logic [WarpsPerCore-1:0][ThreadsPerBlock-1:0]      active;
    logic [WarpsPerCore-1:0][SpBits-1:0]               sp;
    logic [WarpsPerCore-1:0][ProgramAddrBits:0]        reconv;
    logic [WarpsPerCore*StackEntries-1:0][ProgramAddrBits-1:0] stack_pc;
    logic [WarpsPerCore*StackEntries-1:0][ProgramAddrBits:0]   stack_rpc;
    logic [WarpsPerCore*StackEntries-1:0][ThreadsPerBlock-1:0] stack_mask;

    for (genvar w = 0; w < WarpsPerCore; w++) begin : g_context
      // Context x, its lanes (x*ThreadsPerBlock ...) and its stack entries.
      localparam int unsigned X = w * NumCores + c;
      localparam int unsigned T = w * ThreadsPerBlock;
      localparam int unsigned S = w * StackEntries;

      assign warp_reset[w]        = reset || core_reset[X];
      assign warp_start[w]        = core_start[X];
      assign warp_block_id[w]     = core_block_id[X];
      assign warp_thread_count[w] = core_thread_count[X];
      assign core_done[X]         = warp_done[w];

      assign lsu_read_valid_d[X*ThreadsPerBlock +: ThreadsPerBlock]    = read_valid[T +: ThreadsPerBlock];
      assign lsu_read_address_d[X*ThreadsPerBlock +: ThreadsPerBlock]  = read_address[T +: ThreadsPerBlock];
      assign lsu_write_valid_d[X*ThreadsPerBlock +: ThreadsPerBlock]   = write_valid[T +: ThreadsPerBlock];
      assign lsu_write_address_d[X*ThreadsPerBlock +: ThreadsPerBlock] = write_address[T +: ThreadsPerBlock];
      assign lsu_write_data_d[X*ThreadsPerBlock +: ThreadsPerBlock]    = write_data[T +: ThreadsPerBlock];
      assign read_ready[T +: ThreadsPerBlock]  = lsu_read_ready_q[X*ThreadsPerBlock +: ThreadsPerBlock];
      assign read_data[T +: ThreadsPerBlock]   = lsu_read_data_q[X*ThreadsPerBlock +: ThreadsPerBlock];
      assign write_ready[T +: ThreadsPerBlock] = lsu_write_ready_q[X*ThreadsPerBlock +: ThreadsPerBlock];

      assign dbg_core_state_o[X]    = state[w];
      assign dbg_core_pc_o[X]       = pc[w];
      assign dbg_core_diverged_o[X] = diverged[w];
      assign dbg_instruction_o[X]   = instruction[w];
      assign dbg_core_active_o[X]   = active[w];
      assign dbg_core_sp_o[X]       = sp[w];
      assign dbg_core_overflow_o[X] = overflow[w];
      assign dbg_core_reconv_o[X]   = reconv[w];
      assign dbg_lsu_state_o[X*ThreadsPerBlock +: ThreadsPerBlock] = lsu_state[T +: ThreadsPerBlock];
      assign dbg_lsu_out_o[X*ThreadsPerBlock +: ThreadsPerBlock]   = lsu_out[T +: ThreadsPerBlock];
      assign dbg_alu_out_o[X*ThreadsPerBlock +: ThreadsPerBlock]   = alu_out[T +: ThreadsPerBlock];
      assign dbg_nzp_o[X*ThreadsPerBlock +: ThreadsPerBlock]       = nzp[T +: ThreadsPerBlock];
      assign dbg_next_pc_o[X*ThreadsPerBlock +: ThreadsPerBlock]   = next_pc[T +: ThreadsPerBlock];
      assign dbg_regs_o[X*ThreadsPerBlock*16 +: ThreadsPerBlock*16] = regs[T*16 +: ThreadsPerBlock*16];
      assign dbg_stack_pc_o[X*StackEntries +: StackEntries]   = stack_pc[S +: StackEntries];
      assign dbg_stack_rpc_o[X*StackEntries +: StackEntries]  = stack_rpc[S +: StackEntries];
      assign dbg_stack_mask_o[X*StackEntries +: StackEntries] = stack_mask[S +: StackEntries];
    end

    // This core's tensor-core observation, copied into the core-major arrays below.
    logic [TcInBits-1:0]  tc_a    [TcNumA];
    logic [TcInBits-1:0]  tc_b    [TcNumB];
    logic [TcAccBits-1:0] tc_acc  [TcNumB];
    logic [TcInBits-1:0]  tc_h    [TcNumB];
    logic                 tc_hv   [TcNumB];
    logic [TcAccBits-1:0] tc_v    [TcNumB];
    logic                 tc_vv   [TcNumB];
    logic [TcAccBits-1:0] tc_pacc [TcNumB];
    logic [TcInBits-1:0]  tc_w    [TcNumB];
    logic                 tc_wv   [TcNumB];
    logic                 tc_mac  [TcNumB];

    core #(
      .ThreadsPerBlock(ThreadsPerBlock),
      .DataBits       (DataBits),
      .ProgramAddrBits(ProgramAddrBits),
      .DataAddrBits   (DataAddrBits),
      .TcRows         (TcRows),
      .TcCols         (TcCols),
      .TcDataflow     (TcDataflow),
      .TcInBits       (TcInBits),
      .TcAccBits      (TcAccBits),
      .StackDepth     (StackDepth),
      .WarpsPerCore   (WarpsPerCore),
      .WarpScheduler  (WarpScheduler)
    ) u_core (
      .clk_i,
      .warp_reset_i        (warp_reset),
      .start_i             (warp_start),
      .block_id_i          (warp_block_id),
      .thread_count_i      (warp_thread_count),
      .done_o              (warp_done),
      .prog_read_valid_o   (fetch_read_valid[c]),
      .prog_read_address_o (fetch_read_address[c]),
      .prog_read_ready_i   (fetch_read_ready[c]),
      .prog_read_data_i    (fetch_read_data[c]),
      .data_read_valid_o   (read_valid),
      .data_read_address_o (read_address),
      .data_read_ready_i   (read_ready),
      .data_read_data_i    (read_data),
      .data_write_valid_o  (write_valid),
      .data_write_address_o(write_address),
      .data_write_data_o   (write_data),
      .data_write_ready_i  (write_ready),
      .tc_read_valid_o     (tc_read_valid_o[c]),
      .tc_read_address_o   (tc_read_address_o[c]),
      .tc_read_ready_i     (tc_read_ready_i[c]),
      .tc_read_data_i      (tc_read_data_i[c]),
      .tc_write_valid_o    (tc_write_valid_o[c]),
      .tc_write_address_o  (tc_write_address_o[c]),
      .tc_write_data_o     (tc_write_data_o[c]),
      .tc_write_ready_i    (tc_write_ready_i[c]),
      .dbg_state_o         (state),
      .dbg_pc_o            (pc),
      .dbg_diverged_o      (diverged),
      .dbg_fetcher_state_o (dbg_fetcher_state_o[c]),
      .dbg_instruction_o   (instruction),
      .dbg_lsu_state_o     (lsu_state),
      .dbg_lsu_out_o       (lsu_out),
      .dbg_alu_out_o       (alu_out),
      .dbg_nzp_o           (nzp),
      .dbg_next_pc_o       (next_pc),
      .dbg_regs_o          (regs),
      .dbg_warp_owner_valid_o(dbg_warp_owner_valid_o[c]),
      .dbg_warp_owner_o    (dbg_warp_owner_o[c]),
      .dbg_warp_last_o     (dbg_warp_last_o[c]),
      .dbg_active_o        (active),
      .dbg_sp_o            (sp),
      .dbg_overflow_o      (overflow),
      .dbg_reconv_o        (reconv),
      .dbg_stack_pc_o      (stack_pc),
      .dbg_stack_rpc_o     (stack_rpc),
      .dbg_stack_mask_o    (stack_mask),
      .dbg_tc_state_o       (dbg_tc_state_o[c]),
      .dbg_tc_op_o          (dbg_tc_op_o[c]),
      .dbg_tc_fault_o       (dbg_tc_fault_o[c]),
      .dbg_tc_fault_thread_o(dbg_tc_fault_thread_o[c]),
      .dbg_tc_t_o           (dbg_tc_t_o[c]),
      .dbg_tc_row_o         (dbg_tc_row_o[c]),
      .dbg_tc_col_o         (dbg_tc_col_o[c]),
      .dbg_tc_base_o        (dbg_tc_base_o[c]),
      .dbg_tc_stride_o      (dbg_tc_stride_o[c]),
      .dbg_tc_a_o           (tc_a),
      .dbg_tc_b_o           (tc_b),
      .dbg_tc_acc_o         (tc_acc),
      .dbg_tc_h_o           (tc_h),
      .dbg_tc_hv_o          (tc_hv),
      .dbg_tc_v_o           (tc_v),
      .dbg_tc_vv_o          (tc_vv),
      .dbg_tc_pacc_o        (tc_pacc),
      .dbg_tc_w_o           (tc_w),
      .dbg_tc_wv_o          (tc_wv),
      .dbg_tc_mac_o         (tc_mac)
    );

    for (genvar p = 0; p < TcNumA; p++) begin : g_tc_a
      assign dbg_tc_a_o[c*TcNumA + p] = tc_a[p];
    end
    for (genvar p = 0; p < TcNumB; p++) begin : g_tc_pe
      assign dbg_tc_b_o[c*TcNumB + p]    = tc_b[p];
      assign dbg_tc_acc_o[c*TcNumB + p]  = tc_acc[p];
      assign dbg_tc_h_o[c*TcNumB + p]    = tc_h[p];
      assign dbg_tc_hv_o[c*TcNumB + p]   = tc_hv[p];
      assign dbg_tc_v_o[c*TcNumB + p]    = tc_v[p];
      assign dbg_tc_vv_o[c*TcNumB + p]   = tc_vv[p];
      assign dbg_tc_pacc_o[c*TcNumB + p] = tc_pacc[p];
      assign dbg_tc_w_o[c*TcNumB + p]    = tc_w[p];
      assign dbg_tc_wv_o[c*TcNumB + p]   = tc_wv[p];
      assign dbg_tc_mac_o[c*TcNumB + p]  = tc_mac[p];
    end
  end

  // LSU port registers: clocked every edge, reset only by the GPU reset.
  always_ff @(posedge clk_i) begin
    if (reset) begin
      lsu_read_valid_q    <= '0;
      lsu_read_address_q  <= '0;
      lsu_write_valid_q   <= '0;
      lsu_write_address_q <= '0;
      lsu_write_data_q    <= '0;
      lsu_read_ready_q    <= '0;
      lsu_read_data_q     <= '0;
      lsu_write_ready_q   <= '0;
    end else begin
      lsu_read_valid_q    <= lsu_read_valid_d;
      lsu_read_address_q  <= lsu_read_address_d;
      lsu_write_valid_q   <= lsu_write_valid_d;
      lsu_write_address_q <= lsu_write_address_d;
      lsu_write_data_q    <= lsu_write_data_d;
      lsu_read_ready_q    <= lsu_read_ready_d;
      lsu_read_data_q     <= lsu_read_data_d;
      lsu_write_ready_q   <= lsu_write_ready_d;
    end
  end

  // The data controller's consumers: the LSU port registers, through the coalescer when there
  // is one (a consumer then asks for a whole segment with a write mask).
  logic [NumThreads-1:0]               ctrl_read_valid;
  logic [NumThreads-1:0][DataBits-1:0] ctrl_read_address;
  logic [NumThreads-1:0]               ctrl_read_ready;
  logic [NumThreads-1:0][SegBits-1:0]  ctrl_read_data;
  logic [NumThreads-1:0]               ctrl_write_valid;
  logic [NumThreads-1:0][DataBits-1:0] ctrl_write_address;
  logic [NumThreads-1:0][SegBits-1:0]  ctrl_write_data;
  logic [NumThreads-1:0][SegWords-1:0] ctrl_write_mask;
  logic [NumThreads-1:0]               ctrl_write_ready;

  if (SegmentWords > 0) begin : g_coalescer
    coalescer #(
      .NumContexts    (NumContexts),
      .ThreadsPerBlock(ThreadsPerBlock),
      .DataBits       (DataBits),
      .SegmentWords   (SegmentWords)
    ) u_coalescer (
      .clk_i,
      .reset_i             (reset),
      .lane_read_valid_i   (lsu_read_valid_q),
      .lane_read_address_i (lsu_read_address_q),
      .lane_read_ready_o   (lsu_read_ready_d),
      .lane_read_data_o    (lsu_read_data_d),
      .lane_write_valid_i  (lsu_write_valid_q),
      .lane_write_address_i(lsu_write_address_q),
      .lane_write_data_i   (lsu_write_data_q),
      .lane_write_ready_o  (lsu_write_ready_d),
      .ctrl_read_valid_o   (ctrl_read_valid),
      .ctrl_read_address_o (ctrl_read_address),
      .ctrl_read_ready_i   (ctrl_read_ready),
      .ctrl_read_data_i    (ctrl_read_data),
      .ctrl_write_valid_o  (ctrl_write_valid),
      .ctrl_write_address_o(ctrl_write_address),
      .ctrl_write_data_o   (ctrl_write_data),
      .ctrl_write_mask_o   (ctrl_write_mask),
      .ctrl_write_ready_i  (ctrl_write_ready)
    );
  end else begin : g_no_coalescer
    // One word a request: every write lands whole.
    assign ctrl_read_valid    = lsu_read_valid_q;
    assign ctrl_read_address  = lsu_read_address_q;
    assign ctrl_write_valid   = lsu_write_valid_q;
    assign ctrl_write_address = lsu_write_address_q;
    assign ctrl_write_data    = lsu_write_data_q;
    assign ctrl_write_mask    = '1;
    assign lsu_read_ready_d   = ctrl_read_ready;
    assign lsu_read_data_d    = ctrl_read_data;
    assign lsu_write_ready_d  = ctrl_write_ready;
  end

  // The data controller's memory side: to the cache when there is one, else to the data ports.
  logic [DataChannels-1:0]               ctrl_mem_read_valid;
  logic [DataChannels-1:0][DataBits-1:0] ctrl_mem_read_address;
  logic [DataChannels-1:0]               ctrl_mem_read_ready;
  logic [DataChannels-1:0][SegBits-1:0]  ctrl_mem_read_data;
  logic [DataChannels-1:0]               ctrl_mem_write_valid;
  logic [DataChannels-1:0][DataBits-1:0] ctrl_mem_write_address;
  logic [DataChannels-1:0][SegBits-1:0]  ctrl_mem_write_data;
  logic [DataChannels-1:0][SegWords-1:0] ctrl_mem_write_mask;
  logic [DataChannels-1:0]               ctrl_mem_write_ready;

  controller #(
    .NumConsumers(NumThreads),
    .NumChannels (DataChannels),
    .AddrBits    (DataBits),
    .DataBits    (SegBits),
    .MaskBits    (SegWords),
    .WriteEnable (1'b1)
  ) u_data_controller (
    .clk_i,
    .reset_i                 (reset),
    .consumer_read_valid_i   (ctrl_read_valid),
    .consumer_read_address_i (ctrl_read_address),
    .consumer_read_ready_o   (ctrl_read_ready),
    .consumer_read_data_o    (ctrl_read_data),
    .consumer_write_valid_i  (ctrl_write_valid),
    .consumer_write_address_i(ctrl_write_address),
    .consumer_write_data_i   (ctrl_write_data),
    .consumer_write_mask_i   (ctrl_write_mask),
    .consumer_write_ready_o  (ctrl_write_ready),
    .mem_read_valid_o        (ctrl_mem_read_valid),
    .mem_read_address_o      (ctrl_mem_read_address),
    .mem_read_ready_i        (ctrl_mem_read_ready),
    .mem_read_data_i         (ctrl_mem_read_data),
    .mem_write_valid_o       (ctrl_mem_write_valid),
    .mem_write_address_o     (ctrl_mem_write_address),
    .mem_write_data_o        (ctrl_mem_write_data),
    .mem_write_mask_o        (ctrl_mem_write_mask),
    .mem_write_ready_i       (ctrl_mem_write_ready)
  );

  if (CacheSets > 0) begin : g_cache
    // The controller's channels ask the cache; only the cache talks to data memory.
    cache_state_e cache_state;
    logic [DataBits-1:0] mem_address;

    dcache #(
      .NumChannels    (DataChannels),
      .DataBits       (DataBits),
      .SegWords       (SegWords),
      .CacheSets      (CacheSets),
      .CacheWays      (CacheWays),
      .CacheHitLatency(CacheHitLatency),
      .CacheWriteBack (CacheWriteBack)
    ) u_dcache (
      .clk_i,
      .reset_i            (reset),
      .req_read_valid_i   (ctrl_mem_read_valid),
      .req_read_address_i (ctrl_mem_read_address),
      .req_read_ready_o   (ctrl_mem_read_ready),
      .req_read_data_o    (ctrl_mem_read_data),
      .req_write_valid_i  (ctrl_mem_write_valid),
      .req_write_address_i(ctrl_mem_write_address),
      .req_write_data_i   (ctrl_mem_write_data),
      .req_write_mask_i   (ctrl_mem_write_mask),
      .req_write_ready_o  (ctrl_mem_write_ready),
      .flush_i            (blocks_done),
      .mem_read_valid_o   (data_read_valid_o[0]),
      .mem_write_valid_o  (data_write_valid_o[0]),
      .mem_address_o      (mem_address),
      .mem_read_ready_i   (data_read_ready_i[0]),
      .mem_read_data_i    (data_read_data_i[0]),
      .mem_write_data_o   (data_write_data_o[0]),
      .mem_write_mask_o   (data_write_mask_o[0]),
      .mem_write_ready_i  (data_write_ready_i[0]),
      .dbg_state_o        (cache_state),
      .dbg_port_o         (dbg_cache_port_o),
      .dbg_addr_o         (dbg_cache_addr_o),
      .dbg_way_o          (dbg_cache_way_o),
      .dbg_count_o        (dbg_cache_count_o),
      .dbg_hit_o          (dbg_cache_hit_o),
      .dbg_valid_o        (dbg_cache_valid_o),
      .dbg_dirty_o        (dbg_cache_dirty_o),
      .dbg_tag_o          (dbg_cache_tag_o),
      .dbg_age_o          (dbg_cache_age_o),
      .dbg_data_o         (dbg_cache_data_o),
      .dbg_hits_o         (dbg_cache_hits_o),
      .dbg_misses_o       (dbg_cache_misses_o),
      .dbg_evictions_o    (dbg_cache_evictions_o),
      .dbg_writebacks_o   (dbg_cache_writebacks_o)
    );

    // One address serves the cache's read and its write.
    assign data_read_address_o[0]  = mem_address;
    assign data_write_address_o[0] = mem_address;
    assign dbg_cache_state_o       = cache_state;
    // A kernel ends when its dirty lines are in memory.
    assign done_o = blocks_done && cache_state == CacheDone;
  end else begin : g_no_cache
    assign data_read_valid_o      = ctrl_mem_read_valid;
    assign data_read_address_o    = ctrl_mem_read_address;
    assign ctrl_mem_read_ready    = data_read_ready_i;
    assign ctrl_mem_read_data     = data_read_data_i;
    assign data_write_valid_o     = ctrl_mem_write_valid;
    assign data_write_address_o   = ctrl_mem_write_address;
    assign data_write_data_o      = ctrl_mem_write_data;
    assign data_write_mask_o      = ctrl_mem_write_mask;
    assign ctrl_mem_write_ready   = data_write_ready_i;
    assign dbg_cache_state_o      = '0;
    assign dbg_cache_port_o       = '0;
    assign dbg_cache_addr_o       = '0;
    assign dbg_cache_way_o        = '0;
    assign dbg_cache_count_o      = '0;
    assign dbg_cache_hit_o        = 1'b0;
    assign dbg_cache_valid_o      = '0;
    assign dbg_cache_dirty_o      = '0;
    assign dbg_cache_tag_o        = '0;
    assign dbg_cache_age_o        = '0;
    assign dbg_cache_data_o       = '0;
    assign dbg_cache_hits_o       = '0;
    assign dbg_cache_misses_o     = '0;
    assign dbg_cache_evictions_o  = '0;
    assign dbg_cache_writebacks_o = '0;
    assign done_o                 = blocks_done;
  end

  // Program memory is read-only: the write side of its controller is tied off.
  logic [NumCores-1:0]                             unused_prog_write_ready;
  logic [ProgramChannels-1:0]                      unused_prog_write_valid;
  logic [ProgramChannels-1:0][ProgramAddrBits-1:0] unused_prog_write_address;
  logic [ProgramChannels-1:0][ProgWordBits-1:0]    unused_prog_write_data;
  logic [ProgramChannels-1:0][0:0]                 unused_prog_write_mask;

  controller #(
    .NumConsumers(NumCores),
    .NumChannels (ProgramChannels),
    .AddrBits    (ProgramAddrBits),
    .DataBits    (ProgWordBits),
    .MaskBits    (1),
    .WriteEnable (1'b0)
  ) u_program_controller (
    .clk_i,
    .reset_i                 (reset),
    .consumer_read_valid_i   (fetch_read_valid),
    .consumer_read_address_i (fetch_read_address),
    .consumer_read_ready_o   (fetch_read_ready),
    .consumer_read_data_o    (fetch_read_data),
    .consumer_write_valid_i  ('0),
    .consumer_write_address_i('0),
    .consumer_write_data_i   ('0),
    .consumer_write_mask_i   ('1),
    .consumer_write_ready_o  (unused_prog_write_ready),
    .mem_read_valid_o        (prog_read_valid_o),
    .mem_read_address_o      (prog_read_address_o),
    .mem_read_ready_i        (prog_read_ready_i),
    .mem_read_data_i         (prog_read_data_i),
    .mem_write_valid_o       (unused_prog_write_valid),
    .mem_write_address_o     (unused_prog_write_address),
    .mem_write_data_o        (unused_prog_write_data),
    .mem_write_mask_o        (unused_prog_write_mask),
    .mem_write_ready_i       ('0)
  );

  assign dbg_core_start_o   = core_start;
  assign dbg_core_reset_o   = core_reset;
  assign dbg_core_block_o   = core_block_id;
  assign dbg_core_threads_o = core_thread_count;

endmodule
