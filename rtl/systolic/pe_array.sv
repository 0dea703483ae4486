// Rows x Cols grid of multiply-accumulate processing elements (docs/systolic.md, "PE").
// PE(i, j) takes h from the left port i (j == 0) or PE(i, j-1), and v, w from the top port j
// (i == 0) or PE(i-1, j). In row 0 the vertical input is the top port in os, and a zero
// partial sum carrying the arriving h valid in ws/is. PE index p = i*Cols + j.
// os accumulates in acc_q; ws/is preload w_q by a vertical shift, then pass partial sums down
// through v_q. Registers hold outside StRun; clear_i (start taken in StIdle) zeroes them all.
//
// Each PE register is one array over the grid, and one loop visits every PE: the loop's body
// is a PE. (With a module per PE, Verilator wrote the PE's code once per instance, so the
// simulation's code and its compile time grew with the number of PEs.)
module pe_array import systolic_pkg::*; #(
  // PE rows.
  parameter int unsigned Rows = 4,
  // PE columns.
  parameter int unsigned Cols = 4,
  // A and B element width, signed.
  parameter int unsigned InBits = 8,
  // Product and accumulator width, signed, wrapping.
  parameter int unsigned AccBits = 32,
  // PEs in the grid.
  localparam int unsigned NumPes = Rows * Cols
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Control, from the array controller.
  input  logic               clear_i,
  input  logic               run_i,
  input  dataflow_e          dataflow_i,
  input  logic               preload_i,
  input  logic               last_i,
  // Edge feeds (data 0 when not valid).
  input  logic [InBits-1:0]  left_data_i  [Rows],
  input  logic               left_valid_i [Rows],
  input  logic [InBits-1:0]  top_data_i   [Cols],
  input  logic               top_valid_i  [Cols],
  // PE registers.
  output logic [InBits-1:0]  h_o          [NumPes],
  output logic               hv_o         [NumPes],
  output logic [AccBits-1:0] v_o          [NumPes],
  output logic               vv_o         [NumPes],
  output logic [AccBits-1:0] acc_o        [NumPes],
  output logic [InBits-1:0]  w_o          [NumPes],
  output logic               wv_o         [NumPes],
  output logic               mac_o        [NumPes],
  // Every PE's acc_q plus this cycle's os product, for the shadow registers.
  output logic [AccBits-1:0] acc_sum_o    [NumPes],
  // Bottom-row ws/is partial sums of this cycle, for the output writer.
  output logic [AccBits-1:0] psum_o       [Cols]
);

  // The PE registers (q) and the values they take at the edge (d).
  logic [InBits-1:0]  h_d   [NumPes], h_q   [NumPes];
  logic               hv_d  [NumPes], hv_q  [NumPes];
  logic [AccBits-1:0] v_d   [NumPes], v_q   [NumPes];
  logic               vv_d  [NumPes], vv_q  [NumPes];
  logic [AccBits-1:0] acc_d [NumPes], acc_q [NumPes];
  logic [InBits-1:0]  w_d   [NumPes], w_q   [NumPes];
  logic               wv_d  [NumPes], wv_q  [NumPes];
  logic               mac_d [NumPes], mac_q [NumPes];

`ifndef SYNTHESIS
  // For the assertions (the checker, not the design: `lockstep mutate` leaves code outside
  // synthesis alone): the bits that change at this edge in some PE, ORed over the grid, of the
  // accumulator, of the stationary operand and its valid, and of any register (all of a PE's
  // registers' changes ORed into one word).
  logic [AccBits-1:0] acc_moves, any_moves;
  logic [InBits:0]    w_moves;
`endif

  always_comb begin : p_pes
    /* verilator tracing_off */
    int unsigned p;
    /* verilator tracing_on */

    // Outside StRun every register holds, and the flops below are not even enabled: the PEs
    // form no products then (operand isolation), and an idle edge (a host-port load, say)
    // costs the simulation these copies instead of a pass over the grid. acc_sum_o and the
    // partial sums, which nothing reads outside StRun, are acc_q and 0 then. While the array
    // runs, these are the registers a dataflow's step leaves alone.
    h_d       = h_q;
    hv_d      = hv_q;
    v_d       = v_q;
    vv_d      = vv_q;
    acc_d     = acc_q;
    w_d       = w_q;
    wv_d      = wv_q;
    mac_d     = mac_q;
    acc_sum_o = acc_q;
    psum_o    = '{default: '0};
