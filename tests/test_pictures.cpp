// The pictures every trace directory gets, and the copies the README embeds: those must be
// what the current build makes from the runs in tools/docs-images.sh, byte for byte.
#include "cli_testing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// "WIDTHxHEIGHT" from a PNG's header, or what is wrong with it.
std::string png_size(const std::string& path) {
    const std::string png = read_text(path);
    if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || png.compare(12, 4, "IHDR") != 0) return "not a PNG";
    auto u32 = [&](size_t at) {
        uint32_t v = 0;
        for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(png[at + i]);
        return v;
    };
    return fmt::format("{}x{}", u32(16), u32(20));
}

// matmul on tiny-gpu: done at cycle 444, so its records are cycles 0..444 (docs/traces.md).
class GpuPictures : public ::testing::Test {
protected:
    static void SetUpTestSuite() { ASSERT_EQ(record_gpu_trace("matmul.asm", dir()), 0); }
    static void TearDownTestSuite() { fs::remove_all(dir()); }
    static std::string dir() { return temp_path("pictures_matmul"); }
};

TEST_F(GpuPictures, EveryPictureNumbersCyclesZeroToTheDoneCycle) {
    const std::string util = read_text(dir() + "/utilisation.svg");
    EXPECT_NE(util.find("programs/matmul.asm: GPU utilisation, cycles 0..444"), std::string::npos) << util.substr(0, 400);
    EXPECT_NE(util.find("text-anchor='middle'>444</text>"), std::string::npos) << "the axis ends at the done cycle";
    EXPECT_NE(util.find("text-anchor='middle'>400</text>"), std::string::npos) << "ticks every 50 cycles";
    EXPECT_NE(util.find("text-anchor='middle'>50</text>"), std::string::npos);
    EXPECT_EQ(util.find("445"), std::string::npos);
    EXPECT_EQ(count_of(util, "<path d="), 4u) << "one lane per series";
    const auto summary = nlohmann::json::parse(read_text(dir() + "/summary.json"));
    EXPECT_EQ(summary["cycles"], 444);
    EXPECT_EQ(summary["last_cycle"], 444);
    const CliRun step = run_cli("step " + dir() + " -e last");
    EXPECT_NE(step.out.find("== cycle 444 (of 0..444) =="), std::string::npos) << step.out;
}

TEST_F(GpuPictures, HeatmapShowsWhatEachThreadSlotDidOverTime) {
    const std::string heat = read_text(dir() + "/heatmap.svg");
    EXPECT_NE(heat.find("programs/matmul.asm: what each thread slot did, cycles 0..444"), std::string::npos);
    for (const char* row : {">core0 t0<", ">core0 t3<", ">core1 t3<"}) EXPECT_NE(heat.find(row), std::string::npos) << row;
    // Each thread's first load: LSU requesting and waiting for 6 cycles, one column per cycle.
    EXPECT_NE(heat.find("<title>core0 t0, cycles 159..164, LSU 6</title>"), std::string::npos);
    EXPECT_NE(heat.find("<title>core0 t3, cycles 159..164, LSU 6</title>"), std::string::npos);
    EXPECT_NE(heat.find("<title>core1 t0, cycles 0..444, no block 445</title>"), std::string::npos)
        << "matmul's one block runs on core 0";
    EXPECT_NE(heat.find("text-anchor='middle'>444</text>"), std::string::npos);
}

