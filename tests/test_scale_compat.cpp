// `lockstep scale --compat scalesim` against SCALE-Sim v2's own reports: every reference case
// in tests/fixtures/scalesim/scalesim-cases.json (each a layer of a SCALE-Sim run, with every
// report value as SCALE-Sim printed it), through the engine and through the command; and the
// Python float formatting the reports need.
#include "cli_testing.h"
#include "scale/compat.h"
#include "scale/network.h"
#include "scale/reports.h"
#include "scale/scale_config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace lockstep::testing {
namespace {

using namespace lockstep::scale;

const nlohmann::json& reference_cases() {
    static const nlohmann::json cases =
        nlohmann::json::parse(read_text(source_path("tests/fixtures/scalesim/scalesim-cases.json")));
    return cases;
}

// A report line's cells, split at ", " with the trailing comma dropped.
std::vector<std::string> cells(const std::string& line) {
    std::vector<std::string> out;
    std::string text = line;
    if (!text.empty() && text.back() == ',') text.pop_back();
    for (size_t at = 0;;) {
        const size_t next = text.find(", ", at);
        out.push_back(text.substr(at, next - at));
        if (next == std::string::npos) return out;
        at = next + 2;
    }
}

// What SCALE-Sim printed for one report of a case, in the header's column order.
std::vector<std::string> printed(const nlohmann::json& c, const std::string& report, const char* header) {
    std::vector<std::string> out;
    for (const std::string& column : cells(header)) out.push_back(c.at(report + "_raw").at(column).get<std::string>());
    return out;
}

TEST(ScaleCompat, EveryReferenceCaseMatchesAsPrinted) {
    ASSERT_EQ(reference_cases().size(), 56u);
    for (const nlohmann::json& c : reference_cases()) {
        const std::string id = c.at("id");
        const std::string cfg = write_temp("case.cfg", c.at("cfg_text").get<std::string>());
        const std::string topo = write_temp("case.csv", c.at("topology_csv_header").get<std::string>() + "\n" +
                                                           c.at("topology_csv_line").get<std::string>() + "\n");
        const bool gemm = c.at("topology_kind") == "gemm";
        std::vector<ConvLayer> layers = read_network(topo, gemm ? TopologyKind::kGemm : TopologyKind::kConv);
        if (!gemm) layers = split_depthwise(layers);
        // A depthwise line becomes several layers; the case is the one of its name.
        const auto layer = std::find_if(layers.begin(), layers.end(), [&](const ConvLayer& l) {
            return l.name == c.at("layer").at("name").get<std::string>();
        });
        ASSERT_NE(layer, layers.end()) << id;
        const LayerReport r = run_compat_layer(read_scale_config(cfg), *layer, c.at("layer_id").get<uint64_t>());
        EXPECT_EQ(cells(compute_report_line(r)), printed(c, "compute_report", kComputeReportHeader)) << id;
        EXPECT_EQ(cells(bandwidth_report_line(r)), printed(c, "bandwidth_report", kBandwidthReportHeader)) << id;
        EXPECT_EQ(cells(detailed_access_report_line(r)), printed(c, "detailed_access_report", kDetailedAccessReportHeader))
            << id;
    }
}

// The cases grouped into their SCALE-Sim runs, each rebuilt as one topology file (a depthwise
// line once) and run through the command: the CSV files must hold SCALE-Sim's cells exactly.
TEST(ScaleCompat, TheCommandWritesEveryRunsReportsAsSCALESimDid) {
    std::map<std::string, std::vector<const nlohmann::json*>> runs;
    for (const nlohmann::json& c : reference_cases()) runs[c.at("run_id")].push_back(&c);
    const std::string out = temp_path("scale_runs");
    for (const auto& [run_id, layers] : runs) {
        const nlohmann::json& first = *layers.front();
        std::string topology = first.at("topology_csv_header").get<std::string>() + "\n", last_line;
        for (const nlohmann::json* c : layers) {
            if (c->at("topology_csv_line") != last_line) topology += c->at("topology_csv_line").get<std::string>() + "\n";
            last_line = c->at("topology_csv_line");
        }
        const std::string cfg = write_temp(run_id + ".cfg", first.at("cfg_text").get<std::string>());
        const std::string topo = write_temp(run_id + ".csv", topology);
        const CliRun run = run_cli("scale --compat scalesim -c " + cfg + " -t " + topo + " -p " + out +
                                   (first.at("topology_kind") == "gemm" ? " -i gemm" : "") + " --jobs 2");
        ASSERT_EQ(run.status, 0) << run_id << ": " << run.err;
        const std::string dir = out + "/" + first.at("cfg").at("run_name").get<std::string>() + "/";
        const std::pair<const char*, const char*> reports[] = {
            {"COMPUTE_REPORT.csv", "compute_report"}, {"BANDWIDTH_REPORT.csv", "bandwidth_report"},
            {"DETAILED_ACCESS_REPORT.csv", "detailed_access_report"}};
        for (const auto& [file, key] : reports) {
            std::istringstream text(read_text(dir + file));
            std::string header, line;
            std::getline(text, header);
            for (const nlohmann::json* c : layers) {
                ASSERT_TRUE(std::getline(text, line)) << run_id << " " << file;
                EXPECT_EQ(cells(line), printed(*c, key, header.c_str())) << run_id << " " << file;
            }
            EXPECT_FALSE(std::getline(text, line)) << run_id << " " << file << " has more lines than layers";
        }
    }
}

TEST(ScaleCompat, ReportHeadersAreSCALESims) {
    const nlohmann::json& c = reference_cases().at(0);
    // The header columns are the keys the reference cases were parsed with.
    for (const auto& [header, key] : {std::pair{kComputeReportHeader, "compute_report_raw"},
                                      std::pair{kBandwidthReportHeader, "bandwidth_report_raw"},
                                      std::pair{kDetailedAccessReportHeader, "detailed_access_report_raw"}}) {
        EXPECT_EQ(cells(header).size(), c.at(key).size()) << header;
        for (const std::string& column : cells(header)) EXPECT_TRUE(c.at(key).contains(column)) << column;
    }
    EXPECT_EQ(std::string(kComputeReportHeader).back(), ',');
}

TEST(ScaleCompat, JsonHasEveryLayerAndTheTotals) {
    const nlohmann::json& c = reference_cases().at(0);
    const std::string cfg = write_temp("json.cfg", c.at("cfg_text").get<std::string>());
    const std::string topo = write_temp("json.csv", "header\n" + c.at("topology_csv_line").get<std::string>() + "\n" +
                                                        "second, 8, 8, 3, 3, 2, 4, 1\n");
    const CliRun run = run_cli("scale --compat scalesim -c " + cfg + " -t " + topo + " -p " + temp_path("json_out") + " --json");
    ASSERT_EQ(run.status, 0) << run.err;
    ASSERT_EQ(run.json.at("layers").size(), 2u);
    const nlohmann::json& layer = run.json.at("layers").at(0);
    EXPECT_EQ(layer.at("total_cycles"), c.at("compute_report").at("Total Cycles"));
    EXPECT_EQ(layer.at("overall_util_pct"), c.at("compute_report").at("Overall Util %"));
    EXPECT_EQ(layer.at("dram").at("ofmap").at("writes"), c.at("detailed_access_report").at("DRAM OFMAP Writes"));
    EXPECT_EQ(run.json.at("layers").at(1).at("name"), "second");
    EXPECT_EQ(run.json.at("totals").at("total_cycles"),
              layer.at("total_cycles").get<int64_t>() + run.json.at("layers").at(1).at("total_cycles").get<int64_t>());
    EXPECT_TRUE(std::filesystem::exists(run.json.at("report_dir").get<std::string>() + "/NETWORK_TOTALS.csv"));
}

TEST(PythonFloat, FormatsAsPythonsRepr) {
    EXPECT_EQ(python_float(0.1), "0.1");
    EXPECT_EQ(python_float(1e-05), "1e-05");
    EXPECT_EQ(python_float(0.0001), "0.0001");
    EXPECT_EQ(python_float(0.00012345), "0.00012345");
    EXPECT_EQ(python_float(100.0), "100.0");
    EXPECT_EQ(python_float(1e16), "1e+16");
    EXPECT_EQ(python_float(1.5e16), "1.5e+16");
    EXPECT_EQ(python_float(1234567890123456.0), "1234567890123456.0");
    EXPECT_EQ(python_float(82.05128205128196), "82.05128205128196");
    EXPECT_EQ(python_float(0.0), "0.0");
    EXPECT_EQ(python_float(-512.0), "-512.0");
    EXPECT_EQ(python_float(-1.0), "-1.0");
    EXPECT_EQ(python_float(2.0 / 3.0), "0.6666666666666666");
    EXPECT_EQ(python_float(1e300), "1e+300");
    EXPECT_EQ(python_float(5e-324), "5e-324");
    EXPECT_EQ(python_float(123.456e-10), "1.23456e-08");
}

}  // namespace
}  // namespace lockstep::testing
