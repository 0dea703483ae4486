// Lock-step machinery: the comparator catches a difference, random kernels agree, and the
// two engines write identical traces.
#include "cli_testing.h"

#include "common/assembler.h"
#include "common/config.h"
#include "common/isa.h"
#include "common/program_generator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>

namespace lockstep::testing {
namespace {

const std::string kTiny = source_path("configs/tiny-gpu.yaml");

// A --json run stopped by one mismatch: its cycle, the unit and signal, and both values.
void expect_register_mismatch(const CliRun& run, unsigned cycle, const std::string& unit, const std::string& rtl,
                              const std::string& model) {
    EXPECT_EQ(run.status, 1) << run.err;
    EXPECT_EQ(run.json["mismatches"], 1);
    const nlohmann::json& m = run.json["first_mismatch"];
    ASSERT_TRUE(m.is_object()) << run.out;
    EXPECT_EQ(m["cycle"], cycle);
    EXPECT_EQ(m["unit"], unit);
    EXPECT_EQ(m["signal"], "R5");
    EXPECT_EQ(m["rtl"], rtl);
    EXPECT_EQ(m["model"], model);
    EXPECT_EQ(m["recent_trace"].size(), 16u);
}

// A model register overwritten after cycle 100 must be reported at cycle 100, naming it.
TEST(Comparator, ReportsTheCycleUnitAndSignalOfAnInjectedFault) {
    const CliRun run = run_cli("run " + source_path("programs/matmul.asm") + " --config " + kTiny +
                               " --json --inject-fault 100:0.1:R5=77");
    expect_register_mismatch(run, 100, "core0.thread1.registers", "8", "77");
    EXPECT_NE(run.err.find("LOCK-STEP MISMATCH at cycle 100"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("core0.thread1.registers"), std::string::npos);
}

// With several resident warps a fault can name any of them (CORE.wWARP.THREAD); the report
// names the warp's unit. A warp the config does not have is refused.
TEST(Comparator, ReportsAFaultInAWarpOtherThanTheFirst) {
    const CliRun run = run_cli("run " + source_path("programs/vecadd_blocks.asm") + " --config " +
                               source_path("configs/gpu-perf.yaml") + " --json --inject-fault 60:1.w1.2:R5=77");
    expect_register_mismatch(run, 60, "core1.warp1.thread2.registers", "0", "77");

    const CliRun tiny = run_cli("run " + source_path("programs/matadd.asm") + " --config " + kTiny +
                                " --inject-fault 40:0.w1.1:R5=7");
    EXPECT_EQ(tiny.status, 2);
    EXPECT_NE(tiny.err.find("needs core < 2, warp < 1, thread < 4, R0..R12 and a value below 2^8"),
              std::string::npos) << tiny.err;
}

TEST(Comparator, NoFaultNoMismatch) {
    const CliRun run = run_cli("run " + source_path("programs/matmul.asm") + " --config " + kTiny + " --json");
    EXPECT_EQ(run.status, 0);
    EXPECT_EQ(run.json["mismatches"], 0);
    EXPECT_TRUE(run.json["first_mismatch"].is_null());
}

// At least 100 random kernels per shape in CI; `lockstep fuzz --seeds 10000` runs more.
TEST(RandomPrograms, HundredSeedsAgreeOnTinyGpu) {
    const CliRun run = run_cli("fuzz --start-seed 1 --seeds 100 --config " + kTiny);
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("fuzz: 100 passed, 0 failed"), std::string::npos) << run.out;
}

TEST(RandomPrograms, HundredSeedsAgreeOn4x8) {
    const CliRun run = run_cli("fuzz --start-seed 1000 --seeds 100 --config " + source_path("configs/gpu-4x8.yaml"));
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("fuzz: 100 passed, 0 failed"), std::string::npos) << run.out;
}

// Tile instructions in lock-step: the tensor core's PE registers, tiles, accumulators and tile
// port on a 4x4 output-stationary and a 2x4 input-stationary core.
TEST(RandomPrograms, HundredSeedsAgreeWithTensorCores) {
    const CliRun run = run_cli("fuzz --start-seed 1 --seeds 100 --config " + source_path("configs/gpu-tc.yaml"));
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("fuzz: 100 passed, 0 failed"), std::string::npos) << run.out;
}

