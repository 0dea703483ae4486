// Per-cycle traces of a GPU run, written from snapshots so both engines produce the same
// files: trace.log (human-readable), utilisation.csv, summary.json (docs/traces.md).
#pragma once

#include "common/assembler.h"
#include "common/config.h"
#include "gpu/gpu_types.h"
#include "trace/gpu_activity.h"
#include "trace/state_file.h"
#include "trace/trace_dir.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <string>
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

class GpuTrace {
public:
    static constexpr unsigned kRecent = 16;   // lines kept for mismatch reports
    static constexpr uint64_t kLogCycles = kTextLogCycles;   // trace.log stops here (850 bytes a cycle)

    // `dir` empty: count and keep recent lines only, write no files. `engine` goes into the
    // summary; the program's data image and the memory's latency and bandwidth into states.bin's
    // header (the stepper and viewer rebuild the data memory from them).
    GpuTrace(const std::string& dir, const GpuConfig& config, const Program& program, const std::string& engine,
             const MemoryConfig& memory);

    // The state after edge `cycle` (0 = as start is raised).
    void record(uint64_t cycle, const gpu::GpuSnapshot& snapshot);
    // Writes summary.json (program, engine, utilisation, then `extra`) and states.bin's
    // trailer when tracing, and closes the files.
    void finish(const nlohmann::json& extra);

    uint64_t records() const { return recent_.count(); }   // so far; the stepper numbers cycles by record
    nlohmann::json utilisation() const;       // the summary object, also part of --json
    std::vector<std::string> recent_lines() const;
    const GpuCounters& counters() const { return counters_; }

    // One line per cycle: each core's state, PC and instruction, each tensor core's state,
    // each channel's request.
    static std::string cycle_line(uint64_t cycle, const gpu::GpuSnapshot& s);

private:
    void count(const gpu::GpuSnapshot& s);
    void write_log(uint64_t cycle, const gpu::GpuSnapshot& s);
    void write_csv(uint64_t cycle, const gpu::GpuSnapshot& s);
    void write_tensor_log(const gpu::TensorCoreView& t, const gpu::TensorCoreView& before);
    void write_cache_log(const gpu::CacheView& c, const gpu::CacheView& before);

    TraceDir dir_;
    GpuConfig config_;
    std::string program_path_, engine_;
    GpuCounters counters_;
    std::ofstream* log_ = nullptr;            // trace.log
    std::ofstream* csv_ = nullptr;            // utilisation.csv
    RecentRecords<gpu::GpuSnapshot> recent_{kRecent};
    gpu::GpuSnapshot previous_;               // to mark what changed in the log
    std::vector<uint32_t> fields_;            // scratch
};

}  // namespace lockstep::trace
