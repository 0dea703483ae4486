// Shared types of the systolic array (docs/systolic.md, "Controller", "Stream sequencer").
// Member names carry a prefix because enum members share the package name space.
package systolic_pkg;

  // Controller state.
  typedef enum logic [1:0] {
    SaIdle  = 2'd0,
    SaRun   = 2'd1,
    SaDrain = 2'd2,
    SaDone  = 2'd3
  } sa_state_e;

  // Dataflow, sampled with start: output, weight or input stationary.
  typedef enum logic [1:0] {
    DfOs = 2'd0,
    DfWs = 2'd1,
    DfIs = 2'd2
  } dataflow_e;

  // Which buffer the host port reaches (sim/systolic: HostSel).
  typedef enum logic [1:0] {
    HostA = 2'd0,
    HostB = 2'd1,
    HostC = 2'd2
  } host_sel_e;

  // Stream sequencer state (sim/systolic: SqState).
  typedef enum logic [1:0] {
    SqIdle = 2'd0,
    SqRun  = 2'd1,
    SqDone = 2'd2
  } sq_state_e;

endpackage