TEST(RandomPrograms, HundredSeedsAgreeWithInputStationaryTensorCores) {
    const std::string config = write_temp("is.yaml", "gpu:\n  cores: 3\n  threads_per_block: 2\n  data_width: 16\n"
                                                     "  data_addr_bits: 9\ntensor_core:\n  rows: 2\n  cols: 4\n"
                                                     "  dataflow: is\n  in_bits: 12\n  acc_bits: 20\nmemory:\n"
                                                     "  latency: 1\n");
    const CliRun run = run_cli("fuzz --start-seed 500 --seeds 100 --config " + config);
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("fuzz: 100 passed, 0 failed"), std::string::npos) << run.out;
}

// Every tile instruction turns up in the random kernels of a GPU with a tensor core, and
// none in those of a GPU without one.
TEST(RandomPrograms, TileInstructionsOnlyWithATensorCore) {
    GpuConfig tc;
    tc.data_width = 16;
    tc.tensor_core.rows = tc.tensor_core.cols = 4;
    std::map<std::string, int> seen;
    for (uint64_t seed = 1; seed <= 100; ++seed) {
        std::istringstream text(generate_program(seed, tc));
        for (std::string line; std::getline(text, line);) ++seen[line.substr(0, line.find(' '))];
        EXPECT_EQ(generate_program(seed, GpuConfig{}).find("\nT"), std::string::npos) << seed;
    }
    for (const char* op : {"TLDA", "TLDB", "TMMA", "TSTC", "TCLR"}) EXPECT_GT(seen[op], 20) << op;
}

// The generator puts other instructions between a CMP and its branch, so a branch has to
// read the NZP register, not whatever the ALU produced last.
TEST(RandomPrograms, SomeBranchesReadFlagsSetInstructionsEarlier) {
    int stale = 0, branches = 0;
    for (uint64_t seed = 1; seed <= 100; ++seed) {
        std::istringstream text(generate_program(seed, GpuConfig{}));
        std::string line, previous;
        while (std::getline(text, line)) {
            if (line.rfind("BR", 0) == 0) {
                ++branches;
                stale += previous.rfind("CMP", 0) != 0;
            }
            if (!line.empty() && line.back() != ':') previous = line;
        }
    }
    EXPECT_GT(branches, 100);
    EXPECT_GT(stale, branches / 4) << "branches not right after their CMP";
}

// The encoding no mnemonic writes, a branch with no condition bits, is in the random kernels
// (as .word) after a real branch, so it runs with NZP set; its target is the CMP before it.
TEST(RandomPrograms, SomeKernelsHaveANeverTakenBranch) {
    int never = 0;
    for (uint64_t seed = 1; seed <= 100; ++seed) {
        const Program program = assemble(generate_program(seed, GpuConfig{}), "<random>", AsmLimits{});
        for (uint16_t word : program.code) {
            const isa::Instruction branch = isa::decode(word);
            if (branch.op != isa::Opcode::Br || branch.nzp != 0) continue;
            ++never;
            EXPECT_EQ(isa::decode(program.code.at(branch.imm)).op, isa::Opcode::Cmp) << "seed " << seed;
        }
    }
    EXPECT_GT(never, 20);
}

// A reset in the middle of a run (--reset-at) leaves nothing behind: the run that follows
// takes the reference cycles and leaves the reference memory, in lock-step.
TEST(Reset, MidRunResetThenTheFullRun) {
    for (uint64_t at : {1u, 150u, 443u}) {
        const CliRun run = run_cli("run " + source_path("programs/matmul.asm") + " --config " + kTiny +
                                   " --json --reset-at " + std::to_string(at));
        ASSERT_EQ(run.status, 0) << at << run.err;
        EXPECT_EQ(run.json["cycles"], 444) << at;
        EXPECT_EQ(run.json["launch_cycles"].size(), 1u) << "the abandoned launch is not counted";
        EXPECT_EQ(memory_of(run.json, 8, 4), (std::vector<uint32_t>{7, 10, 15, 22})) << at;
    }
}

