#include "scale/reports.h"

#include "common/error.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace lockstep::scale {

const char* const kComputeReportHeader =
    "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,";
const char* const kBandwidthReportHeader =
    "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, "
    "Avg OFMAP DRAM BW,";
const char* const kDetailedAccessReportHeader =
    "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter Start Cycle, "
    "SRAM Filter Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, "
    "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, DRAM Filter Start Cycle, "
    "DRAM Filter Stop Cycle, DRAM Filter Reads, DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,";

std::string python_float(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    // The shortest round-trip digits, as d.ddde±x; then laid out the way Python's repr does.
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    if (ec != std::errc()) return "nan";
    const std::string sci(buf, end);
    const size_t e = sci.find('e');
    std::string sign, mantissa = sci.substr(0, e);
    if (mantissa[0] == '-') sign = "-", mantissa.erase(0, 1);
    const int exponent = std::stoi(sci.substr(e + 1));
    std::string digits = mantissa.substr(0, 1) + (mantissa.size() > 2 ? mantissa.substr(2) : "");
    if (exponent < -4 || exponent >= 16) {
        std::string out = sign + digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        return out + fmt::format("e{}{:02d}", exponent < 0 ? '-' : '+', std::abs(exponent));
    }
    if (exponent < 0) return sign + "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    const size_t point = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= point) return sign + digits + std::string(point - digits.size(), '0') + ".0";
    return sign + digits.substr(0, point) + "." + digits.substr(point);
}

namespace {

std::string cycle(int64_t c) { return python_float(static_cast<double>(c)); }

std::string access(const Access& a) { return fmt::format("{}, {}, {}", cycle(a.start), cycle(a.stop), a.words); }

}  // namespace

std::string compute_report_line(const LayerReport& r) {
    return fmt::format("{}, {}, {}, {}, {}, {},", r.layer_id, r.total_cycles, r.stall_cycles, python_float(r.overall_util),
                       python_float(r.mapping_efficiency), python_float(r.compute_util));
}

std::string bandwidth_report_line(const LayerReport& r) {
    return fmt::format("{}, {}, {}, {}, {}, {}, {},", r.layer_id, python_float(r.sram_bw[0]), python_float(r.sram_bw[1]),
                       python_float(r.sram_bw[2]), python_float(r.dram_bw[0]), python_float(r.dram_bw[1]),
                       python_float(r.dram_bw[2]));
}

std::string detailed_access_report_line(const LayerReport& r) {
    return fmt::format("{}, {}, {}, {}, {}, {}, {},", r.layer_id, access(r.sram[0]), access(r.sram[1]), access(r.sram[2]),
                       access(r.dram[0]), access(r.dram[1]), access(r.dram[2]));
}

namespace {

// Lockstep's addition, in a file of its own so SCALE-Sim's three stay diffable: the network's
// sums, one line, in the same ", " and trailing-comma layout.
constexpr const char* kTotalsHeader =
    "Layers, Total Cycles, Stall Cycles, MACs, SRAM IFMAP Reads, SRAM Filter Reads, SRAM OFMAP Writes, "
    "DRAM IFMAP Reads, DRAM Filter Reads, DRAM OFMAP Writes,";

std::string totals_line(const std::vector<LayerReport>& layers) {
    int64_t cycles = 0, stalls = 0, sram[3] = {}, dram[3] = {};
    uint64_t macs = 0;
    for (const LayerReport& r : layers) {
        cycles += r.total_cycles, stalls += r.stall_cycles, macs += r.macs;
        for (int i = 0; i < 3; ++i) sram[i] += r.sram[i].words, dram[i] += r.dram[i].words;
    }
    return fmt::format("{}, {}, {}, {}, {}, {}, {}, {}, {}, {},", layers.size(), cycles, stalls, macs, sram[0], sram[1],
                       sram[2], dram[0], dram[1], dram[2]);
}

void write_file(const std::string& path, const std::string& header, const std::vector<std::string>& lines) {
    std::ofstream out(path, std::ios::binary);
    out << header << "\n";
    for (const std::string& line : lines) out << line << "\n";
    if (!out.flush()) throw Error(path + ": cannot write");
}

}  // namespace

std::vector<std::string> write_reports(const std::string& dir, const std::vector<LayerReport>& layers) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw Error(fmt::format("{}: cannot create the report folder: {}", dir, ec.message()));
    std::vector<std::string> compute, bandwidth, detailed;
    for (const LayerReport& r : layers) {
        compute.push_back(compute_report_line(r));
        bandwidth.push_back(bandwidth_report_line(r));
        detailed.push_back(detailed_access_report_line(r));
    }
    const std::vector<std::string> paths = {dir + "/COMPUTE_REPORT.csv", dir + "/BANDWIDTH_REPORT.csv",
                                            dir + "/DETAILED_ACCESS_REPORT.csv", dir + "/NETWORK_TOTALS.csv"};
    write_file(paths[0], kComputeReportHeader, compute);
    write_file(paths[1], kBandwidthReportHeader, bandwidth);
    write_file(paths[2], kDetailedAccessReportHeader, detailed);
    write_file(paths[3], kTotalsHeader, {totals_line(layers)});
    return paths;
}

}  // namespace lockstep::scale
