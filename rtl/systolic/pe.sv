// Processing element: one multiply-accumulate cell of the array (docs/systolic.md, "PE").
// os accumulates in acc_q; ws/is preload w_q by a vertical shift, then pass partial sums down
// through v_q. Registers hold outside StRun; clear_i (start taken in StIdle) zeroes them all.
module pe import systolic_pkg::*; #(
  // A and B element width, signed.
  parameter int unsigned InBits = 8,
  // Product and accumulator width, signed, wrapping.
  parameter int unsigned AccBits = 32
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Control, from the array controller.
  input  logic               clear_i,
  input  logic               run_i,
  input  dataflow_e          dataflow_i,
  input  logic               preload_i,
  input  logic               last_i,
  // Arriving horizontal operand: left port or left neighbour's h_q, hv_q.
  input  logic [InBits-1:0]  h_i,
  input  logic               hv_i,
  // Arriving vertical value: os operand (sign-extended) or ws/is partial sum, and its valid.
  input  logic [AccBits-1:0] v_i,
  input  logic               vv_i,
  // Arriving preload value: top port or upper neighbour's w_q, wv_q.
  input  logic [InBits-1:0]  w_i,
  input  logic               wv_i,
  output logic [InBits-1:0]  h_o,
  output logic               hv_o,
  output logic [AccBits-1:0] v_o,
  output logic               vv_o,
  output logic [AccBits-1:0] acc_o,
  output logic [InBits-1:0]  w_o,
  output logic               wv_o,
  output logic               mac_o,
  // acc_q plus this cycle's os product (the doc's acc_d): the shadow register takes it.
  output logic [AccBits-1:0] acc_sum_o,
  // The ws/is streaming partial sum (v_q's d-value while streaming): the output writer's data.
  output logic [AccBits-1:0] psum_o
);

  logic [InBits-1:0]  h_d, h_q;
  logic               hv_d, hv_q;
  logic [AccBits-1:0] v_d, v_q;
  logic               vv_d, vv_q;
  logic [AccBits-1:0] acc_d, acc_q;
  logic [InBits-1:0]  w_d, w_q;
  logic               wv_d, wv_q;
  logic               mac_d, mac_q;

  // Operands sign-extended to AccBits; their AccBits product wraps like the signed product.
  logic [AccBits-1:0] h_ext, v_ext, w_ext;
  // os: both operands valid; ws/is: operand and stationary weight valid.
  logic               mac_os, mac_ws;
  logic [AccBits-1:0] acc_sum, psum;

  assign h_ext   = AccBits'($signed(h_i));
  assign v_ext   = AccBits'($signed(v_i[InBits-1:0]));
  assign w_ext   = AccBits'($signed(w_q));
  assign mac_os  = hv_i && vv_i;
  assign mac_ws  = hv_i && wv_q;
  assign acc_sum = acc_q + (mac_os ? h_ext * v_ext : '0);
  assign psum    = v_i + (mac_ws ? h_ext * w_ext : '0);

  always_comb begin
    h_d   = h_q;
    hv_d  = hv_q;
    v_d   = v_q;
    vv_d  = vv_q;
    acc_d = acc_q;
    w_d   = w_q;
    wv_d  = wv_q;
    mac_d = mac_q;
    if (run_i) begin
      if (dataflow_i == DfOs) begin
        h_d   = h_i;
        hv_d  = hv_i;
        v_d   = v_i;
        vv_d  = vv_i;
        mac_d = mac_os;
        // At the fold's last cycle the shadow register takes acc_sum and the tile restarts.
        acc_d = last_i ? '0 : acc_sum;
      end else if (preload_i) begin
        w_d   = w_i;
        wv_d  = wv_i;
        h_d   = '0;
        hv_d  = 1'b0;
        v_d   = '0;
        vv_d  = 1'b0;
        mac_d = 1'b0;
      end else begin
        h_d   = h_i;
        hv_d  = hv_i;
        v_d   = psum;
        vv_d  = vv_i;
        mac_d = mac_ws;
      end
    end
  end

  // clear_i acts like the reset. Kept out of the d-values, it leaves the PE logic independent
  // of start_i: Verilator re-evaluates logic that depends on an input at every eval().
  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      h_q   <= '0;
      hv_q  <= 1'b0;
      v_q   <= '0;
      vv_q  <= 1'b0;
      acc_q <= '0;
      w_q   <= '0;
      wv_q  <= 1'b0;
      mac_q <= 1'b0;
    end else begin
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

  assign h_o       = h_q;
  assign hv_o      = hv_q;
  assign v_o       = v_q;
  assign vv_o      = vv_q;
  assign acc_o     = acc_q;
  assign w_o       = w_q;
  assign wv_o      = wv_q;
  assign mac_o     = mac_q;
  assign acc_sum_o = acc_sum;
  assign psum_o    = psum;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // The os accumulator changes only while an os GEMM runs (clear_i zeroes it through the flop).
  PeAccOnlyInOs: assert property (@(posedge clk_i) disable iff (!rst_ni)
      acc_d != acc_q |-> run_i && dataflow_i == DfOs)
    else $error("acc changed %0d -> %0d outside an os run", $signed(acc_q), $signed(acc_d));

  // The stationary operand changes only in the ws/is preload; it holds while streaming.
  PeWeightOnlyInPreload: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_d != w_q || wv_d != wv_q |-> run_i && preload_i && dataflow_i != DfOs)
    else $error("stationary operand changed %0d -> %0d outside the preload", $signed(w_q),
                $signed(w_d));

  // Outside StRun every PE register holds.
  PeHoldOutsideRun: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !run_i |-> h_d == h_q && hv_d == hv_q && v_d == v_q && vv_d == vv_q && acc_d == acc_q
                 && w_d == w_q && wv_d == wv_q && mac_d == mac_q)
    else $error("a PE register changed outside StRun");

endmodule
