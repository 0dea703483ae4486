// `lockstep scale` without --compat: every layer runs for real on the array as a streamed
// layer (docs/scalesim.md, "Default mode"): its SRAMs and DRAM from the .cfg, values through
// the PEs, the ofmap checked against a direct convolution, and the reports filled with what
// the run measured.
#pragma once

#include "cosim/driver.h"
#include "scale/network.h"
#include "scale/reports.h"
#include "scale/scale_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep {

struct ArrayRunOptions {
    cosim::Engine engine = cosim::Engine::Model;
    unsigned jobs = 1;                // layers at once, in worker processes
    uint64_t seed = 1;                // random ifmaps and filters, one stream per layer
    std::string data_dir;             // <layer>.ifmap.csv / <layer>.filter.csv, where present
    unsigned bandwidth = 0;           // DRAM words per cycle per interface; 0: from the .cfg
    unsigned dram_latency = 1;
    uint64_t max_cycles = 0;          // per layer; 0: no limit below 2^40
    bool progress = false;            // a status line on a terminal
    std::string trace_dir;            // per-cycle traces of the layers below go to trace_dir/<layer>/
    std::vector<std::string> trace_layers;   // layer names (after the DP split), or "all"
};

// One layer's run: SCALE-Sim's columns with true figures, and what they cannot hold.
struct ArrayLayerRun {
    scale::LayerReport report;
    nlohmann::json extras;            // M, N, K, tiles, cycles by reason, ofmap_ok, mismatches
    bool ok = false;                  // ofmap right and no lock-step mismatch
    std::string mismatch;             // the lock-step report, if any
};

// The DRAM bandwidth the default mode uses: `override`, else USER's first Bandwidth value,
// else (CALC) max(ArrayHeight, ArrayWidth).
unsigned array_bandwidth(const scale::ScaleConfig& config, unsigned override_bandwidth);

// Runs the layers (DP layers already split) in order; throws Error on bad input. A lock-step
// mismatch stops the run after that layer (with --jobs, the layers already taken still finish).
std::vector<ArrayLayerRun> run_on_array(const scale::ScaleConfig& config, const std::vector<scale::ConvLayer>& layers,
                                        const ArrayRunOptions& options);

// LOCKSTEP_REPORT.csv in `dir`: per layer the figures SCALE-Sim's reports have no column for.
std::string write_lockstep_report(const std::string& dir, const std::vector<ArrayLayerRun>& runs);

}  // namespace lockstep
