// Array controller: the GEMM's state machine, sizes and fold walk (docs/systolic.md, "Controller",
// "Mapping"). Folds visit row tiles (r0) outer and column tiles (c0) inner; each fold is L
// StRun cycles. Also derives the per-cycle control the PEs, feeder and output writer share.
module array_controller import systolic_pkg::*; #(
  // PE rows.
  parameter int unsigned Rows = 4,
  // PE columns.
  parameter int unsigned Cols = 4
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,
  // 0 os, 1 ws, 2 is; sampled with start (any other value runs as os).
  input  logic [1:0]  dataflow_i,
  input  logic [15:0] m_i,
  input  logic [15:0] k_i,
  input  logic [15:0] n_i,
  // The os drain writes its last row this cycle (it ends at this edge).
  input  logic        drain_done_i,
  output sa_state_e   state_o,
  output dataflow_e   dataflow_o,
  output logic [15:0] m_o,
  output logic [15:0] k_o,
  output logic [15:0] n_o,
  // Dimension walked by the array rows (M os, K ws/is) and columns (N os/ws, M is).
  output logic [15:0] rows_dim_o,
  output logic [15:0] cols_dim_o,
  // Vectors streamed from the left, S (K os, M ws, N is).
  output logic [15:0] stream_len_o,
  output logic [31:0] fold_o,
  output logic [31:0] t_o,
  // Stream index s = t - P (meaningful while stream_o).
  output logic [31:0] s_o,
  output logic [31:0] r0_o,
  output logic [31:0] c0_o,
  // Start taken in StIdle: PE registers, shadow registers and drain state clear at this edge.
  output logic        clear_o,
  // StRun.
  output logic        run_o,
  // StRun, ws/is, t < P: stationary operands shift in from the top.
  output logic        preload_o,
  // StRun, t >= P.
  output logic        stream_o,
  // StRun, t == L-1: the fold's last cycle.
  output logic        last_o,
  output logic        done_o
);

  sa_state_e   state_d, state_q;
  dataflow_e   dataflow_d, dataflow_q;
  logic [15:0] m_d, m_q;
  logic [15:0] k_d, k_q;
  logic [15:0] n_d, n_q;
  logic [31:0] fold_d, fold_q;
  logic [31:0] t_d, t_q;
  logic [31:0] r0_d, r0_q;
  logic [31:0] c0_d, c0_q;

  logic [15:0] rows_dim, cols_dim, stream_len;
  // Preload length P, fold length L and fold count F.
  logic [31:0] preload_len, fold_len, fold_count;
  logic        run, fold_end, last_fold;

  always_comb begin : p_shape
    unique case (dataflow_q)
      DfWs: begin
        rows_dim    = k_q;
        cols_dim    = n_q;
        stream_len  = m_q;
        preload_len = Rows;
        fold_len    = 32'(2 * Rows + Cols) + 32'(m_q) - 32'd2;
      end
      DfIs: begin
        rows_dim    = k_q;
        cols_dim    = m_q;
        stream_len  = n_q;
        preload_len = Rows;
        fold_len    = 32'(2 * Rows + Cols) + 32'(n_q) - 32'd2;
      end
      default: begin  // DfOs
        rows_dim    = m_q;
        cols_dim    = n_q;
        stream_len  = k_q;
        preload_len = 32'd0;
        fold_len    = 32'(Rows + Cols) + 32'(k_q) - 32'd2;
      end
    endcase
    fold_count = ((32'(rows_dim) + 32'(Rows - 1)) / 32'(Rows))
               * ((32'(cols_dim) + 32'(Cols - 1)) / 32'(Cols));
  end

  assign run       = state_q == SaRun;
  assign fold_end  = t_q == fold_len - 32'd1;
  assign last_fold = fold_q == fold_count - 32'd1;

  always_comb begin : p_state
    state_d    = state_q;
    dataflow_d = dataflow_q;
    m_d        = m_q;
    k_d        = k_q;
    n_d        = n_q;
    fold_d     = fold_q;
    t_d        = t_q;
    r0_d       = r0_q;
    c0_d       = c0_q;
    unique case (state_q)
      SaIdle: begin
        if (start_i) begin
          unique case (dataflow_i)
            2'd1:    dataflow_d = DfWs;
            2'd2:    dataflow_d = DfIs;
            default: dataflow_d = DfOs;
          endcase
          m_d     = m_i;
          k_d     = k_i;
          n_d     = n_i;
          fold_d  = '0;
          t_d     = '0;
          r0_d    = '0;
          c0_d    = '0;
          state_d = SaRun;
        end
      end
      SaRun: begin
        if (fold_end) begin
          t_d    = '0;
          fold_d = fold_q + 32'd1;
          if (c0_q + 32'(Cols) >= 32'(cols_dim)) begin
            c0_d = '0;
            r0_d = r0_q + 32'(Rows);
          end else begin
            c0_d = c0_q + 32'(Cols);
          end
          if (last_fold) begin
            state_d = (dataflow_q == DfOs) ? SaDrain : SaDone;
          end
        end else begin
          t_d = t_q + 32'd1;
        end
      end
      SaDrain: begin
        if (drain_done_i) begin
          state_d = SaDone;
        end
      end
      SaDone: begin
        if (!start_i) begin
          state_d = SaIdle;
        end
      end
      default: begin
        state_d = SaIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q    <= SaIdle;
      dataflow_q <= DfOs;
      m_q        <= '0;
      k_q        <= '0;
      n_q        <= '0;
      fold_q     <= '0;
      t_q        <= '0;
      r0_q       <= '0;
      c0_q       <= '0;
    end else begin
      state_q    <= state_d;
      dataflow_q <= dataflow_d;
      m_q        <= m_d;
      k_q        <= k_d;
      n_q        <= n_d;
      fold_q     <= fold_d;
      t_q        <= t_d;
      r0_q       <= r0_d;
      c0_q       <= c0_d;
    end
  end

  assign state_o      = state_q;
  assign dataflow_o   = dataflow_q;
  assign m_o          = m_q;
  assign k_o          = k_q;
  assign n_o          = n_q;
  assign rows_dim_o   = rows_dim;
  assign cols_dim_o   = cols_dim;
  assign stream_len_o = stream_len;
  assign fold_o       = fold_q;
  assign t_o          = t_q;
  assign s_o          = t_q - preload_len;
  assign r0_o         = r0_q;
  assign c0_o         = c0_q;
  assign clear_o      = state_q == SaIdle && start_i;
  assign run_o        = run;
  assign preload_o    = run && t_q < preload_len;
  assign stream_o     = run && t_q >= preload_len;
  assign last_o       = run && fold_end;
  assign done_o       = state_q == SaDone;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // IDLE -> RUN -> [DRAIN] -> DONE -> IDLE.
  ArrayControllerLegalTransition: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (state_q == SaIdle  && state_d inside {SaIdle, SaRun})          ||
      (state_q == SaRun   && state_d inside {SaRun, SaDrain, SaDone}) ||
      (state_q == SaDrain && state_d inside {SaDrain, SaDone})        ||
      (state_q == SaDone  && state_d inside {SaDone, SaIdle}))
    else $error("array state %0d -> %0d is not a legal step", state_q, state_d);

  // Only os drains: ws/is results leave the array while it streams.
  ArrayControllerDrainOnlyOs: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_d == SaDrain |-> dataflow_q == DfOs)
    else $error("StDrain entered in dataflow %0d", dataflow_q);

  // While it keeps running, the cycle stays below L and the fold below F.
  ArrayControllerFoldInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_q == SaRun && state_d == SaRun |-> t_d < fold_len && fold_d < fold_count)
    else $error("fold %0d cycle %0d is past F = %0d, L = %0d", fold_d, t_d, fold_count, fold_len);

endmodule
