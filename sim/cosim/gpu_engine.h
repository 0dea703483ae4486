// The GPU as a design of the lock-step driver: runs a program on the model, the RTL, or both
// in lock-step, and reports what happened.
#pragma once

#include "common/assembler.h"
#include "common/config.h"
#include "cosim/compare.h"
#include "cosim/driver.h"
#include "cosim/rtl_cache.h"
#include "cosim/systolic_engine.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::cosim {

// Overwrites one register of the model after a given cycle: how tests prove the comparator works.
// Or, with `pe` set, one register of a PE of the core's tensor core (pe->cycle unused).
struct Fault {
    uint64_t cycle = 0;
    unsigned core = 0, warp = 0, thread = 0, reg = 0;   // warp: of the core's resident warps
    uint32_t value = 0;
    std::optional<PeFault> pe;
};

// launches > 1: start drops for a cycle after done, then the kernel is launched again.
using RunOptions = DriverOptions<Fault>;

struct RunResult {
    Engine engine = Engine::Cosim;
    uint64_t cycles = 0;                       // edges from start raised to done (last launch)
    std::vector<uint64_t> launch_cycles;       // per launch (the last one cut short when stopped)
    bool stopped = false;                      // a mismatch stopped it: cycles and utilisation are of what ran
    std::vector<uint32_t> initial_memory;      // data memory before the run
    std::vector<uint32_t> memory;              // data memory after it (the model's in cosim)
    uint64_t mismatches = 0;
    std::optional<Mismatch> first_mismatch;
    nlohmann::json utilisation;
    std::string trace_dir;
};

// Throws lockstep::Error for a runaway program, a divergent branch, an address out of range
// or an RTL build failure; a lock-step mismatch or a failed assertion is reported in the
// result instead.
RunResult run_gpu(const Config& config, const Program& program, const RunOptions& options);

nlohmann::json to_json(const RunResult& result);

// The GPU's RTL at this shape, for the RTL cache.
RtlDesign gpu_design(const GpuConfig& config);

}  // namespace lockstep::cosim
