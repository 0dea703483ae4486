// Core scheduler (per core): steps the core through fetch, decode, request, wait, execute
// and update, and owns the core's PC. Stops with diverged_o when enabled threads disagree.
// WAIT also lasts while the core's tensor core is busy with a tile instruction.
module scheduler import gpu_pkg::*; #(
  // Thread slots per core.
  parameter int unsigned ThreadsPerBlock = 4,
  // Program-counter width.
  parameter int unsigned ProgramAddrBits = 8
) (
  input  logic                                             clk_i,
  input  logic                                             reset_i,
  input  logic                                             start_i,
  input  fetcher_state_e                                   fetcher_state_i,
  input  logic                                             ret_i,
  input  logic [ThreadsPerBlock-1:0]                       thread_enable_i,
  input  lsu_state_e [ThreadsPerBlock-1:0]                 lsu_state_i,
  input  logic [ThreadsPerBlock-1:0][ProgramAddrBits-1:0]  next_pc_i,
  // The tensor core is busy (tied to 0 without one).
  input  logic                                             tc_busy_i,
  output core_state_e                                      state_o,
  output logic [ProgramAddrBits-1:0]                       pc_o,
  output logic                                             done_o,
  output logic                                             diverged_o
);

  core_state_e                state_d, state_q;
  logic [ProgramAddrBits-1:0] pc_d, pc_q;
  logic                       done_d, done_q;
  logic                       diverged_d, diverged_q;

  // Some enabled thread still has a memory request in flight.
  logic lsu_busy;
  // Every enabled thread's next PC equals thread 0's.
  logic pcs_agree;

  always_comb begin
    lsu_busy  = 1'b0;
    pcs_agree = 1'b1;
    for (int unsigned t = 0; t < ThreadsPerBlock; t++) begin
      if (thread_enable_i[t]) begin
        if (lsu_state_i[t] == LsuRequesting || lsu_state_i[t] == LsuWaiting) begin
          lsu_busy = 1'b1;
        end
        if (next_pc_i[t] != next_pc_i[0]) begin
          pcs_agree = 1'b0;
        end
      end
    end
  end

  always_comb begin
    state_d    = state_q;
    pc_d       = pc_q;
    done_d     = done_q;
    diverged_d = diverged_q;
    unique case (state_q)
      CoreIdle: begin
        if (start_i) begin
          state_d = CoreFetch;
        end
      end
      CoreFetch: begin
        if (fetcher_state_i == FetchFetched) begin
          state_d = CoreDecode;
        end
      end
      CoreDecode: begin
        state_d = CoreRequest;
      end
      CoreRequest: begin
        state_d = CoreWait;
      end
      CoreWait: begin
        if (!lsu_busy && !tc_busy_i) begin
          state_d = CoreExecute;
        end
      end
      CoreExecute: begin
        state_d = CoreUpdate;
      end
      CoreUpdate: begin
        if (ret_i) begin
          done_d  = 1'b1;
          state_d = CoreDone;
        end else if (pcs_agree) begin
          pc_d    = next_pc_i[0];
          state_d = CoreFetch;
        end else begin
          diverged_d = 1'b1;
          state_d    = CoreDone;
        end
      end
      CoreDone: begin
        // Stays until the dispatcher resets the core.
      end
      default: begin
        state_d = CoreIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      state_q    <= CoreIdle;
      pc_q       <= '0;
      done_q     <= 1'b0;
      diverged_q <= 1'b0;
    end else begin
      state_q    <= state_d;
      pc_q       <= pc_d;
      done_q     <= done_d;
      diverged_q <= diverged_d;
    end
  end

  assign state_o    = state_q;
  assign pc_o       = pc_q;
  assign done_o     = done_q;
  assign diverged_o = diverged_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // Per instruction FETCH -> DECODE -> REQUEST -> WAIT -> EXECUTE -> UPDATE, then FETCH or DONE;
  // IDLE only leaves for FETCH and DONE stays until the core is reset.
  SchedulerLegalTransition: assert property (@(posedge clk_i) disable iff (reset_i)
      (state_q == CoreIdle    && state_d inside {CoreIdle, CoreFetch})    ||
      (state_q == CoreFetch   && state_d inside {CoreFetch, CoreDecode})  ||
      (state_q == CoreDecode  && state_d == CoreRequest)                  ||
      (state_q == CoreRequest && state_d == CoreWait)                     ||
      (state_q == CoreWait    && state_d inside {CoreWait, CoreExecute})  ||
      (state_q == CoreExecute && state_d == CoreUpdate)                   ||
      (state_q == CoreUpdate  && state_d inside {CoreFetch, CoreDone})    ||
      (state_q == CoreDone    && state_d == CoreDone))
    else $error("core state %0d -> %0d is not a legal step", state_q, state_d);

  // WAIT lasts until no enabled thread's LSU is requesting or waiting (checked per thread,
  // independently of lsu_busy).
  for (genvar t = 0; t < ThreadsPerBlock; t++) begin : g_wait_check
    SchedulerWaitsForLsus: assert property (@(posedge clk_i) disable iff (reset_i)
        state_q == CoreWait && state_d != CoreWait && thread_enable_i[t]
        |-> lsu_state_i[t] inside {LsuIdle, LsuDone})
      else $error("core left WAIT while thread %0d's LSU is in state %0d", t, lsu_state_i[t]);
  end

  // WAIT lasts while the tensor core is busy: a tile instruction ends before EXECUTE.
  SchedulerWaitsForTensorCore: assert property (@(posedge clk_i) disable iff (reset_i)
      state_q == CoreWait && state_d != CoreWait |-> !tc_busy_i)
    else $error("core left WAIT while its tensor core is busy");

endmodule
