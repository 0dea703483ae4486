// The tensor-core matmuls programs/matmul_tc_{4,8,16}.asm and their plain SIMT twins
// programs/matmul_simt_{4,8,16}.asm on configs/gpu-tc.yaml: for each N both leave in C (at
// 2*N*N) exactly the product of the A (at 0) and B (at N*N) in the program's own .data,
// computed here by a triple loop on the signed 16-bit values, modulo 2^16. The model runs
// in-process; the same check in lock-step (cosim) needs the RTL's tensor core.
#include "cli_testing.h"

#include "common/assembler.h"
#include "common/config.h"
#include "cosim/gpu_engine.h"
#include "lockstep/command_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace lockstep::testing {
namespace {

const char* const kConfig = "configs/gpu-tc.yaml";
constexpr unsigned kSizes[] = {4, 8, 16};

std::string program_path(const std::string& kind, unsigned n) {
    return source_path("programs/matmul_" + kind + "_" + std::to_string(n) + ".asm");
}

int32_t signed16(uint32_t word) { return static_cast<int16_t>(static_cast<uint16_t>(word)); }

// C = A x B from the program's .data (A row-major at 0, B at N*N), each word modulo 2^16.
std::vector<uint32_t> reference_product(const Program& program, unsigned n) {
    const size_t nn = size_t{n} * n;
    EXPECT_EQ(program.data.size(), 2 * nn) << program.path << ": .data should be A then B";
    std::vector<uint32_t> data = program.data;
    data.resize(2 * nn, 0);
    std::vector<uint32_t> c(nn);
    for (unsigned i = 0; i < n; ++i) {
        for (unsigned j = 0; j < n; ++j) {
            int64_t sum = 0;
            for (unsigned k = 0; k < n; ++k) sum += int64_t{signed16(data[i * n + k])} * signed16(data[nn + k * n + j]);
            c[i * n + j] = static_cast<uint32_t>(sum) & 0xFFFFu;
        }
    }
    return c;
}

std::vector<uint32_t> words(const std::vector<uint32_t>& memory, size_t from, size_t count) {
    if (memory.size() < from + count) return {};
    return {memory.begin() + static_cast<std::ptrdiff_t>(from), memory.begin() + static_cast<std::ptrdiff_t>(from + count)};
}

// The product is not trivial: the test would not notice a kernel that did nothing otherwise.
TEST(MatmulTc, DataIsNontrivialAndTheSameInBothPrograms) {
    const Config config = load_config(source_path(kConfig));
    for (unsigned n : kSizes) {
        const Program tc = assemble_file(program_path("tc", n), limits_for(config.gpu));
        const Program simt = assemble_file(program_path("simt", n), limits_for(config.gpu));
        EXPECT_EQ(tc.data, simt.data) << "N = " << n;
        unsigned negative = 0, zero_outputs = 0;
        for (uint32_t w : tc.data) negative += signed16(w) < 0;
        for (uint32_t w : reference_product(tc, n)) zero_outputs += w == 0;
        EXPECT_GT(negative, tc.data.size() / 4) << "N = " << n;
        EXPECT_LT(zero_outputs, n * n / 4) << "N = " << n;
        EXPECT_EQ(program_config(program_path("tc", n)), "gpu-tc");
        EXPECT_EQ(program_config(program_path("simt", n)), "gpu-tc");
    }
}

TEST(MatmulTc, ModelTensorCoreAndSimtBothComputeTheProduct) {
    const Config config = load_config(source_path(kConfig));
    ASSERT_TRUE(config.gpu.tensor_core.present());
    for (unsigned n : kSizes) {
        const size_t nn = size_t{n} * n;
        std::vector<uint32_t> expected;
        for (const char* kind : {"tc", "simt"}) {
            const Program program = assemble_file(program_path(kind, n), limits_for(config.gpu));
            if (expected.empty()) expected = reference_product(program, n);
            cosim::RunOptions options;
            options.engine = cosim::Engine::Model;
            const cosim::RunResult result = cosim::run_gpu(config, program, options);
            EXPECT_FALSE(result.stopped) << kind << " N = " << n;
            EXPECT_EQ(words(result.memory, 2 * nn, nn), expected) << "matmul_" << kind << "_" << n << ": C";
            EXPECT_EQ(words(result.memory, 0, 2 * nn), words(result.initial_memory, 0, 2 * nn))
                << "matmul_" << kind << "_" << n << ": A and B changed";
        }
    }
}

TEST(MatmulTc, CosimTensorCoreAndSimtBothComputeTheProduct) {
    const Config config = load_config(source_path(kConfig));
    for (unsigned n : kSizes) {
        const size_t nn = size_t{n} * n;
        const std::vector<uint32_t> expected =
            reference_product(assemble_file(program_path("tc", n), limits_for(config.gpu)), n);
        for (const char* kind : {"tc", "simt"}) {
            const CliRun run = run_cli("run " + program_path(kind, n) + " --config " + source_path(kConfig) + " --json");
            ASSERT_EQ(run.status, 0) << "matmul_" << kind << "_" << n << ": " << run.err;
            EXPECT_EQ(run.json["engine"], "cosim");
            EXPECT_EQ(run.json["mismatches"], 0) << "matmul_" << kind << "_" << n;
            EXPECT_EQ(memory_of(run.json, 2 * nn, nn), expected) << "matmul_" << kind << "_" << n << ": C";
        }
    }
}

}  // namespace
}  // namespace lockstep::testing
