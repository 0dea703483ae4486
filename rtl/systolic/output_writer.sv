// Output writer (docs/systolic.md, "Output to the C buffer"): one C-buffer write port per
// column. ws/is write the bottom row's new partial sums while streaming, adding the C word
// already there for later K tiles (r0 > 0). os copies a finished tile's accumulators into
// shadow registers at the fold's last edge and drains them one row per cycle, R cycles.
// C starts at c_base_i (a streamed tile's SRAM half); a streamed tile with k0 > 0 accumulates
// (accumulate_i): every write adds the C word it overwrites.
module output_writer import systolic_pkg::*; #(
  // PE rows.
  parameter int unsigned Rows = 4,
  // PE columns (output ports).
  parameter int unsigned Cols = 4,
  // Product and accumulator width.
  parameter int unsigned AccBits = 32,
  // Buffer address width; addresses are computed at 32 bits and keep the low bits.
  parameter int unsigned BufAddrBits = 14,
  // Width of a shadow row index (at least one bit).
  localparam int unsigned RowBits = (Rows > 1) ? $clog2(Rows) : 1
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // From the array controller.
  input  logic                   clear_i,
  input  dataflow_e              dataflow_i,
  input  logic                   stream_i,
  input  logic                   last_i,
  input  logic [31:0]            s_i,
  input  logic [31:0]            r0_i,
  input  logic [31:0]            c0_i,
  input  logic [15:0]            m_i,
  input  logic [15:0]            n_i,
  input  logic [15:0]            cols_dim_i,
  input  logic [15:0]            stream_len_i,
  // From the stream sequencer (0 for the host-port GEMM): where C starts, and whether the
  // writes add the C word they overwrite.
  input  logic [BufAddrBits-1:0] c_base_i,
  input  logic                   accumulate_i,
  // From the array: every PE's acc_q plus product, the bottom row's new partial sums.
  input  logic [AccBits-1:0]     acc_sum_i    [Rows*Cols],
  input  logic [AccBits-1:0]     psum_i       [Cols],
  // C buffer read at out_addr_o (for accumulation).
  input  logic [AccBits-1:0]     c_rdata_i    [Cols],
  // C-buffer write ports (address and data 0 when not valid).
  output logic                   out_valid_o  [Cols],
  output logic [BufAddrBits-1:0] out_addr_o   [Cols],
  output logic [AccBits-1:0]     out_data_o   [Cols],
  // The drain writes its last row this cycle.
  output logic                   drain_done_o
);

  logic               drain_active_d, drain_active_q;
  logic [RowBits-1:0] drain_row_d, drain_row_q;
  logic [31:0]        drain_r0_d, drain_r0_q;
  logic [31:0]        drain_c0_d, drain_c0_q;
  logic [AccBits-1:0] shadow_q [Rows*Cols];

  logic drain_done, shadow_load;

  assign drain_done = drain_active_q && drain_row_q == RowBits'(Rows - 1);

  // Valid and address; kept apart from the data, which reads the C buffer at this address.
  always_comb begin : p_addr
    // ws/is: vector u = s-(R-1)-j and column c0+j; os: the drained C row and column.
    logic [31:0]            vec, col, drain_row, drain_col;
    logic [BufAddrBits-1:0] addr;
    logic                   stream_valid;

    for (int unsigned j = 0; j < Cols; j++) begin
      vec          = s_i - 32'(Rows - 1 + j);
      col          = c0_i + 32'(j);
      stream_valid = stream_i && s_i >= 32'(Rows - 1 + j) && vec < 32'(stream_len_i)
                     && col < 32'(cols_dim_i);
      drain_row    = drain_r0_q + 32'(drain_row_q);
      drain_col    = drain_c0_q + 32'(j);
      unique case (dataflow_i)
        DfWs: begin
          out_valid_o[j] = stream_valid;
          addr           = BufAddrBits'(32'(c_base_i) + vec * 32'(n_i) + col);
        end
        DfIs: begin
          out_valid_o[j] = stream_valid;
          addr           = BufAddrBits'(32'(c_base_i) + col * 32'(n_i) + vec);
        end
        default: begin  // DfOs
          out_valid_o[j] = drain_active_q && drain_row < 32'(m_i) && drain_col < 32'(n_i);
          addr           = BufAddrBits'(32'(c_base_i) + drain_row * 32'(n_i) + drain_col);
        end
      endcase
      out_addr_o[j] = out_valid_o[j] ? addr : '0;
    end
  end

  always_comb begin : p_data
    for (int unsigned j = 0; j < Cols; j++) begin
      out_data_o[j] = '0;
      if (out_valid_o[j]) begin
        if (dataflow_i == DfOs) begin
          out_data_o[j] = accumulate_i ? shadow_q[drain_row_q*Cols+j] + c_rdata_i[j]
                                       : shadow_q[drain_row_q*Cols+j];
        end else if (r0_i != '0 || accumulate_i) begin
          out_data_o[j] = psum_i[j] + c_rdata_i[j];
        end else begin
          out_data_o[j] = psum_i[j];
        end
      end
    end
  end

  // A fold's last edge loads the shadow registers and starts a new drain.
  assign shadow_load = dataflow_i == DfOs && last_i;

  always_comb begin : p_drain
    drain_active_d = drain_active_q;
    drain_row_d    = drain_row_q;
    drain_r0_d     = drain_r0_q;
    drain_c0_d     = drain_c0_q;
    if (drain_active_q) begin
      if (drain_done) begin
        drain_active_d = 1'b0;
      end else begin
        drain_row_d = drain_row_q + RowBits'(1);
      end
    end
    // A new drain starts also when the previous one ends at this edge.
    if (shadow_load) begin
      drain_active_d = 1'b1;
      drain_row_d    = '0;
      drain_r0_d     = r0_i;
      drain_c0_d     = c0_i;
    end
  end

  // clear_i acts like the reset, as in pe: the drain logic stays independent of start_i.
  always_ff @(posedge clk_i) begin
    if (!rst_ni || clear_i) begin
      drain_active_q <= 1'b0;
      drain_row_q    <= '0;
      drain_r0_q     <= '0;
      drain_c0_q     <= '0;
    end else begin
      drain_active_q <= drain_active_d;
      drain_row_q    <= drain_row_d;
      drain_r0_q     <= drain_r0_d;
      drain_c0_q     <= drain_c0_d;
    end
  end

  // The shadow registers hold a tile's accumulators, PE index p = i*Cols + j, from a fold's
  // last edge until the next; they are written only at that edge. Like a buffer's words they
  // have no reset: the drain reads them only after a fold's last edge has loaded them.
  always_ff @(posedge clk_i) begin : p_shadow
    if (shadow_load) shadow_q <= acc_sum_i;
  end

  assign drain_done_o = drain_done;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // C writes stay inside C's M x N words (the address minus C's base).
  // (Each port is copied to a plain signal first: Verilator 5.006 cannot take an element of an
  // unpacked output array inside a property.)
  for (genvar j = 0; j < Cols; j++) begin : g_out_check
    logic                   valid;
    logic [BufAddrBits-1:0] addr;
    assign valid = out_valid_o[j];
    assign addr  = out_addr_o[j];
    OutputWriterAddrInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
        valid |-> 32'(BufAddrBits'(addr - c_base_i)) < 32'(m_i) * 32'(n_i))
      else $error("out port %0d writes word %0d of %0d x %0d C at %0d", j, addr, m_i, n_i, c_base_i);
  end

  // An os fold's last edge starts the drain of its tile from row 0, even when the previous
  // drain ends at the same edge.
  OutputWriterLoadStartsDrain: assert property (@(posedge clk_i) disable iff (!rst_ni)
      shadow_load |-> drain_active_d && drain_row_d == '0 && drain_r0_d == r0_i
                      && drain_c0_d == c0_i)
    else $error("fold end at r0 %0d, c0 %0d did not start a drain from row 0", r0_i, c0_i);

endmodule
