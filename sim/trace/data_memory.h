// The GPU's data memory at any recorded cycle, rebuilt from a trace: the initial image in
// states.bin's header ("data", with "memory_latency") plus the writes the recorded channel
// requests make, timed as the Memory model answers them (common/memory.h: a request held
// `latency` cycles is answered, and an answered write lands at the edge ending its cycle).
#pragma once

#include "common/config.h"
#include "common/memory.h"
#include "trace/state_file.h"

#include <cstdint>
#include <vector>

namespace lockstep::trace {

class DataMemoryLog {
public:
    // A write that lands at the edge ending record `cycle - 1`: visible from record `cycle`.
    struct Write {
        uint64_t cycle;
        uint32_t address, value;
    };

    // Whether the trace's header has the initial image (traces from before it do not).
    static bool recorded(const nlohmann::json& meta);
    // Throws lockstep::Error naming the file when the header lacks the image.
    DataMemoryLog(StateReader& reader, const GpuConfig& config);

    // The contents at record `cycle`: what a read during that cycle returns.
    std::vector<uint32_t> at(uint64_t cycle);
    // Every write visible by record `cycle` (scans the records up to it once).
    const std::vector<Write>& writes_until(uint64_t cycle);
    const std::vector<Write>& all_writes() { return writes_until(reader_.cycles()); }
    const std::vector<uint32_t>& initial() const { return initial_; }
    size_t words() const { return initial_.size(); }

private:
    StateReader& reader_;
    GpuConfig config_;
    Memory memory_;                  // replays the recorded requests with the run's own timing
    std::vector<uint32_t> initial_;
    std::vector<Write> writes_;
    uint64_t scanned_ = 0;           // records whose requests have been replayed
};

}  // namespace lockstep::trace
