// What one layer's run reports, and SCALE-Sim v2's three CSV files written from it:
// COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv, laid out and
// formatted as SCALE-Sim writes them, plus NETWORK_TOTALS.csv (Lockstep's own) beside them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::scale {

// One operand's traffic on one side (SRAM or DRAM): first and last cycle, words.
struct Access {
    int64_t start = 0, stop = 0;   // inclusive cycle indices (SCALE-Sim prints them as floats)
    int64_t words = 0;
};

struct LayerReport {
    uint64_t layer_id = 0;               // index in the expanded layer list
    std::string name;
    uint64_t macs = 0;                   // M*N*K as the engine counted it
    int64_t total_cycles = 0;            // SCALE-Sim: the last cycle's index
    int64_t stall_cycles = 0;
    double overall_util = 0, mapping_efficiency = 0, compute_util = 0;   // percent
    double sram_bw[3] = {}, dram_bw[3] = {};                            // ifmap, filter, ofmap; words/cycle
    Access sram[3], dram[3];                                             // ifmap, filter, ofmap
};

// Python's repr() of a float: the shortest digits that read back to `value`, fixed notation for
// decimal exponents -4..15 (with ".0" when integral), else "1e-05" / "1.5e+16" style.
std::string python_float(double value);

// The report lines of one layer, without the header (for tests and the diff script's peers).
std::string compute_report_line(const LayerReport& r);
std::string bandwidth_report_line(const LayerReport& r);
std::string detailed_access_report_line(const LayerReport& r);

extern const char* const kComputeReportHeader;
extern const char* const kBandwidthReportHeader;
extern const char* const kDetailedAccessReportHeader;

// Writes the three SCALE-Sim reports and NETWORK_TOTALS.csv into `dir` (created if needed);
// returns the paths written.
std::vector<std::string> write_reports(const std::string& dir, const std::vector<LayerReport>& layers);

}  // namespace lockstep::scale
