// Tensor core top: controller, feeder, PE array, output writer and the A, B, C buffers
// behind a host port, and the streamed layers' sequencer, tile loaders and storer.
#pragma once

#include "systolic/array_controller.h"
#include "systolic/feeder.h"
#include "systolic/output_writer.h"
#include "systolic/pe_array.h"
#include "systolic/stream_sequencer.h"
#include "systolic/tile_loader.h"
#include "systolic/tile_storer.h"

#include <systemc>

#include <vector>

namespace lockstep::systolic {

class Systolic;

// What surrounds the model in a fast run of a streamed layer (the DRAM, the counters): called
// after every edge; true pauses the run.
class EdgeHook {
public:
    virtual ~EdgeHook() = default;
    virtual bool after_edge(Systolic& top) = 0;
};

class Systolic : public sc_core::sc_module {
public:
    sc_core::sc_event edge_now;                   // the clock: its state changes at each notification
    SystolicInputs inputs;                        // driven by the harness before each edge
    uint64_t edges_left = 0;                      // a fast run's edges still to clock (0: one edge, a tick)
    uint64_t edges_run = 0;                       // and those it clocked
    uint64_t burst_edges = 0;                     // of those, the ones clocked in bursts (below)
    bool pause_when_done = false;                 // fast runs: end on reaching StDone
    EdgeHook* edge_hook = nullptr;                // fast runs of streamed layers

    ArrayController controller;
    Feeder feeder;
    PeArray array;
    OutputWriter writer;
    StreamSequencer sequencer;
    TileLoader a_loader, b_loader;
    TileStorer storer;
    ZeroedWords a, b, c;                          // the buffers, 2^buffer_addr_bits words each
    uint32_t left_valid = 0, top_valid = 0, out_valid = 0;   // the ports valid in the cycle that ended
    uint64_t run_cycles = 0, drain_cycles = 0;    // counters: cycles spent in StRun and StDrain

    Systolic(const sc_core::sc_module_name& name, const ArrayShape& shape);

    void observe(SystolicSnapshot& out) const;
    int32_t host_read(HostSel sel, uint32_t addr) const;

private:
    void on_clock();
    void edge();
    // A fast run clocks the cycles of a fold but its last in bursts when nothing observes the
    // edges in between (no hook): all of a burst's feeds, then its steps at once
    // (PeArray::step_os_burst, step_preload_burst, step_stationary_burst), then its C writes,
    // leaving everything as that many edges would. A ws or is burst stays inside the preload
    // or the streaming. burst_length() is how many edges the next burst may take (0: an edge).
    unsigned burst_length() const;
    void burst(unsigned cycles);

    ArrayShape shape_;
};

}  // namespace lockstep::systolic
