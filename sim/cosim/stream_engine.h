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

using StreamOptions = DriverOptions<PeFault>;

// Why the array did not compute in a cycle (docs/systolic.md, "Figures of a streamed layer").
enum class StallReason : uint8_t { Compute = 0, Fill, Operands, Output, Handoff, Drain };
inline constexpr size_t kStallReasons = 6;
const char* name(StallReason r);

struct StreamResult {
    Engine engine = Engine::Cosim;
    uint64_t cycles = 0;              // edges from the one sampling job_start to the one entering SqDone
    std::array<uint64_t, kStallReasons> reason_cycles{};   // per reason; [Compute] = StRun + StDrain cycles
    uint64_t stall_cycles() const { return cycles - reason_cycles[0]; }
    uint64_t tiles = 0;
    uint64_t dram_reads_a = 0, dram_reads_b = 0, dram_writes = 0;   // words
    uint64_t sram_reads_a = 0, sram_reads_b = 0, sram_writes_c = 0;   // the array's valid edge accesses
    uint64_t mac_count = 0;           // real MACs (the PEs' mac flags)
    std::vector<int32_t> dram;        // the DRAM afterwards (the ofmap in it)
    bool stopped = false;
    uint64_t mismatches = 0;
    std::optional<Mismatch> first_mismatch;
};

// Checks the job against the array's shape (halves fit the buffers, lanes, sizes); throws Error.
void check_stream_job(const systolic::ArrayShape& shape, const systolic::StreamJob& job);

StreamResult run_stream(const Config& config, const StreamRequest& request, const StreamOptions& options);

nlohmann::json to_json(const StreamResult& result);

}  // namespace lockstep::cosim
