// Lock-step comparator: the first observable difference between RTL and model.
#pragma once

#include "gpu/gpu_types.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::cosim {

struct Mismatch {
    uint64_t cycle = 0;            // cycles since start was raised (0 = before the first edge)
    std::string unit;              // "core1.thread2.registers", "data_controller.channel0", "gpu"
    std::string signal;            // "R4", "state", "read_address", ...
    std::string rtl;               // value in the RTL (expected)
    std::string model;             // value in the model (got)
    std::string in_flight;         // the instruction (PC and disassembly) of the core concerned
    std::vector<std::string> recent_trace;   // the last trace lines before the difference
};

// The mismatch as JSON (null when there is none), for --json and summary.json.
nlohmann::json to_json(const std::optional<Mismatch>& m);

// Compares in a fixed order (done, cores, threads, data channels, program channels) and
// returns the first difference, or nothing.
std::optional<Mismatch> compare(const gpu::GpuSnapshot& rtl, const gpu::GpuSnapshot& model,
                                unsigned threads_per_block);

// The one-screen report printed when a run stops on a mismatch.
std::string format_report(const Mismatch& mismatch);

}  // namespace lockstep::cosim
