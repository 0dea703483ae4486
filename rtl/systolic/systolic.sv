// Top level of the tensor core (docs/systolic.md): array controller, feeder, PE array, output
// writer and the A, B and C buffers, plus the registered observation of the edge ports.
// Runs one GEMM C[M x N] = A[M x K] * B[K x N] per start in os, ws or is dataflow.
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
  output logic [AccBits-1:0]     dbg_out_data_o   [Cols]
);

  // Array controller outputs (instance u_controller).
  sa_state_e   state;
  dataflow_e   dataflow;
  logic [15:0] m, k, n, rows_dim, cols_dim, stream_len;
  logic [31:0] fold, t, s, r0, c0;
  logic        clear, run, preload, stream, last;

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

  array_controller #(
    .Rows(Rows),
    .Cols(Cols)
  ) u_controller (
    .clk_i,
    .rst_ni,
    .start_i,
    .dataflow_i,
    .m_i,
    .k_i,
    .n_i,
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
    .NumWritePorts(1)
  ) u_a_buffer (
    .clk_i,
    .rd_addr_i   (feed_addr),
    .rd_data_o   (a_rdata),
    .wr_valid_i  ('{default: 1'b0}),
    .wr_addr_i   ('{default: '0}),
    .wr_data_i   ('{default: '0}),
    .host_we_i   (host_we_i && host_sel_i == HostA),
    .host_addr_i,
    .host_wdata_i(host_wdata_i[InBits-1:0]),
    .host_rdata_o(a_host_rdata)
  );

  buffer #(
    .AddrBits     (BufAddrBits),
    .DataBits     (InBits),
    .NumReadPorts (Rows + Cols),
    .NumWritePorts(1)
  ) u_b_buffer (
    .clk_i,
    .rd_addr_i   (feed_addr),
    .rd_data_o   (b_rdata),
    .wr_valid_i  ('{default: 1'b0}),
    .wr_addr_i   ('{default: '0}),
    .wr_data_i   ('{default: '0}),
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
    .acc_sum_i   (acc_sum),
    .psum_i      (psum),
    .c_rdata_i   (c_rdata),
    .out_valid_o (out_valid),
    .out_addr_o  (out_addr),
    .out_data_o  (out_data),
    .drain_done_o(drain_done)
  );

  buffer #(
    .AddrBits     (BufAddrBits),
    .DataBits     (AccBits),
    .NumReadPorts (Cols),
    .NumWritePorts(Cols)
  ) u_c_buffer (
    .clk_i,
    .rd_addr_i   (out_addr),
    .rd_data_o   (c_rdata),
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

endmodule
