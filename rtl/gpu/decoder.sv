// Instruction decoder (per core): latches register fields and control bits in StDecode.
module decoder import gpu_pkg::*; (
  input  logic        clk_i,
  input  logic        reset_i,
  input  core_state_e core_state_i,
  input  logic [15:0] instruction_i,
  output logic [3:0]  rd_o,
  output logic [3:0]  rs_o,
  output logic [3:0]  rt_o,
  output logic [2:0]  nzp_o,
  output logic [7:0]  imm_o,
  output logic        reg_write_o,
  output logic        mem_read_o,
  output logic        mem_write_o,
  output logic        nzp_write_o,
  output logic [1:0]  reg_input_o,
  output logic [1:0]  alu_op_o,
  output logic        alu_cmp_o,
  output logic        pc_branch_o,
  output logic        ret_o,
  // Tile operation for the tensor core (TcOpNone for every other instruction).
  output logic [2:0]  tc_op_o
);

  logic [3:0] rd_d, rd_q;
  logic [3:0] rs_d, rs_q;
  logic [3:0] rt_d, rt_q;
  logic [2:0] nzp_d, nzp_q;
  logic [7:0] imm_d, imm_q;
  logic       reg_write_d, reg_write_q;
  logic       mem_read_d, mem_read_q;
  logic       mem_write_d, mem_write_q;
  logic       nzp_write_d, nzp_write_q;
  logic [1:0] reg_input_d, reg_input_q;
  logic [1:0] alu_op_d, alu_op_q;
  logic       alu_cmp_d, alu_cmp_q;
  logic       pc_branch_d, pc_branch_q;
  logic       ret_d, ret_q;
  logic [2:0] tc_op_d, tc_op_q;

  always_comb begin
    rd_d        = rd_q;
    rs_d        = rs_q;
    rt_d        = rt_q;
    nzp_d       = nzp_q;
    imm_d       = imm_q;
    reg_write_d = reg_write_q;
    mem_read_d  = mem_read_q;
    mem_write_d = mem_write_q;
    nzp_write_d = nzp_write_q;
    reg_input_d = reg_input_q;
    alu_op_d    = alu_op_q;
    alu_cmp_d   = alu_cmp_q;
    pc_branch_d = pc_branch_q;
    ret_d       = ret_q;
    tc_op_d     = tc_op_q;
    if (core_state_i == CoreDecode) begin
      rd_d        = instruction_i[11:8];
      rs_d        = instruction_i[7:4];
      rt_d        = instruction_i[3:0];
      imm_d       = instruction_i[7:0];
      nzp_d       = instruction_i[11:9];
      reg_write_d = 1'b0;
      mem_read_d  = 1'b0;
      mem_write_d = 1'b0;
      nzp_write_d = 1'b0;
      reg_input_d = 2'd0;
      alu_op_d    = 2'd0;
      alu_cmp_d   = 1'b0;
      pc_branch_d = 1'b0;
      ret_d       = 1'b0;
      tc_op_d     = TcOpNone;
      unique case (instruction_i[15:12])
        OpBr: begin
          pc_branch_d = 1'b1;
        end
        OpCmp: begin
          alu_cmp_d   = 1'b1;
          nzp_write_d = 1'b1;
        end
        OpAdd: begin
          reg_write_d = 1'b1;
          reg_input_d = RegInputAlu;
          alu_op_d    = AluAdd;
        end
        OpSub: begin
          reg_write_d = 1'b1;
          reg_input_d = RegInputAlu;
          alu_op_d    = AluSub;
        end
        OpMul: begin
          reg_write_d = 1'b1;
          reg_input_d = RegInputAlu;
          alu_op_d    = AluMul;
        end
        OpDiv: begin
          reg_write_d = 1'b1;
          reg_input_d = RegInputAlu;
          alu_op_d    = AluDiv;
        end
        OpLdr: begin
          reg_write_d = 1'b1;
          reg_input_d = RegInputLsu;
          mem_read_d  = 1'b1;
        end
        OpStr: begin
          mem_write_d = 1'b1;
        end
        OpConst: begin
          reg_write_d = 1'b1;
          reg_input_d = RegInputConst;
        end
        OpRet: begin
          ret_d = 1'b1;
        end
        // Tile instructions: base and stride come through rs and rt; only the tensor core acts.
        OpTlda: begin
          tc_op_d = TcOpLda;
        end
        OpTldb: begin
          tc_op_d = TcOpLdb;
        end
        OpTmma: begin
          tc_op_d = TcOpMma;
        end
        OpTstc: begin
          tc_op_d = TcOpStc;
        end
        OpTclr: begin
          tc_op_d = TcOpClr;
        end
        OpNop: begin
          // No control bits.
        end
        default: begin
          // Every opcode is listed above.
        end
      endcase
    end
  end

  always_ff @(posedge clk_i) begin
    if (reset_i) begin
      rd_q        <= 4'd0;
      rs_q        <= 4'd0;
      rt_q        <= 4'd0;
      nzp_q       <= 3'd0;
      imm_q       <= 8'd0;
      reg_write_q <= 1'b0;
      mem_read_q  <= 1'b0;
      mem_write_q <= 1'b0;
      nzp_write_q <= 1'b0;
      reg_input_q <= 2'd0;
      alu_op_q    <= 2'd0;
      alu_cmp_q   <= 1'b0;
      pc_branch_q <= 1'b0;
      ret_q       <= 1'b0;
      tc_op_q     <= TcOpNone;
    end else begin
      rd_q        <= rd_d;
      rs_q        <= rs_d;
      rt_q        <= rt_d;
      nzp_q       <= nzp_d;
      imm_q       <= imm_d;
      reg_write_q <= reg_write_d;
      mem_read_q  <= mem_read_d;
      mem_write_q <= mem_write_d;
      nzp_write_q <= nzp_write_d;
      reg_input_q <= reg_input_d;
      alu_op_q    <= alu_op_d;
      alu_cmp_q   <= alu_cmp_d;
      pc_branch_q <= pc_branch_d;
      ret_q       <= ret_d;
      tc_op_q     <= tc_op_d;
    end
  end

  assign rd_o        = rd_q;
  assign rs_o        = rs_q;
  assign rt_o        = rt_q;
  assign nzp_o       = nzp_q;
  assign imm_o       = imm_q;
  assign reg_write_o = reg_write_q;
  assign mem_read_o  = mem_read_q;
  assign mem_write_o = mem_write_q;
  assign nzp_write_o = nzp_write_q;
  assign reg_input_o = reg_input_q;
  assign alu_op_o    = alu_op_q;
  assign alu_cmp_o   = alu_cmp_q;
  assign pc_branch_o = pc_branch_q;
  assign ret_o       = ret_q;
  assign tc_op_o     = tc_op_q;

  // Assertions (checked at every rising edge when the RTL runs with --assert).

  // An instruction is a load or a store, never both: the LSU would raise two requests.
  DecoderNoReadAndWrite: assert property (@(posedge clk_i) disable iff (reset_i)
      !(mem_read_q && mem_write_q))
    else $error("decoder latched mem_read and mem_write together (rd %0d, rs %0d)", rd_q, rs_q);

  // A tile instruction sets no other control bit: only the tensor core acts on it.
  DecoderTileOpAlone: assert property (@(posedge clk_i) disable iff (reset_i)
      tc_op_q != TcOpNone |-> !(reg_write_q || mem_read_q || mem_write_q || nzp_write_q || alu_cmp_q
                                || pc_branch_q || ret_q))
    else $error("decoder latched tile operation %0d together with other control bits", tc_op_q);

endmodule
