// Stream sequencer (rtl/systolic/stream_sequencer.sv): walks a streamed layer's tiles through
// a load stage and a compute stage, double-buffering the SRAMs, and hands finished C tiles to
// the storer (docs/systolic.md, "Stream sequencer").
#pragma once

#include "common/unit.h"
#include "systolic/systolic_types.h"

namespace lockstep::systolic {

struct SequencerRegs {
    SqState state = SqState::Idle;
    StreamJob job;                    // latched at the job's start
    bool ld_valid = false, cp_valid = false;
    TileOrigin ld, cp;                // the load stage's and the compute stage's tiles
    uint8_t ld_a_half = 0, ld_b_half = 0;   // halves the load tile's operands are in
    uint8_t a_last = 0, b_last = 0;   // halves of the latest loaded A and B
    uint8_t cp_a_half = 0, cp_b_half = 0;
    uint8_t c_half = 0;               // half the current C tile accumulates in
};

// The sequencer's combinational outputs in one cycle.
struct SequencerSignals {
    bool release = false;             // the compute tile leaves the array at this edge
    bool handoff = false;             // the load tile moves to the compute stage at this edge
    bool array_start = false;         // its part of the array controller's start
    GemmSize array_size;              // the compute tile's sizes (while cp_valid)
    ArrayWindow window;
    const StreamJob* job = nullptr;   // the job the movers work for this edge
    bool load_a = false, load_b = false;   // start that loader at this edge ...
    TileOrigin load_tile;             // ... on this tile
    uint32_t load_a_base = 0, load_b_base = 0;
    bool store = false;               // start the storer at this edge on the compute tile
    uint32_t store_base = 0;
};

class StreamSequencer : public Unit<SequencerRegs> {
public:
    explicit StreamSequencer(const sc_core::sc_module_name& name) : Unit(name) {}

    // From the registers before the edge; also computes the next state.
    SequencerSignals evaluate(bool reset, bool job_start, const StreamJob& job_in, SaState array_state, bool a_busy,
                              bool b_busy, bool storer_busy);
};

}  // namespace lockstep::systolic
