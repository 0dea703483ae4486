// The trace of a streamed layer (docs/traces.md, "Streamed layers"): per cycle, where the
// tile pipeline is (sequencer, array, stall reason, tile), how busy the PEs are and how many
// words each DRAM interface and SRAM moves. trace.log (the first cycles), stream.csv (every
// cycle), states.bin (kind "stream", for the pictures) and summary.json.
#pragma once

#include "systolic/systolic_types.h"
#include "trace/state_file.h"
#include "trace/trace_dir.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::trace {

// One cycle of a streamed layer, as stored in states.bin (fields in this order).
struct StreamCycle {
    uint32_t sequencer = 0, array = 0, reason = 0, active_pes = 0, tile = 0;
    uint32_t dram[3] = {}, sram[3] = {};   // words per operand: ifmap, filter, ofmap
    static constexpr size_t kFields = 11;
    std::vector<uint32_t> fields() const;
    static StreamCycle from(const std::vector<uint32_t>& fields);
};

class StreamTrace {
public:
    static constexpr unsigned kRecent = 16;

    // `dir` empty: keep the recent lines only. `reasons`: the stall reasons' names by number.
    StreamTrace(const std::string& dir, const systolic::ArrayShape& shape, const systolic::StreamJob& job,
                std::vector<std::string> reasons);

    void record(uint64_t cycle, const StreamCycle& c);
    void finish(const nlohmann::json& summary);

    std::vector<std::string> recent_lines() const {
        return recent_.lines([](uint64_t, const std::string& line) { return line; });
    }
    uint64_t records() const { return recorded_; }

private:
    std::string line(uint64_t cycle, const StreamCycle& c) const;

    TraceDir dir_;
    systolic::ArrayShape shape_;
    std::vector<std::string> reasons_;
    std::ofstream* log_ = nullptr;
    std::ofstream* csv_ = nullptr;
    uint64_t recorded_ = 0;
    RecentRecords<std::string> recent_{kRecent};
};

// utilisation.svg of a stream trace: PEs multiplying, stalled cycles and each DRAM interface's use.
void stream_pictures(const std::string& dir, StateReader& reader);

}  // namespace lockstep::trace
