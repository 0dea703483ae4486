// `lockstep scale` without --compat: layers of a SCALE-Sim topology run on the array as
// streamed layers, their ofmaps checked, SCALE-Sim's reports filled with the run's figures
// (docs/scalesim.md, "Default mode").
#include "cli_testing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lockstep::testing {
namespace {

// A 4x4 array: its default-mode build is configs/systolic.yaml's, which rtl_prebuilt makes.
std::string cfg(const std::string& name, const std::string& dataflow, unsigned sram_kb, const std::string& bandwidth,
                const std::string& mode = "USER") {
    return write_temp(name + ".cfg", fmt::format("[general]\nrun_name = {}\n[architecture_presets]\nArrayHeight: 4\n"
                                                 "ArrayWidth: 4\nIfmapSramSzkB: {}\nFilterSramSzkB: {}\nOfmapSramSzkB: {}\n"
                                                 "IfmapOffset: 0\nFilterOffset: 10000000\nOfmapOffset: 20000000\n"
                                                 "Bandwidth: {}\nDataflow: {}\n[run_presets]\nInterfaceBandwidth: {}\n",
                                                 name, sram_kb, sram_kb, sram_kb, bandwidth, dataflow, mode));
}

constexpr const char* kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

std::vector<std::vector<std::string>> csv(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::vector<std::string>> rows;
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream s(line);
        for (std::string cell; std::getline(s, cell, ',');) cells.push_back(cell.substr(cell.find_first_not_of(' ') == std::string::npos ? 0 : cell.find_first_not_of(' ')));
        rows.push_back(cells);
    }
    return rows;
}

// One 4x4x4 GEMM tile, os, 4 lanes, latency 1 (docs/systolic.md, "Figures"):
// ceil(16/4) + 1 + 3 + F*L + R + ceil(16/4) = 4 + 1 + 3 + 10 + 4 + 4 = 26 cycles, 14 computing.
TEST(ScaleArray, AOneTileGemmTakesTheCyclesOfTheContract) {
    const std::string topo = write_temp("one_tile.csv", "Layer name, M, N, K,\ng, 4, 4, 4,\n");
    const CliRun run = run_cli("scale -c " + cfg("one_tile", "os", 1, "4") + " -t " + topo + " -i gemm -p " +
                               temp_path("one_tile_out") + " --json");
    ASSERT_EQ(run.status, 0) << run.err;
    const nlohmann::json& layer = run.json.at("layers").at(0);
    EXPECT_EQ(layer.at("total_cycles"), 26);
    EXPECT_EQ(layer.at("stall_cycles"), 12);
    EXPECT_EQ(layer.at("macs"), 64);
    EXPECT_EQ(layer.at("lockstep").at("compute_cycles"), 14);
    EXPECT_EQ(layer.at("lockstep").at("ofmap_ok"), true);
    EXPECT_EQ(layer.at("dram").at("ofmap").at("writes"), 16);
    EXPECT_EQ(layer.at("dram").at("ifmap").at("reads"), 16);
    EXPECT_DOUBLE_EQ(layer.at("overall_util_pct").get<double>(), 100.0 * 64 / (26 * 16));
    EXPECT_TRUE(run.json.at("all_ok"));
}

// Conv layers (one strided, one depthwise) through 1 kB SRAMs at 1 word a cycle, on the model
// and in lock-step with the RTL: the same reports, every ofmap right, no mismatch.
TEST(ScaleArray, ConvLayersRunInLockStepThroughSmallSrams) {
    const std::string topo = write_temp("convs.csv", std::string(kConvHeader) + "c1, 12, 12, 3, 3, 8, 16, 1,\n"
                                                                                 "c2, 11, 11, 3, 3, 4, 8, 2,\n"
                                                                                 "dw_DP, 8, 8, 3, 3, 3, 1, 1,\n");
    for (const char* df : {"os", "ws", "is"}) {
        const std::string config = cfg(std::string("convs_") + df, df, 1, "1");
        const std::string out = temp_path(std::string("convs_out_") + df);
        const CliRun model = run_cli("scale -c " + config + " -t " + topo + " -p " + out + " --json");
        ASSERT_EQ(model.status, 0) << model.err;
        const CliRun cosim = run_cli("scale -c " + config + " -t " + topo + " -p " + out + " --json --engine cosim");
        ASSERT_EQ(cosim.status, 0) << cosim.err;
        ASSERT_EQ(cosim.json.at("layers").size(), 5u) << "c1, c2 and three channels of dw_DP";
        for (size_t i = 0; i < 5; ++i) {
            const nlohmann::json& m = model.json.at("layers").at(i);
            const nlohmann::json& c = cosim.json.at("layers").at(i);
            EXPECT_EQ(c.at("lockstep").at("mismatches"), 0) << df << " layer " << i;
            EXPECT_EQ(c.at("lockstep").at("ofmap_ok"), true) << df << " layer " << i;
            EXPECT_EQ(c.at("total_cycles"), m.at("total_cycles")) << df << " layer " << i;
            EXPECT_GT(m.at("stall_cycles").get<int64_t>(), 0) << df << " layer " << i;
        }
        EXPECT_EQ(cosim.json.at("layers").at(1).at("lockstep").at("ofmap_h"), 5) << "floor((11 - 3) / 2) + 1";
        EXPECT_EQ(cosim.json.at("layers").at(2).at("name"), "dw_DPChannel_0");
        const auto report = csv(out + "/convs_" + df + "/LOCKSTEP_REPORT.csv");
        ASSERT_EQ(report.size(), 6u);
        EXPECT_EQ(report[1][1], "c1");
        EXPECT_EQ(report[1][20], "yes") << "Ofmap OK";
    }
}