TEST_F(GpuPictures, PerfettoHasStateAndThreadTracksPerCore) {
    const auto perfetto = nlohmann::json::parse(read_text(dir() + "/perfetto.json"));
    std::map<std::pair<int, int>, std::string> tracks;
    std::map<int, std::string> processes;
    std::map<std::pair<int, int>, std::vector<nlohmann::json>> slices;
    for (const auto& e : perfetto["traceEvents"]) {
        ASSERT_TRUE(e["ph"] == "X" || e["ph"] == "M" || e["ph"] == "C") << e.dump();
        EXPECT_TRUE(e["pid"].is_number() && e["tid"].is_number() && e["name"].is_string()) << e.dump();
        EXPECT_FALSE(e.contains("args") && !e["args"].is_object()) << "args is an object or absent: " << e.dump();
        if (e["name"] == "thread_name") tracks[{e["pid"], e["tid"]}] = e["args"]["name"];
        if (e["name"] == "process_name") processes[e["pid"]] = e["args"]["name"];
        if (e["ph"] != "X") continue;
        EXPECT_TRUE(e["ts"].is_number_unsigned() && e["dur"].is_number_unsigned() && e["dur"] > 0) << e.dump();
        slices[{e["pid"], e["tid"]}].push_back(e);
    }
    EXPECT_EQ(processes.size(), 3u);
    EXPECT_EQ(processes[1], "GPU: " + source_path("programs/matmul.asm"));
    EXPECT_EQ(processes[2], "core 0");
    EXPECT_EQ(processes[3], "core 1");
    EXPECT_EQ(tracks.at(std::make_pair(2, 1)), "instructions");
    EXPECT_EQ(tracks.at(std::make_pair(2, 2)), "scheduler state");
    EXPECT_EQ(tracks.at(std::make_pair(3, 13)), "thread 3");
    // 41 instructions on core 0, each a slice from its fetch and six scheduler states.
    EXPECT_EQ(slices[std::make_pair(2, 1)].size(), 41u);
    EXPECT_EQ(slices[std::make_pair(2, 1)][0]["name"], "MUL R0, %blockIdx, %blockDim");
    EXPECT_EQ(slices[std::make_pair(2, 1)][0]["ts"], 2);
    EXPECT_EQ(slices[std::make_pair(2, 1)][0]["dur"], 10);
    EXPECT_EQ(slices[std::make_pair(2, 2)].size(), 246u);
    const auto& states = slices[std::make_pair(2, 2)];
    EXPECT_EQ(states[0]["name"], "FETCH");
    EXPECT_EQ(states[0]["ts"], 2);
    EXPECT_EQ(states[0]["dur"], 5);
    EXPECT_EQ(states[1]["name"], "DECODE");
    EXPECT_EQ(states[1]["args"]["instruction"], "MUL R0, %blockIdx, %blockDim");
    EXPECT_EQ(slices.count(std::make_pair(3, 1)), 0u) << "core 1 runs no block";
    // Thread 3 (C[1][1]): 26 ALU operations, loads of A[1][0], B[0][1], A[1][1], B[1][1], the store of 22 at 11.
    size_t alu = 0;
    std::vector<std::string> memory;
    for (const auto& e : slices[std::make_pair(2, 13)]) {
        const std::string name = e["name"];
        if (name.rfind("LSU REQUESTING", 0) == 0) {
            memory.push_back(e["args"]["instruction"].get<std::string>() + " @" + std::to_string(e["args"]["address"].get<int>()) +
                             (e["args"].contains("value") ? "=" + std::to_string(e["args"]["value"].get<int>()) : ""));
        } else if (name.rfind("LSU", 0) != 0) {
            ++alu;
        }
    }
    EXPECT_EQ(alu, 26u);
    EXPECT_EQ(memory, (std::vector<std::string>{"LDR R10, R10 @2", "LDR R11, R11 @5", "LDR R10, R10 @3", "LDR R11, R11 @7",
                                                "STR R9, R8 @11=22"}));
    EXPECT_EQ(perfetto["otherData"]["time_unit"], "1 us = 1 clock cycle");
}

// A tensor-core run (cli_testing.h): every trace file shows the tensor cores, with figures
// derived from the timing contract in docs/architecture.md, "Tensor core".
class TensorCoreTraces : public ::testing::Test {
protected:
    using Run = TensorCoreRun;
    static constexpr unsigned kR = Run::kR, kC = Run::kC, kL = Run::kFold;
    // Busy cycles of TLDA, TLDB, TMMA, TSTC (latency 0: a word a cycle).
    static constexpr unsigned kLda = 1 + kR * kR, kLdb = 1 + kR * kC, kMma = 1 + kL, kStc = 1 + kR * kC;
    // Nine instructions, none LDR or STR: n * 10 + 4 + the busy cycles.
    static constexpr unsigned kCycles = 9 * 10 + 4 + kLda + kLdb + kMma + kStc;

    static void SetUpTestSuite() { ASSERT_EQ(Run::record(dir()), 0); }
    static void TearDownTestSuite() { fs::remove_all(dir()); }
    static std::string dir() { return temp_path("pictures_tensor_core"); }