`ifndef SYNTHESIS
    acc_moves = '0;
    w_moves   = '0;
    any_moves = '0;
`endif
    p         = 0;
    // Every row while the array runs, none outside StRun.
    for (int unsigned i = 0; i < (run_i ? Rows : 0); i++) begin
      for (int unsigned j = 0; j < Cols; j++) begin
        // The loop's temporaries stay out of the waveform, where they would show the last PE's
        // values: a PE's inputs are its neighbours' registers (or the ports at the edges).
        /* verilator tracing_off */
        // One PE's inputs: from the left and top ports at the edges, else its neighbours.
        logic [InBits-1:0]  h_i, w_i;
        logic               hv_i, vv_i, wv_i;
        logic [AccBits-1:0] v_i;
        // Operands sign-extended to AccBits; their AccBits product wraps like the signed
        // product.
        logic [AccBits-1:0] h_ext, v_ext, w_ext;
        // os: both operands valid; ws/is: operand and stationary weight valid.
        logic               mac_os, mac_ws;
        logic [AccBits-1:0] psum;
`ifndef SYNTHESIS
        // This PE's changing bits, for the assertions.
        logic [InBits-1:0]  h_moves, w_moves_p;
        logic [3:0]         bit_moves;
`endif
        /* verilator tracing_on */

        if (j == 0) begin
          h_i  = left_data_i[i];
          hv_i = left_valid_i[i];
        end else begin
          h_i  = h_q[p-1];
          hv_i = hv_q[p-1];
        end
        if (i == 0) begin
          v_i  = (dataflow_i == DfOs) ? AccBits'($signed(top_data_i[j])) : '0;
          vv_i = (dataflow_i == DfOs) ? top_valid_i[j] : hv_i;
          w_i  = top_data_i[j];
          wv_i = top_valid_i[j];
        end else begin
          v_i  = v_q[p-Cols];
          vv_i = vv_q[p-Cols];
          w_i  = w_q[p-Cols];
          wv_i = wv_q[p-Cols];
        end

        // The PE.
        h_ext      = AccBits'($signed(h_i));
        v_ext      = AccBits'($signed(v_i[InBits-1:0]));
        w_ext      = AccBits'($signed(w_q[p]));
        mac_os     = hv_i && vv_i;
        mac_ws     = hv_i && wv_q[p];
        acc_sum_o[p] = acc_q[p] + (mac_os ? h_ext * v_ext : '0);
        psum         = v_i + (mac_ws ? h_ext * w_ext : '0);

        // The registers a dataflow's step does not name hold (the defaults above).
        if (dataflow_i == DfOs) begin
          h_d[p]   = h_i;
          hv_d[p]  = hv_i;
          v_d[p]   = v_i;
          vv_d[p]  = vv_i;
          mac_d[p] = mac_os;
          // At the fold's last cycle the shadow register takes acc_sum and the tile restarts.
          acc_d[p] = last_i ? '0 : acc_sum_o[p];
        end else if (preload_i) begin
          w_d[p]   = w_i;
          wv_d[p]  = wv_i;
          h_d[p]   = '0;
          hv_d[p]  = 1'b0;
          v_d[p]   = '0;
          vv_d[p]  = 1'b0;
          mac_d[p] = 1'b0;
        end else begin
          h_d[p]   = h_i;
          hv_d[p]  = hv_i;
          v_d[p]   = psum;
          vv_d[p]  = vv_i;
          mac_d[p] = mac_ws;
        end
        if (i == Rows - 1) psum_o[j] = psum;

`ifndef SYNTHESIS
        // Without a branch per PE: the first PE that moves is looked for only when an
        // assertion fails (first_move).
        h_moves   = h_d[p] ^ h_q[p];
        w_moves_p = w_d[p] ^ w_q[p];
        bit_moves = {hv_d[p] ^ hv_q[p], vv_d[p] ^ vv_q[p], wv_d[p] ^ wv_q[p], mac_d[p] ^ mac_q[p]};
        acc_moves |= acc_d[p] ^ acc_q[p];
        w_moves   |= {wv_d[p] ^ wv_q[p], w_moves_p};
        any_moves |= AccBits'(h_moves) | AccBits'(w_moves_p) | AccBits'(bit_moves)
                     | (v_d[p] ^ v_q[p]) | (acc_d[p] ^ acc_q[p]);
`endif
        p++;
      end
    end
  end

  // clear_i acts like the reset. Kept out of the d-values, it leaves the PE logic independent
  // of start_i: Verilator re-evaluates logic that depends on an input at every eval().
  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      h_q   <= '{default: '0};
      hv_q  <= '{default: 1'b0};
      v_q   <= '{default: '0};
      vv_q  <= '{default: 1'b0};
      acc_q <= '{default: '0};
      w_q   <= '{default: '0};
      wv_q  <= '{default: 1'b0};
      mac_q <= '{default: 1'b0};
    end else if (run_i) begin
      h_q   <= h_d;
      hv_q  <= hv_d;
      v_q   <= v_d;
      vv_q  <= vv_d;
      acc_q <= acc_d;
      w_q   <= w_d;
      wv_q  <= wv_d;
      mac_q <= mac_d;
    end
  end

  assign h_o   = h_q;
  assign hv_o  = hv_q;
  assign v_o   = v_q;
  assign vv_o  = vv_q;
  assign acc_o = acc_q;
  assign w_o   = w_q;
  assign wv_o  = wv_q;
  assign mac_o = mac_q;

