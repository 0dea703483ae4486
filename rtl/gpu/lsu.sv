// Load/store unit (per thread slot): one data-memory request per LDR/STR.
// Clocked only when enabled: a disabled slot holds its state.
module lsu import gpu_pkg::*; #(
  // Data word and data-address width.
  parameter int unsigned DataBits = 8
) (
  input  logic                clk_i,
  input  logic                reset_i,
  input  logic                enable_i,
  input  core_state_e         core_state_i,
  input  logic                mem_read_i,
  input  logic                mem_write_i,
  input  logic [DataBits-1:0] rs_i,
  input  logic [DataBits-1:0] rt_i,
  // Data-memory port (through the LSU port registers in gpu).
  output logic                mem_read_valid_o,
  output logic [DataBits-1:0] mem_read_address_o,
  input  logic                mem_read_ready_i,
  input  logic [DataBits-1:0] mem_read_data_i,
  output logic                mem_write_valid_o,
  output logic [DataBits-1:0] mem_write_address_o,
  output logic [DataBits-1:0] mem_write_data_o,
  input  logic                mem_write_ready_i,
  output lsu_state_e          state_o,
  output logic [DataBits-1:0] out_o
);

  lsu_state_e          state_d, state_q;
  logic [DataBits-1:0] out_d, out_q;
  logic                read_valid_d, read_valid_q;
  logic [DataBits-1:0] read_address_d, read_address_q;
  logic                write_valid_d, write_valid_q;
  logic [DataBits-1:0] write_address_d, write_address_q;
  logic [DataBits-1:0] write_data_d, write_data_q;

  always_comb begin
    state_d         = state_q;
    out_d           = out_q;
    read_valid_d    = read_valid_q;
    read_address_d  = read_address_q;
    write_valid_d   = write_valid_q;
    write_address_d = write_address_q;
    write_data_d    = write_data_q;
    if (enable_i && mem_read_i) begin
      unique case (state_q)
        LsuIdle: begin
          if (core_state_i == CoreRequest) begin
            state_d = LsuRequesting;
          end
        end
        LsuRequesting: begin
          read_valid_d   = 1'b1;
          read_address_d = rs_i;
          state_d        = LsuWaiting;
        end
        LsuWaiting: begin
          if (mem_read_ready_i) begin
            read_valid_d = 1'b0;
            out_d        = mem_read_data_i;
            state_d      = LsuDone;
          end
        end
        LsuDone: begin
          if (core_state_i == CoreUpdate) begin
            state_d = LsuIdle;
          end
        end
        default: begin
          state_d = LsuIdle;
        end
      endcase
    end
    if (enable_i && mem_write_i) begin
      unique case (state_q)
        LsuIdle: begin
          if (core_state_i == CoreRequest) begin
            state_d = LsuRequesting;
          end
        end
        LsuRequesting: begin
          write_valid_d   = 1'b1;
          write_address_d = rs_i;
          write_data_d    = rt_i;
          state_d         = LsuWaiting;
        end
        LsuWaiting: begin
          if (mem_write_ready_i) begin
            write_valid_d = 1'b0;
            state_d       = LsuDone;
          end
        end
        LsuDone: begin
          if (core_state_i == CoreUpdate) begin
            state_d = LsuIdle;
          end
        end
        default: begin
          state_d = LsuIdle;
        end
      endcase
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      state_q         <= LsuIdle;
      out_q           <= '0;
      read_valid_q    <= 1'b0;
      read_address_q  <= '0;
      write_valid_q   <= 1'b0;
      write_address_q <= '0;
      write_data_q    <= '0;
    end else begin
      state_q         <= state_d;
      out_q           <= out_d;
      read_valid_q    <= read_valid_d;
      read_address_q  <= read_address_d;
      write_valid_q   <= write_valid_d;
      write_address_q <= write_address_d;
      write_data_q    <= write_data_d;
    end
  end

  assign mem_read_valid_o    = read_valid_q;
  assign mem_read_address_o  = read_address_q;
  assign mem_write_valid_o   = write_valid_q;
  assign mem_write_address_o = write_address_q;
  assign mem_write_data_o    = write_data_q;
  assign state_o             = state_q;
  assign out_o               = out_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // IDLE -> REQUESTING -> WAITING -> DONE -> IDLE; a disabled slot holds its state.
  LsuLegalTransition: assert property (@(posedge clk_i) disable iff (reset_i)
      (state_q == LsuIdle       && state_d inside {LsuIdle, LsuRequesting}) ||
      (state_q == LsuRequesting && state_d == LsuWaiting)                   ||
      (state_q == LsuWaiting    && state_d inside {LsuWaiting, LsuDone})    ||
      (state_q == LsuDone       && state_d inside {LsuDone, LsuIdle}))
    else $error("LSU state %0d -> %0d is not a legal step", state_q, state_d);

  // A load request stays valid with the same address until the controller's ready.
  LsuReadRequestHeld: assert property (@(posedge clk_i) disable iff (reset_i)
      read_valid_q && !mem_read_ready_i |-> read_valid_d && read_address_d == read_address_q)
    else $error("load request at %0d changed or dropped before it was accepted", read_address_q);

  // A store request stays valid with the same address and data until the controller's ready.
  LsuWriteRequestHeld: assert property (@(posedge clk_i) disable iff (reset_i)
      write_valid_q && !mem_write_ready_i
      |-> write_valid_d && write_address_d == write_address_q && write_data_d == write_data_q)
    else $error("store request at %0d changed or dropped before it was accepted", write_address_q);

endmodule
