// Rows x Cols grid of PEs (docs/systolic.md, "PE"). No state of its own: PE(i, j) takes h from
// the left port i (j == 0) or PE(i, j-1), and v, w from the top port j (i == 0) or PE(i-1, j).
// In row 0 the vertical input is the top port in os, and a zero partial sum carrying the
// arriving h valid in ws/is. PE index p = i*Cols + j.
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

  for (genvar i = 0; i < Rows; i++) begin : g_row
    for (genvar j = 0; j < Cols; j++) begin : g_col
      localparam int unsigned P = i * Cols + j;

      logic [InBits-1:0]  h_arr;
      logic               hv_arr;
      logic [AccBits-1:0] v_arr;
      logic               vv_arr;
      logic [InBits-1:0]  w_arr;
      logic               wv_arr;
      // This PE's ws/is partial sum; only the bottom row's leave the array.
      logic [AccBits-1:0] psum;

      if (j == 0) begin : g_left_edge
        assign h_arr  = left_data_i[i];
        assign hv_arr = left_valid_i[i];
      end else begin : g_left_pe
        assign h_arr  = h_o[P-1];
        assign hv_arr = hv_o[P-1];
      end

      if (i == 0) begin : g_top_edge
        assign v_arr  = (dataflow_i == DfOs) ? AccBits'($signed(top_data_i[j])) : '0;
        assign vv_arr = (dataflow_i == DfOs) ? top_valid_i[j] : hv_arr;
        assign w_arr  = top_data_i[j];
        assign wv_arr = top_valid_i[j];
      end else begin : g_top_pe
        assign v_arr  = v_o[P-Cols];
        assign vv_arr = vv_o[P-Cols];
        assign w_arr  = w_o[P-Cols];
        assign wv_arr = wv_o[P-Cols];
      end

      pe #(
        .InBits (InBits),
        .AccBits(AccBits)
      ) u_pe (
        .clk_i,
        .rst_ni,
        .clear_i,
        .run_i,
        .dataflow_i,
        .preload_i,
        .last_i,
        .h_i      (h_arr),
        .hv_i     (hv_arr),
        .v_i      (v_arr),
        .vv_i     (vv_arr),
        .w_i      (w_arr),
        .wv_i     (wv_arr),
        .h_o      (h_o[P]),
        .hv_o     (hv_o[P]),
        .v_o      (v_o[P]),
        .vv_o     (vv_o[P]),
        .acc_o    (acc_o[P]),
        .w_o      (w_o[P]),
        .wv_o     (wv_o[P]),
        .mac_o    (mac_o[P]),
        .acc_sum_o(acc_sum_o[P]),
        .psum_o   (psum)
      );

      if (i == Rows - 1) begin : g_bottom
        assign psum_o[j] = psum;
      end else begin : g_inner
        logic [AccBits-1:0] unused_psum;
        assign unused_psum = psum;
      end
    end
  end

endmodule