    // utilisation.csv as rows of cells, the header first.
    static std::vector<std::vector<std::string>> csv() {
        std::vector<std::vector<std::string>> rows;
        std::istringstream lines(read_text(dir() + "/utilisation.csv"));
        for (std::string line; std::getline(lines, line);) {
            std::vector<std::string> cells;
            std::istringstream in(line);
            for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
            rows.push_back(cells);
        }
        return rows;
    }
};

TEST_F(TensorCoreTraces, CsvHasEachTensorCoresPhaseAndBusyPesAndNamesTheTilePorts) {
    const auto rows = csv();
    ASSERT_EQ(rows.size(), kCycles + 2u) << "a header and records 0.." << kCycles;
    const std::vector<std::string>& head = rows[0];
    auto column = [&](const std::string& name) {
        const auto it = std::find(head.begin(), head.end(), name);
        EXPECT_NE(it, head.end()) << name;
        return static_cast<size_t>(it - head.begin());
    };
    EXPECT_EQ(head[7], "core0_stall");
    EXPECT_EQ(head[8], "core0_tc_state") << "after each core's own columns";
    EXPECT_EQ(head[9], "core0_tc_busy_pes");
    EXPECT_EQ(head.back(), "program_ch0_busy");
    EXPECT_EQ(head[head.size() - 3], "tile_port0_busy");
    EXPECT_EQ(head[head.size() - 4], "data_ch3_busy");
    const size_t state = column("core0_tc_state"), busy = column("core0_tc_busy_pes"), idle = column("core1_tc_state");
    // The fold: L records in COMPUTE, the first at t = 0 (nothing ran yet); the record at t = k + 1
    // and the DONE record after the last shows fold cycle k's MACs.
    size_t first = 0;
    while (first < rows.size() && rows[first][state] != "COMPUTE") ++first;
    ASSERT_LT(first + kL, rows.size());
    unsigned total = 0;
    for (unsigned m = 0; m <= kL; ++m) {
        const auto& row = rows[first + m];
        EXPECT_EQ(row[state], m < kL ? "COMPUTE" : "DONE") << "cycle " << row[0];
        EXPECT_EQ(row[busy], std::to_string(m == 0 ? 0 : Run::busy_pes(m - 1))) << "cycle " << row[0];
    }
    for (size_t r = 1; r < rows.size(); ++r) {
        total += static_cast<unsigned>(std::stoul(rows[r][busy]));
        EXPECT_EQ(rows[r][idle], "IDLE") << "core 1 runs no block";
    }
    EXPECT_EQ(total, kR * kR * kC) << "one TMMA: R * R * C MACs";
    EXPECT_EQ(rows[first - 1][state], "START");
}

TEST_F(TensorCoreTraces, SummaryCountsMacsPhasesAndTileWords) {
    const auto summary = nlohmann::json::parse(read_text(dir() + "/summary.json"));
    EXPECT_EQ(summary["cycles"], kCycles);
    const nlohmann::json& u = summary["utilisation"];
    const nlohmann::json& tc = u["tensor_core"];
    EXPECT_EQ(tc["macs"], kR * kR * kC);
    const double core_cycles = 2.0 * kCycles;
    EXPECT_DOUBLE_EQ(tc["mac_utilisation_pct"].get<double>(), 100.0 * kR * kR * kC / (core_cycles * kR * kC));
    EXPECT_EQ(tc["state_cycles"]["COMPUTE"], kL);
    EXPECT_EQ(tc["state_cycles"]["LOAD"], kR * kR + kR * kC);
    EXPECT_EQ(tc["state_cycles"]["STORE"], kR * kC);
    EXPECT_EQ(tc["state_cycles"]["START"], 4);
    EXPECT_DOUBLE_EQ(tc["busy_pct"].get<double>(), 100.0 * (kLda + kLdb + kMma + kStc) / core_cycles);
    EXPECT_DOUBLE_EQ(tc["phase_pct"]["COMPUTE"].get<double>(), 100.0 * kL / core_cycles);
    EXPECT_EQ(tc["tile_words_loaded"], kR * kR + kR * kC);
    EXPECT_EQ(tc["tile_words_stored"], kR * kC);
    EXPECT_EQ(u["data_channel_busy_pct"].size(), 4u) << "the controller's channels only";
    ASSERT_EQ(u["tile_port_busy_pct"].size(), 2u);
    EXPECT_DOUBLE_EQ(u["tile_port_busy_pct"][0].get<double>(), 100.0 * (kR * kR + kR * kC + kR * kC) / kCycles)
        << "a word a cycle";
    EXPECT_EQ(u["tile_port_busy_pct"][1], 0.0);
}

