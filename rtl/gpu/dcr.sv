// Device control register: the thread count of the next launch.
module dcr (
  input  logic       clk_i,
  input  logic       reset_i,
  input  logic       we_i,
  input  logic [7:0] data_i,
  output logic [7:0] thread_count_o
);

  logic [7:0] thread_count_d, thread_count_q;

  always_comb begin
    thread_count_d = thread_count_q;
    if (we_i) begin
      thread_count_d = data_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      thread_count_q <= 8'd0;
    end else begin
      thread_count_q <= thread_count_d;
    end
  end

  assign thread_count_o = thread_count_q;

endmodule
