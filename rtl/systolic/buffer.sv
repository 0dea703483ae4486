// Buffer: 2^AddrBits words with NumReadPorts combinational read ports, NumWritePorts write
// ports and a host port (read and write). Writes land at the edge. The engine never writes one
// address from two ports in a cycle; if it did, the lower port index wins, and any engine port
// wins over the host. Not reset: the host loads it before use.
module buffer #(
  // Address width.
  parameter int unsigned AddrBits = 14,
  // Word width.
  parameter int unsigned DataBits = 32,
  // Combinational read ports.
  parameter int unsigned NumReadPorts = 1,
  // Write ports.
  parameter int unsigned NumWritePorts = 1
) (
  input  logic                clk_i,
  input  logic [AddrBits-1:0] rd_addr_i    [NumReadPorts],
  output logic [DataBits-1:0] rd_data_o    [NumReadPorts],
  input  logic                wr_valid_i   [NumWritePorts],
  input  logic [AddrBits-1:0] wr_addr_i    [NumWritePorts],
  input  logic [DataBits-1:0] wr_data_i    [NumWritePorts],
  // Host port.
  input  logic                host_we_i,
  input  logic [AddrBits-1:0] host_addr_i,
  input  logic [DataBits-1:0] host_wdata_i,
  output logic [DataBits-1:0] host_rdata_o
);

  logic [DataBits-1:0] mem_q [2**AddrBits];

  for (genvar p = 0; p < NumReadPorts; p++) begin : g_read
    assign rd_data_o[p] = mem_q[rd_addr_i[p]];
  end

  assign host_rdata_o = mem_q[host_addr_i];

  // A word array is written in place, not copied as a whole d-value each cycle. Of two
  // writes to one word at an edge the later one lands: host first, then ports high to low.
  always_ff @(posedge clk_i) begin
    if (host_we_i) begin
      mem_q[host_addr_i] <= host_wdata_i;
    end
    for (int p = int'(NumWritePorts) - 1; p >= 0; p--) begin
      if (wr_valid_i[p]) begin
        mem_q[wr_addr_i[p]] <= wr_data_i[p];
      end
    end
  end

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // Two write ports never write one address in one cycle. (The ports are copied to packed
  // vectors first: Verilator 5.006 cannot take an element of an unpacked port array inside a
  // property.)
  if (NumWritePorts > 1) begin : g_write_check
    logic [NumWritePorts-1:0]               wr_valid;
    logic [NumWritePorts-1:0][AddrBits-1:0] wr_addr;
    always_comb begin
      for (int unsigned p = 0; p < NumWritePorts; p++) begin
        wr_valid[p] = wr_valid_i[p];
        wr_addr[p]  = wr_addr_i[p];
      end
    end

    for (genvar p = 0; p < NumWritePorts; p++) begin : g_port
      for (genvar q = p + 1; q < NumWritePorts; q++) begin : g_other
        BufferNoDoubleWrite: assert property (@(posedge clk_i)
            wr_valid[p] && wr_valid[q] |-> wr_addr[p] != wr_addr[q])
          else $error("write ports %0d and %0d both write word %0d", p, q, wr_addr[p]);
      end
    end
  end

endmodule
