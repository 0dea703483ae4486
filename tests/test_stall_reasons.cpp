// Stall reasons (docs/traces.md, "Stall reasons"): one reason per warp and cycle, counted in
// summary.json, written per cycle to utilisation.csv, in lock-step runs (model and RTL record
// the same states, so the same reasons).
#include "cli_testing.h"

#include <gtest/gtest.h>

#include <map>

namespace lockstep::testing {
namespace {

// Reason -> cycles of core 0.
std::map<std::string, unsigned> core0_reasons(const std::string& dir) {
    std::map<std::string, unsigned> seen;
    for (const std::string& reason : utilisation_column(dir, "core0_stall")) ++seen[reason];
    return seen;
}

CliRun traced(const std::string& name, const std::string& source, const std::string& config, const std::string& dir) {
    return run_cli("run " + write_temp(name, source) + " --config " + config + " --json --trace " + dir);
}

// Straight-line code without LDR or STR at memory latency λ: per instruction FETCH lasts 5 + λ
// cycles, DECODE, REQUEST, WAIT and UPDATE one each, EXECUTE one (docs/isa.md, "Timing").
TEST(StallReasons, StraightLineCodeOnPaper) {
    const std::string source = ".threads 4\nCONST R1, #1\nADD R2, R1, R1\nMUL R3, R2, R2\nRET\n";
    for (unsigned latency : {0u, 3u}) {
        const std::string config = write_temp("l" + std::to_string(latency) + ".yaml",
                                              "gpu:\n  cores: 2\nmemory:\n  latency: " + std::to_string(latency) + "\n");
        const std::string dir = temp_path("straight" + std::to_string(latency));
        const CliRun run = traced("straight.asm", source, config, dir);
        ASSERT_EQ(run.status, 0) << run.err;
        EXPECT_EQ(run.json["mismatches"], 0);
        const unsigned n = 4, fetch = 5 + latency;
        const std::map<std::string, unsigned> seen = core0_reasons(dir);
        EXPECT_EQ(seen.at("selected"), n);
        EXPECT_EQ(seen.at("fetch"), n * fetch);
        EXPECT_EQ(seen.at("pipeline"), n * 4);
        EXPECT_EQ(seen.count("memory"), 0u);
        // Core 1 has no block: idle in every record, not sampled.
        const nlohmann::json& pct = run.json["utilisation"]["stall_reasons_pct"];
        const double resident = n * (fetch + 5);
        EXPECT_DOUBLE_EQ(pct["selected"].get<double>(), 100.0 * n / resident);
        EXPECT_DOUBLE_EQ(pct["fetch"].get<double>(), 100.0 * n * fetch / resident);
        EXPECT_DOUBLE_EQ(pct["pipeline"].get<double>(), 100.0 * n * 4 / resident);
        EXPECT_DOUBLE_EQ(pct["memory"].get<double>(), 0.0);
        EXPECT_DOUBLE_EQ(pct["divergence"].get<double>(), 0.0);
    }
}

// A load waits on memory for as long as any LSU of the block is requesting or waiting; a
// longer memory latency adds exactly its cycles per load to `memory` (and to each fetch).
TEST(StallReasons, LoadsWaitOnMemory) {
    const std::string source = ".threads 4\n.data 5 6 7 8\nLDR R1, %threadIdx\nRET\n";
    std::map<unsigned, std::map<std::string, unsigned>> by_latency;
    for (unsigned latency : {0u, 4u}) {
        const std::string config = write_temp("m" + std::to_string(latency) + ".yaml",
                                              "gpu:\n  cores: 1\nmemory:\n  latency: " + std::to_string(latency) + "\n");
        const std::string dir = temp_path("load" + std::to_string(latency));
        const CliRun run = traced("load.asm", source, config, dir);
        ASSERT_EQ(run.status, 0) << run.err;
        EXPECT_EQ(run.json["mismatches"], 0);
        by_latency[latency] = core0_reasons(dir);
        EXPECT_EQ(by_latency[latency]["selected"], 2u);
    }
    EXPECT_GT(by_latency[0]["memory"], 0u);
    // Four loads over four channels at once: the wait grows by the latency once.
    EXPECT_EQ(by_latency[4]["memory"], by_latency[0]["memory"] + 4);
    EXPECT_EQ(by_latency[4]["fetch"], by_latency[0]["fetch"] + 2 * 4);
}

// Every cycle of an instruction that runs with part of the block's lanes is divergence:
// programs/divergent.asm runs 9 instructions per block on half of its lanes (tiny-gpu's shape
// with a reconvergence stack and one warp a core, latency 0).
TEST(StallReasons, DivergentPathsCountAsDivergence) {
    const std::string twin = source_path("tests/fixtures/tiny-gpu-twin.yaml");
    const std::string dir = temp_path("divergent");
    const CliRun run = run_cli("run " + source_path("programs/divergent.asm") + " --config " + twin + " --json --trace " + dir);
    ASSERT_EQ(run.status, 0) << run.err;
    const std::map<std::string, unsigned> seen = core0_reasons(dir);
    // Core 0 runs two blocks; each path instruction takes 10 cycles (no LDR or STR on the paths).
    EXPECT_EQ(seen.at("divergence"), 2u * 9 * 10);
    // 12 full-width instructions per block are selected once each.
    EXPECT_EQ(seen.at("selected"), 2u * 12);
    const std::string branch_free = temp_path("branch-free");
    const CliRun plain = run_cli("run " + source_path("programs/branch_free.asm") + " --config " + twin +
                                 " --json --trace " + branch_free);
    ASSERT_EQ(plain.status, 0) << plain.err;
    EXPECT_DOUBLE_EQ(plain.json["utilisation"]["stall_reasons_pct"]["divergence"].get<double>(), 0.0);
    EXPECT_EQ(core0_reasons(branch_free).at("selected"), 2u * 15);
}

// A tile instruction keeps the core in WAIT for its busy cycles plus one (docs/architecture.md,
// "Timing on paper"): the busy ones (START, LOAD, STORE, COMPUTE) are `tensor`, the last one
// `pipeline`.
TEST(StallReasons, TileInstructionsWaitOnTheTensorCore) {
    const std::string dir = temp_path("tc");
    const CliRun run = run_cli("run " + source_path("programs/matmul_tc_4.asm") + " --config " +
                               source_path("configs/gpu-tc.yaml") + " --json --trace " + dir);
    ASSERT_EQ(run.status, 0) << run.err;
    const std::vector<std::string> reasons = utilisation_column(dir, "core0_stall");
    const std::vector<std::string> tc = utilisation_column(dir, "core0_tc_state");
    ASSERT_EQ(reasons.size(), tc.size());
    unsigned tensor = 0, busy = 0;
    for (size_t i = 0; i < reasons.size(); ++i) {
        tensor += reasons[i] == "tensor";
        busy += tc[i] == "START" || tc[i] == "LOAD" || tc[i] == "STORE" || tc[i] == "COMPUTE";
        if (reasons[i] == "tensor") {
            EXPECT_NE(tc[i], "IDLE") << "record " << i;
        }
    }
    EXPECT_GT(tensor, 0u);
    EXPECT_EQ(tensor, busy);
    double total = 0;
    for (const auto& [reason, share] : run.json["utilisation"]["stall_reasons_pct"].items()) total += share.get<double>();
    EXPECT_NEAR(total, 100.0, 1e-9);
}

}  // namespace
}  // namespace lockstep::testing
