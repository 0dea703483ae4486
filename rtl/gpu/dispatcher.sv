// Block dispatcher: hands blocks of ThreadsPerBlock threads to idle cores and counts the
// blocks that finish. `dispatched`/`finished` are running copies so that, within one edge,
// a later core sees the blocks handed out or retired by an earlier one.
module dispatcher #(
  // Compute cores.
  parameter int unsigned NumCores = 2,
  // Thread slots per core.
  parameter int unsigned ThreadsPerBlock = 4,
  // Width of a per-core thread count.
  localparam int unsigned CountBits = $clog2(ThreadsPerBlock) + 1
) (
  input  logic                               clk_i,
  input  logic                               reset_i,
  input  logic                               start_i,
  input  logic [7:0]                         thread_count_i,
  input  logic [NumCores-1:0]                core_done_i,
  output logic [NumCores-1:0]                core_start_o,
  output logic [NumCores-1:0]                core_reset_o,
  output logic [NumCores-1:0][7:0]           core_block_id_o,
  output logic [NumCores-1:0][CountBits-1:0] core_thread_count_o,
  output logic                               done_o
);

  logic [NumCores-1:0]                core_start_d, core_start_q;
  logic [NumCores-1:0]                core_reset_d, core_reset_q;
  logic [NumCores-1:0][7:0]           core_block_id_d, core_block_id_q;
  logic [NumCores-1:0][CountBits-1:0] core_thread_count_d, core_thread_count_q;
  logic [7:0]                         blocks_dispatched_d, blocks_dispatched_q;
  logic [7:0]                         blocks_done_d, blocks_done_q;
  logic                               done_d, done_q;

  // ceil(thread_count / ThreadsPerBlock), computed at 9 bits.
  logic [7:0] total_blocks;
  assign total_blocks = 8'((9'(thread_count_i) + 9'(ThreadsPerBlock - 1)) / 9'(ThreadsPerBlock));

  always_comb begin : p_dispatch
    logic [7:0] dispatched;
    logic [7:0] finished;

    core_start_d        = core_start_q;
    core_reset_d        = core_reset_q;
    core_block_id_d     = core_block_id_q;
    core_thread_count_d = core_thread_count_q;
    blocks_dispatched_d = blocks_dispatched_q;
    blocks_done_d       = blocks_done_q;
    done_d              = done_q;
    dispatched          = blocks_dispatched_q;
    finished            = blocks_done_q;

    if (!start_i) begin
      // Re-arm for the next launch.
      done_d              = 1'b0;
      blocks_dispatched_d = 8'd0;
      blocks_done_d       = 8'd0;
      core_reset_d        = '1;
      core_start_d        = '0;
    end else begin
      if (blocks_done_q == total_blocks) begin
        done_d = 1'b1;
      end
      for (int unsigned c = 0; c < NumCores; c++) begin
        if (core_reset_q[c]) begin
          core_reset_d[c] = 1'b0;
          if (dispatched < total_blocks) begin
            core_start_d[c]    = 1'b1;
            core_block_id_d[c] = dispatched;
            if (dispatched == total_blocks - 8'd1) begin
              core_thread_count_d[c] =
                  CountBits'(16'(thread_count_i) - 16'(dispatched) * 16'(ThreadsPerBlock));
            end else begin
              core_thread_count_d[c] = CountBits'(ThreadsPerBlock);
            end
            dispatched = dispatched + 8'd1;
          end
        end
      end
      for (int unsigned c = 0; c < NumCores; c++) begin
        if (core_start_q[c] && core_done_i[c]) begin
          core_reset_d[c] = 1'b1;
          core_start_d[c] = 1'b0;
          finished        = finished + 8'd1;
        end
      end
      blocks_dispatched_d = dispatched;
      blocks_done_d       = finished;
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      core_start_q        <= '0;
      core_reset_q        <= '1;
      core_block_id_q     <= '0;
      core_thread_count_q <= {NumCores{CountBits'(ThreadsPerBlock)}};
      blocks_dispatched_q <= 8'd0;
      blocks_done_q       <= 8'd0;
      done_q              <= 1'b0;
    end else begin
      core_start_q        <= core_start_d;
      core_reset_q        <= core_reset_d;
      core_block_id_q     <= core_block_id_d;
      core_thread_count_q <= core_thread_count_d;
      blocks_dispatched_q <= blocks_dispatched_d;
      blocks_done_q       <= blocks_done_d;
      done_q              <= done_d;
    end
  end

  assign core_start_o        = core_start_q;
  assign core_reset_o        = core_reset_q;
  assign core_block_id_o     = core_block_id_q;
  assign core_thread_count_o = core_thread_count_q;
  assign done_o              = done_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // Never more blocks handed out than the launch has.
  DispatcherNoExtraBlocks: assert property (@(posedge clk_i) disable iff (reset_i)
      blocks_dispatched_d <= total_blocks)
    else $error("%0d blocks dispatched, the launch has %0d", blocks_dispatched_d, total_blocks);

  // Never more blocks finished than handed out.
  DispatcherFinishedNotAboveDispatched: assert property (@(posedge clk_i) disable iff (reset_i)
      blocks_done_d <= blocks_dispatched_d)
    else $error("%0d blocks finished, %0d dispatched", blocks_done_d, blocks_dispatched_d);

  // A core is either held in reset or started, never both.
  DispatcherNoStartWhileReset: assert property (@(posedge clk_i) disable iff (reset_i)
      (core_start_d & core_reset_d) == '0)
    else $error("cores %b started and held in reset at once", core_start_d & core_reset_d);

  // A started core runs 1 .. ThreadsPerBlock threads (the last block may be partial).
  for (genvar c = 0; c < NumCores; c++) begin : g_core_check
    DispatcherThreadCountInRange: assert property (@(posedge clk_i) disable iff (reset_i)
        core_start_d[c] |-> core_thread_count_d[c] >= CountBits'(1)
                            && core_thread_count_d[c] <= CountBits'(ThreadsPerBlock))
      else $error("core %0d started with %0d threads", c, core_thread_count_d[c]);
  end

endmodule
