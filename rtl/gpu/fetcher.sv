// Instruction fetcher (per core): reads the word at the core's PC from program memory.
// With StackDepth > 0 the word also carries the branch's reconvergence PC {exit, ipdom}
// above the instruction (docs/architecture.md, "Branch divergence"), kept in reconv_q.
module fetcher import gpu_pkg::*; #(
  // Program-counter width.
  parameter int unsigned ProgramAddrBits = 8,
  // Reconvergence-stack entries (0: no divergence support, 16-bit program words).
  parameter int unsigned StackDepth = 0,
  // Program-memory word: the instruction, then {exit, ipdom} when StackDepth > 0.
  localparam int unsigned ProgWordBits = (StackDepth > 0) ? 16 + ProgramAddrBits + 1 : 16
) (
  input  logic                       clk_i,
  input  logic                       reset_i,
  input  core_state_e                core_state_i,
  input  logic [ProgramAddrBits-1:0] pc_i,
  // Program-memory controller port (consumer index = core index).
  output logic                       mem_read_valid_o,
  output logic [ProgramAddrBits-1:0] mem_read_address_o,
  input  logic                       mem_read_ready_i,
  input  logic [ProgWordBits-1:0]    mem_read_data_i,
  output fetcher_state_e             state_o,
  output logic [15:0]                instruction_o,
  // The fetched word's reconvergence PC {exit, ipdom} (0 when StackDepth = 0).
  output logic [ProgramAddrBits:0]   reconv_o
);

  fetcher_state_e             state_d, state_q;
  logic                       read_valid_d, read_valid_q;
  logic [ProgramAddrBits-1:0] read_address_d, read_address_q;
  logic [15:0]                instruction_d, instruction_q;
  logic [ProgramAddrBits:0]   reconv_d, reconv_q;

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
          instruction_d = mem_read_data_i[15:0];
          reconv_d      = read_reconv;
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
      instruction_q  <= 16'd0;
      reconv_q       <= '0;
    end else begin
      state_q        <= state_d;
      read_valid_q   <= read_valid_d;
      read_address_q <= read_address_d;
      instruction_q  <= instruction_d;
      reconv_q       <= reconv_d;
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
