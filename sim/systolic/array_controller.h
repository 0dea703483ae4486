// Array controller (rtl/systolic/array_controller.sv): runs one GEMM fold by fold (StIdle -> StRun -> [StDrain] -> StDone).
#pragma once

#include "common/unit.h"
#include "systolic/systolic_types.h"

namespace lockstep::systolic {

struct ControllerRegs {
    SaState state = SaState::Idle;
    Dataflow dataflow = Dataflow::Os;
    GemmSize size;
    uint32_t fold = 0;                // fold being run
    uint32_t t = 0;                   // cycle within the fold
    uint32_t r0 = 0, c0 = 0;          // the fold's tile origin along array rows and columns
};

class ArrayController : public Unit<ControllerRegs> {
public:
    ArrayController(const sc_core::sc_module_name& name, unsigned rows, unsigned cols)
        : Unit(name), rows_(rows), cols_(cols) {}

    const Mapping& mapping() const { return mapping_; }   // of the GEMM latched at start
    bool starting(bool start) const { return q.state == SaState::Idle && start; }
    bool last_cycle_of_fold() const { return q.state == SaState::Run && q.t + 1 == mapping_.fold_length; }

    // `start`, `dataflow`, `size`: the host's, or the stream sequencer's compute tile.
    void evaluate(bool reset, bool start, Dataflow dataflow, const GemmSize& size, bool drain_finishing);
    void commit_with_mapping();       // commit(), and recompute the mapping when a GEMM starts
    // A burst of `cycles` edges inside the running fold, none of them its last: t moves on as
    // that many evaluate()s and commits would move it.
    void skip(uint32_t cycles);

private:
    unsigned rows_, cols_;
    Mapping mapping_{Dataflow::Os, GemmSize{}, 1, 1};
};

}  // namespace lockstep::systolic
