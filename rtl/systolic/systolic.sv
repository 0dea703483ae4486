// Top level of the tensor core (docs/systolic.md): array controller, feeder, PE array, output
// writer and the A, B and C buffers, plus the registered observation of the edge ports.
// Runs one GEMM C[M x N] = A[M x K] * B[K x N] per start in os, ws or is dataflow, or a
// streamed layer per job start: the stream sequencer, two tile loaders and the tile storer move
// tiles between the buffers' halves and a DRAM in the harness, and the array runs each tile.
module systolic import systolic_pkg::*; #(
  // PE rows.
  parameter int unsigned Rows = 4,
  // PE columns.
  parameter int unsigned Cols = 4,
  // A and B element width, signed two's complement.
  parameter int unsigned InBits = 8,
  // Product and accumulator width, signed, wrapping.
  parameter int unsigned AccBits = 32,
  // Each of the A, B and C buffers holds 2^BufAddrBits words.
  parameter int unsigned BufAddrBits = 14,
  // Most DRAM lanes: words per cycle on each of the A read, B read and C write interfaces (a
  // job uses 1 .. DramLanes of them).
  parameter int unsigned DramLanes = 4,
  // PEs in the grid.
  localparam int unsigned NumPes = Rows * Cols
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // Hold high from StIdle until done_o; dataflow and sizes are sampled with it.
  input  logic                   start_i,
  input  logic [1:0]             dataflow_i,
  input  logic [15:0]            m_i,
  input  logic [15:0]            k_i,
  input  logic [15:0]            n_i,
  output logic                   done_o,
  // Host port: 0 A, 1 B, 2 C; A and B keep the low InBits and read back sign-extended.
  input  logic                   host_we_i,
  input  host_sel_e              host_sel_i,
  input  logic [BufAddrBits-1:0] host_addr_i,
  input  logic [AccBits-1:0]     host_wdata_i,
  output logic [AccBits-1:0]     host_rdata_o,
  // Streamed layer: hold job_start_i high from SqIdle until job_done_o; the job's fields are
  // sampled with it (docs/systolic.md, "The job").
  input  logic                   job_start_i,
  input  logic [1:0]             job_dataflow_i,
  input  logic [31:0]            job_m_i,
  input  logic [31:0]            job_k_i,
  input  logic [31:0]            job_n_i,
  input  logic [15:0]            job_mt_i,
  input  logic [15:0]            job_kt_i,
  input  logic [15:0]            job_nt_i,
  input  logic [15:0]            job_iw_i,
  input  logic [15:0]            job_ch_i,
  input  logic [15:0]            job_ew_i,
  input  logic [15:0]            job_fw_i,
  input  logic [15:0]            job_sh_i,
  input  logic [15:0]            job_sw_i,
  input  logic [31:0]            job_ifmap_base_i,
  input  logic [31:0]            job_filter_base_i,
  input  logic [31:0]            job_ofmap_base_i,
  input  logic [BufAddrBits-1:0] job_half_a_i,
  input  logic [BufAddrBits-1:0] job_half_b_i,
  input  logic [BufAddrBits-1:0] job_half_c_i,
  input  logic [7:0]             job_lanes_i,
  output logic                   job_done_o,
  // DRAM, per lane: the loaders' read requests of the cycle that ended (registers), the
  // responses for this edge (the DRAM word's low InBits), the storer's writes of the cycle that
  // ended (registers).
  output logic                   dram_a_req_valid_o [DramLanes],
  output logic [31:0]            dram_a_req_addr_o  [DramLanes],
  output logic [BufAddrBits-1:0] dram_a_req_tag_o   [DramLanes],
  input  logic                   dram_a_rsp_valid_i [DramLanes],
  input  logic [BufAddrBits-1:0] dram_a_rsp_tag_i   [DramLanes],
  input  logic [InBits-1:0]      dram_a_rsp_data_i  [DramLanes],
  output logic                   dram_b_req_valid_o [DramLanes],
  output logic [31:0]            dram_b_req_addr_o  [DramLanes],
  output logic [BufAddrBits-1:0] dram_b_req_tag_o   [DramLanes],
  input  logic                   dram_b_rsp_valid_i [DramLanes],
  input  logic [BufAddrBits-1:0] dram_b_rsp_tag_i   [DramLanes],
  input  logic [InBits-1:0]      dram_b_rsp_data_i  [DramLanes],
  output logic                   dram_c_wr_valid_o  [DramLanes],
  output logic [31:0]            dram_c_wr_addr_o   [DramLanes],
  output logic [AccBits-1:0]     dram_c_wr_data_o   [DramLanes],
  // Observation (flops, read by the lock-step harness every cycle). Per-PE and per-port values
  // are unpacked arrays: Verilator assembles a packed vector from slices by wide concatenations.
  output logic [1:0]             dbg_state_o,
  output logic [31:0]            dbg_fold_o,
  output logic [31:0]            dbg_t_o,
  output logic [InBits-1:0]      dbg_h_o          [NumPes],
  output logic                   dbg_hv_o         [NumPes],
  output logic [AccBits-1:0]     dbg_v_o          [NumPes],
  output logic                   dbg_vv_o         [NumPes],
  output logic [AccBits-1:0]     dbg_acc_o        [NumPes],
  output logic [InBits-1:0]      dbg_w_o          [NumPes],
  output logic                   dbg_wv_o         [NumPes],
  output logic                   dbg_mac_o        [NumPes],
  output logic                   dbg_left_valid_o [Rows],
  output logic [BufAddrBits-1:0] dbg_left_addr_o  [Rows],
  output logic                   dbg_top_valid_o  [Cols],
  output logic [BufAddrBits-1:0] dbg_top_addr_o   [Cols],
  output logic                   dbg_out_valid_o  [Cols],
  output logic [BufAddrBits-1:0] dbg_out_addr_o   [Cols],
  output logic [AccBits-1:0]     dbg_out_data_o   [Cols],
  // Stream sequencer registers (sim/systolic: StreamSnapshot).
  output logic [1:0]             dbg_sq_state_o,
  output logic                   dbg_sq_ld_valid_o,
  output logic [31:0]            dbg_sq_ld_m0_o,
  output logic [31:0]            dbg_sq_ld_k0_o,
  output logic [31:0]            dbg_sq_ld_n0_o,
  output logic                   dbg_sq_ld_a_half_o,
  output logic                   dbg_sq_ld_b_half_o,
  output logic                   dbg_sq_a_last_o,
  output logic                   dbg_sq_b_last_o,
  output logic                   dbg_sq_cp_valid_o,
  output logic [31:0]            dbg_sq_cp_m0_o,
  output logic [31:0]            dbg_sq_cp_k0_o,
  output logic [31:0]            dbg_sq_cp_n0_o,
  output logic                   dbg_sq_cp_a_half_o,
  output logic                   dbg_sq_cp_b_half_o,
  output logic                   dbg_sq_c_half_o,
  // Mover registers: A loader, B loader, storer (whose lanes are the DRAM ports above).
  output logic                   dbg_a_busy_o,
  output logic [31:0]            dbg_a_count_o,
  output logic [31:0]            dbg_a_issued_o,
  output logic [31:0]            dbg_a_returned_o,
  output logic                   dbg_b_busy_o,
  output logic [31:0]            dbg_b_count_o,
  output logic [31:0]            dbg_b_issued_o,
  output logic [31:0]            dbg_b_returned_o,
  output logic                   dbg_c_busy_o,
  output logic [31:0]            dbg_c_count_o,
  output logic [31:0]            dbg_c_issued_o
);

  // Array controller outputs (instance u_controller).
  sa_state_e   state;
  dataflow_e   dataflow;
  logic [15:0] m, k, n, rows_dim, cols_dim, stream_len;
  logic [31:0] fold, t, s, r0, c0;
  logic        clear, run, preload, stream, last;

  // Stream sequencer outputs (instance u_sequencer): the job the movers work on, the movers'
  // starts, and the compute tile the array runs.
  logic [31:0]            job_m, job_k, job_n, job_ifmap_base, job_filter_base, job_ofmap_base;
  logic [15:0]            job_iw, job_ch, job_ew, job_fw, job_sh, job_sw;
  logic [BufAddrBits-1:0] job_half_a, job_half_b, job_half_c;
  logic [7:0]             job_lanes;
  logic                   a_start, a_half, b_start, b_half, st_start, c_half;
  logic [31:0]            a_m0, a_k0, b_n0, b_k0, st_m0, st_n0;
  logic [15:0]            a_mt, a_kt, b_nt, b_kt, st_mt, st_nt;
  logic                   cp_valid, sq_array_start, accumulate;
  logic [1:0]             sq_dataflow;
  logic [15:0]            sq_m, sq_k, sq_n;
  logic [BufAddrBits-1:0] a_base, b_base, c_base;
  sq_state_e              sq_state;

  // Movers: busy flags, the loaders' SRAM writes, the storer's C reads.
  logic                   a_busy, b_busy, st_busy;
  logic                   a_wr_valid [DramLanes], b_wr_valid [DramLanes];
  logic [BufAddrBits-1:0] a_wr_addr  [DramLanes], b_wr_addr  [DramLanes];
  logic [InBits-1:0]      a_wr_data  [DramLanes], b_wr_data  [DramLanes];
  logic [BufAddrBits-1:0] st_rd_addr [DramLanes];
  logic [AccBits-1:0]     st_rd_data [DramLanes];

  // The array controller's start and GEMM: the compute tile's while there is one, else the host's.
  logic                   array_start;
  logic [1:0]             array_dataflow;
  logic [15:0]            array_m, array_k, array_n;

  // Edge feeds: buffer reads, and the data into the array (0 when not valid).
  logic                   left_valid [Rows];
  logic [BufAddrBits-1:0] left_addr  [Rows];
  logic [InBits-1:0]      left_data  [Rows];
  logic                   top_valid  [Cols];
  logic [BufAddrBits-1:0] top_addr   [Cols];
  logic [InBits-1:0]      top_data   [Cols];

  // A and B read ports: left ports at 0..Rows-1, top ports at Rows..Rows+Cols-1.
  logic [BufAddrBits-1:0] feed_addr [Rows+Cols];
  logic [InBits-1:0]      a_rdata [Rows+Cols], b_rdata [Rows+Cols];

  // Array to output writer.
  logic [AccBits-1:0] acc_sum [NumPes];
  logic [AccBits-1:0] psum    [Cols];

  // Output writer <-> C buffer.
  logic                   out_valid [Cols];
  logic [BufAddrBits-1:0] out_addr  [Cols];
  logic [AccBits-1:0]     out_data  [Cols];
  logic [AccBits-1:0]     c_rdata   [Cols];
  logic                   drain_done;

  // C buffer read ports: the out ports at 0..Cols-1, the storer's lanes at Cols..Cols+DramLanes-1.
  logic [BufAddrBits-1:0] c_rd_addr [Cols+DramLanes];
  logic [AccBits-1:0]     c_rd_data [Cols+DramLanes];

  // Host port reads.
  logic [InBits-1:0]  a_host_rdata, b_host_rdata;
  logic [AccBits-1:0] c_host_rdata;

  // Observation registers of the edge ports.
  logic                   dbg_left_valid_q [Rows];
  logic [BufAddrBits-1:0] dbg_left_addr_q  [Rows];
  logic                   dbg_top_valid_q  [Cols];
  logic [BufAddrBits-1:0] dbg_top_addr_q   [Cols];
  logic                   dbg_out_valid_q  [Cols];
  logic [BufAddrBits-1:0] dbg_out_addr_q   [Cols];
  logic [AccBits-1:0]     dbg_out_data_q   [Cols];

  stream_sequencer #(
    .BufAddrBits(BufAddrBits)
  ) u_sequencer (
    .clk_i,
    .rst_ni,
    .job_start_i,
    .job_dataflow_i,
    .job_m_i,
    .job_k_i,
    .job_n_i,
    .job_mt_i,
    .job_kt_i,
    .job_nt_i,
    .job_iw_i,
    .job_ch_i,
    .job_ew_i,
    .job_fw_i,
    .job_sh_i,
    .job_sw_i,
    .job_ifmap_base_i,
    .job_filter_base_i,
    .job_ofmap_base_i,
    .job_half_a_i,
    .job_half_b_i,
    .job_half_c_i,
    .job_lanes_i,
    .job_done_o,
    .cur_m_o          (job_m),
    .cur_k_o          (job_k),
    .cur_n_o          (job_n),
    .cur_iw_o         (job_iw),
    .cur_ch_o         (job_ch),
    .cur_ew_o         (job_ew),
    .cur_fw_o         (job_fw),
    .cur_sh_o         (job_sh),
    .cur_sw_o         (job_sw),
    .cur_ifmap_base_o (job_ifmap_base),
    .cur_filter_base_o(job_filter_base),
    .cur_ofmap_base_o (job_ofmap_base),
    .cur_half_a_o     (job_half_a),
    .cur_half_b_o     (job_half_b),
    .cur_half_c_o     (job_half_c),
    .cur_lanes_o      (job_lanes),
    .a_busy_i         (a_busy),
    .b_busy_i         (b_busy),
    .st_busy_i        (st_busy),
    .a_start_o        (a_start),
    .a_m0_o           (a_m0),
    .a_k0_o           (a_k0),
    .a_mt_o           (a_mt),
    .a_kt_o           (a_kt),
    .a_half_o         (a_half),
    .b_start_o        (b_start),
    .b_n0_o           (b_n0),
    .b_k0_o           (b_k0),
    .b_nt_o           (b_nt),
    .b_kt_o           (b_kt),
    .b_half_o         (b_half),
    .st_start_o       (st_start),
    .st_m0_o          (st_m0),
    .st_n0_o          (st_n0),
    .st_mt_o          (st_mt),
    .st_nt_o          (st_nt),
    .array_state_i    (state),
    .cp_valid_o       (cp_valid),
    .array_start_o    (sq_array_start),
    .array_dataflow_o (sq_dataflow),
    .array_m_o        (sq_m),
    .array_k_o        (sq_k),
    .array_n_o        (sq_n),
    .a_base_o         (a_base),
    .b_base_o         (b_base),
    .c_base_o         (c_base),
    .accumulate_o     (accumulate),
    .state_o          (sq_state),
    .ld_valid_o       (dbg_sq_ld_valid_o),
    .ld_m0_o          (dbg_sq_ld_m0_o),
    .ld_k0_o          (dbg_sq_ld_k0_o),
    .ld_n0_o          (dbg_sq_ld_n0_o),
    .ld_a_half_o      (dbg_sq_ld_a_half_o),
    .ld_b_half_o      (dbg_sq_ld_b_half_o),
    .a_last_o         (dbg_sq_a_last_o),
    .b_last_o         (dbg_sq_b_last_o),
    .cp_m0_o          (dbg_sq_cp_m0_o),
    .cp_k0_o          (dbg_sq_cp_k0_o),
    .cp_n0_o          (dbg_sq_cp_n0_o),
    .cp_a_half_o      (dbg_sq_cp_a_half_o),
    .cp_b_half_o      (dbg_sq_cp_b_half_o),
    .c_half_o         (c_half)
  );

  tile_loader #(
    .LoadB      (1'b0),
    .InBits     (InBits),
    .BufAddrBits(BufAddrBits),
    .DramLanes  (DramLanes)
  ) u_a_loader (
    .clk_i,
    .rst_ni,
    .k_i         (job_k),
    .iw_i        (job_iw),
    .ch_i        (job_ch),
    .ew_i        (job_ew),
    .fw_i        (job_fw),
    .sh_i        (job_sh),
    .sw_i        (job_sw),
    .dram_base_i (job_ifmap_base),
    .half_words_i(job_half_a),
    .lanes_i     (job_lanes),
    .start_i     (a_start),
    .o0_i        (a_m0),
    .i0_i        (a_k0),
    .ot_i        (a_mt),
    .it_i        (a_kt),
    .half_i      (a_half),
    .req_valid_o (dram_a_req_valid_o),
    .req_addr_o  (dram_a_req_addr_o),
    .req_tag_o   (dram_a_req_tag_o),
    .rsp_valid_i (dram_a_rsp_valid_i),
    .rsp_tag_i   (dram_a_rsp_tag_i),
    .rsp_data_i  (dram_a_rsp_data_i),
    .wr_valid_o  (a_wr_valid),
    .wr_addr_o   (a_wr_addr),
    .wr_data_o   (a_wr_data),
    .busy_o      (a_busy),
    .count_o     (dbg_a_count_o),
    .issued_o    (dbg_a_issued_o),
    .returned_o  (dbg_a_returned_o)
  );

  tile_loader #(
    .LoadB      (1'b1),
    .InBits     (InBits),
    .BufAddrBits(BufAddrBits),
    .DramLanes  (DramLanes)
  ) u_b_loader (
    .clk_i,
    .rst_ni,
    .k_i         (job_k),
    .iw_i        (job_iw),
    .ch_i        (job_ch),
    .ew_i        (job_ew),
    .fw_i        (job_fw),
    .sh_i        (job_sh),
    .sw_i        (job_sw),
    .dram_base_i (job_filter_base),
    .half_words_i(job_half_b),
    .lanes_i     (job_lanes),
    .start_i     (b_start),
    .o0_i        (b_n0),
    .i0_i        (b_k0),
    .ot_i        (b_nt),
    .it_i        (b_kt),
    .half_i      (b_half),
    .req_valid_o (dram_b_req_valid_o),
    .req_addr_o  (dram_b_req_addr_o),
    .req_tag_o   (dram_b_req_tag_o),
    .rsp_valid_i (dram_b_rsp_valid_i),
    .rsp_tag_i   (dram_b_rsp_tag_i),
    .rsp_data_i  (dram_b_rsp_data_i),
    .wr_valid_o  (b_wr_valid),
    .wr_addr_o   (b_wr_addr),
    .wr_data_o   (b_wr_data),
    .busy_o      (b_busy),
    .count_o     (dbg_b_count_o),
    .issued_o    (dbg_b_issued_o),
    .returned_o  (dbg_b_returned_o)
  );

  tile_storer #(
    .AccBits    (AccBits),
    .BufAddrBits(BufAddrBits),
    .DramLanes  (DramLanes)
  ) u_storer (
    .clk_i,
    .rst_ni,
    .m_i         (job_m),
    .n_i         (job_n),
    .ofmap_base_i(job_ofmap_base),
    .half_words_i(job_half_c),
    .lanes_i     (job_lanes),
    .start_i     (st_start),
    .m0_i        (st_m0),
    .n0_i        (st_n0),
    .rows_i      (st_mt),
    .cols_i      (st_nt),
    .half_i      (c_half),
    .rd_addr_o   (st_rd_addr),
    .rd_data_i   (st_rd_data),
    .wr_valid_o  (dram_c_wr_valid_o),
    .wr_addr_o   (dram_c_wr_addr_o),
    .wr_data_o   (dram_c_wr_data_o),
    .busy_o      (st_busy),
    .count_o     (dbg_c_count_o),
    .issued_o    (dbg_c_issued_o)
  );

  // The array runs the compute tile while there is one (started until the sequencer releases
  // it), else the host's GEMM.
  assign array_start    = start_i || sq_array_start;
  assign array_dataflow = cp_valid ? sq_dataflow : dataflow_i;
  assign array_m        = cp_valid ? sq_m : m_i;
  assign array_k        = cp_valid ? sq_k : k_i;
  assign array_n        = cp_valid ? sq_n : n_i;

  array_controller #(
    .Rows(Rows),
    .Cols(Cols)
  ) u_controller (
    .clk_i,
    .rst_ni,
    .start_i     (array_start),
    .dataflow_i  (array_dataflow),
    .m_i         (array_m),
    .k_i         (array_k),
    .n_i         (array_n),
    .drain_done_i(drain_done),
    .state_o     (state),
    .dataflow_o  (dataflow),
    .m_o         (m),
    .k_o         (k),
    .n_o         (n),
    .rows_dim_o  (rows_dim),
    .cols_dim_o  (cols_dim),
    .stream_len_o(stream_len),
    .fold_o      (fold),
    .t_o         (t),
    .s_o         (s),
    .r0_o        (r0),
    .c0_o        (c0),
    .clear_o     (clear),
    .run_o       (run),
    .preload_o   (preload),
    .stream_o    (stream),
    .last_o      (last),
    .done_o
  );

  feeder #(
    .Rows       (Rows),
    .Cols       (Cols),
    .BufAddrBits(BufAddrBits)
  ) u_feeder (
    .clk_i,
    .rst_ni,
    .dataflow_i  (dataflow),
    .preload_i   (preload),
    .stream_i    (stream),
    .t_i         (t),
    .s_i         (s),
    .r0_i        (r0),
    .c0_i        (c0),
    .k_i         (k),
    .n_i         (n),
    .rows_dim_i  (rows_dim),
    .cols_dim_i  (cols_dim),
    .stream_len_i(stream_len),
    .a_base_i    (a_base),
    .b_base_i    (b_base),
    .left_valid_o(left_valid),
    .left_addr_o (left_addr),
    .top_valid_o (top_valid),
    .top_addr_o  (top_addr)
  );

  always_comb begin
    for (int unsigned i = 0; i < Rows; i++) begin
      feed_addr[i] = left_addr[i];
    end
    for (int unsigned j = 0; j < Cols; j++) begin
      feed_addr[Rows+j] = top_addr[j];
    end
  end

  buffer #(
    .AddrBits     (BufAddrBits),
    .DataBits     (InBits),
    .NumReadPorts (Rows + Cols),
    .NumWritePorts(DramLanes)
  ) u_a_buffer (
    .clk_i,
    .rd_addr_i   (feed_addr),
    .rd_data_o   (a_rdata),
    .wr_valid_i  (a_wr_valid),
    .wr_addr_i   (a_wr_addr),
    .wr_data_i   (a_wr_data),
    .host_we_i   (host_we_i && host_sel_i == HostA),
    .host_addr_i,
    .host_wdata_i(host_wdata_i[InBits-1:0]),
    .host_rdata_o(a_host_rdata)
  );

  buffer #(
    .AddrBits     (BufAddrBits),
    .DataBits     (InBits),
    .NumReadPorts (Rows + Cols),
    .NumWritePorts(DramLanes)
  ) u_b_buffer (
    .clk_i,
    .rd_addr_i   (feed_addr),
    .rd_data_o   (b_rdata),
    .wr_valid_i  (b_wr_valid),
    .wr_addr_i   (b_wr_addr),
    .wr_data_i   (b_wr_data),
    .host_we_i   (host_we_i && host_sel_i == HostB),
    .host_addr_i,
    .host_wdata_i(host_wdata_i[InBits-1:0]),
    .host_rdata_o(b_host_rdata)
  );

  // Left ports stream A (os, ws) or B (is); top ports feed B (os, ws) or A (is).
  always_comb begin
    for (int unsigned i = 0; i < Rows; i++) begin
      left_data[i] = '0;
      if (left_valid[i]) begin
        left_data[i] = (dataflow == DfIs) ? b_rdata[i] : a_rdata[i];
      end
    end
    for (int unsigned j = 0; j < Cols; j++) begin
      top_data[j] = '0;
      if (top_valid[j]) begin
        top_data[j] = (dataflow == DfIs) ? a_rdata[Rows+j] : b_rdata[Rows+j];
      end
    end
  end

  pe_array #(
    .Rows   (Rows),
    .Cols   (Cols),
    .InBits (InBits),
    .AccBits(AccBits)
  ) u_pe_array (
    .clk_i,
    .rst_ni,
    .clear_i     (clear),
    .run_i       (run),
    .dataflow_i  (dataflow),
    .preload_i   (preload),
    .last_i      (last),
    .left_data_i (left_data),
    .left_valid_i(left_valid),
    .top_data_i  (top_data),
    .top_valid_i (top_valid),
    .h_o         (dbg_h_o),
    .hv_o        (dbg_hv_o),
    .v_o         (dbg_v_o),
    .vv_o        (dbg_vv_o),
    .acc_o       (dbg_acc_o),
    .w_o         (dbg_w_o),
    .wv_o        (dbg_wv_o),
    .mac_o       (dbg_mac_o),
    .acc_sum_o   (acc_sum),
    .psum_o      (psum)
  );

  output_writer #(
    .Rows       (Rows),
    .Cols       (Cols),
    .AccBits    (AccBits),
    .BufAddrBits(BufAddrBits)
  ) u_output_writer (
    .clk_i,
    .rst_ni,
    .clear_i     (clear),
    .dataflow_i  (dataflow),
    .stream_i    (stream),
    .last_i      (last),
    .s_i         (s),
    .r0_i        (r0),
    .c0_i        (c0),
    .m_i         (m),
    .n_i         (n),
    .cols_dim_i  (cols_dim),
    .stream_len_i(stream_len),
    .c_base_i    (c_base),
    .accumulate_i(accumulate),
    .acc_sum_i   (acc_sum),
    .psum_i      (psum),
    .c_rdata_i   (c_rdata),
    .out_valid_o (out_valid),
    .out_addr_o  (out_addr),
    .out_data_o  (out_data),
    .drain_done_o(drain_done)
  );

  // Addresses and data in separate blocks: the storer's data is read at its address.
  always_comb begin
    for (int unsigned j = 0; j < Cols; j++) begin
      c_rd_addr[j] = out_addr[j];
    end
    for (int unsigned l = 0; l < DramLanes; l++) begin
      c_rd_addr[Cols+l] = st_rd_addr[l];
    end
  end

  always_comb begin
    for (int unsigned j = 0; j < Cols; j++) begin
      c_rdata[j] = c_rd_data[j];
    end
    for (int unsigned l = 0; l < DramLanes; l++) begin
      st_rd_data[l] = c_rd_data[Cols+l];
    end
  end

  buffer #(
    .AddrBits     (BufAddrBits),
    .DataBits     (AccBits),
    .NumReadPorts (Cols + DramLanes),
    .NumWritePorts(Cols)
  ) u_c_buffer (
    .clk_i,
    .rd_addr_i   (c_rd_addr),
    .rd_data_o   (c_rd_data),
    .wr_valid_i  (out_valid),
    .wr_addr_i   (out_addr),
    .wr_data_i   (out_data),
    .host_we_i   (host_we_i && host_sel_i == HostC),
    .host_addr_i,
    .host_wdata_i,
    .host_rdata_o(c_host_rdata)
  );

  always_comb begin
    unique case (host_sel_i)
      HostA:   host_rdata_o = AccBits'($signed(a_host_rdata));
      HostB:   host_rdata_o = AccBits'($signed(b_host_rdata));
      HostC:   host_rdata_o = c_host_rdata;
      default: host_rdata_o = '0;
    endcase
  end

  // The edge ports of the cycle that ended; the units give 0 for invalid ports.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      dbg_left_valid_q <= '{default: 1'b0};
      dbg_left_addr_q  <= '{default: '0};
      dbg_top_valid_q  <= '{default: 1'b0};
      dbg_top_addr_q   <= '{default: '0};
      dbg_out_valid_q  <= '{default: 1'b0};
      dbg_out_addr_q   <= '{default: '0};
      dbg_out_data_q   <= '{default: '0};
    end else begin
      dbg_left_valid_q <= left_valid;
      dbg_left_addr_q  <= left_addr;
      dbg_top_valid_q  <= top_valid;
      dbg_top_addr_q   <= top_addr;
      dbg_out_valid_q  <= out_valid;
      dbg_out_addr_q   <= out_addr;
      dbg_out_data_q   <= out_data;
    end
  end

  assign dbg_state_o      = state;
  assign dbg_fold_o       = fold;
  assign dbg_t_o          = t;
  assign dbg_left_valid_o = dbg_left_valid_q;
  assign dbg_left_addr_o  = dbg_left_addr_q;
  assign dbg_top_valid_o  = dbg_top_valid_q;
  assign dbg_top_addr_o   = dbg_top_addr_q;
  assign dbg_out_valid_o  = dbg_out_valid_q;
  assign dbg_out_addr_o   = dbg_out_addr_q;
  assign dbg_out_data_o   = dbg_out_data_q;

  assign dbg_sq_state_o    = sq_state;
  assign dbg_sq_cp_valid_o = cp_valid;
  assign dbg_sq_c_half_o   = c_half;
  assign dbg_a_busy_o      = a_busy;
  assign dbg_b_busy_o      = b_busy;
  assign dbg_c_busy_o      = st_busy;

endmodule
