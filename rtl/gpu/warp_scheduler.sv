// Warp scheduler (per core): gives the core's front end (the fetcher and the issue stages
// DECODE, REQUEST, EXECUTE, UPDATE) to one of the core's resident warps at a time. The owner
// lets go at UPDATE, or at REQUEST of an LDR or STR, which then waits in WAIT without the
// front end while another warp runs (docs/architecture.md, "Warps"). Round robin picks the
// first eligible warp after the last one picked; greedy-then-oldest keeps the owner while it
// is eligible, otherwise picks the eligible warp with the lowest block id.
// Eligibility is computed from registered state only (and the UPDATE outcome, itself from
// registered state), never from a warp's next state, so the grant makes no combinational loop.
module warp_scheduler import gpu_pkg::*; #(
  // Resident warps per core.
  parameter int unsigned WarpsPerCore = 1,
  // Pick rule: 0 round robin, 1 greedy-then-oldest.
  parameter int unsigned WarpScheduler = 0,
  // Width of a warp index.
  localparam int unsigned WBits = (WarpsPerCore > 1) ? $clog2(WarpsPerCore) : 1
) (
  input  logic                               clk_i,
  // The core's shared reset (the GPU's, or every warp's context held in reset).
  input  logic                               reset_i,
  // Per warp: its context is held in reset.
  input  logic        [WarpsPerCore-1:0]      warp_reset_i,
  // Per warp: scheduler state_q, and its next state (for the assertions only).
  input  core_state_e [WarpsPerCore-1:0]      warp_state_i,
  input  core_state_e [WarpsPerCore-1:0]      warp_state_next_i,
  // Per warp: the dispatcher's start and block id for its context.
  input  logic        [WarpsPerCore-1:0]      start_i,
  input  logic        [WarpsPerCore-1:0][7:0] block_id_i,
  // Per warp: its decoded instruction is an LDR or STR (decoder mem_read_q || mem_write_q).
  input  logic        [WarpsPerCore-1:0]      mem_access_i,
  // Per warp: in UPDATE, and that UPDATE goes on to FETCH.
  input  logic        [WarpsPerCore-1:0]      to_fetch_i,
  // Per warp: some active lane's LSU is requesting or waiting.
  input  logic        [WarpsPerCore-1:0]      lsu_busy_i,
  // Per warp: owns the front end (owner_valid_q && owner_q == w).
  output logic        [WarpsPerCore-1:0]      own_o,
  // Per warp: picked at this edge.
  output logic        [WarpsPerCore-1:0]      grant_o,
  // Observation.
  output logic                               owner_valid_o,
  output logic        [WBits-1:0]            owner_o,
  output logic        [WBits-1:0]            last_o
);

  logic             owner_valid_d, owner_valid_q;
  logic [WBits-1:0] owner_d, owner_q;
  logic [WBits-1:0] last_d, last_q;

  logic [WarpsPerCore-1:0] own;

  for (genvar w = 0; w < WarpsPerCore; w++) begin : g_own
    assign own[w] = owner_valid_q && owner_q == WBits'(w);
  end

  // The owner lets go of the front end: it is in UPDATE, or in REQUEST with an LDR or STR.
  logic release_front_end;

  always_comb begin
    release_front_end = 1'b0;
    for (int unsigned w = 0; w < WarpsPerCore; w++) begin
      if (own[w] && (warp_state_i[w] == CoreUpdate ||
                     (warp_state_i[w] == CoreRequest && mem_access_i[w]))) begin
        release_front_end = 1'b1;
      end
    end
  end

  // Warps that want the front end.
  logic [WarpsPerCore-1:0] eligible;

  always_comb begin
    for (int unsigned w = 0; w < WarpsPerCore; w++) begin
      unique case (warp_state_i[w])
        CoreIdle:   eligible[w] = start_i[w];                      // its first instruction
        CoreFetch:  eligible[w] = !own[w];                         // waiting to fetch
        CoreUpdate: eligible[w] = own[w] && to_fetch_i[w];         // its next instruction
        CoreWait:   eligible[w] = !own[w] && !lsu_busy_i[w];       // its load or store is done
        default:    eligible[w] = 1'b0;
      endcase
      if (warp_reset_i[w]) begin
        eligible[w] = 1'b0;
      end
    end
  end

  // The pick among eligible warps.
  logic             pick_valid;
  logic [WBits-1:0] pick;

  always_comb begin
    pick_valid = 1'b0;
    pick       = '0;
    if (WarpScheduler == 0) begin
      // Round robin: the first eligible of last_q + 1, last_q + 2, ..., last_q + W (mod W).
      for (int unsigned n = 1; n <= WarpsPerCore; n++) begin
        logic [WBits-1:0] cand;
        cand = WBits'((32'(last_q) + n) % WarpsPerCore);
        if (!pick_valid && eligible[cand]) begin
          pick_valid = 1'b1;
          pick       = cand;
        end
      end
    end else begin
      // Greedy-then-oldest: the owner while it is eligible, otherwise the lowest block id
      // (the lowest warp on a tie).
      logic [7:0] oldest;
      oldest = '0;
      for (int unsigned w = 0; w < WarpsPerCore; w++) begin
        if (own[w] && eligible[w]) begin
          pick_valid = 1'b1;
          pick       = WBits'(w);
        end
      end
      if (!pick_valid) begin
        for (int unsigned w = 0; w < WarpsPerCore; w++) begin
          if (eligible[w] && (!pick_valid || block_id_i[w] < oldest)) begin
            pick_valid = 1'b1;
            pick       = WBits'(w);
            oldest     = block_id_i[w];
          end
        end
      end
    end
  end

  always_comb begin
    owner_valid_d = owner_valid_q;
    owner_d       = owner_q;
    last_d        = last_q;
    grant_o       = '0;
    // The front end is free when no warp owns it or its owner lets go at this edge.
    if (!owner_valid_q || release_front_end) begin
      if (pick_valid) begin
        owner_valid_d = 1'b1;
        owner_d       = pick;
        last_d        = pick;
        for (int unsigned w = 0; w < WarpsPerCore; w++) begin
          grant_o[w] = pick == WBits'(w);
        end
      end else begin
        owner_valid_d = 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      owner_valid_q <= 1'b0;
      owner_q       <= '0;
      last_q        <= '0;
    end else begin
      owner_valid_q <= owner_valid_d;
      owner_q       <= owner_d;
      last_q        <= last_d;
    end
  end

  assign own_o         = own;
  assign owner_valid_o = owner_valid_q;
  assign owner_o       = owner_q;
  assign last_o        = last_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  for (genvar w = 0; w < WarpsPerCore; w++) begin : g_checks
    // A warp in DECODE, REQUEST, EXECUTE or UPDATE owns the front end (next-state values, so a
    // warp that steps in without it, or an owner dropped too early, fires at that edge).
    WarpSchedulerOneFrontEnd: assert property (@(posedge clk_i) disable iff (reset_i)
        !warp_reset_i[w] &&
        warp_state_next_i[w] inside {CoreDecode, CoreRequest, CoreExecute, CoreUpdate}
        |-> owner_valid_d && owner_d == WBits'(w))
      else $error("warp %0d enters state %0d without the front end (owner %0d, valid %0d)",
                  w, warp_state_next_i[w], owner_d, owner_valid_d);

    // Only a warp that wants the front end is granted it.
    WarpSchedulerGrantsEligible: assert property (@(posedge clk_i) disable iff (reset_i)
        grant_o[w] |-> eligible[w])
      else $error("warp %0d granted the front end in state %0d without being eligible",
                  w, warp_state_i[w]);
  end

endmodule
