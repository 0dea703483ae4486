// Warps (docs/architecture.md, "Warps"): several resident blocks a core, one front end given to
// one warp at a time by round robin or greedy-then-oldest, in lock-step (model vs RTL); results
// checked against each thread run alone, cycles against the documented timing.
#include "cli_testing.h"
#include "common/assembler.h"
#include "common/config.h"
#include "common/error.h"
#include "common/thread_interpreter.h"

#include <gtest/gtest.h>

#include <map>

namespace lockstep::testing {
namespace {

std::string warps_config(const std::string& name, unsigned cores, unsigned warps, const std::string& scheduler,
                         const std::string& memory = "") {
    return write_temp(name, "gpu:\n  cores: " + std::to_string(cores) + "\n  threads_per_block: 4\n  data_channels: 8\n"
                            "warps:\n  count: " + std::to_string(warps) + "\n  scheduler: " + scheduler + "\n" + memory);
}

// The first record in which a warp is DONE.
size_t first_done(const std::vector<std::string>& states) {
    return static_cast<size_t>(std::find(states.begin(), states.end(), "DONE") - states.begin());
}

// Straight-line code without LDR or STR holds the front end for every cycle of every
// instruction (10 at latency 0), so W resident blocks on one core take W * n * 10 + 4 cycles
// (the 4: the dispatcher starts the warps, and sees the last done), whatever the policy; one
// warp would also pay a reset and start between blocks. The policies differ in the order:
// greedy-then-oldest runs block 0 to its end first, round robin alternates instructions.
TEST(Warps, StraightLineCodeSharesTheFrontEnd) {
    const std::string source = ".threads 8\nCONST R1, #1\nADD R2, R1, R1\nMUL R3, R2, R2\nRET\n";
    std::map<std::string, std::vector<std::string>> warp0, warp1;
    for (const char* policy : {"rr", "gto"}) {
        const std::string dir = temp_path(std::string("straight-") + policy);
        const CliRun run = run_cli("run " + write_temp("straight.asm", source) + " --config " +
                                   warps_config(std::string("w2") + policy + ".yaml", 1, 2, policy) + " --json --trace " + dir);
        ASSERT_EQ(run.status, 0) << run.err;
        EXPECT_EQ(run.json["mismatches"], 0);
        EXPECT_EQ(run.json["cycles"], 2 * 4 * 10 + 4) << policy;
        warp0[policy] = utilisation_column(dir, "core0.warp0_state");
        warp1[policy] = utilisation_column(dir, "core0.warp1_state");
    }
    // gto: block 0 (warp 0) issues its 4 instructions first and is done after 40 cycles + 2.
    EXPECT_EQ(first_done(warp0["gto"]), 2u + 4 * 10);
    EXPECT_EQ(first_done(warp1["gto"]), 2u + 8 * 10);
    // rr: the warps take turns, warp 1 first (the turn starts after last_q = 0).
    EXPECT_EQ(first_done(warp1["rr"]), 2u + 7 * 10);
    EXPECT_EQ(first_done(warp0["rr"]), 2u + 8 * 10);
}

// Blocks go to contexts warp-major: block b to core b mod cores, warp b / cores.
TEST(Warps, BlocksSpreadOverCoresBeforeWarps) {
    const std::string source = ".threads 16\nRET\n";
    const std::string dir = temp_path("spread");
    const CliRun run = run_cli("run " + write_temp("spread.asm", source) + " --config " +
                               warps_config("spread.yaml", 2, 2, "rr") + " --json --trace " + dir);
    ASSERT_EQ(run.status, 0) << run.err;
    std::ifstream log(dir + "/trace.log");
    std::string line, cycle2;
    for (bool in = false; std::getline(log, line);) {
        if (line.rfind("cycle ", 0) == 0) in = line.rfind("cycle      2 ", 0) == 0;
        if (in && line.rfind("  core", 0) == 0) cycle2 += line.substr(0, line.find(" threads")) + "\n";
    }
    EXPECT_EQ(cycle2, "  core0.warp0 block 0\n  core1.warp0 block 1\n  core0.warp1 block 2\n  core1.warp1 block 3\n");
}

// A slow data memory: more resident warps hide the wait, and a warp that is ready while
// another holds the front end is "not selected". Results against each thread run alone.
TEST(Warps, MoreWarpsHideMemoryLatency) {
    const std::string path = source_path("programs/memory_bound.asm");
    const Program program = assemble_file(path, AsmLimits{});
    std::map<unsigned, uint64_t> cycles;
    for (unsigned warps : {1u, 2u, 4u}) {
        const std::string config_path = warps_config("slow" + std::to_string(warps) + ".yaml", 2, warps, "gto",
                                                     "memory:\n  data_latency: 16\n");
        const CliRun run = run_cli("run " + path + " --config " + config_path + " --json");
        ASSERT_EQ(run.status, 0) << run.err;
        EXPECT_EQ(run.json["mismatches"], 0);
        cycles[warps] = run.json["cycles"];
        const std::vector<uint32_t> alone = run_threads_alone(program, load_config(config_path).gpu, program.data);
        EXPECT_EQ(memory_of(run.json, 0, alone.size()), alone) << warps << " warps";
        const double not_selected = run.json["utilisation"]["stall_reasons_pct"]["not_selected"];
        if (warps == 1) {
            EXPECT_EQ(not_selected, 0.0);
        } else {
            EXPECT_GT(not_selected, 0.0) << warps << " warps";
        }
    }
    EXPECT_LT(cycles[2], cycles[1]);
    EXPECT_LT(cycles[4], cycles[2]);
}

// Divergent kernels on several warps: each warp keeps its own reconvergence stack.
TEST(Warps, EachWarpDivergesOnItsOwn) {
    for (const char* config : {"configs/gpu-perf.yaml", "configs/gpu-perf-4x8.yaml"}) {
        const std::string path = source_path("programs/divergent.asm");
        const CliRun run = run_cli("run " + path + " --config " + source_path(config) + " --json");
        ASSERT_EQ(run.status, 0) << run.err;
        EXPECT_EQ(run.json["mismatches"], 0);
        const Program program = assemble_file(path, AsmLimits{});
        const std::vector<uint32_t> alone =
            run_threads_alone(program, load_config(source_path(config)).gpu, program.data);
        EXPECT_EQ(memory_of(run.json, 0, alone.size()), alone) << config;
    }
}

// memory.bandwidth answers at most that many data requests a cycle: the same results, more
// cycles; memory.data_latency slows data memory alone (the fetches keep memory.latency).
TEST(Warps, DataMemoryBandwidthAndLatency) {
    const std::string path = source_path("programs/memory_bound.asm");
    std::map<std::string, nlohmann::json> runs;
    for (const auto& [name, memory] : std::map<std::string, std::string>{
             {"free", ""},
             {"narrow", "memory:\n  bandwidth: 1\n"},
             {"slow", "memory:\n  data_latency: 8\n"},
             {"all slow", "memory:\n  latency: 8\n"}}) {
        const CliRun run = run_cli("run " + path + " --config " +
                                   warps_config("mem-" + std::to_string(runs.size()) + ".yaml", 2, 2, "gto", memory) +
                                   " --json");
        ASSERT_EQ(run.status, 0) << name << ": " << run.err;
        EXPECT_EQ(run.json["mismatches"], 0) << name;
        runs[name] = run.json;
    }
    for (const auto& [name, json] : runs) EXPECT_EQ(memory_of(json, 96, 32), memory_of(runs["free"], 96, 32)) << name;
    EXPECT_GT(runs["narrow"]["cycles"].get<uint64_t>(), runs["free"]["cycles"].get<uint64_t>());
    EXPECT_GT(runs["slow"]["cycles"].get<uint64_t>(), runs["free"]["cycles"].get<uint64_t>());
    EXPECT_GT(runs["all slow"]["cycles"].get<uint64_t>(), runs["slow"]["cycles"].get<uint64_t>());
}

TEST(Warps, ConfigSectionErrors) {
    EXPECT_EQ(config_error("warps:\n  scheduler: rr\n"), "c.yaml:1: warps: 'count' is required (resident warps per core, 1..8)");
    EXPECT_NE(config_error("warps:\n  count: 9\n").find("c.yaml:2:"), std::string::npos);
    EXPECT_NE(config_error("warps:\n  count: 2\n  scheduler: lrr\n").find("c.yaml:3:"), std::string::npos);
    EXPECT_EQ(config_error("tensor_core:\n  rows: 2\n  cols: 2\nwarps:\n  count: 2\n"),
              "c.yaml:4: warps: more than one warp per core is not available with a tensor_core section yet (one "
              "tensor core would serve several warps); remove one of the two sections or use count: 1");
    const Config one = parse_config("tensor_core:\n  rows: 2\n  cols: 2\nwarps:\n  count: 1\n", "c.yaml");
    EXPECT_FALSE(one.gpu.warps());
    const Config gto = parse_config("warps:\n  count: 3\n  scheduler: gto\n", "c.yaml");
    EXPECT_EQ(gto.gpu.warps_per_core, 3u);
    EXPECT_EQ(gto.gpu.warp_scheduler, "gto");
    EXPECT_EQ(parse_config("warps:\n  count: 2\n", "c.yaml").gpu.warp_scheduler, "rr");
    EXPECT_NE(config_error("memory:\n  bandwidth: 65\n").find("c.yaml:2:"), std::string::npos);
    EXPECT_NE(config_error("memory:\n  data_latency: 65\n").find("c.yaml:2:"), std::string::npos);
    const Config memory = parse_config("memory:\n  latency: 3\n", "c.yaml");
    EXPECT_EQ(memory.memory.data_memory_latency(), 3u);
    EXPECT_EQ(parse_config("memory:\n  latency: 3\n  data_latency: 0\n", "c.yaml").memory.data_memory_latency(), 0u);
}

}  // namespace
}  // namespace lockstep::testing
