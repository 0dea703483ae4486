// The utilisation counters of a GPU run (summary.json `utilisation`), counted from the
// snapshots recorded after each edge: by the trace writer on observed runs, and from lean
// snapshots (gpu::Gpu::observe_counted) on the model's fast runs, so both count alike.
#pragma once

#include "common/config.h"
#include "gpu/gpu_types.h"
#include "trace/gpu_activity.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace lockstep::trace {

// Counters behind the utilisation summary.
struct GpuCounters {
    uint64_t cycles = 0;
    uint64_t instructions_issued = 0;         // core-cycles in EXECUTE (one per instruction per block)
    uint64_t thread_instructions = 0;         // the same, times the lanes that ran it (active lanes)
    uint64_t resident_thread_instructions = 0;   // the same, times the block's threads
    std::vector<uint64_t> state_cycles = std::vector<uint64_t>(8, 0);   // core-cycles per CoreState
    uint64_t active_core_cycles = 0;          // core running a block (not IDLE, not DONE)
    uint64_t alu_busy = 0, lsu_busy = 0;      // thread-slot-cycles
    uint64_t lane_accesses = 0;               // lanes' loads and stores (a cycle each in LSU Requesting)
    uint64_t data_requests = 0;               // requests the data controller made of memory (coalesced: fewer)
    uint64_t fetch_stall = 0;                 // core-cycles in FETCH
    std::vector<uint64_t> data_channel_busy, program_channel_busy;   // data: the controller's, then tile ports
    uint64_t tc_macs = 0;                     // PE multiplies, all tensor cores
    std::vector<uint64_t> tc_state_cycles = std::vector<uint64_t>(7, 0);   // core-cycles per TcState
    uint64_t tc_words_loaded = 0, tc_words_stored = 0;   // tile words over the tile ports
    std::vector<uint64_t> stall_cycles = std::vector<uint64_t>(kStallReasons, 0);   // warp-cycles per StallReason
};

class GpuUtilisation {
public:
    explicit GpuUtilisation(const GpuConfig& config);

    // The snapshot after edge `cycle` (0 = as start is raised, not counted). It reads only
    // what Gpu::observe_counted fills: done, each context's state, start, reset, thread_count,
    // active lanes and instruction, the warp schedulers, the LSUs' states, the requests, the
    // tensor cores' state, op, row, col and mac bits, and the cache's counters.
    void record(uint64_t cycle, const gpu::GpuSnapshot& s);

    const GpuCounters& counters() const { return counters_; }
    nlohmann::json summary() const;           // summary.json's `utilisation`, also part of --json

private:
    void count(const gpu::GpuSnapshot& s);

    GpuConfig config_;
    GpuCounters counters_;
    std::vector<MemRequest> data_before_;             // the last record's data requests
    std::vector<gpu::TensorCoreView> tensor_before_;  // its tensor cores (state, op, row, col)
    std::vector<gpu::CacheView> cache_;               // its cache counters (one, with a cache)
};

}  // namespace lockstep::trace
