// Per-cycle traces of a GPU run, written from snapshots so both engines produce the same
// files: trace.log (human-readable), utilisation.csv, summary.json (docs/traces.md).
#pragma once

#include "common/assembler.h"
#include "common/config.h"
#include "gpu/gpu_types.h"
#include "trace/gpu_activity.h"
#include "trace/gpu_utilisation.h"
#include "trace/state_file.h"
#include "trace/trace_dir.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace lockstep::trace {

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
    nlohmann::json utilisation() const { return utilisation_.summary(); }   // also part of --json
    std::vector<std::string> recent_lines() const;

    // One line per cycle: each core's state, PC and instruction, each tensor core's state,
    // each channel's request.
    static std::string cycle_line(uint64_t cycle, const gpu::GpuSnapshot& s);

private:
    void write_log(uint64_t cycle, const gpu::GpuSnapshot& s);
    void write_csv(uint64_t cycle, const gpu::GpuSnapshot& s);
    void write_tensor_log(const gpu::TensorCoreView& t, const gpu::TensorCoreView& before);
    void write_cache_log(const gpu::CacheView& c, const gpu::CacheView& before);

    TraceDir dir_;
    GpuConfig config_;
    std::string program_path_, engine_;
    GpuUtilisation utilisation_;
    std::ofstream* log_ = nullptr;            // trace.log
    std::ofstream* csv_ = nullptr;            // utilisation.csv
    RecentRecords<gpu::GpuSnapshot> recent_{kRecent};
    gpu::GpuSnapshot previous_;               // to mark what changed in the log (when tracing)
    std::vector<uint32_t> fields_;            // scratch
};

}  // namespace lockstep::trace
