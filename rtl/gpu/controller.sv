// Memory controller: arbitrates NumConsumers valid/ready requesters onto NumChannels memory
// channels. Channels are visited in order each edge; `serving` is a running copy so that a
// consumer taken (or released) by channel i is seen by channel i+1 within the same edge.
// A write carries a mask of MaskBits bits along with its data: with the coalescer the data
// controller moves segments of MaskBits words and the mask says which words a write lands
// (docs/architecture.md, "Coalescer"); otherwise it is one bit, always 1.
module controller import gpu_pkg::*; #(
  // Requesters (LSUs or fetchers).
  parameter int unsigned NumConsumers = 8,
  // Memory channels.
  parameter int unsigned NumChannels = 4,
  // Address width.
  parameter int unsigned AddrBits = 8,
  // Data word width (a whole segment with the coalescer).
  parameter int unsigned DataBits = 8,
  // Write-mask width: one bit per word of the data.
  parameter int unsigned MaskBits = 1,
  // Whether writes are served (0 for program memory).
  parameter bit WriteEnable = 1'b1
) (
  input  logic                                  clk_i,
  input  logic                                  reset_i,
  // Consumer side.
  input  logic [NumConsumers-1:0]               consumer_read_valid_i,
  input  logic [NumConsumers-1:0][AddrBits-1:0] consumer_read_address_i,
  output logic [NumConsumers-1:0]               consumer_read_ready_o,
  output logic [NumConsumers-1:0][DataBits-1:0] consumer_read_data_o,
  input  logic [NumConsumers-1:0]               consumer_write_valid_i,
  input  logic [NumConsumers-1:0][AddrBits-1:0] consumer_write_address_i,
  input  logic [NumConsumers-1:0][DataBits-1:0] consumer_write_data_i,
  input  logic [NumConsumers-1:0][MaskBits-1:0] consumer_write_mask_i,
  output logic [NumConsumers-1:0]               consumer_write_ready_o,
  // Memory side.
  output logic [NumChannels-1:0]                mem_read_valid_o,
  output logic [NumChannels-1:0][AddrBits-1:0]  mem_read_address_o,
  input  logic [NumChannels-1:0]                mem_read_ready_i,
  input  logic [NumChannels-1:0][DataBits-1:0]  mem_read_data_i,
  output logic [NumChannels-1:0]                mem_write_valid_o,
  output logic [NumChannels-1:0][AddrBits-1:0]  mem_write_address_o,
  output logic [NumChannels-1:0][DataBits-1:0]  mem_write_data_o,
  output logic [NumChannels-1:0][MaskBits-1:0]  mem_write_mask_o,
  input  logic [NumChannels-1:0]                mem_write_ready_i
);

  // Width of a consumer index (at least one bit).
  localparam int unsigned ConsumerBits = (NumConsumers > 1) ? $clog2(NumConsumers) : 1;

  ctrl_state_e [NumChannels-1:0]                state_d, state_q;
  logic [NumChannels-1:0][ConsumerBits-1:0]     consumer_d, consumer_q;
  logic [NumChannels-1:0]                       mem_read_valid_d, mem_read_valid_q;
  logic [NumChannels-1:0][AddrBits-1:0]         mem_read_address_d, mem_read_address_q;
  logic [NumChannels-1:0]                       mem_write_valid_d, mem_write_valid_q;
  logic [NumChannels-1:0][AddrBits-1:0]         mem_write_address_d, mem_write_address_q;
  logic [NumChannels-1:0][DataBits-1:0]         mem_write_data_d, mem_write_data_q;
  logic [NumChannels-1:0][MaskBits-1:0]         mem_write_mask_d, mem_write_mask_q;
  logic [NumConsumers-1:0]                      read_ready_d, read_ready_q;
  logic [NumConsumers-1:0][DataBits-1:0]        read_data_d, read_data_q;
  logic [NumConsumers-1:0]                      write_ready_d, write_ready_q;
  logic [NumConsumers-1:0]                      serving_d, serving_q;

  always_comb begin : p_channels
    logic found;

    state_d             = state_q;
    consumer_d          = consumer_q;
    mem_read_valid_d    = mem_read_valid_q;
    mem_read_address_d  = mem_read_address_q;
    mem_write_valid_d   = mem_write_valid_q;
    mem_write_address_d = mem_write_address_q;
    mem_write_data_d    = mem_write_data_q;
    mem_write_mask_d    = mem_write_mask_q;
    read_ready_d        = read_ready_q;
    read_data_d         = read_data_q;
    write_ready_d       = write_ready_q;
    serving_d           = serving_q;  // the running copy `serving`
    found               = 1'b0;

    for (int unsigned i = 0; i < NumChannels; i++) begin
      unique case (state_q[i])
        CtrlIdle: begin
          // First consumer with an unserved request wins; a read before a write.
          found = 1'b0;
          for (int unsigned j = 0; j < NumConsumers; j++) begin
            if (!found && !serving_d[j]) begin
              if (consumer_read_valid_i[j]) begin
                found                 = 1'b1;
                serving_d[j]          = 1'b1;
                consumer_d[i]         = ConsumerBits'(j);
                mem_read_valid_d[i]   = 1'b1;
                mem_read_address_d[i] = consumer_read_address_i[j];
                state_d[i]            = CtrlReadWaiting;
              end else if (WriteEnable && consumer_write_valid_i[j]) begin
                found                  = 1'b1;
                serving_d[j]           = 1'b1;
                consumer_d[i]          = ConsumerBits'(j);
                mem_write_valid_d[i]   = 1'b1;
                mem_write_address_d[i] = consumer_write_address_i[j];
                mem_write_data_d[i]    = consumer_write_data_i[j];
                mem_write_mask_d[i]    = consumer_write_mask_i[j];
                state_d[i]             = CtrlWriteWaiting;
              end
            end
          end
        end
        CtrlReadWaiting: begin
          if (mem_read_ready_i[i]) begin
            mem_read_valid_d[i] = 1'b0;
            for (int unsigned j = 0; j < NumConsumers; j++) begin
              if (consumer_q[i] == ConsumerBits'(j)) begin
                read_ready_d[j] = 1'b1;
                read_data_d[j]  = mem_read_data_i[i];
              end
            end
            state_d[i] = CtrlReadRelaying;
          end
        end
        CtrlWriteWaiting: begin
          if (mem_write_ready_i[i]) begin
            mem_write_valid_d[i] = 1'b0;
            for (int unsigned j = 0; j < NumConsumers; j++) begin
              if (consumer_q[i] == ConsumerBits'(j)) begin
                write_ready_d[j] = 1'b1;
              end
            end
            state_d[i] = CtrlWriteRelaying;
          end
        end
        CtrlReadRelaying: begin
          for (int unsigned j = 0; j < NumConsumers; j++) begin
            if (consumer_q[i] == ConsumerBits'(j) && !consumer_read_valid_i[j]) begin
              serving_d[j]    = 1'b0;
              read_ready_d[j] = 1'b0;
              state_d[i]      = CtrlIdle;
            end
          end
        end
        CtrlWriteRelaying: begin
          for (int unsigned j = 0; j < NumConsumers; j++) begin
            if (consumer_q[i] == ConsumerBits'(j) && !consumer_write_valid_i[j]) begin
              serving_d[j]     = 1'b0;
              write_ready_d[j] = 1'b0;
              state_d[i]       = CtrlIdle;
            end
          end
        end
        default: begin
          state_d[i] = CtrlIdle;
        end
      endcase
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      state_q             <= {NumChannels{CtrlIdle}};
      consumer_q          <= '0;
      mem_read_valid_q    <= '0;
      mem_read_address_q  <= '0;
      mem_write_valid_q   <= '0;
      mem_write_address_q <= '0;
      mem_write_data_q    <= '0;
      mem_write_mask_q    <= '0;
      read_ready_q        <= '0;
      read_data_q         <= '0;
      write_ready_q       <= '0;
      serving_q           <= '0;
    end else begin
      state_q             <= state_d;
      consumer_q          <= consumer_d;
      mem_read_valid_q    <= mem_read_valid_d;
      mem_read_address_q  <= mem_read_address_d;
      mem_write_valid_q   <= mem_write_valid_d;
      mem_write_address_q <= mem_write_address_d;
      mem_write_data_q    <= mem_write_data_d;
      mem_write_mask_q    <= mem_write_mask_d;
      read_ready_q        <= read_ready_d;
      read_data_q         <= read_data_d;
      write_ready_q       <= write_ready_d;
      serving_q           <= serving_d;
    end
  end

  assign consumer_read_ready_o  = read_ready_q;
  assign consumer_read_data_o   = read_data_q;
  assign consumer_write_ready_o = write_ready_q;
  assign mem_read_valid_o       = mem_read_valid_q;
  assign mem_read_address_o     = mem_read_address_q;
  assign mem_write_valid_o      = mem_write_valid_q;
  assign mem_write_address_o    = mem_write_address_q;
  assign mem_write_data_o       = mem_write_data_q;
  assign mem_write_mask_o       = mem_write_mask_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // The channels whose next state serves consumer j (at most one may).
  function automatic logic [NumChannels-1:0] channels_serving(
      ctrl_state_e [NumChannels-1:0] state, logic [NumChannels-1:0][ConsumerBits-1:0] consumer,
      int unsigned j);
    logic [NumChannels-1:0] serving;
    for (int unsigned i = 0; i < NumChannels; i++) begin
      serving[i] = state[i] != CtrlIdle && 32'(consumer[i]) == j;
    end
    return serving;
  endfunction

  for (genvar i = 0; i < NumChannels; i++) begin : g_channel_check
    // IDLE -> READ_WAITING -> READ_RELAYING -> IDLE, or the same through the write states.
    ControllerLegalTransition: assert property (@(posedge clk_i) disable iff (reset_i)
        (state_q[i] == CtrlIdle
         && state_d[i] inside {CtrlIdle, CtrlReadWaiting, CtrlWriteWaiting})      ||
        (state_q[i] == CtrlReadWaiting
         && state_d[i] inside {CtrlReadWaiting, CtrlReadRelaying})                ||
        (state_q[i] == CtrlWriteWaiting
         && state_d[i] inside {CtrlWriteWaiting, CtrlWriteRelaying})              ||
        (state_q[i] == CtrlReadRelaying
         && state_d[i] inside {CtrlReadRelaying, CtrlIdle})                       ||
        (state_q[i] == CtrlWriteRelaying
         && state_d[i] inside {CtrlWriteRelaying, CtrlIdle}))
      else $error("channel %0d state %0d -> %0d is not a legal step", i, state_q[i], state_d[i]);

    // A memory read stays valid with the same address until the memory's ready.
    ControllerMemReadHeld: assert property (@(posedge clk_i) disable iff (reset_i)
        mem_read_valid_q[i] && !mem_read_ready_i[i]
        |-> mem_read_valid_d[i] && mem_read_address_d[i] == mem_read_address_q[i])
      else $error("channel %0d read of %0d changed or dropped before the memory answered",
                  i, mem_read_address_q[i]);

    // A memory write stays valid with the same address, data and mask until the memory's ready.
    ControllerMemWriteHeld: assert property (@(posedge clk_i) disable iff (reset_i)
        mem_write_valid_q[i] && !mem_write_ready_i[i]
        |-> mem_write_valid_d[i] && mem_write_address_d[i] == mem_write_address_q[i]
            && mem_write_data_d[i] == mem_write_data_q[i]
            && mem_write_mask_d[i] == mem_write_mask_q[i])
      else $error("channel %0d write of %0d changed or dropped before the memory answered",
                  i, mem_write_address_q[i]);
  end

  // A consumer is served by at most one channel at a time (one grant per request).
  for (genvar j = 0; j < NumConsumers; j++) begin : g_consumer_check
    ControllerOneChannelPerConsumer: assert property (@(posedge clk_i) disable iff (reset_i)
        $onehot0(channels_serving(state_d, consumer_d, j)))
      else $error("consumer %0d granted to channels %b at once", j,
                  channels_serving(state_d, consumer_d, j));
  end

endmodule
