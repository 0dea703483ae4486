// Every kernel in programs/ in lock-step on the GPU shapes its header names: exact memory and
// exact cycles. Each kernel states its results in its header: `; expect: ADDR: v v ...` and
// `; cycles: CONFIG=N ...` (CONFIG is a file in configs/ without .yaml); a tiny-gpu kernel
// names tiny-gpu, gpu-4x8, gpu-perf and gpu-perf-4x8 (divergence and several warps: regression
// counts). A kernel whose header
// names its own config (`; config: gpu-tc`, e.g. the tensor-core matmuls) needs that GPU and has
// its own test (tests/test_matmul_tc.cpp), so it is left out here.
#include "cli_testing.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

namespace lockstep::testing {
namespace {

struct Expectation {
    std::map<size_t, std::vector<uint32_t>> memory;   // address -> words from there
    std::map<std::string, uint64_t> cycles;           // config -> cycles
};

Expectation read_expectation(const std::string& path) {
    Expectation e;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string semicolon, tag;
        words >> semicolon >> tag;
        if (semicolon != ";") continue;
        if (tag == "expect:") {
            std::string address;
            words >> address;
            auto& values = e.memory[std::stoul(address)];
            uint32_t v = 0;
            while (words >> v) values.push_back(v);
        } else if (tag == "cycles:") {
            std::string pair;
            while (words >> pair) e.cycles[pair.substr(0, pair.find('='))] = std::stoull(pair.substr(pair.find('=') + 1));
        }
    }
    return e;
}

// (program, config) for every config a kernel's `; cycles:` line names.
std::vector<std::tuple<std::string, std::string>> cases() {
    std::vector<std::tuple<std::string, std::string>> all;
    for (const auto& entry : std::filesystem::directory_iterator(source_path("programs"))) {
        if (entry.path().extension() != ".asm" || !program_config(entry.path().string()).empty()) continue;
        const Expectation expected = read_expectation(entry.path().string());
        for (const auto& [config, cycles] : expected.cycles) all.emplace_back(entry.path().stem().string(), config);
    }
    std::sort(all.begin(), all.end());
    return all;
}

// A kernel that never diverges takes tiny-gpu's cycles with a reconvergence stack and one
// warp a core (tests/fixtures/tiny-gpu-twin.yaml): the stack and the warp scheduler cost nothing.
class TinyGpuTwin : public ::testing::TestWithParam<std::string> {};

TEST_P(TinyGpuTwin, SameCyclesAndMemoryWithDivergenceAndOneWarp) {
    const std::string path = source_path("programs/" + GetParam() + ".asm");
    const Expectation expected = read_expectation(path);
    const CliRun run = run_cli("run " + path + " --config " + source_path("tests/fixtures/tiny-gpu-twin.yaml") + " --json");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json["mismatches"], 0);
    EXPECT_EQ(run.json["cycles"], expected.cycles.at("tiny-gpu"));
    for (const auto& [address, words] : expected.memory) {
        EXPECT_EQ(memory_of(run.json, address, words.size()), words) << GetParam() << " at address " << address;
    }
}

std::vector<std::string> tiny_gpu_programs() {
    std::vector<std::string> names;
    for (const auto& [program, config] : cases()) {
        if (config == "tiny-gpu") names.push_back(program);
    }
    return names;
}

INSTANTIATE_TEST_SUITE_P(TinyGpuPrograms, TinyGpuTwin, ::testing::ValuesIn(tiny_gpu_programs()),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             return name;
                         });

class GpuProgram : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(GpuProgram, CosimMatchesExpectedMemoryAndCycles) {
    const auto& [program, config] = GetParam();
    const std::string path = source_path("programs/" + program + ".asm");
    const Expectation expected = read_expectation(path);
    ASSERT_FALSE(expected.memory.empty()) << path << " has no '; expect:' line";
    ASSERT_TRUE(expected.cycles.count(config)) << path << " has no '; cycles: " << config << "=N'";

    const CliRun run = run_cli("run " + path + " --config " + source_path("configs/" + config + ".yaml") + " --json");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json["engine"], "cosim");
    EXPECT_EQ(run.json["mismatches"], 0);
    EXPECT_TRUE(run.json["first_mismatch"].is_null());
    EXPECT_EQ(run.json["cycles"], expected.cycles.at(config)) << program << " on " << config;
    for (const auto& [address, words] : expected.memory) {
        EXPECT_EQ(memory_of(run.json, address, words.size()), words) << program << " at address " << address;
    }
}

INSTANTIATE_TEST_SUITE_P(AllPrograms, GpuProgram, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                             std::string name = std::get<0>(info.param) + "_on_" + std::get<1>(info.param);
                             for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             return name;
                         });

// The reference figures, in each engine on its own.
TEST(GpuReference, MatmulAndMataddCyclesInEveryEngine) {
    for (const char* engine : {"model", "rtl", "cosim"}) {
        for (const auto& [program, cycles] : {std::pair{"matadd", 158}, std::pair{"matmul", 444}}) {
            const CliRun run = run_cli(std::string("run ") + source_path("programs/") + program + ".asm --config " +
                                       source_path("configs/tiny-gpu.yaml") + " --json --engine " + engine);
            ASSERT_EQ(run.status, 0) << run.err;
            EXPECT_EQ(run.json["cycles"], cycles) << program << " on " << engine;
            EXPECT_EQ(run.json["engine"], engine);
        }
    }
}

}  // namespace
}  // namespace lockstep::testing
