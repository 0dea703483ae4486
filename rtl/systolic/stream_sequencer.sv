// Stream sequencer (docs/systolic.md, "Stream sequencer"): runs a streamed layer tile by tile,
// n outer, m in the middle, k inner. Two stages: the load stage (the tile the loaders fill into
// the SRAM halves not in use) and the compute stage (the tile the array runs as one host-style
// GEMM on its halves). It hands a loaded tile to the array when the loaders are done and the
// array is free, and starts the storer on a C tile whose last k tile the array has finished.
module stream_sequencer import systolic_pkg::*; #(
  // SRAM address width (the half sizes).
  parameter int unsigned BufAddrBits = 14
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // The job: held high from SqIdle until job_done_o; the fields are sampled with it.
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
  // The job the movers work on: the job ports while SqIdle (a start's first requests), after
  // that the latched job.
  output logic [31:0]            cur_m_o,
  output logic [31:0]            cur_k_o,
  output logic [31:0]            cur_n_o,
  output logic [15:0]            cur_iw_o,
  output logic [15:0]            cur_ch_o,
  output logic [15:0]            cur_ew_o,
  output logic [15:0]            cur_fw_o,
  output logic [15:0]            cur_sh_o,
  output logic [15:0]            cur_sw_o,
  output logic [31:0]            cur_ifmap_base_o,
  output logic [31:0]            cur_filter_base_o,
  output logic [31:0]            cur_ofmap_base_o,
  output logic [BufAddrBits-1:0] cur_half_a_o,
  output logic [BufAddrBits-1:0] cur_half_b_o,
  output logic [BufAddrBits-1:0] cur_half_c_o,
  output logic [7:0]             cur_lanes_o,
  // Movers: busy registers in, starts out (the tile: origin, effective sizes, SRAM half).
  input  logic                   a_busy_i,
  input  logic                   b_busy_i,
  input  logic                   st_busy_i,
  output logic                   a_start_o,
  output logic [31:0]            a_m0_o,
  output logic [31:0]            a_k0_o,
  output logic [15:0]            a_mt_o,
  output logic [15:0]            a_kt_o,
  output logic                   a_half_o,
  output logic                   b_start_o,
  output logic [31:0]            b_n0_o,
  output logic [31:0]            b_k0_o,
  output logic [15:0]            b_nt_o,
  output logic [15:0]            b_kt_o,
  output logic                   b_half_o,
  // The storer's tile is in half c_half_o.
  output logic                   st_start_o,
  output logic [31:0]            st_m0_o,
  output logic [31:0]            st_n0_o,
  output logic [15:0]            st_mt_o,
  output logic [15:0]            st_nt_o,
  // The array: its state in, and while cp_valid_o its start, dataflow, sizes, buffer bases and
  // accumulation out.
  input  sa_state_e              array_state_i,
  output logic                   cp_valid_o,
  output logic                   array_start_o,
  output logic [1:0]             array_dataflow_o,
  output logic [15:0]            array_m_o,
  output logic [15:0]            array_k_o,
  output logic [15:0]            array_n_o,
  output logic [BufAddrBits-1:0] a_base_o,
  output logic [BufAddrBits-1:0] b_base_o,
  output logic [BufAddrBits-1:0] c_base_o,
  output logic                   accumulate_o,
  // Observation: the registers.
  output sq_state_e              state_o,
  output logic                   ld_valid_o,
  output logic [31:0]            ld_m0_o,
  output logic [31:0]            ld_k0_o,
  output logic [31:0]            ld_n0_o,
  output logic                   ld_a_half_o,
  output logic                   ld_b_half_o,
  output logic                   a_last_o,
  output logic                   b_last_o,
  output logic [31:0]            cp_m0_o,
  output logic [31:0]            cp_k0_o,
  output logic [31:0]            cp_n0_o,
  output logic                   cp_a_half_o,
  output logic                   cp_b_half_o,
  output logic                   c_half_o
);

  sq_state_e              state_d, state_q;
  // The latched job.
  logic [1:0]             dataflow_d, dataflow_q;
  logic [31:0]            m_d, m_q, k_d, k_q, n_d, n_q;
  logic [15:0]            mt_d, mt_q, kt_d, kt_q, nt_d, nt_q;
  logic [15:0]            iw_d, iw_q, ch_d, ch_q, ew_d, ew_q, fw_d, fw_q, sh_d, sh_q, sw_d, sw_q;
  logic [31:0]            ifmap_base_d, ifmap_base_q;
  logic [31:0]            filter_base_d, filter_base_q;
  logic [31:0]            ofmap_base_d, ofmap_base_q;
  logic [BufAddrBits-1:0] half_a_d, half_a_q, half_b_d, half_b_q, half_c_d, half_c_q;
  logic [7:0]             lanes_d, lanes_q;
  // Load stage, the halves of the latest loaded A and B, compute stage, the current C half.
  logic                   ld_valid_d, ld_valid_q;
  logic [31:0]            ld_m0_d, ld_m0_q, ld_k0_d, ld_k0_q, ld_n0_d, ld_n0_q;
  logic                   ld_a_half_d, ld_a_half_q, ld_b_half_d, ld_b_half_q;
  logic                   a_last_d, a_last_q, b_last_d, b_last_q;
  logic                   cp_valid_d, cp_valid_q;
  logic [31:0]            cp_m0_d, cp_m0_q, cp_k0_d, cp_k0_q, cp_n0_d, cp_n0_q;
  logic                   cp_a_half_d, cp_a_half_q, cp_b_half_d, cp_b_half_q;
  logic                   c_half_d, c_half_q;

  // The compute tile stores its C tile when done (its k tile is the last); it leaves the array.
  logic        cp_store, release_cp, handoff;
  // The tile after the load stage's in visiting order, and which operands it loads.
  logic        next_valid, next_needs_a, next_needs_b;
  logic [31:0] next_m0, next_k0, next_n0;
  // The tile the loaders start on at this edge: tile 0 in SqIdle, else the next one.
  logic [31:0] new_m0, new_k0, new_n0;

  // The effective size of a tile along a dimension: min(tile size, dimension - origin).
  function automatic logic [15:0] eff(logic [15:0] size, logic [31:0] dim, logic [31:0] origin);
    logic [31:0] rest;
    rest = dim - origin;
    return rest < 32'(size) ? rest[15:0] : size;
  endfunction

  // The job the movers see.
  always_comb begin : p_cur
    if (state_q == SqIdle) begin
      cur_m_o           = job_m_i;
      cur_k_o           = job_k_i;
      cur_n_o           = job_n_i;
      cur_iw_o          = job_iw_i;
      cur_ch_o          = job_ch_i;
      cur_ew_o          = job_ew_i;
      cur_fw_o          = job_fw_i;
      cur_sh_o          = job_sh_i;
      cur_sw_o          = job_sw_i;
      cur_ifmap_base_o  = job_ifmap_base_i;
      cur_filter_base_o = job_filter_base_i;
      cur_ofmap_base_o  = job_ofmap_base_i;
      cur_half_a_o      = job_half_a_i;
      cur_half_b_o      = job_half_b_i;
      cur_half_c_o      = job_half_c_i;
      cur_lanes_o       = job_lanes_i;
    end else begin
      cur_m_o           = m_q;
      cur_k_o           = k_q;
      cur_n_o           = n_q;
      cur_iw_o          = iw_q;
      cur_ch_o          = ch_q;
      cur_ew_o          = ew_q;
      cur_fw_o          = fw_q;
      cur_sh_o          = sh_q;
      cur_sw_o          = sw_q;
      cur_ifmap_base_o  = ifmap_base_q;
      cur_filter_base_o = filter_base_q;
      cur_ofmap_base_o  = ofmap_base_q;
      cur_half_a_o      = half_a_q;
      cur_half_b_o      = half_b_q;
      cur_half_c_o      = half_c_q;
      cur_lanes_o       = lanes_q;
    end
  end

  assign cp_store   = 33'(cp_k0_q) + 33'(kt_q) >= 33'(k_q);
  assign release_cp = cp_valid_q && array_state_i == SaDone && (!cp_store || !st_busy_i);
  assign handoff    = ld_valid_q && !a_busy_i && !b_busy_i && (!cp_valid_q || release_cp);

  // Visiting order: k inner, m in the middle, n outer. A tile needs a new A unless all tiles
  // share one (Tk == 1 && Tm == 1), a new B unless it is the previous tile's (Tk == 1, m0 > 0).
  always_comb begin : p_next
    next_valid = 1'b1;
    next_m0    = ld_m0_q;
    next_k0    = '0;
    next_n0    = ld_n0_q;
    if (33'(ld_k0_q) + 33'(kt_q) < 33'(k_q)) begin
      next_k0 = ld_k0_q + 32'(kt_q);
    end else if (33'(ld_m0_q) + 33'(mt_q) < 33'(m_q)) begin
      next_m0 = ld_m0_q + 32'(mt_q);
    end else if (33'(ld_n0_q) + 33'(nt_q) < 33'(n_q)) begin
      next_m0 = '0;
      next_n0 = ld_n0_q + 32'(nt_q);
    end else begin
      next_valid = 1'b0;
    end
    next_needs_a = !(32'(kt_q) >= k_q && 32'(mt_q) >= m_q);
    next_needs_b = !(32'(kt_q) >= k_q && next_m0 != '0);
  end

  assign new_m0 = (state_q == SqIdle) ? '0 : next_m0;
  assign new_k0 = (state_q == SqIdle) ? '0 : next_k0;
  assign new_n0 = (state_q == SqIdle) ? '0 : next_n0;

  always_comb begin : p_state
    state_d       = state_q;
    dataflow_d    = dataflow_q;
    m_d           = m_q;
    k_d           = k_q;
    n_d           = n_q;
    mt_d          = mt_q;
    kt_d          = kt_q;
    nt_d          = nt_q;
    iw_d          = iw_q;
    ch_d          = ch_q;
    ew_d          = ew_q;
    fw_d          = fw_q;
    sh_d          = sh_q;
    sw_d          = sw_q;
    ifmap_base_d  = ifmap_base_q;
    filter_base_d = filter_base_q;
    ofmap_base_d  = ofmap_base_q;
    half_a_d      = half_a_q;
    half_b_d      = half_b_q;
    half_c_d      = half_c_q;
    lanes_d       = lanes_q;
    ld_valid_d    = ld_valid_q;
    ld_m0_d       = ld_m0_q;
    ld_k0_d       = ld_k0_q;
    ld_n0_d       = ld_n0_q;
    ld_a_half_d   = ld_a_half_q;
    ld_b_half_d   = ld_b_half_q;
    a_last_d      = a_last_q;
    b_last_d      = b_last_q;
    cp_valid_d    = cp_valid_q;
    cp_m0_d       = cp_m0_q;
    cp_k0_d       = cp_k0_q;
    cp_n0_d       = cp_n0_q;
    cp_a_half_d   = cp_a_half_q;
    cp_b_half_d   = cp_b_half_q;
    c_half_d      = c_half_q;
    a_start_o     = 1'b0;
    a_half_o      = 1'b0;
    b_start_o     = 1'b0;
    b_half_o      = 1'b0;
    st_start_o    = 1'b0;
    unique case (state_q)
      SqIdle: begin
        if (job_start_i) begin
          dataflow_d    = job_dataflow_i;
          m_d           = job_m_i;
          k_d           = job_k_i;
          n_d           = job_n_i;
          mt_d          = job_mt_i;
          kt_d          = job_kt_i;
          nt_d          = job_nt_i;
          iw_d          = job_iw_i;
          ch_d          = job_ch_i;
          ew_d          = job_ew_i;
          fw_d          = job_fw_i;
          sh_d          = job_sh_i;
          sw_d          = job_sw_i;
          ifmap_base_d  = job_ifmap_base_i;
          filter_base_d = job_filter_base_i;
          ofmap_base_d  = job_ofmap_base_i;
          half_a_d      = job_half_a_i;
          half_b_d      = job_half_b_i;
          half_c_d      = job_half_c_i;
          lanes_d       = job_lanes_i;
          // Tile 0 loads both operands into half 0.
          ld_valid_d    = 1'b1;
          ld_m0_d       = '0;
          ld_k0_d       = '0;
          ld_n0_d       = '0;
          ld_a_half_d   = 1'b0;
          ld_b_half_d   = 1'b0;
          a_last_d      = 1'b0;
          b_last_d      = 1'b0;
          c_half_d      = 1'b0;
          cp_valid_d    = 1'b0;
          a_start_o     = 1'b1;
          b_start_o     = 1'b1;
          state_d       = SqRun;
        end
      end
      SqRun: begin
        if (handoff) begin
          cp_valid_d  = 1'b1;
          cp_m0_d     = ld_m0_q;
          cp_k0_d     = ld_k0_q;
          cp_n0_d     = ld_n0_q;
          cp_a_half_d = ld_a_half_q;
          cp_b_half_d = ld_b_half_q;
          ld_valid_d  = next_valid;
          if (next_valid) begin
            ld_m0_d     = next_m0;
            ld_k0_d     = next_k0;
            ld_n0_d     = next_n0;
            // A needed operand goes into the half other than the latest one's; one not needed
            // stays where the latest one is.
            ld_a_half_d = a_last_q;
            ld_b_half_d = b_last_q;
            if (next_needs_a) begin
              a_start_o   = 1'b1;
              a_half_o    = !a_last_q;
              ld_a_half_d = !a_last_q;
              a_last_d    = !a_last_q;
            end
            if (next_needs_b) begin
              b_start_o   = 1'b1;
              b_half_o    = !b_last_q;
              ld_b_half_d = !b_last_q;
              b_last_d    = !b_last_q;
            end
          end
        end else if (release_cp) begin
          cp_valid_d = 1'b0;
        end
        if (release_cp && cp_store) begin
          st_start_o = 1'b1;
          c_half_d  = !c_half_q;
        end
        if (!ld_valid_q && !cp_valid_q && !st_busy_i) begin
          state_d = SqDone;
        end
      end
      SqDone: begin
        if (!job_start_i) begin
          state_d = SqIdle;
        end
      end
      default: begin
        state_d = SqIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q       <= SqIdle;
      dataflow_q    <= '0;
      m_q           <= '0;
      k_q           <= '0;
      n_q           <= '0;
      mt_q          <= '0;
      kt_q          <= '0;
      nt_q          <= '0;
      iw_q          <= '0;
      ch_q          <= '0;
      ew_q          <= '0;
      fw_q          <= '0;
      sh_q          <= '0;
      sw_q          <= '0;
      ifmap_base_q  <= '0;
      filter_base_q <= '0;
      ofmap_base_q  <= '0;
      half_a_q      <= '0;
      half_b_q      <= '0;
      half_c_q      <= '0;
      lanes_q       <= '0;
      ld_valid_q    <= 1'b0;
      ld_m0_q       <= '0;
      ld_k0_q       <= '0;
      ld_n0_q       <= '0;
      ld_a_half_q   <= 1'b0;
      ld_b_half_q   <= 1'b0;
      a_last_q      <= 1'b0;
      b_last_q      <= 1'b0;
      cp_valid_q    <= 1'b0;
      cp_m0_q       <= '0;
      cp_k0_q       <= '0;
      cp_n0_q       <= '0;
      cp_a_half_q   <= 1'b0;
      cp_b_half_q   <= 1'b0;
      c_half_q      <= 1'b0;
    end else begin
      state_q       <= state_d;
      dataflow_q    <= dataflow_d;
      m_q           <= m_d;
      k_q           <= k_d;
      n_q           <= n_d;
      mt_q          <= mt_d;
      kt_q          <= kt_d;
      nt_q          <= nt_d;
      iw_q          <= iw_d;
      ch_q          <= ch_d;
      ew_q          <= ew_d;
      fw_q          <= fw_d;
      sh_q          <= sh_d;
      sw_q          <= sw_d;
      ifmap_base_q  <= ifmap_base_d;
      filter_base_q <= filter_base_d;
      ofmap_base_q  <= ofmap_base_d;
      half_a_q      <= half_a_d;
      half_b_q      <= half_b_d;
      half_c_q      <= half_c_d;
      lanes_q       <= lanes_d;
      ld_valid_q    <= ld_valid_d;
      ld_m0_q       <= ld_m0_d;
      ld_k0_q       <= ld_k0_d;
      ld_n0_q       <= ld_n0_d;
      ld_a_half_q   <= ld_a_half_d;
      ld_b_half_q   <= ld_b_half_d;
      a_last_q      <= a_last_d;
      b_last_q      <= b_last_d;
      cp_valid_q    <= cp_valid_d;
      cp_m0_q       <= cp_m0_d;
      cp_k0_q       <= cp_k0_d;
      cp_n0_q       <= cp_n0_d;
      cp_a_half_q   <= cp_a_half_d;
      cp_b_half_q   <= cp_b_half_d;
      c_half_q      <= c_half_d;
    end
  end

  // Loader starts: the new load tile's effective sizes (from the job ports in SqIdle).
  assign a_m0_o = new_m0;
  assign a_k0_o = new_k0;
  assign a_mt_o = eff(state_q == SqIdle ? job_mt_i : mt_q, cur_m_o, new_m0);
  assign a_kt_o = eff(state_q == SqIdle ? job_kt_i : kt_q, cur_k_o, new_k0);
  assign b_n0_o = new_n0;
  assign b_k0_o = new_k0;
  assign b_nt_o = eff(state_q == SqIdle ? job_nt_i : nt_q, cur_n_o, new_n0);
  assign b_kt_o = a_kt_o;

  // Storer start: the compute tile's C tile (in the current C half, c_half_o).
  assign st_m0_o = cp_m0_q;
  assign st_n0_o = cp_n0_q;
  assign st_mt_o = array_m_o;
  assign st_nt_o = array_n_o;

  // The array runs the compute tile on its halves; it is started until the tile is released.
  assign cp_valid_o       = cp_valid_q;
  assign array_start_o    = cp_valid_q && !release_cp;
  assign array_dataflow_o = dataflow_q;
  assign array_m_o        = eff(mt_q, m_q, cp_m0_q);
  assign array_k_o        = eff(kt_q, k_q, cp_k0_q);
  assign array_n_o        = eff(nt_q, n_q, cp_n0_q);
  // Without a compute tile (the host-port GEMM) the bases are 0 and nothing accumulates.
  assign a_base_o         = cp_valid_q && cp_a_half_q ? half_a_q : '0;
  assign b_base_o         = cp_valid_q && cp_b_half_q ? half_b_q : '0;
  assign c_base_o         = cp_valid_q && c_half_q ? half_c_q : '0;
  assign accumulate_o     = cp_valid_q && cp_k0_q != '0;

  assign job_done_o  = state_q == SqDone;
  assign state_o     = state_q;
  assign ld_valid_o  = ld_valid_q;
  assign ld_m0_o     = ld_m0_q;
  assign ld_k0_o     = ld_k0_q;
  assign ld_n0_o     = ld_n0_q;
  assign ld_a_half_o = ld_a_half_q;
  assign ld_b_half_o = ld_b_half_q;
  assign a_last_o    = a_last_q;
  assign b_last_o    = b_last_q;
  assign cp_m0_o     = cp_m0_q;
  assign cp_k0_o     = cp_k0_q;
  assign cp_n0_o     = cp_n0_q;
  assign cp_a_half_o = cp_a_half_q;
  assign cp_b_half_o = cp_b_half_q;
  assign c_half_o    = c_half_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // IDLE -> RUN -> DONE -> IDLE.
  StreamSequencerLegalTransition: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (state_q == SqIdle && state_d inside {SqIdle, SqRun}) ||
      (state_q == SqRun  && state_d inside {SqRun, SqDone}) ||
      (state_q == SqDone && state_d inside {SqDone, SqIdle}))
    else $error("stream state %0d -> %0d is not a legal step", state_q, state_d);

  // A load never goes into a half the compute tile (from this edge on) reads.
  StreamSequencerLoadAvoidsCompute: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(a_start_o && cp_valid_d && a_half_o == cp_a_half_d) &&
      !(b_start_o && cp_valid_d && b_half_o == cp_b_half_d))
    else $error("a load starts into half A %0d / B %0d, which the compute tile uses", a_half_o,
                b_half_o);

  // A mover starts only when it is idle.
  StreamSequencerStartsIdleMovers: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(a_start_o && a_busy_i) && !(b_start_o && b_busy_i) && !(st_start_o && st_busy_i))
    else $error("a busy mover is started (A %0d, B %0d, storer %0d)", a_busy_i, b_busy_i, st_busy_i);

endmodule
