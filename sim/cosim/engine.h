// Runs a program on the model, the RTL, or both in lock-step, and reports what happened.
#pragma once

#include "common/assembler.h"
#include "common/config.h"
#include "cosim/compare.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::cosim {

enum class Engine { Model, Rtl, Cosim };
const char* name(Engine e);
std::optional<Engine> engine_from_name(const std::string& name);

// Overwrites one register of the model after a given cycle: how tests prove the comparator works.
struct Fault {
    uint64_t cycle = 0;
    unsigned core = 0, thread = 0, reg = 0;
    uint32_t value = 0;
};

struct RunOptions {
    Engine engine = Engine::Cosim;
    uint64_t max_cycles = 0;          // 0: the config's sim.max_cycles
    std::string trace_dir;            // empty: no trace files
    unsigned launches = 1;            // >1: drop start for a cycle after done and launch again
    std::optional<Fault> fault;
};

struct RunResult {
    Engine engine = Engine::Cosim;
    uint64_t cycles = 0;                       // edges from start raised to done (last launch)
    std::vector<uint64_t> launch_cycles;       // per launch
    std::vector<uint32_t> initial_memory;      // data memory before the run
    std::vector<uint32_t> memory;              // data memory after it (the model's in cosim)
    uint64_t mismatches = 0;
    std::optional<Mismatch> first_mismatch;
    nlohmann::json utilisation;
    std::string trace_dir;
};

// Throws lockstep::Error for a runaway program, a divergent branch, an address out of range
// or an RTL build failure; a lock-step mismatch is reported in the result instead.
RunResult run_gpu(const Config& config, const Program& program, const RunOptions& options);

nlohmann::json to_json(const RunResult& result);

}  // namespace lockstep::cosim
