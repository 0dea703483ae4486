// Per-cycle traces of a GEMM on the array, written from snapshots so both engines produce
// the same files (docs/traces.md): cycles.csv, pe_activity.txt, SCALE-Sim style buffer
// traces, summary.json.
#pragma once

#include "systolic/systolic_types.h"
#include "trace/snapshot_fields.h"
#include "trace/state_file.h"
#include "trace/trace_dir.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace lockstep::trace {

enum class Phase { Idle, Preload, Fill, Steady, Drain, Done };
const char* phase_name(Phase phase);
// The phase of the cycle whose controller state is `during`.
Phase phase_of(const systolic::SystolicSnapshot& during, const systolic::Mapping& map);

class SystolicTrace {
public:
    static constexpr unsigned kRecent = 16;

    // `dir` empty: count and keep recent lines only.
    SystolicTrace(const std::string& dir, const systolic::ArrayShape& shape, systolic::Dataflow dataflow,
                  const systolic::GemmSize& size);

    // Cycle `cycle`: controller state while it ran (`during`), PE registers and port
    // accesses after its edge (`after`).
    void record(uint64_t cycle, const systolic::SystolicSnapshot& during, const systolic::SystolicSnapshot& after);
    void finish(const nlohmann::json& summary);

    std::vector<std::string> recent_lines() const {
        return recent_.lines([](uint64_t, const std::string& line) { return line; });
    }
    uint64_t records() const { return recorded_; }
    uint64_t mac_count() const { return macs_; }

    // One character per PE after a cycle spent in state `during`: '#' MAC this cycle (only in
    // StRun: the mac flags hold outside it), 'o' holds a moving operand, 'w' holds only its
    // stationary operand, '.' empty.
    static char pe_glyph(systolic::SaState during, const systolic::SystolicSnapshot& s, size_t p);
    // How many PEs did a MAC in a cycle spent in state `during`.
    static uint64_t macs(systolic::SaState during, const systolic::SystolicSnapshot& after);
    // The same from the PE's flags (the GPU's tensor cores draw their grids with it).
    static char pe_glyph(bool mac, bool moving, bool stationary) { return mac ? '#' : moving ? 'o' : stationary ? 'w' : '.'; }

private:
    void write_ports(std::ofstream& out, uint64_t cycle, const std::vector<systolic::PortAccess>& ports);

    TraceDir dir_;
    systolic::ArrayShape shape_;
    systolic::Mapping map_;
    std::ofstream *cycles_ = nullptr, *activity_ = nullptr;   // cycles.csv, pe_activity.txt
    std::ofstream *left_ = nullptr, *top_ = nullptr, *out_ = nullptr;   // the buffer traces
    RecentRecords<std::string> recent_{kRecent};
    uint64_t macs_ = 0, recorded_ = 0;
    SystolicCycle cycle_;                     // scratch
    std::vector<uint32_t> fields_;
};

}  // namespace lockstep::trace
