// A streamed layer as a design of the lock-step driver: the array's job runs tile by tile
// through its SRAMs from a DRAM in the harness (docs/systolic.md, "Streamed layers"), on the
// model, the RTL, or both in lock-step.
#pragma once

#include "common/config.h"
#include "cosim/driver.h"
#include "cosim/systolic_engine.h"
#include "systolic/systolic_types.h"

#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::cosim {

struct StreamRequest {
    systolic::StreamJob job;
    std::vector<int32_t> dram;        // initial DRAM: ifmap, filter (and room for the ofmap)
    unsigned dram_latency = 1;        // cycles from a read request to its response, >= 1
};

struct StreamOptions : DriverOptions<PeFault> {
    bool fast = true;                 // the model alone runs without observing each cycle (tests turn it off)
    // Called every 65536 cycles of the fast path with the cycles and tiles so far (a progress line).
    std::function<void(uint64_t cycles, uint64_t tiles)> on_progress;
};

// Why the array did not compute in a cycle (docs/systolic.md, "Figures of a streamed layer").
enum class StallReason : uint8_t { Compute = 0, Fill, Operands, Output, Handoff, Drain };
inline constexpr size_t kStallReasons = 6;
const char* name(StallReason r);

// One kind of access over a layer: the cycles (numbered from 1, the cycle that samples the
// job's start) of the first and the last, and the words moved; first = 0 when there was none.
struct AccessSpan {
    uint64_t first = 0, last = 0, words = 0;
    void add(uint64_t cycle, uint64_t count) {
        if (count == 0) return;
        if (words == 0) first = cycle;
        last = cycle;
        words += count;
    }
};

// Operands in SCALE-Sim's report order.
enum Operand : size_t { kIfmap = 0, kFilter = 1, kOfmap = 2 };

struct StreamResult {
    Engine engine = Engine::Cosim;
    uint64_t cycles = 0;              // edges from the one sampling job_start to the one entering SqDone
    std::vector<uint64_t> launch_cycles;   // the same per launch (options.launches runs the job again)
    std::array<uint64_t, kStallReasons> reason_cycles{};   // per reason; [Compute] = StRun + StDrain cycles
    uint64_t stall_cycles() const { return cycles - reason_cycles[0]; }
    uint64_t tiles = 0;
    std::array<AccessSpan, 3> sram;   // the array's reads of A (ifmap) and B (filter), its writes of C
    std::array<AccessSpan, 3> dram;   // the loaders' reads and the storer's writes
    uint64_t mac_count = 0;           // real MACs (the PEs' mac flags)
    std::vector<int32_t> dram_words;  // the DRAM afterwards (the ofmap in it)
    bool stopped = false;
    uint64_t mismatches = 0;
    std::optional<Mismatch> first_mismatch;
};

// Checks the job against the array's shape (halves fit the buffers, lanes, sizes); throws Error.
void check_stream_job(const systolic::ArrayShape& shape, const systolic::StreamJob& job);

StreamResult run_stream(const Config& config, const StreamRequest& request, const StreamOptions& options);

nlohmann::json to_json(const StreamResult& result);

}  // namespace lockstep::cosim