TEST_F(TensorCoreTraces, PicturesAndPerfettoShowTheTensorCores) {
    const std::string util = read_text(dir() + "/utilisation.svg");
    EXPECT_EQ(count_of(util, "<path d="), 6u) << "four lanes and two for the tensor cores";
    EXPECT_NE(util.find("tensor-core PEs multiplying"), std::string::npos);
    const auto perfetto = nlohmann::json::parse(read_text(dir() + "/perfetto.json"));
    std::vector<std::string> phases;
    bool named = false;
    for (const auto& e : perfetto["traceEvents"]) {
        if (e["name"] == "thread_name" && e["pid"] == 2 && e["tid"] == 3) named = e["args"]["name"] == "tensor core";
        if (e["ph"] == "X" && e["pid"] == 2 && e["tid"] == 3) {
            phases.push_back(fmt::format("{} {}", e["name"].get<std::string>(), e["dur"].get<int>()));
        }
        EXPECT_FALSE(e["ph"] == "X" && e["pid"] == 3 && e["tid"] == 3) << "core 1's tensor core stays idle";
    }
    EXPECT_TRUE(named);
    ASSERT_EQ(phases.size(), 12u) << "START, then LOAD, COMPUTE or STORE, then DONE for each of the four";
    EXPECT_EQ(phases[1], fmt::format("LOAD TLDA R0, R1 {}", kR * kR));
    EXPECT_EQ(phases[4], fmt::format("LOAD TLDB R2, R1 {}", kR * kC));
    EXPECT_EQ(phases[6], "START TMMA 1");
    EXPECT_EQ(phases[7], fmt::format("COMPUTE TMMA {}", kL));
    EXPECT_EQ(phases[10], fmt::format("STORE TSTC R3, R1 {}", kR * kC));
    EXPECT_EQ(phases[11].rfind("DONE TSTC R3, R1 ", 0), 0u) << phases[11];
}

TEST_F(TensorCoreTraces, TraceLogAndRunOutputNameTheTensorCore) {
    const std::string log = read_text(dir() + "/trace.log");
    EXPECT_NE(log.find("| tc0 COMPUTE TMMA t=3"), std::string::npos);
    EXPECT_NE(log.find("| tc1 IDLE"), std::string::npos);
    EXPECT_NE(log.find("| tile W@32=" + std::to_string(Run::c(0, 0)) + " -"), std::string::npos) << "the first C word";
    EXPECT_NE(log.find(fmt::format("    tensor COMPUTE TMMA t=3 | base 16 stride 4 | PEs ###./##../#.../.... ({} multiplied)",
                                   Run::busy_pes(2))),
              std::string::npos);
    const CliRun run = run_cli("run " + write_temp("tc_run.asm", Run::kProgram) + " --config " +
                               source_path("configs/gpu-tc.yaml") + " --engine model");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find(fmt::format("  tensor cores: MAC utilisation {:.1f}%", 100.0 * kR * kR * kC / (2.0 * kCycles * kR * kC))),
              std::string::npos) << run.out;
    EXPECT_NE(run.out.find("tile ports busy "), std::string::npos);
}

TEST(ReadmePictures, AreWhatTheCurrentBuildMakes) {
    const std::string out = temp_path("docs_images");
    std::string err;
    ASSERT_EQ(run_shell(source_path("tools/docs-images.sh") + " " + lockstep_binary() + " " + out, nullptr, &err), 0) << err;
    size_t compared = 0;
    for (const auto& made : fs::directory_iterator(out)) {
        const fs::path committed = fs::path(source_path("docs/images")) / made.path().filename();
        ASSERT_TRUE(fs::exists(committed)) << committed << " is missing: run make docs-images";
        if (made.path().extension() == ".png") {   // Chromium's pixels vary with its version and fonts: the size must not
            EXPECT_EQ(png_size(made.path().string()), png_size(committed.string())) << committed;
            EXPECT_EQ(png_size(committed.string()), "1100x1150") << committed;
        } else {
            EXPECT_EQ(read_text(made.path().string()), read_text(committed.string())) << committed << " is stale: run make docs-images";
        }
        ++compared;
    }
    EXPECT_EQ(compared, 5u);
    const std::string readme = read_text(source_path("README.md"));
    for (const char* name : {"gemm-8x8-os-utilisation.svg", "gemm-8x8-os-heatmap.svg", "matmul4x4-utilisation.svg",
                             "matmul4x4-heatmap.svg", "view-matmul.png"}) {
        EXPECT_NE(readme.find(std::string("docs/images/") + name), std::string::npos) << name << " is embedded";
    }
    fs::remove_all(out);
}