// A failed RTL assertion stops the run like a mismatch: exit 1, its label, file and line,
// the cycle after the edge that sampled it. The RTL here is a copy with one assertion that
// fails as soon as a core executes (LOCKSTEP_RTL_DIR builds it apart from the real one).
TEST(Assertions, AFailedAssertionStopsTheRunLikeAMismatch) {
    namespace fs = std::filesystem;
    const std::string root = temp_path("assert_rtl");
    fs::remove_all(root);
    fs::create_directories(root);
    fs::copy(source_path("rtl"), root + "/rtl", fs::copy_options::recursive);
    const std::string decoder = root + "/rtl/gpu/decoder.sv";
    std::string text = read_text(decoder);
    const size_t end = text.rfind("endmodule");
    ASSERT_NE(end, std::string::npos);
    text.insert(end, "  NeverExecutes: assert property (@(posedge clk_i) core_state_i != CoreExecute)\n"
                     "    else $error(\"a core executed\");\n");
    std::ofstream(decoder) << text;
    const std::string env = "LOCKSTEP_RTL_DIR=" + root + "/rtl LOCKSTEP_RTL_CACHE=" + root + "/cache ";
    std::string out, err;
    const int status = run_shell(env + lockstep_binary() + " run " + source_path("programs/matadd.asm") + " --config " +
                                     kTiny + " --json",
                                 &out, &err);
    EXPECT_EQ(status, 1) << err;
    const nlohmann::json json = nlohmann::json::parse(out, nullptr, false);
    ASSERT_TRUE(json.is_object()) << out << err;
    const nlohmann::json& m = json["first_mismatch"];
    EXPECT_EQ(m["kind"], "assertion");
    EXPECT_EQ(m["assertion"], "NeverExecutes");
    EXPECT_EQ(m["cycle"], 11) << "core 0 executes its first instruction in cycle 10";
    EXPECT_EQ(m["unit"], "gpu.g_core[0].u_core.g_warp[0].u_decoder");
    EXPECT_EQ(m["rtl"], "a core executed");
    EXPECT_NE(m["where"].get<std::string>().find("rtl/gpu/decoder.sv:"), std::string::npos) << m;
    EXPECT_NE(err.find("RTL ASSERTION FAILED at cycle 11"), std::string::npos) << err;
    EXPECT_NE(err.find("assertion: NeverExecutes"), std::string::npos) << err;
    fs::remove_all(root);
}

TEST(Traces, ModelAndRtlWriteIdenticalFiles) {
    const std::string model_dir = temp_path("trace_model");
    const std::string rtl_dir = temp_path("trace_rtl");
    const std::string program = source_path("programs/matmul.asm");
    ASSERT_EQ(run_cli("run " + program + " --config " + kTiny + " --engine model --trace " + model_dir).status, 0);
    ASSERT_EQ(run_cli("run " + program + " --config " + kTiny + " --engine rtl --trace " + rtl_dir).status, 0);
    for (const char* file : {"trace.log", "utilisation.csv"}) {
        const std::string model = read_text(model_dir + "/" + file);
        EXPECT_FALSE(model.empty()) << file;
        EXPECT_EQ(model, read_text(rtl_dir + "/" + file)) << file;
    }
    EXPECT_TRUE(std::filesystem::exists(rtl_dir + "/gpu.vcd"));
    const auto model_summary = nlohmann::json::parse(read_text(model_dir + "/summary.json"));
    const auto rtl_summary = nlohmann::json::parse(read_text(rtl_dir + "/summary.json"));
    EXPECT_EQ(model_summary["utilisation"], rtl_summary["utilisation"]);
    EXPECT_EQ(model_summary["cycles"], 444);
    // One CSV row per cycle, 0 (start raised) to 444 (done), after the header.
    const std::string csv = read_text(model_dir + "/utilisation.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 446);
}

}  // namespace
}  // namespace lockstep::testing
