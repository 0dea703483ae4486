// Core scheduler (per core): steps the core through fetch, decode, request, wait, execute
// and update, and owns the core's PC. With StackDepth = 0 it stops with diverged_o when
// enabled threads disagree; with StackDepth > 0 a reconvergence stack of per-thread masks
// runs both paths of a divergent branch one after the other and joins them again at the
// branch's reconvergence PC (docs/architecture.md, "Branch divergence").
// WAIT also lasts while the core's tensor core is busy with a tile instruction.
// One scheduler per warp (docs/architecture.md, "Warps"): FETCH -> DECODE needs the front end
// (own_i), and WAIT -> EXECUTE needs it or the warp scheduler's grant (grant_i) in this edge.
module scheduler import gpu_pkg::*; #(
  // Thread slots per core.
  parameter int unsigned ThreadsPerBlock = 4,
  // Program-counter width.
  parameter int unsigned ProgramAddrBits = 8,
  // Reconvergence-stack entries (0: no stack, divergence stops the core).
  parameter int unsigned StackDepth = 0,
  // Stack entries that exist (one, reading 0, without a stack).
  localparam int unsigned StackEntries = (StackDepth > 0) ? StackDepth : 1,
  // Width of sp_q (0 .. StackDepth) and of an entry index.
  localparam int unsigned SpBits = $clog2(StackEntries + 1),
  localparam int unsigned IdxBits = (StackEntries > 1) ? $clog2(StackEntries) : 1
) (
  input  logic                                             clk_i,
  input  logic                                             reset_i,
  input  logic                                             start_i,
  input  fetcher_state_e                                   fetcher_state_i,
  // The fetched word's reconvergence PC {exit, ipdom} (fetcher reconv_q).
  input  logic [ProgramAddrBits:0]                         reconv_i,
  input  logic                                             ret_i,
  input  logic [ThreadsPerBlock-1:0]                       thread_enable_i,
  input  lsu_state_e [ThreadsPerBlock-1:0]                 lsu_state_i,
  input  logic [ThreadsPerBlock-1:0][ProgramAddrBits-1:0]  next_pc_i,
  // The tensor core is busy (tied to 0 without one).
  input  logic                                             tc_busy_i,
  // This warp owns the core's front end / is granted it at this edge (warp_scheduler).
  input  logic                                             own_i,
  input  logic                                             grant_i,
  output core_state_e                                      state_o,
  // The state after this edge (for the warp scheduler's assertions only).
  output core_state_e                                      state_next_o,
  // In UPDATE, this UPDATE goes on to FETCH (not RET ending the block, not divergence, not
  // overflow); from registered values only, so the warp scheduler's pick makes no loop.
  output logic                                             to_fetch_o,
  // Some active lane's LSU is requesting or waiting.
  output logic                                             lsu_busy_o,
  output logic [ProgramAddrBits-1:0]                       pc_o,
  output logic                                             done_o,
  output logic                                             diverged_o,
  // Lanes that run the current instruction: the enabled threads in the top entry's mask
  // (thread_enable_i when StackDepth = 0).
  output logic [ThreadsPerBlock-1:0]                       active_o,
  // Reconvergence stack (all 0 when StackDepth = 0).
  output logic [SpBits-1:0]                                sp_o,
  output logic                                             overflow_o,
  output logic [StackEntries-1:0][ProgramAddrBits-1:0]     stack_pc_o,
  output logic [StackEntries-1:0][ProgramAddrBits:0]       stack_rpc_o,
  output logic [StackEntries-1:0][ThreadsPerBlock-1:0]     stack_mask_o
);

  core_state_e                state_d, state_q;
  logic [ProgramAddrBits-1:0] pc_d, pc_q;
  logic                       done_d, done_q;
  logic                       diverged_d, diverged_q;

  // Reconvergence stack: entry sp_q-1 is the top; entries at and above sp_q keep their values.
  logic [StackEntries-1:0][ProgramAddrBits-1:0] stack_pc_d, stack_pc_q;
  logic [StackEntries-1:0][ProgramAddrBits:0]   stack_rpc_d, stack_rpc_q;
  logic [StackEntries-1:0][ThreadsPerBlock-1:0] stack_mask_d, stack_mask_q;
  logic [SpBits-1:0]                            sp_d, sp_q;
  logic                                         overflow_d, overflow_q;

  // The reconvergence PC {exit, ipdom} that matches no PC: the base entry's.
  localparam logic [ProgramAddrBits:0] ExitRpc = {1'b1, {ProgramAddrBits{1'b0}}};

  // Index of the top entry (sp_q - 1; meaningful when sp_q > 0).
  logic [IdxBits-1:0] top;
  // The top entry's mask (all ones when the stack is empty or absent).
  logic [ThreadsPerBlock-1:0] top_mask;
  // Lanes that run the current instruction.
  logic [ThreadsPerBlock-1:0] active;

  assign top      = IdxBits'(sp_q - SpBits'(1));
  assign top_mask = (StackDepth > 0 && sp_q != '0) ? stack_mask_q[top] : '1;
  assign active   = thread_enable_i & top_mask;

  // Some active thread still has a memory request in flight.
  logic lsu_busy;
  // Every enabled thread's next PC equals thread 0's (StackDepth = 0).
  logic pcs_agree;
  // StackDepth > 0: the lowest active lane's next PC, and whether every active lane has it.
  logic [ProgramAddrBits-1:0] lead_pc;
  logic                       lead_found;
  logic                       uniform;

  always_comb begin
    lsu_busy   = 1'b0;
    pcs_agree  = 1'b1;
    lead_pc    = '0;
    lead_found = 1'b0;
    uniform    = 1'b1;
    for (int unsigned t = 0; t < ThreadsPerBlock; t++) begin
      if (active[t]) begin
        if (lsu_state_i[t] == LsuRequesting || lsu_state_i[t] == LsuWaiting) begin
          lsu_busy = 1'b1;
        end
        if (!lead_found) begin
          lead_pc    = next_pc_i[t];
          lead_found = 1'b1;
        end
        if (next_pc_i[t] != lead_pc) begin
          uniform = 1'b0;
        end
      end
      if (thread_enable_i[t] && next_pc_i[t] != next_pc_i[0]) begin
        pcs_agree = 1'b0;
      end
    end
  end

  // A divergent branch (StackDepth > 0): the fall-through PC, its lanes F, the taken lanes T
  // and their target (the lowest taken lane's next PC).
  logic [ProgramAddrBits-1:0] fall_pc;
  logic [ThreadsPerBlock-1:0] fall_mask, taken_mask;
  logic [ProgramAddrBits-1:0] taken_pc;
  logic                       taken_found;

  always_comb begin
    fall_pc     = pc_q + ProgramAddrBits'(1);
    fall_mask   = '0;
    taken_mask  = '0;
    taken_pc    = '0;
    taken_found = 1'b0;
    for (int unsigned t = 0; t < ThreadsPerBlock; t++) begin
      if (top_mask[t] && next_pc_i[t] == fall_pc) begin
        fall_mask[t] = 1'b1;
      end else if (top_mask[t]) begin
        taken_mask[t] = 1'b1;
        if (!taken_found) begin
          taken_pc    = next_pc_i[t];
          taken_found = 1'b1;
        end
      end
    end
  end

  // Settle: pops entries off the top while the top has no lanes left or its PC has reached
  // its reconvergence PC, at most StackDepth times (only called when StackDepth > 0, where
  // StackEntries = StackDepth). Verilator keeps it one function instead of unrolling its loop
  // into each of its three callers in every warp (a quarter of a big shape's C++).
  function automatic logic [SpBits-1:0] settle(
    logic [SpBits-1:0]                            sp,
    logic [StackEntries-1:0][ProgramAddrBits-1:0] pcs,
    logic [StackEntries-1:0][ProgramAddrBits:0]   rpcs,
    logic [StackEntries-1:0][ThreadsPerBlock-1:0] masks
  );
    /* verilator no_inline_task */
    logic [IdxBits-1:0] i;
    for (int unsigned n = 0; n < StackEntries; n++) begin
      i = IdxBits'(sp - SpBits'(1));
      if (sp != '0 && (masks[i] == '0 || {1'b0, pcs[i]} == rpcs[i])) begin
        sp = sp - SpBits'(1);
      end
    end
    return sp;
  endfunction

  // Entries a divergent branch needs: the top entry kept as the reconvergence entry (unless
  // its rpc is already the branch's), plus one per path that does not start at the
  // reconvergence PC. More than StackDepth entries is an overflow.
  logic            drop_top;
  logic            push_taken, push_fall;
  logic [SpBits:0] split_sp;
  logic            split_overflow;

  always_comb begin
    drop_top       = reconv_i == stack_rpc_q[top];
    push_taken     = {1'b0, taken_pc} != reconv_i;
    push_fall      = {1'b0, fall_pc} != reconv_i;
    split_sp       = {1'b0, sp_q} - {{SpBits{1'b0}}, drop_top} + {{SpBits{1'b0}}, push_taken}
                     + {{SpBits{1'b0}}, push_fall};
    split_overflow = split_sp > (SpBits + 1)'(StackDepth);
  end

  // RET with a stack: the active lanes leave every entry in use, then the top is popped and
  // the stack settles; the block is done when no entry is left.
  logic [StackEntries-1:0][ThreadsPerBlock-1:0] ret_stack_mask;
  logic [SpBits-1:0]                            ret_sp;

  always_comb begin
    ret_stack_mask = stack_mask_q;
    ret_sp         = '0;
    if (StackDepth > 0) begin
      for (int unsigned i = 0; i < StackEntries; i++) begin
        if (SpBits'(i) < sp_q) begin
          ret_stack_mask[i] = stack_mask_q[i] & ~top_mask;
        end
      end
      ret_sp = settle(sp_q - SpBits'(1), stack_pc_q, stack_rpc_q, ret_stack_mask);
    end
  end

  // Where UPDATE goes: FETCH, or DONE (RET ending the block, divergence without a stack,
  // stack overflow).
  logic update_to_fetch;

  always_comb begin
    if (StackDepth == 0) begin
      update_to_fetch = !ret_i && pcs_agree;
    end else if (ret_i) begin
      update_to_fetch = ret_sp != '0;
    end else begin
      update_to_fetch = uniform || !split_overflow;
    end
  end

  always_comb begin
    state_d      = state_q;
    pc_d         = pc_q;
    done_d       = done_q;
    diverged_d   = diverged_q;
    stack_pc_d   = stack_pc_q;
    stack_rpc_d  = stack_rpc_q;
    stack_mask_d = stack_mask_q;
    sp_d         = sp_q;
    overflow_d   = overflow_q;
    unique case (state_q)
      CoreIdle: begin
        if (start_i) begin
          state_d = CoreFetch;
          if (StackDepth > 0) begin
            // The base entry: every enabled thread, reconverging only at the exit.
            stack_pc_d[0]   = '0;
            stack_rpc_d[0]  = ExitRpc;
            stack_mask_d[0] = thread_enable_i;
            sp_d            = SpBits'(1);
          end
        end
      end
      CoreFetch: begin
        if (own_i && fetcher_state_i == FetchFetched) begin
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
        // The warp also needs the front end: it owns it or is granted it at this edge.
        if (!lsu_busy && !tc_busy_i) begin
          if (own_i || grant_i) begin
            state_d = CoreExecute;
          end
        end
      end
      CoreExecute: begin
        state_d = CoreUpdate;
      end
      CoreUpdate: begin
        if (StackDepth == 0) begin
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
        end else if (ret_i) begin
          // The active lanes leave every entry; the next entry with lanes left runs on.
          stack_mask_d = ret_stack_mask;
          sp_d         = ret_sp;
          if (sp_d == '0) begin
            done_d  = 1'b1;
            state_d = CoreDone;
          end else begin
            pc_d    = stack_pc_d[IdxBits'(sp_d - SpBits'(1))];
            state_d = CoreFetch;
          end
        end else if (uniform) begin
          stack_pc_d[top] = lead_pc;
          sp_d            = settle(sp_q, stack_pc_d, stack_rpc_d, stack_mask_d);
          pc_d            = stack_pc_d[IdxBits'(sp_d - SpBits'(1))];
          state_d         = CoreFetch;
        end else if (split_overflow) begin
          // The stack is left as it is; the harness stops the run.
          overflow_d = 1'b1;
          state_d    = CoreDone;
        end else begin
          // Divergent branch: the top entry waits at the reconvergence PC (or is dropped
          // when the entry below already does), then the taken path, then the fall-through
          // path on top, which runs first.
          if (drop_top) begin
            sp_d = sp_q - SpBits'(1);
          end else begin
            stack_pc_d[top] = reconv_i[ProgramAddrBits-1:0];
          end
          if (push_taken) begin
            stack_pc_d[IdxBits'(sp_d)]   = taken_pc;
            stack_rpc_d[IdxBits'(sp_d)]  = reconv_i;
            stack_mask_d[IdxBits'(sp_d)] = taken_mask;
            sp_d                         = sp_d + SpBits'(1);
          end
          if (push_fall) begin
            stack_pc_d[IdxBits'(sp_d)]   = fall_pc;
            stack_rpc_d[IdxBits'(sp_d)]  = reconv_i;
            stack_mask_d[IdxBits'(sp_d)] = fall_mask;
            sp_d                         = sp_d + SpBits'(1);
          end
          sp_d    = settle(sp_d, stack_pc_d, stack_rpc_d, stack_mask_d);
          pc_d    = stack_pc_d[IdxBits'(sp_d - SpBits'(1))];
          state_d = CoreFetch;
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
      diverged_q   <= 1'b0;
      stack_pc_q   <= '0;
      stack_rpc_q  <= '0;
      stack_mask_q <= '0;
      sp_q         <= '0;
      overflow_q   <= 1'b0;
    end else begin
      state_q      <= state_d;
      pc_q         <= pc_d;
      done_q       <= done_d;
      diverged_q   <= diverged_d;
      stack_pc_q   <= stack_pc_d;
      stack_rpc_q  <= stack_rpc_d;
      stack_mask_q <= stack_mask_d;
      sp_q         <= sp_d;
      overflow_q   <= overflow_d;
    end
  end

  assign state_o      = state_q;
  assign state_next_o = state_d;
  assign to_fetch_o   = state_q == CoreUpdate && update_to_fetch;
  assign lsu_busy_o   = lsu_busy;
  assign pc_o         = pc_q;
  assign done_o       = done_q;
  assign diverged_o   = diverged_q;
  assign active_o     = active;
  assign sp_o         = sp_q;
  assign overflow_o   = overflow_q;
  assign stack_pc_o   = stack_pc_q;
  assign stack_rpc_o  = stack_rpc_q;
  assign stack_mask_o = stack_mask_q;

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

  if (StackDepth > 0) begin : g_stack_checks
    // The stack never holds more than StackDepth entries, and outside IDLE and DONE it always
    // holds at least the base entry (next-state values, so a broken step fires at its edge).
    SchedulerStackBounded: assert property (@(posedge clk_i) disable iff (reset_i)
        sp_d <= SpBits'(StackDepth) && (state_d inside {CoreIdle, CoreDone} || sp_d != '0))
      else $error("stack pointer %0d in core state %0d (StackDepth %0d)", sp_d, state_d, StackDepth);

    // Masks nest (next-state values): entries pushed by one divergent branch share its rpc
    // and are siblings, with disjoint masks; every entry's mask is within the mask of its
    // parent, the entry below its run of siblings (all enabled threads for the bottom run).
    // nest_ok[i]: entry i (when in use) keeps both rules.
    logic [StackDepth-1:0] nest_ok;

    always_comb begin
      logic [ThreadsPerBlock-1:0] parent, siblings;
      nest_ok  = '1;
      parent   = thread_enable_i;
      siblings = '0;
      for (int unsigned i = 0; i < StackDepth; i++) begin
        if (i > 0 && stack_rpc_d[i] != stack_rpc_d[i-1]) begin
          parent   = stack_mask_d[i-1];
          siblings = '0;
        end
        if (SpBits'(i) < sp_d) begin
          nest_ok[i] = (stack_mask_d[i] & ~parent) == '0 && (stack_mask_d[i] & siblings) == '0;
        end
        siblings = siblings | stack_mask_d[i];
      end
    end

    for (genvar i = 0; i < StackDepth; i++) begin : g_nest_check
      SchedulerMasksNest: assert property (@(posedge clk_i) disable iff (reset_i) nest_ok[i])
        else $error("stack entry %0d's mask %b leaves its parent's lanes or shares a sibling's",
                    i, stack_mask_d[i]);
    end
  end

endmodule
