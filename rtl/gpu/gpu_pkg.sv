// Shared types of the GPU: state encodings and opcodes (docs/architecture.md, "Encodings").
// Member names carry a unit prefix because enum members share the package name space.
package gpu_pkg;

  // Core (scheduler) state.
  typedef enum logic [2:0] {
    CoreIdle    = 3'd0,
    CoreFetch   = 3'd1,
    CoreDecode  = 3'd2,
    CoreRequest = 3'd3,
    CoreWait    = 3'd4,
    CoreExecute = 3'd5,
    CoreUpdate  = 3'd6,
    CoreDone    = 3'd7
  } core_state_e;

  // Fetcher state.
  typedef enum logic [1:0] {
    FetchIdle     = 2'd0,
    FetchFetching = 2'd1,
    FetchFetched  = 2'd2
  } fetcher_state_e;

  // Load/store unit state.
  typedef enum logic [1:0] {
    LsuIdle       = 2'd0,
    LsuRequesting = 2'd1,
    LsuWaiting    = 2'd2,
    LsuDone       = 2'd3
  } lsu_state_e;

  // Memory-controller channel state.
  typedef enum logic [2:0] {
    CtrlIdle          = 3'd0,
    CtrlReadWaiting   = 3'd2,
    CtrlWriteWaiting  = 3'd3,
    CtrlReadRelaying  = 3'd4,
    CtrlWriteRelaying = 3'd5
  } ctrl_state_e;

  // Opcodes, instr[15:12]; 4'hA..4'hE decode as NOP.
  localparam logic [3:0] OpNop   = 4'h0;
  localparam logic [3:0] OpBr    = 4'h1;
  localparam logic [3:0] OpCmp   = 4'h2;
  localparam logic [3:0] OpAdd   = 4'h3;
  localparam logic [3:0] OpSub   = 4'h4;
  localparam logic [3:0] OpMul   = 4'h5;
  localparam logic [3:0] OpDiv   = 4'h6;
  localparam logic [3:0] OpLdr   = 4'h7;
  localparam logic [3:0] OpStr   = 4'h8;
  localparam logic [3:0] OpConst = 4'h9;
  localparam logic [3:0] OpRet   = 4'hF;

  // Register-file write sources (decoder reg_input).
  localparam logic [1:0] RegInputAlu   = 2'd0;
  localparam logic [1:0] RegInputLsu   = 2'd1;
  localparam logic [1:0] RegInputConst = 2'd2;

  // ALU operations (decoder alu_op).
  localparam logic [1:0] AluAdd = 2'd0;
  localparam logic [1:0] AluSub = 2'd1;
  localparam logic [1:0] AluMul = 2'd2;
  localparam logic [1:0] AluDiv = 2'd3;

  // First read-only register: R13 = blockIdx, R14 = blockDim, R15 = threadIdx.
  localparam logic [3:0] RegBlockIdx = 4'd13;

endpackage
