// The SystemC model in-process: its module tree, reuse across runs, and memory latency; and
// its fast runs (untraced, many edges per sc_start) against its observed, traced ones.
#include "cli_testing.h"
#include "testing.h"

#include "common/assembler.h"
#include "common/config.h"
#include "common/error.h"
#include "common/memory.h"
#include "common/reconvergence.h"
#include "cosim/gpu_engine.h"
#include "gpu/gpu_model.h"
#include "lockstep/command_support.h"

#include <gtest/gtest.h>
#include <systemc>

#include <algorithm>
#include <filesystem>

namespace lockstep {
namespace {

Config tiny() { return load_config(testing::source_path("configs/tiny-gpu.yaml")); }

Program kernel(const std::string& name) {
    return assemble_file(testing::source_path("programs/" + name + ".asm"), AsmLimits{});
}

cosim::RunResult run_model(const Config& config, const Program& program) {
    cosim::RunOptions options;
    options.engine = cosim::Engine::Model;
    return cosim::run_gpu(config, program, options);
}

TEST(GpuModel, ModuleTreeMirrorsTheRtl) {
    gpu::GpuModel::instance(tiny().gpu);
    for (const char* path : {"gpu_c2_t4_d4_p1_w8_pa8_da8.dispatcher", "gpu_c2_t4_d4_p1_w8_pa8_da8.dcr",
                             "gpu_c2_t4_d4_p1_w8_pa8_da8.data_controller", "gpu_c2_t4_d4_p1_w8_pa8_da8.core1.scheduler",
                             "gpu_c2_t4_d4_p1_w8_pa8_da8.core0.fetcher", "gpu_c2_t4_d4_p1_w8_pa8_da8.core0.thread3_lsu"}) {
        EXPECT_NE(sc_core::sc_find_object(path), nullptr) << path;
    }
}

TEST(GpuModel, RunsAreRepeatableInOneProcess) {
    const Config config = tiny();
    const Program matmul = kernel("matmul");
    for (int i = 0; i < 3; ++i) {
        const cosim::RunResult result = run_model(config, matmul);
        EXPECT_EQ(result.cycles, 444u) << "run " << i;
        EXPECT_EQ(std::vector<uint32_t>(result.memory.begin() + 8, result.memory.begin() + 12),
                  (std::vector<uint32_t>{7, 10, 15, 22}));
    }
}

TEST(GpuModel, MemoryLatencyAddsCyclesPerRequest) {
    Config config = tiny();
    const Program matadd = kernel("matadd");
    const uint64_t base = run_model(config, matadd).cycles;
    config.memory.latency = 3;
    const cosim::RunResult slow = run_model(config, matadd);
    EXPECT_GT(slow.cycles, base);
    EXPECT_EQ(std::vector<uint32_t>(slow.memory.begin() + 16, slow.memory.begin() + 24),
              (std::vector<uint32_t>{0, 2, 4, 6, 8, 10, 12, 14}));
}

TEST(GpuModel, AnotherShapeAfterTheFirstRunIsAClearError) {
    run_model(tiny(), kernel("matadd"));
    Config other = tiny();
    other.gpu.cores = 3;
    try {
        gpu::GpuModel::instance(other.gpu);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("c3_t4_d4_p1_w8_pa8_da8 must be built before the first run"),
                  std::string::npos)
            << e.what();
    }
}

// An untraced model run takes the fast path (GpuDesign::run_fast); with --trace every edge is
// observed and recorded. Both must give the same cycles, memory and utilisation counters.
struct FastCase {
    std::string program, config, extra;   // extra: more `run` options
};

void PrintTo(const FastCase& c, std::ostream* os) { *os << c.program << " on " << c.config << c.extra; }

class FastRun : public ::testing::TestWithParam<FastCase> {};

TEST_P(FastRun, CountsWhatTheObservedRunCounts) {
    const FastCase& c = GetParam();
    const std::string args = "run " + testing::source_path("programs/" + c.program + ".asm") + " --config " +
                             testing::source_path("configs/" + c.config + ".yaml") + " --engine model --json" + c.extra;
    const std::string dir = testing::temp_path("fast_" + c.program + "_" + c.config);
    const testing::CliRun fast = testing::run_cli(args);
    const testing::CliRun observed = testing::run_cli(args + " --trace " + dir);
    ASSERT_EQ(fast.status, 0) << fast.err;
    ASSERT_EQ(observed.status, 0) << observed.err;
    EXPECT_GT(fast.json["cycles"].get<uint64_t>(), 0u);
    for (const char* key : {"cycles", "launch_cycles", "memory", "utilisation"}) {
        EXPECT_EQ(fast.json[key], observed.json[key]) << key;
    }
    std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Programs, FastRun,
    ::testing::Values(FastCase{"bench_loop", "tiny-gpu", ""}, FastCase{"matmul", "tiny-gpu", ""},
                      FastCase{"matadd", "tiny-gpu", " --launches 3"}, FastCase{"matmul", "gpu-4x8", ""},
                      FastCase{"memory_bound", "gpu-4x8", ""}, FastCase{"bench_loop", "gpu-perf", ""},
                      FastCase{"divergent", "gpu-perf", ""}, FastCase{"reduce", "gpu-perf", ""},
                      FastCase{"reuse", "gpu-perf", ""}, FastCase{"strided", "gpu-perf", ""},
                      FastCase{"vecadd_blocks", "gpu-perf-4x8", ""}, FastCase{"matmul_tc_8", "gpu-tc", ""},
                      FastCase{"matmul_tc_4", "gpu-tc-ws", ""}, FastCase{"bench_wide", "gpu-16x32", ""}),
    [](const ::testing::TestParamInfo<FastCase>& info) {
        std::string name = info.param.program + "_on_" + info.param.config + (info.param.extra.empty() ? "" : "_launches");
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

// The bench's wide kernel: 255 threads on 8 of gpu-16x32's cores, each summing its word 200 times.
TEST(FastRun, BenchWideSumsEveryThreadsWord) {
    const testing::CliRun run = testing::run_cli("run " + testing::source_path("programs/bench_wide.asm") + " --config " +
                                                 testing::source_path("configs/gpu-16x32.yaml") + " --engine model --json");
    ASSERT_EQ(run.status, 0) << run.err;
    std::vector<uint32_t> expected;
    for (uint32_t i = 0; i < 255; ++i) expected.push_back(200 * (i + 1));
    EXPECT_EQ(testing::memory_of(run.json, 256, 255), expected);
}

// A run that fails says the same on either path (the traced one adds where its trace is).
TEST(FastRun, FailsAsTheObservedRunFails) {
    for (const auto& [program, extra] : {std::pair{"divergent", ""}, {"bench_loop", " --max-cycles 500"}}) {
        const std::string args = std::string("run ") + testing::source_path(std::string("programs/") + program + ".asm") +
                                 " --config " + testing::source_path("configs/tiny-gpu.yaml") + " --engine model" + extra;
        const std::string dir = testing::temp_path(std::string("fast_fail_") + program);
        const testing::CliRun fast = testing::run_cli(args);
        const testing::CliRun observed = testing::run_cli(args + " --trace " + dir);
        EXPECT_NE(fast.status, 0) << program;
        EXPECT_EQ(fast.status, observed.status) << program;
        EXPECT_FALSE(fast.err.empty()) << program;
        EXPECT_EQ(observed.err.rfind(fast.err.substr(0, fast.err.size() - 1), 0), 0u)
            << program << ": fast says\n" << fast.err << "observed says\n" << observed.err;
        std::filesystem::remove_all(dir);
    }
}

// Device::observe_next refreshes only the thread views of the slots whose units changed at the
// last edge. After every edge of whole kernels (every unit type changes on them: registers, LSUs
// on loads and stores, PCs on branches, a second warp, the reconvergence stack, a tensor core),
// it must show what a full observe() shows.
struct ObserveCase {
    const char* program;
    const char* config;
};
const std::vector<ObserveCase> kObserveCases = {
    {"matmul", "tiny-gpu"}, {"divergent", "gpu-perf"}, {"reduce", "gpu-perf-4x8"}, {"matmul_tc_8", "gpu-tc"}};

Config observe_config(const ObserveCase& c) {
    return load_config(testing::source_path(std::string("configs/") + c.config + ".yaml"));
}

// SystemC: their models are built before any test of this binary runs one.
class ObserveShapesFirst : public ::testing::Environment {
public:
    void SetUp() override {
        for (const ObserveCase& c : kObserveCases) gpu::GpuModel::instance(observe_config(c).gpu);
    }
};
[[maybe_unused]] ::testing::Environment* const kObserveShapes = ::testing::AddGlobalTestEnvironment(new ObserveShapesFirst);

TEST(GpuModel, ObserveNextShowsWhatAFullObservationShowsAfterEveryEdge) {
    const std::vector<ObserveCase>& cases = kObserveCases;
    std::vector<Config> configs;
    for (const ObserveCase& c : cases) configs.push_back(observe_config(c));
    for (size_t i = 0; i < cases.size(); ++i) {
        const GpuConfig& shape = configs[i].gpu;
        const MemoryConfig& memory = configs[i].memory;
        const Program program = assemble_file(testing::source_path(std::string("programs/") + cases[i].program + ".asm"),
                                              limits_for(shape));
        gpu::GpuModel& model = gpu::GpuModel::instance(shape);
        Memory data("data", 1u << shape.data_addr_bits, shape.data_width, shape.data_memory_channels(),
                    memory.data_memory_latency(), true, memory.bandwidth, shape.request_words());
        Memory code("program", 1u << shape.program_addr_bits, shape.program_word_bits(), shape.program_channels,
                    memory.latency, false);
        data.load(program.data);
        code.load(program_image(program.code, shape));
        gpu::GpuSnapshot next, full;
        next.resize(shape);
        full.resize(shape);
        gpu::GpuInputs in;
        in.dcr_data = static_cast<uint8_t>(program.threads);
        uint64_t cycle = 0;
        for (; cycle < 100000 && !full.done; ++cycle) {
            in.rst_n = cycle != 0;          // reset, then the thread count into the DCR, then start
            in.dcr_we = cycle == 1;
            in.start = cycle >= 2;
            in.data = data.respond(full.data_requests, cycle);
            in.program = code.respond(full.program_requests, cycle);
            model.tick(in);
            data.clock(full.data_requests);
            code.clock(full.program_requests);
            if (cycle == 0) {
                model.observe(next);
            } else {
                model.observe_next(next);
            }
            model.observe(full);
            ASSERT_TRUE(next == full) << cases[i].program << " on " << cases[i].config << ", edge " << cycle;
        }
        EXPECT_TRUE(full.done) << cases[i].program << " on " << cases[i].config << " after " << cycle << " edges";
    }
}

}  // namespace
}  // namespace lockstep
