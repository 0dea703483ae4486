// Instruction fetcher (per core): reads the word at the PC of the warp that owns the core's
// front end from program memory and writes it into that warp's instruction register.
// With StackDepth > 0 the word also carries the branch's reconvergence PC {exit, ipdom}
// above the instruction (docs/architecture.md, "Branch divergence"), kept in reconv_q.
// With WarpsPerCore > 1 each warp has its own instruction_q and reconv_q, reset with its
// context (docs/architecture.md, "Warps"); the fetcher's state is shared by the core.
module fetcher import gpu_pkg::*; #(
  // Program-counter width.
  parameter int unsigned ProgramAddrBits = 8,
  // Reconvergence-stack entries (0: no divergence support, 16-bit program words).
  parameter int unsigned StackDepth = 0,
  // Resident warps per core.
  parameter int unsigned WarpsPerCore = 1,
  // Program-memory word: the instruction, then {exit, ipdom} when StackDepth > 0.
  localparam int unsigned ProgWordBits = (StackDepth > 0) ? 16 + ProgramAddrBits + 1 : 16,
  // Width of a warp index.
  localparam int unsigned WBits = (WarpsPerCore > 1) ? $clog2(WarpsPerCore) : 1
) (
  input  logic                                      clk_i,
  // The core's shared reset (the GPU's, or every warp's context held in reset).
  input  logic                                      reset_i,
  // Per warp: its context is held in reset (clears its instruction register).
  input  logic [WarpsPerCore-1:0]                   warp_reset_i,
  // The owner warp's state (CoreIdle when no warp owns the front end) and PC.
  input  core_state_e                               core_state_i,
  input  logic [ProgramAddrBits-1:0]                pc_i,
  // The owner warp, which a fetched word is written to.
  input  logic [WBits-1:0]                          owner_i,
  // Program-memory controller port (consumer index = core index).
  output logic                                      mem_read_valid_o,
  output logic [ProgramAddrBits-1:0]                mem_read_address_o,
  input  logic                                      mem_read_ready_i,
  input  logic [ProgWordBits-1:0]                   mem_read_data_i,
  output fetcher_state_e                            state_o,
  // Per warp: its instruction register.
  output logic [WarpsPerCore-1:0][15:0]             instruction_o,
  // Per warp: the fetched word's reconvergence PC {exit, ipdom} (0 when StackDepth = 0).
  output logic [WarpsPerCore-1:0][ProgramAddrBits:0] reconv_o
);

  fetcher_state_e             state_d, state_q;
  logic                       read_valid_d, read_valid_q;
  logic [ProgramAddrBits-1:0] read_address_d, read_address_q;
  logic [WarpsPerCore-1:0][15:0]              instruction_d, instruction_q;
  logic [WarpsPerCore-1:0][ProgramAddrBits:0] reconv_d, reconv_q;

  // The reconvergence field of the word on the read port (0 when words are 16 bits).
  logic [ProgramAddrBits:0] read_reconv;

  if (StackDepth > 0) begin : g_reconv
    assign read_reconv = mem_read_data_i[ProgWordBits-1:16];
  end else begin : g_no_reconv
    assign read_reconv = '0;
  end

  always_comb begin
    state_d        = state_q;
    read_valid_d   = read_valid_q;
    read_address_d = read_address_q;
    instruction_d  = instruction_q;
    reconv_d       = reconv_q;
    unique case (state_q)
      FetchIdle: begin
        if (core_state_i == CoreFetch) begin
          read_valid_d   = 1'b1;
          read_address_d = pc_i;
          state_d        = FetchFetching;
        end
      end
      FetchFetching: begin
        if (mem_read_ready_i) begin
          for (int unsigned w = 0; w < WarpsPerCore; w++) begin
            if (owner_i == WBits'(w)) begin
              instruction_d[w] = mem_read_data_i[15:0];
              reconv_d[w]      = read_reconv;
            end
          end
          read_valid_d  = 1'b0;
          state_d       = FetchFetched;
        end
      end
      FetchFetched: begin
        if (core_state_i == CoreDecode) begin
          state_d = FetchIdle;
        end
      end
      default: begin
        state_d = FetchIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      state_q        <= FetchIdle;
      read_valid_q   <= 1'b0;
      read_address_q <= '0;
    end else begin
      state_q        <= state_d;
      read_valid_q   <= read_valid_d;
      read_address_q <= read_address_d;
    end
  end

  // Each warp's instruction register is reset with the warp's context.
  for (genvar w = 0; w < WarpsPerCore; w++) begin : g_warp
    always_ff @(posedge clk_i) begin
      if (warp_reset_i[w]) begin
        instruction_q[w] <= 16'd0;
        reconv_q[w]      <= '0;
      end else begin
        instruction_q[w] <= instruction_d[w];
        reconv_q[w]      <= reconv_d[w];
      end
    end
  end

  assign mem_read_valid_o   = read_valid_q;
  assign mem_read_address_o = read_address_q;
  assign state_o            = state_q;
  assign instruction_o      = instruction_q;
  assign reconv_o           = reconv_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // IDLE -> FETCHING -> FETCHED -> IDLE, or stay.
  FetcherLegalTransition: assert property (@(posedge clk_i) disable iff (reset_i)
      (state_q == FetchIdle     && state_d inside {FetchIdle, FetchFetching})    ||
      (state_q == FetchFetching && state_d inside {FetchFetching, FetchFetched}) ||
      (state_q == FetchFetched  && state_d inside {FetchFetched, FetchIdle}))
    else $error("fetcher state %0d -> %0d is not a legal step", state_q, state_d);

  // A program-memory request stays valid with the same address until the controller's ready.
  FetcherRequestHeld: assert property (@(posedge clk_i) disable iff (reset_i)
      read_valid_q && !mem_read_ready_i |-> read_valid_d && read_address_d == read_address_q)
    else $error("fetch request at %0d changed or dropped before it was accepted", read_address_q);

endmodule