`ifndef SYNTHESIS
  // Assertions (checked at every rising edge when the RTL runs with --assert). They name the
  // first PE (index p = i*Cols + j) whose register breaks them.

  // Which registers first_move looks at.
  typedef enum logic [1:0] {
    MoveAcc,
    MoveW,
    MoveAny
  } move_e;

  // The first PE whose registers of this kind change at this edge (0 if none does).
  function automatic int unsigned first_move(move_e kind);
    for (int unsigned p = 0; p < NumPes; p++) begin
      logic w, acc, any;
      acc = acc_d[p] != acc_q[p];
      w   = w_d[p] != w_q[p] || wv_d[p] != wv_q[p];
      any = acc || w || h_d[p] != h_q[p] || hv_d[p] != hv_q[p] || v_d[p] != v_q[p]
            || vv_d[p] != vv_q[p] || mac_d[p] != mac_q[p];
      if (kind == MoveAcc ? acc : kind == MoveW ? w : any) return p;
    end
    return 0;
  endfunction

  // The os accumulator changes only while an os GEMM runs (clear_i zeroes it through the flop).
  PeAccOnlyInOs: assert property (@(posedge clk_i) disable iff (!rst_ni)
      acc_moves != '0 |-> run_i && dataflow_i == DfOs)
    else $error("acc of PE %0d changed %0d -> %0d outside an os run", first_move(MoveAcc),
                $signed(acc_q[first_move(MoveAcc)]), $signed(acc_d[first_move(MoveAcc)]));

  // The stationary operand changes only in the ws/is preload; it holds while streaming.
  PeWeightOnlyInPreload: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_moves != '0 |-> run_i && preload_i && dataflow_i != DfOs)
    else $error("stationary operand of PE %0d changed %0d -> %0d outside the preload",
                first_move(MoveW), $signed(w_q[first_move(MoveW)]), $signed(w_d[first_move(MoveW)]));

  // Outside StRun every PE register holds.
  PeHoldOutsideRun: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !run_i |-> any_moves == '0)
    else $error("a register of PE %0d changed outside StRun", first_move(MoveAny));
`endif

endmodule
