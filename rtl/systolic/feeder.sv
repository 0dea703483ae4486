// Edge feeds ("skew", docs/systolic.md, "Edge feeds"): for the current cycle, the valid flag
// and buffer address of each left port (the streamed S vectors) and each top port (os B
// operand, or the ws/is preload rows). Combinational; the top reads the buffers. Left ports
// read A (os, ws) or B (is); top ports read B (os, ws) or A (is), each operand at its base (a
// streamed tile's SRAM half; 0 for the host-port GEMM). Invalid ports have address 0.
module feeder import systolic_pkg::*; #(
  // PE rows (left ports).
  parameter int unsigned Rows = 4,
  // PE columns (top ports).
  parameter int unsigned Cols = 4,
  // Buffer address width; addresses are computed at 32 bits and keep the low bits.
  parameter int unsigned BufAddrBits = 14
) (
  // Only the assertions use the clock and reset: the feeder is combinational.
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // From the array controller.
  input  dataflow_e              dataflow_i,
  input  logic                   preload_i,
  input  logic                   stream_i,
  input  logic [31:0]            t_i,
  input  logic [31:0]            s_i,
  input  logic [31:0]            r0_i,
  input  logic [31:0]            c0_i,
  input  logic [15:0]            k_i,
  input  logic [15:0]            n_i,
  input  logic [15:0]            rows_dim_i,
  input  logic [15:0]            cols_dim_i,
  input  logic [15:0]            stream_len_i,
  // Buffer words where A and B start (the stream sequencer's halves; 0 without a compute tile).
  input  logic [BufAddrBits-1:0] a_base_i,
  input  logic [BufAddrBits-1:0] b_base_i,
  output logic                   left_valid_o [Rows],
  output logic [BufAddrBits-1:0] left_addr_o  [Rows],
  output logic                   top_valid_o  [Cols],
  output logic [BufAddrBits-1:0] top_addr_o   [Cols]
);

  always_comb begin : p_left
    // Operand row r0+i and vector v = s-i; addresses use 32-bit arithmetic, low bits kept.
    logic [31:0]            row, vec;
    logic [BufAddrBits-1:0] addr;

    for (int unsigned i = 0; i < Rows; i++) begin
      row             = r0_i + 32'(i);
      vec             = s_i - 32'(i);
      left_valid_o[i] = stream_i && s_i >= 32'(i) && vec < 32'(stream_len_i)
                        && row < 32'(rows_dim_i);
      unique case (dataflow_i)
        DfWs:    addr = BufAddrBits'(32'(a_base_i) + vec * 32'(k_i) + row);
        DfIs:    addr = BufAddrBits'(32'(b_base_i) + row * 32'(n_i) + vec);
        default: addr = BufAddrBits'(32'(a_base_i) + row * 32'(k_i) + vec);  // DfOs
      endcase
      left_addr_o[i] = left_valid_o[i] ? addr : '0;
    end
  end

  always_comb begin : p_top
    // Output column c0+j, preload row kk (ws/is) or vector v = t-j (os).
    logic [31:0]            col, kk, vec;
    logic [BufAddrBits-1:0] addr;

    for (int unsigned j = 0; j < Cols; j++) begin
      col = c0_i + 32'(j);
      kk  = r0_i + 32'(Rows - 1) - t_i;
      vec = t_i - 32'(j);
      unique case (dataflow_i)
        DfWs: begin
          top_valid_o[j] = preload_i && kk < 32'(k_i) && col < 32'(cols_dim_i);
          addr           = BufAddrBits'(32'(b_base_i) + kk * 32'(n_i) + col);
        end
        DfIs: begin
          top_valid_o[j] = preload_i && kk < 32'(k_i) && col < 32'(cols_dim_i);
          addr           = BufAddrBits'(32'(a_base_i) + col * 32'(k_i) + kk);
        end
        default: begin  // DfOs
          top_valid_o[j] = stream_i && t_i >= 32'(j) && vec < 32'(k_i) && col < 32'(n_i);
          addr           = BufAddrBits'(32'(b_base_i) + vec * 32'(n_i) + col);
        end
      endcase
      top_addr_o[j] = top_valid_o[j] ? addr : '0;
    end
  end

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // Words of the operand each side reads: A is M x K, B is K x N. Left ports read A (os: M =
  // rows_dim; ws: M = stream_len) or B (is: K = rows_dim); top ports read B (os, ws) or A (is:
  // M = cols_dim).
  logic [31:0]            left_words, top_words;
  logic [BufAddrBits-1:0] left_base, top_base;
  always_comb begin : p_words
    unique case (dataflow_i)
      DfWs: begin
        left_words = 32'(stream_len_i) * 32'(k_i);
        top_words  = 32'(k_i) * 32'(n_i);
        left_base  = a_base_i;
        top_base   = b_base_i;
      end
      DfIs: begin
        left_words = 32'(rows_dim_i) * 32'(n_i);
        top_words  = 32'(cols_dim_i) * 32'(k_i);
        left_base  = b_base_i;
        top_base   = a_base_i;
      end
      default: begin  // DfOs
        left_words = 32'(rows_dim_i) * 32'(k_i);
        top_words  = 32'(k_i) * 32'(n_i);
        left_base  = a_base_i;
        top_base   = b_base_i;
      end
    endcase
  end

  // A valid port reads inside its operand (its address minus the operand's base).
  // (Each port is copied to a plain signal first: Verilator 5.006 cannot take an element of an
  // unpacked output array inside a property.)
  for (genvar i = 0; i < Rows; i++) begin : g_left_check
    logic                   valid;
    logic [BufAddrBits-1:0] addr;
    assign valid = left_valid_o[i];
    assign addr  = left_addr_o[i];
    FeederLeftAddrInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
        valid |-> 32'(BufAddrBits'(addr - left_base)) < left_words)
      else $error("left port %0d reads word %0d of a %0d-word operand at %0d", i, addr, left_words,
                  left_base);
  end
  for (genvar j = 0; j < Cols; j++) begin : g_top_check
    logic                   valid;
    logic [BufAddrBits-1:0] addr;
    assign valid = top_valid_o[j];
    assign addr  = top_addr_o[j];
    FeederTopAddrInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
        valid |-> 32'(BufAddrBits'(addr - top_base)) < top_words)
      else $error("top port %0d reads word %0d of a %0d-word operand at %0d", j, addr, top_words,
                  top_base);
  end

endmodule
