// The SystemC model in-process: its module tree, reuse across runs, and memory latency.
#include "testing.h"

#include "common/assembler.h"
#include "common/config.h"
#include "common/error.h"
#include "cosim/gpu_engine.h"
#include "gpu/gpu_model.h"

#include <gtest/gtest.h>
#include <systemc>

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

}  // namespace
}  // namespace lockstep
