// Lock-step machinery: the comparator catches a difference, random kernels agree, and the
// two engines write identical traces.
#include "gpu_testing.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace lockstep::testing {
namespace {

const std::string kTiny = source_path("configs/tiny-gpu.yaml");

// A model register overwritten after cycle 100 must be reported at cycle 100, naming it.
TEST(Comparator, ReportsTheCycleUnitAndSignalOfAnInjectedFault) {
    const CliRun run = run_cli("run " + source_path("programs/matmul.asm") + " --config " + kTiny +
                               " --json --inject-fault 100:0.1:R5=77");
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.json["mismatches"], 1);
    const nlohmann::json& m = run.json["first_mismatch"];
    ASSERT_TRUE(m.is_object()) << run.out;
    EXPECT_EQ(m["cycle"], 100);
    EXPECT_EQ(m["unit"], "core0.thread1.registers");
    EXPECT_EQ(m["signal"], "R5");
    EXPECT_EQ(m["rtl"], "8");
    EXPECT_EQ(m["model"], "77");
    EXPECT_EQ(m["recent_trace"].size(), 16u);
    EXPECT_NE(run.err.find("LOCK-STEP MISMATCH at cycle 100"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("core0.thread1.registers"), std::string::npos);
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
