// Tile storer (docs/systolic.md, "Tile storer"): writes a finished C tile from its SRAM half to
// the ofmap in the DRAM, up to `lanes` words per cycle. Element e = mi*nt_eff + ni is C word
// base + e (the C buffer's combinational read) and goes to ofmap_base + (m0+mi)*N + n0+ni.
module tile_storer #(
  // Product and accumulator width (C words).
  parameter int unsigned AccBits     = 32,
  // SRAM address width; addresses are computed at 32 bits and keep the low bits.
  parameter int unsigned BufAddrBits = 14,
  // Most DRAM lanes (writes per cycle).
  parameter int unsigned DramLanes   = 4
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // The job (latched by the stream sequencer): the ofmap is M x N at ofmap_base.
  input  logic [31:0]            m_i,
  input  logic [31:0]            n_i,
  input  logic [31:0]            ofmap_base_i,
  // half_c: the SRAM word where half 1 starts.
  input  logic [BufAddrBits-1:0] half_words_i,
  // Lanes used, 1 .. DramLanes.
  input  logic [7:0]             lanes_i,
  // Start (only while idle) on the C tile at (m0, n0) of mt_eff x nt_eff words in SRAM half half_i.
  input  logic                   start_i,
  input  logic [31:0]            m0_i,
  input  logic [31:0]            n0_i,
  input  logic [15:0]            rows_i,
  input  logic [15:0]            cols_i,
  input  logic                   half_i,
  // C buffer reads of this edge's elements (address 0 on a lane that issues nothing).
  output logic [BufAddrBits-1:0] rd_addr_o   [DramLanes],
  input  logic [AccBits-1:0]     rd_data_i   [DramLanes],
  // DRAM writes of the cycle that ended (registers; 0 on a lane that wrote nothing).
  output logic                   wr_valid_o  [DramLanes],
  output logic [31:0]            wr_addr_o   [DramLanes],
  output logic [AccBits-1:0]     wr_data_o   [DramLanes],
  // Registers, for the sequencer and the observation.
  output logic                   busy_o,
  output logic [31:0]            count_o,
  output logic [31:0]            issued_o
);

  logic                   busy_d, busy_q;
  logic [31:0]            count_d, count_q;
  logic [31:0]            issued_d, issued_q;
  // The tile: origin, columns, half (its rows are in count).
  logic [31:0]            m0_d, m0_q;
  logic [31:0]            n0_d, n0_q;
  logic [15:0]            cols_d, cols_q;
  logic                   half_d, half_q;
  logic                   wr_valid_d [DramLanes], wr_valid_q [DramLanes];
  logic [31:0]            wr_addr_d  [DramLanes], wr_addr_q  [DramLanes];
  logic [AccBits-1:0]     wr_data_d  [DramLanes], wr_data_q  [DramLanes];

  // The tile this edge issues from: the new one at start, else the latched one.
  logic [31:0]            cur_m0, cur_n0, cur_count, first, num_issued;
  logic [15:0]            cur_cols;
  logic [BufAddrBits-1:0] cur_base;
  logic                   issuing;

  assign issuing   = start_i || busy_q;
  assign cur_m0    = start_i ? m0_i : m0_q;
  assign cur_n0    = start_i ? n0_i : n0_q;
  assign cur_cols  = start_i ? cols_i : cols_q;
  assign cur_count = start_i ? 32'(rows_i) * 32'(cols_i) : count_q;
  assign cur_base  = (start_i ? half_i : half_q) ? half_words_i : '0;
  assign first     = start_i ? '0 : issued_q;

  always_comb begin : p_issue
    // Element e of the tile, its row mi and column ni.
    logic [31:0] e, mi, ni;

    num_issued = '0;
    for (int unsigned l = 0; l < DramLanes; l++) begin
      e             = first + 32'(l);
      mi            = '0;
      ni            = '0;
      wr_valid_d[l] = issuing && 32'(l) < 32'(lanes_i) && e < cur_count;
      rd_addr_o[l]  = '0;
      wr_addr_d[l]  = '0;
      // Only a lane that issues divides (the simulation skips the rest).
      if (wr_valid_d[l]) begin
        mi            = e / 32'(cur_cols);
        ni            = e % 32'(cur_cols);
        rd_addr_o[l]  = BufAddrBits'(32'(cur_base) + e);
        wr_addr_d[l]  = ofmap_base_i + (cur_m0 + mi) * n_i + cur_n0 + ni;
      end
      num_issued    = num_issued + 32'(wr_valid_d[l]);
    end
  end

  // Kept apart from the addresses: the data is the C buffer's read at rd_addr_o.
  always_comb begin : p_data
    for (int unsigned l = 0; l < DramLanes; l++) begin
      wr_data_d[l] = wr_valid_d[l] ? rd_data_i[l] : '0;
    end
  end

  always_comb begin : p_state
    busy_d   = busy_q;
    count_d  = count_q;
    issued_d = issued_q;
    m0_d     = m0_q;
    n0_d     = n0_q;
    cols_d   = cols_q;
    half_d   = half_q;
    if (start_i) begin
      count_d  = cur_count;
      issued_d = num_issued;
      busy_d   = num_issued < cur_count;
      m0_d     = m0_i;
      n0_d     = n0_i;
      cols_d   = cols_i;
      half_d   = half_i;
    end else if (busy_q) begin
      issued_d = issued_q + num_issued;
      busy_d   = issued_d < count_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q     <= 1'b0;
      count_q    <= '0;
      issued_q   <= '0;
      m0_q       <= '0;
      n0_q       <= '0;
      cols_q     <= '0;
      half_q     <= 1'b0;
      wr_valid_q <= '{default: 1'b0};
      wr_addr_q  <= '{default: '0};
      wr_data_q  <= '{default: '0};
    end else begin
      busy_q     <= busy_d;
      count_q    <= count_d;
      issued_q   <= issued_d;
      m0_q       <= m0_d;
      n0_q       <= n0_d;
      cols_q     <= cols_d;
      half_q     <= half_d;
      wr_valid_q <= wr_valid_d;
      wr_addr_q  <= wr_addr_d;
      wr_data_q  <= wr_data_d;
    end
  end

  assign wr_valid_o = wr_valid_q;
  assign wr_addr_o  = wr_addr_q;
  assign wr_data_o  = wr_data_q;
  assign busy_o     = busy_q;
  assign count_o    = count_q;
  assign issued_o   = issued_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // A write lands inside the M x N ofmap.
  // (Each lane is copied to a plain signal first: Verilator 5.006 cannot take an element of an
  // unpacked array inside a property.)
  for (genvar l = 0; l < DramLanes; l++) begin : g_addr_check
    logic        valid;
    logic [31:0] addr;
    assign valid = wr_valid_d[l];
    assign addr  = wr_addr_d[l];
    TileStorerAddrInOfmap: assert property (@(posedge clk_i) disable iff (!rst_ni)
        valid |-> 64'(32'(addr - ofmap_base_i)) < 64'(m_i) * 64'(n_i))
      else $error("lane %0d writes DRAM word %0d, outside the %0d x %0d ofmap at %0d", l, addr,
                  m_i, n_i, ofmap_base_i);
  end

endmodule
