// The utilisation counters of a GPU run (summary.json `utilisation`), counted after each edge:
// from the snapshots the trace writer records on observed runs, and straight from the model's
// registers (ModelEdge) on its fast runs. One counting code reads both.
#pragma once

#include "common/config.h"
#include "gpu/gpu_types.h"
#include "trace/gpu_activity.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace lockstep::gpu {
class Core;
class Gpu;
struct Warp;
}  // namespace lockstep::gpu

namespace lockstep::trace {

// A fast run's view of the model after an edge: what the counters read, from its registers
// without a snapshot, and the requests the harness's memories answer and clock.
class ModelEdge {
public:
    ModelEdge(const gpu::Gpu& gpu, const GpuConfig& config);
    // After each edge: the data requests of a GPU with a cache or tensor cores (gathered from
    // their units), and the tensor cores' and the cache's counted fields. The rest is read live.
    void refresh() {
        if (gathers_) gather();
    }

    unsigned contexts() const { return static_cast<unsigned>(warp_of_.size()); }
    ContextEdge context(unsigned x) const;
    const std::vector<MemRequest>& data_requests() const { return *data_; }   // per data channel, then tile port
    const std::vector<MemRequest>& program_requests() const;
    // The requests may differ from the last edge's: a controller's in place says whether one
    // of its channels changed at the edge; gathered ones always may.
    bool data_requests_changed() const;
    bool program_requests_changed() const;
    const std::vector<gpu::TensorCoreView>& tensor() const { return tensor_; }   // state, op, row, col, mac
    const std::vector<gpu::CacheView>& cache() const { return cache_; }          // counters
    bool done() const;
    bool needs_check() const;   // a warp diverged or overflowed its stack, or a tensor core faulted

private:
    const gpu::Gpu& gpu_;
    bool divergence_, warps_;
    std::vector<const gpu::Core*> core_of_;   // per context x = w * cores + c: core c,
    std::vector<unsigned> warp_index_;        // w,
    std::vector<const gpu::Warp*> warp_of_;   // and the warp
    std::vector<MemRequest> gathered_;            // the data requests, where not read in place
    const std::vector<MemRequest>* data_;         // Gpu::data_requests_in_place(), or gathered_
    std::vector<gpu::TensorCoreView> tensor_;
    std::vector<gpu::CacheView> cache_;
    bool gathers_ = false;   // refresh() has anything to gather
    void gather();
};

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
    std::vector<uint64_t> data_channel_busy, program_channel_busy;   // cycles; data: the controller's, then tile ports
    uint64_t tc_macs = 0;                     // PE multiplies, all tensor cores
    std::vector<uint64_t> tc_state_cycles = std::vector<uint64_t>(7, 0);   // core-cycles per TcState
    uint64_t tc_words_loaded = 0, tc_words_stored = 0;   // tile words over the tile ports
    std::vector<uint64_t> stall_cycles = std::vector<uint64_t>(kStallReasons, 0);   // warp-cycles per StallReason
};

class GpuUtilisation {
public:
    explicit GpuUtilisation(const GpuConfig& config);

    // The state after edge `cycle` (0 = as start is raised, not counted): a snapshot, or the
    // model itself.
    void record(uint64_t cycle, const gpu::GpuSnapshot& s);
    void record(uint64_t cycle, const ModelEdge& e);

    GpuCounters counters() const;             // so far
    nlohmann::json summary() const;           // summary.json's `utilisation`, also part of --json

private:
    template <typename Edge>
    void record_edge(uint64_t cycle, const Edge& e);
    template <typename Edge>
    void count(const Edge& e);

    // Each channel's busy cycles, counted in runs that end where its valid bits change, so
    // that an edge on which no request changed costs nothing. Records are numbered by the
    // counted cycles (`n`, this record's number).
    class ChannelRuns {
    public:
        explicit ChannelRuns(size_t channels) : valid_(channels, 0), from_(channels, 0), ended_(channels, 0) {}
        // Record n's valid bits `now`: a run that ends adds its cycles, one that starts notes
        // where. Returns the bits that rose.
        unsigned update(size_t ch, unsigned now, uint64_t n) {
            const unsigned before = valid_[ch];
            ended_[ch] += before != 0 && now == 0 ? n - from_[ch] : 0;
            from_[ch] = before == 0 && now != 0 ? n : from_[ch];
            valid_[ch] = now;
            return now & ~before;
        }
        // An uncounted record after record n (a launch's first): a busy run ends after n and
        // the next starts at n + 1 with the valid bits `now`.
        void restart(size_t ch, unsigned now, uint64_t n) {
            ended_[ch] = busy(ch, n);
            valid_[ch] = now;
            from_[ch] = n + 1;
        }
        uint64_t busy(size_t ch, uint64_t n) const { return ended_[ch] + (valid_[ch] != 0 ? n + 1 - from_[ch] : 0); }
        size_t size() const { return valid_.size(); }

    private:
        // The last record's: read_valid in bit 0, write_valid in bit 1 (not bytes: a store of a
        // byte may alias anything, and the compiler would read the counters again after it).
        std::vector<uint32_t> valid_;
        std::vector<uint64_t> from_;     // where valid: the record its run began at
        std::vector<uint64_t> ended_;    // the cycles of its runs that ended
    };

    GpuConfig config_;
    GpuCounters counters_;   // all but the channels' busy cycles (data_runs_, program_runs_)
    static unsigned valid_bits(const MemRequest& r) { return r.read_valid | static_cast<unsigned>(r.write_valid) << 1; }
    ChannelRuns data_runs_, program_runs_;
    std::vector<gpu::TensorCoreView> tensor_before_;  // its tensor cores (state, op, row, col)
    std::vector<gpu::CacheView> cache_;               // its cache counters (one, with a cache)
};

}  // namespace lockstep::trace
