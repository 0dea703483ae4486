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

  // Tensor-core state (docs/architecture.md, "Tensor core").
  typedef enum logic [2:0] {
    TcIdle    = 3'd0,
    TcStart   = 3'd1,
    TcLoad    = 3'd2,
    TcStore   = 3'd3,
    TcCompute = 3'd4,
    TcDone    = 3'd5,
    TcFault   = 3'd6
  } tc_state_e;

  // Data-cache state (docs/architecture.md, "Data cache").
  typedef enum logic [2:0] {
    CacheIdle         = 3'd0,
    CacheHit          = 3'd1,
    CacheRespond      = 3'd2,
    CacheEvict        = 3'd3,
    CacheFill         = 3'd4,
    CacheWriteThrough = 3'd5,
    CacheFlush        = 3'd6,
    CacheDone         = 3'd7
  } cache_state_e;

  // Opcodes, instr[15:12]; 4'hA..4'hE are the tile instructions (NOPs without a tensor core).
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
  localparam logic [3:0] OpTlda  = 4'hA;
  localparam logic [3:0] OpTldb  = 4'hB;
  localparam logic [3:0] OpTmma  = 4'hC;
  localparam logic [3:0] OpTstc  = 4'hD;
  localparam logic [3:0] OpTclr  = 4'hE;
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

  // Tile operations (decoder tc_op); TcOpNone for every other instruction.
  localparam logic [2:0] TcOpNone = 3'd0;
  localparam logic [2:0] TcOpLda  = 3'd1;
  localparam logic [2:0] TcOpLdb  = 3'd2;
  localparam logic [2:0] TcOpMma  = 3'd3;
  localparam logic [2:0] TcOpStc  = 3'd4;
  localparam logic [2:0] TcOpClr  = 3'd5;

  // Tensor-core faults (tensor_core fault_q).
  localparam logic [1:0] TcFaultNone     = 2'd0;
  localparam logic [1:0] TcFaultOperands = 2'd1;
  localparam logic [1:0] TcFaultStride   = 2'd2;
  localparam logic [1:0] TcFaultRange    = 2'd3;

  // First read-only register: R13 = blockIdx, R14 = blockDim, R15 = threadIdx.
  localparam logic [3:0] RegBlockIdx = 4'd13;

endpackage