// Lower bandwidth, more stalls; --bandwidth overrides the cfg; CALC uses max(AH, AW).
TEST(ScaleArray, BandwidthSetsTheStalls) {
    const std::string topo = write_temp("bw.csv", std::string(kConvHeader) + "c, 10, 10, 3, 3, 8, 8, 1,\n");
    auto stalls = [&](const std::string& config, const std::string& extra) {
        const CliRun run = run_cli("scale -c " + config + " -t " + topo + " -p " + temp_path("bw_out") + " --json " + extra);
        EXPECT_EQ(run.status, 0) << run.err;
        return run.json.at("layers").at(0).at("stall_cycles").get<int64_t>();
    };
    const std::string user = cfg("bw_user", "ws", 1, "1");
    EXPECT_GT(stalls(user, ""), stalls(user, "--bandwidth 4"));
    EXPECT_EQ(stalls(cfg("bw_calc", "ws", 1, "1", "CALC"), ""), stalls(user, "--bandwidth 4"));
}

TEST(ScaleArray, DataFilesReplaceTheRandomOperandsAndAreChecked) {
    const std::string dir = temp_path("scale_data");
    std::filesystem::create_directories(dir);
    const std::string topo = write_temp("data.csv", std::string(kConvHeader) + "c, 3, 3, 2, 2, 1, 1, 1,\n");
    std::ofstream(dir + "/c.ifmap.csv") << "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    std::ofstream(dir + "/c.filter.csv") << "1, 0, 0, 1\n";
    const std::string config = cfg("data", "os", 1, "2");
    const CliRun run = run_cli("scale -c " + config + " -t " + topo + " -p " + temp_path("data_out") + " --json --data " + dir);
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json.at("layers").at(0).at("lockstep").at("ofmap_ok"), true);
    std::ofstream(dir + "/c.filter.csv") << "1, 0, 0\n";
    const CliRun bad = run_cli("scale -c " + config + " -t " + topo + " -p " + temp_path("data_out") + " --data " + dir);
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("c.filter.csv: layer c needs 1 row of 4 values, the file has 1 row of 3"), std::string::npos) << bad.err;
    std::ofstream(dir + "/c.filter.csv") << "1, 0, 0, 300\n";
    const CliRun range = run_cli("scale -c " + config + " -t " + topo + " -p " + temp_path("data_out") + " --data " + dir);
    EXPECT_EQ(range.status, 2);
    EXPECT_NE(range.err.find("c.filter.csv:1: 300 out of range -128..127"), std::string::npos) << range.err;
}

TEST(ScaleArray, BadOptionsAreClearErrors) {
    const std::string topo = write_temp("opts.csv", std::string(kConvHeader) + "c, 3, 3, 2, 2, 1, 1, 1,\n");
    const std::string config = cfg("opts", "os", 1, "2");
    const std::string base = "scale -c " + config + " -t " + topo + " -p " + temp_path("opts_out");
    const CliRun compat = run_cli(base + " --compat scalesim --engine cosim");
    EXPECT_EQ(compat.status, 2);
    EXPECT_NE(compat.err.find("--engine runs the layers on the array: not with --compat scalesim"), std::string::npos)
        << compat.err;
    const CliRun engine = run_cli(base + " --engine fpga");
    EXPECT_EQ(engine.status, 2);
    EXPECT_NE(engine.err.find("fpga"), std::string::npos) << engine.err;
    const CliRun data = run_cli(base + " --data /nonexistent/folder");
    EXPECT_EQ(data.status, 2);
    EXPECT_NE(data.err.find("/nonexistent/folder: not a folder"), std::string::npos) << data.err;
    const CliRun limit = run_cli(base + " --max-cycles 5");
    EXPECT_EQ(limit.status, 2);
    EXPECT_NE(limit.err.find("did not finish within 5 cycles"), std::string::npos) << limit.err;
}

}  // namespace
}  // namespace lockstep::testing
