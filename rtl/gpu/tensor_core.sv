// Tensor core (per core, docs/architecture.md, "Tensor core"): an R x C grid of the systolic
// array's PEs (pe_array, fed by its feeder) with the tiles A (R x R) and B (R x C), R x C
// accumulators and one port to data memory. Runs the core's tile instructions while the core
// waits in StWait: TLDA/TLDB load a tile word by word, TSTC stores the accumulators, TMMA runs
// one fold acc += A * B, TCLR clears acc. Reset with the core.
module tensor_core import gpu_pkg::*; import systolic_pkg::*; #(
  // Thread slots per core.
  parameter int unsigned ThreadsPerBlock = 4,
  // Data word, register and data-address width.
  parameter int unsigned DataBits = 8,
  // Data memory holds 2^DataAddrBits words.
  parameter int unsigned DataAddrBits = 8,
  // PE rows R (> 0).
  parameter int unsigned TcRows = 4,
  // PE columns C.
  parameter int unsigned TcCols = 4,
  // Dataflow: 0 os, 1 ws, 2 is (is needs R <= C).
  parameter int unsigned TcDataflow = 0,
  // Tile element width, signed.
  parameter int unsigned TcInBits = 8,
  // Accumulator width, signed, wrapping.
  parameter int unsigned TcAccBits = 32,
  // Words of the A tile (R x R) and of the B tile and accumulators (R x C).
  localparam int unsigned NumA = TcRows * TcRows,
  localparam int unsigned NumB = TcRows * TcCols
) (
  input  logic                                      clk_i,
  input  logic                                      reset_i,
  input  core_state_e                               core_state_i,
  // Decoder tc_op_q.
  input  logic [2:0]                                tc_op_i,
  input  logic [ThreadsPerBlock-1:0]                thread_enable_i,
  // Every thread slot's registers-unit rs_q and rt_q (base and stride).
  input  logic [ThreadsPerBlock-1:0][DataBits-1:0]  rs_i,
  input  logic [ThreadsPerBlock-1:0][DataBits-1:0]  rt_i,
  // StWait must last: a tile instruction is in flight (or has faulted).
  output logic                                      busy_o,
  // Tile port, straight to data memory; address_q serves reads and writes.
  output logic                                      read_valid_o,
  output logic [DataBits-1:0]                       read_address_o,
  input  logic                                      read_ready_i,
  input  logic [DataBits-1:0]                       read_data_i,
  output logic                                      write_valid_o,
  output logic [DataBits-1:0]                       write_address_o,
  output logic [DataBits-1:0]                       write_data_o,
  input  logic                                      write_ready_i,
  // Observation (flops).
  output logic [2:0]                                dbg_state_o,
  output logic [2:0]                                dbg_op_o,
  output logic [1:0]                                dbg_fault_o,
  output logic [7:0]                                dbg_fault_thread_o,
  output logic [7:0]                                dbg_t_o,
  output logic [7:0]                                dbg_row_o,
  output logic [7:0]                                dbg_col_o,
  output logic [DataBits-1:0]                       dbg_base_o,
  output logic [DataBits-1:0]                       dbg_stride_o,
  output logic [TcInBits-1:0]                       dbg_a_o    [NumA],
  output logic [TcInBits-1:0]                       dbg_b_o    [NumB],
  output logic [TcAccBits-1:0]                      dbg_acc_o  [NumB],
  // PE registers, PE p = i*C + j.
  output logic [TcInBits-1:0]                       dbg_h_o    [NumB],
  output logic                                      dbg_hv_o   [NumB],
  output logic [TcAccBits-1:0]                      dbg_v_o    [NumB],
  output logic                                      dbg_vv_o   [NumB],
  output logic [TcAccBits-1:0]                      dbg_pacc_o [NumB],
  output logic [TcInBits-1:0]                       dbg_w_o    [NumB],
  output logic                                      dbg_wv_o   [NumB],
  output logic                                      dbg_mac_o  [NumB]
);

  localparam int unsigned R = TcRows;
  localparam int unsigned C = TcCols;
  localparam dataflow_e   Dataflow = dataflow_e'(TcDataflow[1:0]);
  // The fold (docs/systolic.md with M = K = R, N = C): preload P, length L, streamed vectors S.
  localparam int unsigned P = (Dataflow == DfOs) ? 0 : R;
  localparam int unsigned L = (Dataflow == DfWs) ? 3 * R + C - 2
                            : (Dataflow == DfIs) ? 2 * R + 2 * C - 2
                            : 2 * R + C - 2;
  localparam int unsigned S = (Dataflow == DfIs) ? C : R;
  // Dimension walked by the array columns: N = C (os, ws) or M = R (is).
  localparam int unsigned ColsDim = (Dataflow == DfIs) ? R : C;
  // Feeder addresses reach R * max(R, C) words; index widths of the tiles (at least one bit).
  localparam int unsigned MaxRC       = (R > C) ? R : C;
  localparam int unsigned BufAddrBits = (R * MaxRC > 1) ? $clog2(R * MaxRC) : 1;
  localparam int unsigned AIdxBits    = (NumA > 1) ? $clog2(NumA) : 1;
  localparam int unsigned BIdxBits    = (NumB > 1) ? $clog2(NumB) : 1;

  tc_state_e           state_d, state_q;
  logic [2:0]          op_d, op_q;
  logic [1:0]          fault_d, fault_q;
  logic [7:0]          fault_thread_d, fault_thread_q;
  logic [DataBits-1:0] base_d, base_q;
  logic [DataBits-1:0] stride_d, stride_q;
  logic [7:0]          row_d, row_q;
  logic [7:0]          col_d, col_q;
  logic [7:0]          t_d, t_q;
  logic                read_valid_d, read_valid_q;
  logic                write_valid_d, write_valid_q;
  logic [DataBits-1:0] address_d, address_q;
  logic [DataBits-1:0] write_data_d, write_data_q;

  // Tiles and accumulators are written in place, not copied as a whole d-value each cycle.
  logic [TcInBits-1:0]  a_q   [NumA];
  logic [TcInBits-1:0]  b_q   [NumB];
  logic [TcAccBits-1:0] acc_q [NumB];

  // Tile writes of TcLoad (one word per edge) and the accumulator clear of TCLR.
  logic                a_we, b_we;
  logic [AIdxBits-1:0] a_idx;
  logic [BIdxBits-1:0] b_idx;
  logic [TcInBits-1:0] tile_wdata;
  logic                acc_clear;

  // TcStart: the first enabled slot whose base or stride differs from slot 0's.
  logic        operands_differ;
  logic [7:0]  differing_thread;
  // Words per tile row W, and the tile's last word base + (R-1)*stride + W-1 (32 bits).
  logic [31:0] words, last_address;
  // TcLoad, TcStore: the current word is the tile's last; the next (row, col).
  logic        last_word;
  logic [7:0]  next_row, next_col;

  // The fold: PE array control and feeder inputs.
  logic        computing, preload, stream, last;
  logic [31:0] t, s;

  // Feeder <-> tiles <-> PE array edge feeds (data 0 when not valid).
  logic                   left_valid [R];
  logic [BufAddrBits-1:0] left_addr  [R];
  logic [TcInBits-1:0]    left_data  [R];
  logic                   top_valid  [C];
  logic [BufAddrBits-1:0] top_addr   [C];
  logic [TcInBits-1:0]    top_data   [C];

  // PE array results: every PE's acc_q plus this cycle's os product, the bottom row's psums.
  logic [TcAccBits-1:0] acc_sum [NumB];
  logic [TcAccBits-1:0] psum    [C];

  logic rst_n;
  assign rst_n = !reset_i;

  always_comb begin : p_operands
    operands_differ  = 1'b0;
    differing_thread = '0;
    // Walked downwards so that the lowest such slot is the one named.
    for (int unsigned slot = ThreadsPerBlock - 1; slot > 0; slot--) begin
      if (thread_enable_i[slot] && (rs_i[slot] != rs_i[0] || rt_i[slot] != rt_i[0])) begin
        operands_differ  = 1'b1;
        differing_thread = 8'(slot);
      end
    end
  end

  assign words        = (op_q == TcOpLda) ? 32'(R) : 32'(C);
  assign last_address = 32'(rs_i[0]) + 32'(R - 1) * 32'(rt_i[0]) + words - 32'd1;
  assign last_word    = 32'(row_q) == 32'(R - 1) && 32'(col_q) == words - 32'd1;
  assign next_row     = (32'(col_q) == words - 32'd1) ? row_q + 8'd1 : row_q;
  assign next_col     = (32'(col_q) == words - 32'd1) ? 8'd0 : col_q + 8'd1;

  always_comb begin : p_state
    state_d        = state_q;
    op_d           = op_q;
    fault_d        = fault_q;
    fault_thread_d = fault_thread_q;
    base_d         = base_q;
    stride_d       = stride_q;
    row_d          = row_q;
    col_d          = col_q;
    t_d            = t_q;
    read_valid_d   = read_valid_q;
    write_valid_d  = write_valid_q;
    address_d      = address_q;
    write_data_d   = write_data_q;
    a_we           = 1'b0;
    b_we           = 1'b0;
    a_idx          = '0;
    b_idx          = '0;
    tile_wdata     = read_data_i[TcInBits-1:0];
    acc_clear      = 1'b0;
    unique case (state_q)
      TcIdle: begin
        if (core_state_i == CoreRequest && tc_op_i != TcOpNone) begin
          op_d    = tc_op_i;
          state_d = TcStart;
        end
      end
      TcStart: begin
        unique case (op_q)
          TcOpClr: begin
            acc_clear = 1'b1;
            state_d   = TcDone;
          end
          TcOpMma: begin
            t_d     = '0;
            state_d = TcCompute;
          end
          TcOpLda, TcOpLdb, TcOpStc: begin
            if (operands_differ) begin
              fault_d        = TcFaultOperands;
              fault_thread_d = differing_thread;
              state_d        = TcFault;
            end else if (32'(rt_i[0]) < words) begin
              fault_d        = TcFaultStride;
              fault_thread_d = '0;
              state_d        = TcFault;
            end else if (last_address >= 32'd1 << DataAddrBits) begin
              fault_d        = TcFaultRange;
              fault_thread_d = '0;
              state_d        = TcFault;
            end else begin
              base_d    = rs_i[0];
              stride_d  = rt_i[0];
              row_d     = '0;
              col_d     = '0;
              address_d = rs_i[0];
              if (op_q == TcOpStc) begin
                write_valid_d = 1'b1;
                write_data_d  = DataBits'(acc_q[0]);
                state_d       = TcStore;
              end else begin
                read_valid_d = 1'b1;
                state_d      = TcLoad;
              end
            end
          end
          default: begin
            // The decoder gives no other operation.
            state_d = TcDone;
          end
        endcase
      end
      TcLoad: begin
        if (read_ready_i) begin
          if (op_q == TcOpLda) begin
            a_we  = 1'b1;
            a_idx = AIdxBits'(32'(row_q) * 32'(R) + 32'(col_q));
          end else begin
            b_we  = 1'b1;
            b_idx = BIdxBits'(32'(row_q) * 32'(C) + 32'(col_q));
          end
          if (last_word) begin
            read_valid_d = 1'b0;
            state_d      = TcDone;
          end else begin
            row_d     = next_row;
            col_d     = next_col;
            address_d = DataBits'(32'(base_q) + 32'(next_row) * 32'(stride_q) + 32'(next_col));
          end
        end
      end
      TcStore: begin
        if (write_ready_i) begin
          if (last_word) begin
            write_valid_d = 1'b0;
            state_d       = TcDone;
          end else begin
            row_d        = next_row;
            col_d        = next_col;
            address_d    = DataBits'(32'(base_q) + 32'(next_row) * 32'(stride_q) + 32'(next_col));
            write_data_d = DataBits'(acc_q[BIdxBits'(32'(next_row) * 32'(C) + 32'(next_col))]);
          end
        end
      end
      TcCompute: begin
        if (32'(t_q) == 32'(L - 1)) begin
          t_d     = '0;
          state_d = TcDone;
        end else begin
          t_d = t_q + 8'd1;
        end
      end
      TcDone: begin
        if (core_state_i == CoreUpdate) begin
          state_d = TcIdle;
        end
      end
      TcFault: begin
        // Stays: the harness stops the run.
      end
      default: begin
        state_d = TcIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      state_q        <= TcIdle;
      op_q           <= TcOpNone;
      fault_q        <= TcFaultNone;
      fault_thread_q <= '0;
      base_q         <= '0;
      stride_q       <= '0;
      row_q          <= '0;
      col_q          <= '0;
      t_q            <= '0;
      read_valid_q   <= 1'b0;
      write_valid_q  <= 1'b0;
      address_q      <= '0;
      write_data_q   <= '0;
    end else begin
      state_q        <= state_d;
      op_q           <= op_d;
      fault_q        <= fault_d;
      fault_thread_q <= fault_thread_d;
      base_q         <= base_d;
      stride_q       <= stride_d;
      row_q          <= row_d;
      col_q          <= col_d;
      t_q            <= t_d;
      read_valid_q   <= read_valid_d;
      write_valid_q  <= write_valid_d;
      address_q      <= address_d;
      write_data_q   <= write_data_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      a_q <= '{default: '0};
    end else if (a_we) begin
      a_q[a_idx] <= tile_wdata;
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      b_q <= '{default: '0};
    end else if (b_we) begin
      b_q[b_idx] <= tile_wdata;
    end
  end

  // The fold's cycle t = t_q; outside TcCompute the PE array holds and no port is valid.
  assign computing = state_q == TcCompute;
  assign t         = 32'(t_q);
  assign s         = t - 32'(P);
  assign preload   = computing && Dataflow != DfOs && t < 32'(R);
  assign stream    = computing && (Dataflow == DfOs || t >= 32'(R));
  assign last      = computing && Dataflow == DfOs && t == 32'(L - 1);

  feeder #(
    .Rows       (R),
    .Cols       (C),
    .BufAddrBits(BufAddrBits)
  ) u_feeder (
    .clk_i,
    .rst_ni      (rst_n),
    .dataflow_i  (Dataflow),
    .preload_i   (preload),
    .stream_i    (stream),
    .t_i         (t),
    .s_i         (s),
    .r0_i        (32'd0),
    .c0_i        (32'd0),
    .k_i         (16'(R)),
    .n_i         (16'(C)),
    .rows_dim_i  (16'(R)),
    .cols_dim_i  (16'(ColsDim)),
    .stream_len_i(16'(S)),
    // One tile at address 0 of each operand (the array's streamed halves do not apply here).
    .a_base_i    ('0),
    .b_base_i    ('0),
    .left_valid_o(left_valid),
    .left_addr_o (left_addr),
    .top_valid_o (top_valid),
    .top_addr_o  (top_addr)
  );

  // Left ports stream A (os, ws) or B (is); top ports feed B (os, ws) or A (is). The feeder
  // keeps valid addresses inside the tile it names (FeederLeftAddrInRange, FeederTopAddrInRange).
  always_comb begin : p_feed
    for (int unsigned i = 0; i < R; i++) begin
      left_data[i] = '0;
      if (left_valid[i]) begin
        left_data[i] = (Dataflow == DfIs) ? b_q[BIdxBits'(left_addr[i])]
                                          : a_q[AIdxBits'(left_addr[i])];
      end
    end
    for (int unsigned j = 0; j < C; j++) begin
      top_data[j] = '0;
      if (top_valid[j]) begin
        top_data[j] = (Dataflow == DfIs) ? a_q[AIdxBits'(top_addr[j])]
                                         : b_q[BIdxBits'(top_addr[j])];
      end
    end
  end

  pe_array #(
    .Rows   (R),
    .Cols   (C),
    .InBits (TcInBits),
    .AccBits(TcAccBits)
  ) u_pe_array (
    .clk_i,
    .rst_ni      (rst_n),
    .clear_i     (1'b0),
    .run_i       (computing),
    .dataflow_i  (Dataflow),
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
    .acc_o       (dbg_pacc_o),
    .w_o         (dbg_w_o),
    .wv_o        (dbg_wv_o),
    .mac_o       (dbg_mac_o),
    .acc_sum_o   (acc_sum),
    .psum_o      (psum)
  );

  // Accumulator (i, j) adds, at the edge: os, the fold's last cycle: PE(i, j)'s acc_sum;
  // ws: column j's psum when its vector u == i; is: column i's psum when its vector u == j.
  // Column q's vector is u = s - (R-1) - q while it streams.
  logic          psum_valid [C];
  logic [31:0]   psum_vec   [C];

  always_comb begin : p_psum
    for (int unsigned q = 0; q < C; q++) begin
      psum_vec[q]   = s - 32'(R - 1 + q);
      psum_valid[q] = Dataflow != DfOs && stream && s >= 32'(R - 1 + q) && psum_vec[q] < 32'(S)
                      && q < ColsDim;
    end
  end

  for (genvar i = 0; i < R; i++) begin : g_acc_row
    for (genvar j = 0; j < C; j++) begin : g_acc_col
      localparam int unsigned Idx = i * C + j;
      // The PE column whose partial sums land here, and the vector it must be on.
      localparam int unsigned SrcCol = (Dataflow == DfIs) ? i : j;
      localparam int unsigned SrcVec = (Dataflow == DfIs) ? j : i;

      logic                 acc_we;
      logic [TcAccBits-1:0] acc_add;

      if (Dataflow == DfOs) begin : g_os
        assign acc_we  = last;
        assign acc_add = acc_sum[Idx];
      end else begin : g_ws_is
        assign acc_we  = psum_valid[SrcCol] && psum_vec[SrcCol] == 32'(SrcVec);
        assign acc_add = psum[SrcCol];
      end

      always_ff @(posedge clk_i) begin
        if (reset_i || acc_clear) begin
          acc_q[Idx] <= '0;
        end else if (acc_we) begin
          acc_q[Idx] <= acc_q[Idx] + acc_add;
        end
      end
    end
  end

  // A loaded word's bits above the element are not used.
  if (TcInBits < DataBits) begin : g_unused_read_data
    logic [DataBits-TcInBits-1:0] unused_read_data;
    assign unused_read_data = read_data_i[DataBits-1:TcInBits];
  end

  // Unused in ws/is: the os sums; in os: the bottom row's partial sums.
  if (Dataflow == DfOs) begin : g_unused_psum
    logic [TcAccBits-1:0] unused_psum       [C];
    logic                 unused_psum_valid [C];
    assign unused_psum       = psum;
    assign unused_psum_valid = psum_valid;
  end else begin : g_unused_acc_sum
    logic [TcAccBits-1:0] unused_acc_sum [NumB];
    assign unused_acc_sum = acc_sum;
  end

  assign busy_o             = state_q inside {TcStart, TcLoad, TcStore, TcCompute, TcFault};
  assign read_valid_o       = read_valid_q;
  assign read_address_o     = address_q;
  assign write_valid_o      = write_valid_q;
  assign write_address_o    = address_q;
  assign write_data_o       = write_data_q;
  assign dbg_state_o        = state_q;
  assign dbg_op_o           = op_q;
  assign dbg_fault_o        = fault_q;
  assign dbg_fault_thread_o = fault_thread_q;
  assign dbg_t_o            = t_q;
  assign dbg_row_o          = row_q;
  assign dbg_col_o          = col_q;
  assign dbg_base_o         = base_q;
  assign dbg_stride_o       = stride_q;
  assign dbg_a_o            = a_q;
  assign dbg_b_o            = b_q;
  assign dbg_acc_o          = acc_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // IDLE -> START -> LOAD, STORE or COMPUTE -> DONE -> IDLE; START may go straight to DONE
  // (TCLR) or to FAULT, which stays until the core is reset.
  TensorCoreLegalTransition: assert property (@(posedge clk_i) disable iff (reset_i)
      (state_q == TcIdle    && state_d inside {TcIdle, TcStart})                              ||
      (state_q == TcStart   && state_d inside {TcLoad, TcStore, TcCompute, TcDone, TcFault})  ||
      (state_q == TcLoad    && state_d inside {TcLoad, TcDone})                               ||
      (state_q == TcStore   && state_d inside {TcStore, TcDone})                              ||
      (state_q == TcCompute && state_d inside {TcCompute, TcDone})                            ||
      (state_q == TcDone    && state_d inside {TcDone, TcIdle})                               ||
      (state_q == TcFault   && state_d == TcFault))
    else $error("tensor-core state %0d -> %0d is not a legal step", state_q, state_d);

  // A tile-port request keeps valid, address and (for a write) data until the memory's ready.
  TensorCoreRequestHeld: assert property (@(posedge clk_i) disable iff (reset_i)
      (!read_valid_q || read_ready_i || (read_valid_d && address_d == address_q)) &&
      (!write_valid_q || write_ready_i
       || (write_valid_d && address_d == address_q && write_data_d == write_data_q)))
    else $error("tile-port request at %0d changed or dropped before the memory's ready", address_q);

  // One request at a time, and only inside data memory (the range check of TcStart); on the
  // next-state values, so that it fires at the edge that would issue such a request.
  TensorCoreRequestInRange: assert property (@(posedge clk_i) disable iff (reset_i)
      (read_valid_d || write_valid_d)
      |-> !(read_valid_d && write_valid_d) && 32'(address_d) < 32'd1 << DataAddrBits)
    else $error("tile-port request at %0d (read %0d, write %0d) is not one word inside memory",
                address_d, read_valid_d, write_valid_d);

  // A tile instruction starts while its core is in REQUEST, so the tensor core is busy only
  // in the core's WAIT (which SchedulerWaitsForTensorCore keeps until it is done).
  TensorCoreStartsInRequest: assert property (@(posedge clk_i) disable iff (reset_i)
      state_q == TcIdle && state_d != TcIdle |-> core_state_i == CoreRequest)
    else $error("tensor core started while the core is in state %0d", core_state_i);

endmodule
