// Coalescer (between the LSU port registers and the data controller, present with
// SegmentWords > 0): data memory is read and written a segment of SegmentWords words at a
// time, at a multiple of SegmentWords. The lanes of one context (a warp) that load, or store,
// within one segment share one request, made by the lowest of them (the leader), and all of
// them take their answer from the leader's consumer (docs/architecture.md, "Coalescer").
// Purely combinational: a warp's lanes enter REQUESTING at the same edge and hold their
// requests until answered, so a group is whole from the cycle it reaches the controller to
// its answer, and a lane that does not lead is never seen by the controller.
module coalescer #(
  // Warp contexts; lane t of context x is lane x*ThreadsPerBlock + t.
  parameter int unsigned NumContexts = 2,
  // Lanes per context.
  parameter int unsigned ThreadsPerBlock = 4,
  // Data word and data-address width.
  parameter int unsigned DataBits = 8,
  // Words of a segment (a power of two, 1..8).
  parameter int unsigned SegmentWords = 4,
  localparam int unsigned NumLanes = NumContexts * ThreadsPerBlock,
  // Width of a lane index and of a word index within a segment (at least one bit each).
  localparam int unsigned LaneBits = (NumLanes > 1) ? $clog2(NumLanes) : 1,
  localparam int unsigned WordBits = (SegmentWords > 1) ? $clog2(SegmentWords) : 1
) (
  // Clock and the GPU reset, for the assertion only.
  input  logic                                                 clk_i,
  input  logic                                                 reset_i,
  // Lane side: the LSU port registers towards the controller, and the responses into the
  // port registers towards the LSUs.
  input  logic [NumLanes-1:0]                                  lane_read_valid_i,
  input  logic [NumLanes-1:0][DataBits-1:0]                    lane_read_address_i,
  output logic [NumLanes-1:0]                                  lane_read_ready_o,
  output logic [NumLanes-1:0][DataBits-1:0]                    lane_read_data_o,
  input  logic [NumLanes-1:0]                                  lane_write_valid_i,
  input  logic [NumLanes-1:0][DataBits-1:0]                    lane_write_address_i,
  input  logic [NumLanes-1:0][DataBits-1:0]                    lane_write_data_i,
  output logic [NumLanes-1:0]                                  lane_write_ready_o,
  // Controller side, consumer i for lane i: segment requests and their answers.
  output logic [NumLanes-1:0]                                  ctrl_read_valid_o,
  output logic [NumLanes-1:0][DataBits-1:0]                    ctrl_read_address_o,
  input  logic [NumLanes-1:0]                                  ctrl_read_ready_i,
  input  logic [NumLanes-1:0][SegmentWords-1:0][DataBits-1:0]  ctrl_read_data_i,
  output logic [NumLanes-1:0]                                  ctrl_write_valid_o,
  output logic [NumLanes-1:0][DataBits-1:0]                    ctrl_write_address_o,
  output logic [NumLanes-1:0][SegmentWords-1:0][DataBits-1:0]  ctrl_write_data_o,
  output logic [NumLanes-1:0][SegmentWords-1:0]                ctrl_write_mask_o,
  input  logic [NumLanes-1:0]                                  ctrl_write_ready_i
);

  // The segment of an address: its low log2(SegmentWords) bits cleared (none when 1).
  function automatic logic [DataBits-1:0] seg(logic [DataBits-1:0] address);
    return address & ~DataBits'(SegmentWords - 1);
  endfunction

  // The word of its segment an address names (0 when SegmentWords is 1).
  function automatic logic [WordBits-1:0] off(logic [DataBits-1:0] address);
    return WordBits'(address & DataBits'(SegmentWords - 1));
  endfunction

  // Per lane: its leader, the lowest lane of its context up to itself with a request of the
  // same kind in the same segment; itself when no earlier lane matches (read only while the
  // lane has a request of that kind).
  logic [NumLanes-1:0][LaneBits-1:0] read_leader, write_leader;

  always_comb begin : p_leaders
    logic read_found, write_found;

    read_found  = 1'b0;
    write_found = 1'b0;
    for (int unsigned i = 0; i < NumLanes; i++) begin
      read_leader[i]  = LaneBits'(i);
      write_leader[i] = LaneBits'(i);
      read_found      = 1'b0;
      write_found     = 1'b0;
      for (int unsigned l = i - i % ThreadsPerBlock; l < i; l++) begin
        if (!read_found && lane_read_valid_i[l]
            && seg(lane_read_address_i[l]) == seg(lane_read_address_i[i])) begin
          read_found     = 1'b1;
          read_leader[i] = LaneBits'(l);
        end
        if (!write_found && lane_write_valid_i[l]
            && seg(lane_write_address_i[l]) == seg(lane_write_address_i[i])) begin
          write_found     = 1'b1;
          write_leader[i] = LaneBits'(l);
        end
      end
    end
  end

  // Requests towards the controller: only leaders ask, for the whole segment. A write
  // carries the words of its lane and of every later lane of the context in the segment,
  // in lane order, so of several stores to one word the highest lane's lands.
  always_comb begin : p_requests
    ctrl_write_data_o = '0;
    ctrl_write_mask_o = '0;
    for (int unsigned i = 0; i < NumLanes; i++) begin
      ctrl_read_valid_o[i]    = lane_read_valid_i[i] && read_leader[i] == LaneBits'(i);
      ctrl_read_address_o[i]  = seg(lane_read_address_i[i]);
      ctrl_write_valid_o[i]   = lane_write_valid_i[i] && write_leader[i] == LaneBits'(i);
      ctrl_write_address_o[i] = seg(lane_write_address_i[i]);
      for (int unsigned l = i; l < i - i % ThreadsPerBlock + ThreadsPerBlock; l++) begin
        if (lane_write_valid_i[l]
            && seg(lane_write_address_i[l]) == seg(lane_write_address_i[i])) begin
          ctrl_write_data_o[i][off(lane_write_address_i[l])] = lane_write_data_i[l];
          ctrl_write_mask_o[i][off(lane_write_address_i[l])] = 1'b1;
        end
      end
    end
  end

  // Responses towards the lanes: a lane with a request hears its leader's consumer, and
  // reads its own word of the leader's segment.
  always_comb begin : p_responses
    logic [LaneBits-1:0] g, h;

    g = '0;
    h = '0;
    for (int unsigned i = 0; i < NumLanes; i++) begin
      g = lane_read_valid_i[i] ? read_leader[i] : LaneBits'(i);
      h = lane_write_valid_i[i] ? write_leader[i] : LaneBits'(i);
      lane_read_ready_o[i]  = ctrl_read_ready_i[g];
      lane_read_data_o[i]   = ctrl_read_data_i[g][off(lane_read_address_i[i])];
      lane_write_ready_o[i] = ctrl_write_ready_i[h];
    end
  end

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // Whether an earlier lane of lane i's context drives a request with the same valid segment
  // address as lane i (from the requests this module drives, not from its leader logic).
  function automatic logic asked_before(logic [NumLanes-1:0] valid,
                                        logic [NumLanes-1:0][DataBits-1:0] address,
                                        int unsigned i);
    logic twice;
    twice = 1'b0;
    for (int unsigned l = i - i % ThreadsPerBlock; l < i; l++) begin
      if (valid[l] && valid[i] && address[l] == address[i]) begin
        twice = 1'b1;
      end
    end
    return twice;
  endfunction

  for (genvar i = 0; i < NumLanes; i++) begin : g_lane_check
    // No two lanes of one context both lead a read of one segment, nor a write.
    CoalescerOneRequestPerSegment: assert property (@(posedge clk_i) disable iff (reset_i)
        !asked_before(ctrl_read_valid_o, ctrl_read_address_o, i)
        && !asked_before(ctrl_write_valid_o, ctrl_write_address_o, i))
      else $error("lane %0d repeats a request of an earlier lane: read %0d of %0d, write %0d of %0d",
                  i, ctrl_read_valid_o[i], ctrl_read_address_o[i],
                  ctrl_write_valid_o[i], ctrl_write_address_o[i]);
  end

endmodule
