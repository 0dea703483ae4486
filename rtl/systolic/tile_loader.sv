// Tile loader (docs/systolic.md, "Tile loader"): gathers one operand tile from the DRAM into its
// SRAM half, up to `lanes` read requests per cycle, and writes each response into the SRAM word
// its tag names. Element e = o*it + i of the tile's ot x it elements: the A loader (LoadB = 0,
// u_a_loader) walks rows m0+o of A and columns k0+i through im2col and stores A row-major; the B
// loader (LoadB = 1, u_b_loader) walks filters n0+o and rows k0+i and stores B row-major.
module tile_loader #(
  // 0: the A loader (ifmap through im2col); 1: the B loader (filter).
  parameter bit          LoadB       = 1'b0,
  // A and B element width: a response keeps the DRAM word's low InBits.
  parameter int unsigned InBits      = 8,
  // SRAM address width; addresses are computed at 32 bits and keep the low bits.
  parameter int unsigned BufAddrBits = 14,
  // Most DRAM lanes (requests and responses per cycle).
  parameter int unsigned DramLanes   = 4
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // The job (from the stream sequencer: the job ports while SqIdle, then the latched job).
  // B: the filter's row length K. A: the conv geometry of im2col.
  input  logic [31:0]            k_i,
  input  logic [15:0]            iw_i,
  input  logic [15:0]            ch_i,
  input  logic [15:0]            ew_i,
  input  logic [15:0]            fw_i,
  input  logic [15:0]            sh_i,
  input  logic [15:0]            sw_i,
  // ifmap_base (A) or filter_base (B).
  input  logic [31:0]            dram_base_i,
  // half_a (A) or half_b (B): the SRAM word where half 1 starts.
  input  logic [BufAddrBits-1:0] half_words_i,
  // Lanes used, 1 .. DramLanes.
  input  logic [7:0]             lanes_i,
  // Start (only while idle) on the tile: outer origin o0 (A: m0, B: n0), inner origin i0 (k0),
  // sizes ot (A: mt_eff, B: nt_eff) and it (kt_eff), SRAM half.
  input  logic                   start_i,
  input  logic [31:0]            o0_i,
  input  logic [31:0]            i0_i,
  input  logic [15:0]            ot_i,
  input  logic [15:0]            it_i,
  input  logic                   half_i,
  // DRAM read requests of the cycle that ended (registers; 0 on a lane that issued nothing).
  output logic                   req_valid_o  [DramLanes],
  output logic [31:0]            req_addr_o   [DramLanes],
  output logic [BufAddrBits-1:0] req_tag_o    [DramLanes],
  // DRAM read responses arriving at this edge.
  input  logic                   rsp_valid_i  [DramLanes],
  input  logic [BufAddrBits-1:0] rsp_tag_i    [DramLanes],
  input  logic [InBits-1:0]      rsp_data_i   [DramLanes],
  // SRAM writes of the responses (land at this edge).
  output logic                   wr_valid_o   [DramLanes],
  output logic [BufAddrBits-1:0] wr_addr_o    [DramLanes],
  output logic [InBits-1:0]      wr_data_o    [DramLanes],
  // Registers, for the sequencer and the observation.
  output logic                   busy_o,
  output logic [31:0]            count_o,
  output logic [31:0]            issued_o,
  output logic [31:0]            returned_o
);

  logic                   busy_d, busy_q;
  logic [31:0]            count_d, count_q;
  logic [31:0]            issued_d, issued_q;
  logic [31:0]            returned_d, returned_q;
  // The tile: origins, sizes, half.
  logic [31:0]            o0_d, o0_q;
  logic [31:0]            i0_d, i0_q;
  logic [15:0]            ot_d, ot_q;
  logic [15:0]            it_d, it_q;
  logic                   half_d, half_q;
  logic                   req_valid_d [DramLanes], req_valid_q [DramLanes];
  logic [31:0]            req_addr_d  [DramLanes], req_addr_q  [DramLanes];
  logic [BufAddrBits-1:0] req_tag_d   [DramLanes], req_tag_q   [DramLanes];

  // The tile this edge issues from: the new one at start, else the latched one.
  logic [31:0]            cur_o0, cur_i0, cur_count, first;
  logic [15:0]            cur_ot, cur_it;
  logic [BufAddrBits-1:0] cur_base;
  logic                   issuing;
  // Requests issued and responses returned at this edge.
  logic [31:0]            num_issued, num_returned;

  assign issuing   = start_i || busy_q;
  assign cur_o0    = start_i ? o0_i : o0_q;
  assign cur_i0    = start_i ? i0_i : i0_q;
  assign cur_ot    = start_i ? ot_i : ot_q;
  assign cur_it    = start_i ? it_i : it_q;
  assign cur_count = start_i ? 32'(ot_i) * 32'(it_i) : count_q;
  assign cur_base  = (start_i ? half_i : half_q) ? half_words_i : '0;
  assign first     = start_i ? '0 : issued_q;

  always_comb begin : p_issue
    // Element e of the tile and its outer and inner index.
    logic [31:0]            e, o, i, addr;
    logic [BufAddrBits-1:0] tag;

    num_issued = '0;
    for (int unsigned l = 0; l < DramLanes; l++) begin
      e              = first + 32'(l);
      o              = '0;
      i              = '0;
      addr           = '0;
      tag            = '0;
      req_valid_d[l] = issuing && 32'(l) < 32'(lanes_i) && e < cur_count;
      req_addr_d[l]  = '0;
      req_tag_d[l]   = '0;
      // Only a lane that issues divides (the simulation skips the rest).
      if (req_valid_d[l]) begin
        o = e / 32'(cur_it);
        i = e % 32'(cur_it);
        if (LoadB) begin
          // B[k0+i][n0+o] at filter_base + (n0+o)*K + k0+i; SRAM row-major within the tile.
          addr = dram_base_i + (cur_o0 + o) * k_i + cur_i0 + i;
          tag  = BufAddrBits'(32'(cur_base) + i * 32'(cur_ot) + o);
        end else begin
          addr = dram_base_i + im2col(cur_o0 + o, cur_i0 + i);
          tag  = BufAddrBits'(32'(cur_base) + e);
        end
        req_addr_d[l] = addr;
        req_tag_d[l]  = tag;
      end
      num_issued = num_issued + 32'(req_valid_d[l]);
    end
  end

  // The ifmap word of A[m][k]: ofmap pixel (m / ew, m % ew), filter tap (r, s, c) =
  // (k / (fw*ch), (k / ch) % fw, k % ch), ifmap pixel (oh*sh + r, ow*sw + s), HWC.
  function automatic logic [31:0] im2col(logic [31:0] m, logic [31:0] k);
    logic [31:0] oh, ow, r, s, c;
    oh = m / 32'(ew_i);
    ow = m % 32'(ew_i);
    r  = k / (32'(fw_i) * 32'(ch_i));
    s  = (k / 32'(ch_i)) % 32'(fw_i);
    c  = k % 32'(ch_i);
    return ((oh * 32'(sh_i) + r) * 32'(iw_i) + ow * 32'(sw_i) + s) * 32'(ch_i) + c;
  endfunction

  // Only the A loader uses the conv geometry, only the B loader the filter's row length.
  if (LoadB) begin : g_b
    logic unused_geometry;
    assign unused_geometry = ^{iw_i, ch_i, ew_i, fw_i, sh_i, sw_i};
  end else begin : g_a
    logic unused_k;
    assign unused_k = ^k_i;
  end

  // Responses go to the SRAM word of their tag.
  always_comb begin : p_return
    num_returned = '0;
    for (int unsigned l = 0; l < DramLanes; l++) begin
      wr_valid_o[l] = busy_q && rsp_valid_i[l];
      wr_addr_o[l]  = wr_valid_o[l] ? rsp_tag_i[l] : '0;
      wr_data_o[l]  = wr_valid_o[l] ? rsp_data_i[l] : '0;
      num_returned  = num_returned + 32'(wr_valid_o[l]);
    end
  end

  always_comb begin : p_state
    busy_d     = busy_q;
    count_d    = count_q;
    issued_d   = issued_q;
    returned_d = returned_q;
    o0_d       = o0_q;
    i0_d       = i0_q;
    ot_d       = ot_q;
    it_d       = it_q;
    half_d     = half_q;
    if (start_i) begin
      busy_d     = 1'b1;
      count_d    = cur_count;
      issued_d   = num_issued;
      returned_d = '0;
      o0_d       = o0_i;
      i0_d       = i0_i;
      ot_d       = ot_i;
      it_d       = it_i;
      half_d     = half_i;
    end else if (busy_q) begin
      issued_d   = issued_q + num_issued;
      returned_d = returned_q + num_returned;
      if (returned_d == count_q) begin
        busy_d = 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q      <= 1'b0;
      count_q     <= '0;
      issued_q    <= '0;
      returned_q  <= '0;
      o0_q        <= '0;
      i0_q        <= '0;
      ot_q        <= '0;
      it_q        <= '0;
      half_q      <= 1'b0;
      req_valid_q <= '{default: 1'b0};
      req_addr_q  <= '{default: '0};
      req_tag_q   <= '{default: '0};
    end else begin
      busy_q      <= busy_d;
      count_q     <= count_d;
      issued_q    <= issued_d;
      returned_q  <= returned_d;
      o0_q        <= o0_d;
      i0_q        <= i0_d;
      ot_q        <= ot_d;
      it_q        <= it_d;
      half_q      <= half_d;
      req_valid_q <= req_valid_d;
      req_addr_q  <= req_addr_d;
      req_tag_q   <= req_tag_d;
    end
  end

  assign req_valid_o = req_valid_q;
  assign req_addr_o  = req_addr_q;
  assign req_tag_o   = req_tag_q;
  assign busy_o      = busy_q;
  assign count_o     = count_q;
  assign issued_o    = issued_q;
  assign returned_o  = returned_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // No more responses come back than requests went out, and no more go out than the tile has.
  TileLoaderReturnedLeIssued: assert property (@(posedge clk_i) disable iff (!rst_ni)
      returned_d <= issued_d && issued_d <= count_d)
    else $error("loader returned %0d, issued %0d of %0d", returned_d, issued_d, count_d);

  // A request's tag is a word of the tile in its half.
  // (Each lane is copied to a plain signal first: Verilator 5.006 cannot take an element of an
  // unpacked array inside a property.)
  for (genvar l = 0; l < DramLanes; l++) begin : g_tag_check
    logic                   valid;
    logic [BufAddrBits-1:0] tag;
    assign valid = req_valid_d[l];
    assign tag   = req_tag_d[l];
    TileLoaderTagInTile: assert property (@(posedge clk_i) disable iff (!rst_ni)
        valid |-> 32'(BufAddrBits'(tag - cur_base)) < cur_count)
      else $error("lane %0d requests SRAM word %0d, outside the %0d-word tile at %0d", l, tag,
                  cur_count, cur_base);
  end

endmodule