TEST(ReadmePictures, HeatmapNamesRowsColumnsAndShares) {
    const std::string dir = temp_path("heatmap");
    ASSERT_EQ(record_gemm_trace("--rows 8 --cols 8 --dataflow os --m 20 --k 16 --n 12", dir), 0);
    const std::string svg = read_text(dir + "/heatmap.svg");
    // os maps M to rows and N to columns: 20 x 12 outputs on 8 x 8 PEs are 3 row folds
    // (8, 8, 4 rows) by 2 column folds (8, 4 columns); a PE multiplies K=16 times in each
    // fold that uses it. The run is 6 folds of K + R + C - 2 = 30 cycles plus 8 drain cycles.
    const double cycles = 6 * 30 + 8;
    auto share = [&](int folds) { return fmt::format("{:.1f}%", 100.0 * folds * 16 / cycles); };
    EXPECT_NE(svg.find("Share of cycles each PE multiplied, % (8x8 os array, M=20 K=16 N=12)"), std::string::npos);
    EXPECT_NE(svg.find("<title>row 0, column 0: " + share(6) + "</title>"), std::string::npos) << svg.substr(0, 3000);
    EXPECT_NE(svg.find("<title>row 0, column 7: " + share(3) + "</title>"), std::string::npos);
    EXPECT_NE(svg.find("<title>row 7, column 0: " + share(4) + "</title>"), std::string::npos);
    EXPECT_NE(svg.find("<title>row 7, column 7: " + share(2) + "</title>"), std::string::npos);
    EXPECT_NE(svg.find("text-anchor='end'>7</text>"), std::string::npos) << "row numbers down the left edge";
    EXPECT_NE(svg.find("text-anchor='middle'>7</text>"), std::string::npos) << "column numbers along the top";

    // The run's 188 records (6 folds of 30 cycles, then 8 drain cycles) are cycles 0..187.
    const std::string util = read_text(dir + "/utilisation.svg");
    EXPECT_NE(util.find("8x8 os array, M=20 K=16 N=12: utilisation, cycles 0..187 (dashed: a fold starts)"), std::string::npos)
        << util.substr(0, 400);
    EXPECT_NE(util.find("text-anchor='middle'>187</text>"), std::string::npos) << "the axis ends at the last cycle";
    EXPECT_EQ(util.find(">188<"), std::string::npos);
    EXPECT_EQ(count_of(util, "stroke-dasharray"), 7u) << "6 fold starts and the drain";
    for (const char* label : {">fold 0<", ">fold 5<", ">drain<"}) EXPECT_NE(util.find(label), std::string::npos) << label;
    const auto summary = nlohmann::json::parse(read_text(dir + "/summary.json"));
    EXPECT_EQ(summary["cycles"], 180);
    EXPECT_EQ(summary["drain_cycles"], 8);
    EXPECT_EQ(summary["last_cycle"], 187);
    const CliRun step = run_cli("step " + dir + " -e last");
    EXPECT_NE(step.out.find("== cycle 187 (of 0..187) =="), std::string::npos) << step.out;

    const auto perfetto = nlohmann::json::parse(read_text(dir + "/perfetto.json"));
    std::vector<std::string> folds;
    for (const auto& e : perfetto["traceEvents"]) {
        EXPECT_FALSE(e.contains("args") && !e["args"].is_object()) << e.dump();
        if (e["ph"] == "X" && e["tid"] == 1) folds.push_back(fmt::format("{} {}+{}", e["name"].get<std::string>(), e["ts"].get<int>(), e["dur"].get<int>()));
    }
    EXPECT_EQ(folds, (std::vector<std::string>{"fold 0 0+30", "fold 1 30+30", "fold 2 60+30", "fold 3 90+30", "fold 4 120+30",
                                               "fold 5 150+30", "output drain 180+8"}));
    fs::remove_all(dir);
}

}  // namespace
}  // namespace lockstep::testing
