// The YAML config loader: defaults, every key, every error, and the shipped configs.
#include "common/config.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "testing.h"

namespace lockstep {
namespace {

using testing::config_error;

void expect_defaults(const Config& c) {
    EXPECT_EQ(c.gpu.cores, 2u);
    EXPECT_EQ(c.gpu.threads_per_block, 4u);
    EXPECT_EQ(c.gpu.data_channels, 4u);
    EXPECT_EQ(c.gpu.program_channels, 1u);
    EXPECT_EQ(c.gpu.data_width, 8u);
    EXPECT_EQ(c.gpu.data_addr_bits, 8u);
    EXPECT_EQ(c.gpu.program_addr_bits, 8u);
    EXPECT_EQ(c.memory.latency, 0u);
    EXPECT_EQ(c.sim.max_cycles, 10000000u);
}

TEST(Config, EmptyFileGivesDefaults) {
    const Config c = parse_config("", "c.yaml");
    EXPECT_EQ(c.path, "c.yaml");
    expect_defaults(c);
    expect_defaults(parse_config("# only a comment\n", "c.yaml"));
    expect_defaults(parse_config("gpu:\nmemory:\nsim:\n", "c.yaml"));  // empty sections
}

TEST(Config, EveryKey) {
    const Config c = parse_config(
        "gpu:\n"
        "  cores: 16\n"
        "  threads_per_block: 32\n"
        "  data_channels: 7\n"
        "  program_channels: 16\n"
        "  data_width: 16\n"
        "  data_addr_bits: 12\n"
        "  program_addr_bits: 5\n"
        "memory:\n"
        "  latency: 64\n"
        "sim:\n"
        "  max_cycles: 1000000000\n",
        "c.yaml");
    EXPECT_EQ(c.gpu.cores, 16u);
    EXPECT_EQ(c.gpu.threads_per_block, 32u);
    EXPECT_EQ(c.gpu.data_channels, 7u);
    EXPECT_EQ(c.gpu.program_channels, 16u);
    EXPECT_EQ(c.gpu.data_width, 16u);
    EXPECT_EQ(c.gpu.data_addr_bits, 12u);
    EXPECT_EQ(c.gpu.program_addr_bits, 5u);
    EXPECT_EQ(c.memory.latency, 64u);
    EXPECT_EQ(c.sim.max_cycles, 1000000000u);
}

TEST(Config, PartialSectionsKeepOtherDefaults) {
    const Config c = parse_config("gpu: {cores: 1}\nmemory: {latency: 3}\n", "c.yaml");
    EXPECT_EQ(c.gpu.cores, 1u);
    EXPECT_EQ(c.gpu.threads_per_block, 4u);
    EXPECT_EQ(c.gpu.program_channels, 1u);
    EXPECT_EQ(c.memory.latency, 3u);
    EXPECT_EQ(c.sim.max_cycles, 10000000u);
}

TEST(Config, TinyGpuFile) {
    const std::string path = testing::source_path("configs/tiny-gpu.yaml");
    const Config c = load_config(path);
    EXPECT_EQ(c.path, path);
    expect_defaults(c);  // tiny-gpu's parameters are the defaults
}

TEST(Config, Gpu4x8File) {
    const Config c = load_config(testing::source_path("configs/gpu-4x8.yaml"));
    EXPECT_EQ(c.gpu.cores, 4u);
    EXPECT_EQ(c.gpu.threads_per_block, 8u);
    EXPECT_EQ(c.gpu.data_channels, 8u);
    EXPECT_EQ(c.gpu.program_channels, 2u);
    EXPECT_EQ(c.gpu.data_width, 8u);
    EXPECT_EQ(c.gpu.data_addr_bits, 8u);
    EXPECT_EQ(c.gpu.program_addr_bits, 8u);
    EXPECT_EQ(c.memory.latency, 2u);
    EXPECT_EQ(c.sim.max_cycles, 10000000u);
}

TEST(ConfigErrors, UnknownKeysAndSections) {
    // The nearest known key (swapped letters count as one edit), or one the name is part of.
    EXPECT_EQ(config_error("gpu:\n  cores: 2\n  coers: 2\n"),
              "c.yaml:3: unknown key 'coers' in 'gpu': did you mean 'cores'? (known: cores, threads_per_block, "
              "data_channels, program_channels, data_width, data_addr_bits, program_addr_bits)");
    EXPECT_EQ(config_error("memory:\n  latncy: 2\n"),
              "c.yaml:2: unknown key 'latncy' in 'memory': did you mean 'latency'? (known: latency, data_latency, bandwidth)");
    EXPECT_EQ(config_error("sim:\n  cycles: 2\n"),
              "c.yaml:2: unknown key 'cycles' in 'sim': did you mean 'max_cycles'? (known: max_cycles)");
    EXPECT_EQ(config_error("memory:\n  delay: 2\n"), "c.yaml:2: unknown key 'delay' in 'memory' (known: latency, data_latency, bandwidth)");
    EXPECT_EQ(config_error("gpu:\n  cores: 2\ntensor:\n  rows: 4\n"),
              "c.yaml:3: unknown section 'tensor': did you mean 'tensor_core'? (known: gpu, memory, sim, systolic, "
              "tensor_core, divergence, warps, coalescer, cache)");
    EXPECT_EQ(config_error("gpu:\n  cores: 2\naccelerator:\n  rows: 4\n"),
              "c.yaml:3: unknown section 'accelerator' (known: gpu, memory, sim, systolic, tensor_core, divergence, warps, "
              "coalescer, cache)");
    EXPECT_EQ(config_error("gpus:\n  cores: 2\n"),
              "c.yaml:1: unknown section 'gpus': did you mean 'gpu'? (known: gpu, memory, sim, systolic, "
              "tensor_core, divergence, warps, coalescer, cache)");
    // A key of a section written at the top level says which section it belongs in.
    EXPECT_EQ(config_error("cores: 2\n"), "c.yaml:1: unknown section 'cores': it is a key of 'gpu', indent it under 'gpu:'");
    EXPECT_EQ(config_error("gpu:\n  cores: 2\nlatency: 3\n"),
              "c.yaml:3: unknown section 'latency': it is a key of 'memory', indent it under 'memory:'");
}

TEST(ConfigErrors, DuplicateKeys) {
    EXPECT_EQ(config_error("gpu:\n  cores: 2\n  cores: 3\n"),
              "c.yaml:3: duplicate key 'cores' in 'gpu' (first on line 2)");
    EXPECT_EQ(config_error("sim: {}\nsim: {}\n"), "c.yaml:2: duplicate section 'sim' (first on line 1)");
}

TEST(ConfigErrors, WrongTypes) {
    EXPECT_EQ(config_error("gpu:\n  cores: two\n"),
              "c.yaml:2: gpu.cores: expected an unsigned integer, got 'two'");
    EXPECT_EQ(config_error("gpu:\n  cores: -1\n"),
              "c.yaml:2: gpu.cores: expected an unsigned integer, got '-1'");
    EXPECT_EQ(config_error("memory:\n  latency: 2.5\n"),
              "c.yaml:2: memory.latency: expected an unsigned integer, got '2.5'");
    EXPECT_EQ(config_error("sim:\n  max_cycles: [1, 2]\n"),
              "c.yaml:2: sim.max_cycles: expected an unsigned integer, got a sequence");
    EXPECT_EQ(config_error("gpu:\n  cores: {a: 1}\n"),
              "c.yaml:2: gpu.cores: expected an unsigned integer, got a mapping");
    EXPECT_EQ(config_error("gpu:\n  cores:\n"),
              "c.yaml:2: gpu.cores: expected an unsigned integer, got nothing");
    EXPECT_EQ(config_error("gpu: 3\n"), "c.yaml:1: 'gpu' must be a mapping of keys, got '3'");
    EXPECT_EQ(config_error("- gpu\n"), "c.yaml:1: expected a mapping with sections gpu, memory, sim, systolic, tensor_core, "
                                         "divergence, warps, coalescer, cache");
}

TEST(ConfigErrors, OutOfRange) {
    EXPECT_EQ(config_error("gpu:\n  cores: 0\n"), "c.yaml:2: gpu.cores: 0 out of range (1..16)");
    EXPECT_EQ(config_error("gpu:\n  cores: 17\n"), "c.yaml:2: gpu.cores: 17 out of range (1..16)");
    EXPECT_EQ(config_error("gpu:\n  threads_per_block: 33\n"),
              "c.yaml:2: gpu.threads_per_block: 33 out of range (1..32)");
    EXPECT_EQ(config_error("gpu:\n  threads_per_block: 0\n"),
              "c.yaml:2: gpu.threads_per_block: 0 out of range (1..32)");
    EXPECT_EQ(config_error("gpu:\n  data_channels: 0\n"),
              "c.yaml:2: gpu.data_channels: 0 out of range (1..32)");
    EXPECT_EQ(config_error("gpu:\n  data_channels: 33\n"),
              "c.yaml:2: gpu.data_channels: 33 out of range (1..32)");
    EXPECT_EQ(config_error("gpu:\n  program_channels: 0\n"),
              "c.yaml:2: gpu.program_channels: 0 out of range (1..cores = 2)");
    EXPECT_EQ(config_error("gpu:\n  program_channels: 3\n"),
              "c.yaml:2: gpu.program_channels: 3 out of range (1..cores = 2)");
    EXPECT_EQ(config_error("gpu:\n  program_channels: 3\n  cores: 3\n"),
              "no error");  // order does not matter
    EXPECT_EQ(config_error("gpu:\n  data_width: 12\n"),
              "c.yaml:2: gpu.data_width: 12 out of range (8 or 16)");
    EXPECT_EQ(config_error("gpu:\n  data_width: 32\n"),
              "c.yaml:2: gpu.data_width: 32 out of range (8 or 16)");
    EXPECT_EQ(config_error("gpu:\n  data_addr_bits: 0\n"),
              "c.yaml:2: gpu.data_addr_bits: 0 out of range (1..data_width = 8)");
    EXPECT_EQ(config_error("gpu:\n  data_addr_bits: 9\n"),
              "c.yaml:2: gpu.data_addr_bits: 9 out of range (1..data_width = 8)");
    EXPECT_EQ(config_error("gpu:\n  data_addr_bits: 16\n  data_width: 16\n"), "no error");
    EXPECT_EQ(config_error("gpu:\n  program_addr_bits: 0\n"),
              "c.yaml:2: gpu.program_addr_bits: 0 out of range (1..8)");
    EXPECT_EQ(config_error("gpu:\n  program_addr_bits: 9\n"),
              "c.yaml:2: gpu.program_addr_bits: 9 out of range (1..8)");
    EXPECT_EQ(config_error("memory:\n  latency: 65\n"), "c.yaml:2: memory.latency: 65 out of range (0..64)");
    EXPECT_EQ(config_error("sim:\n  max_cycles: 0\n"),
              "c.yaml:2: sim.max_cycles: 0 out of range (1..1000000000)");
    EXPECT_EQ(config_error("sim:\n  max_cycles: 1000000001\n"),
              "c.yaml:2: sim.max_cycles: 1000000001 out of range (1..1000000000)");
    EXPECT_EQ(config_error("gpu:\n  cores: 99999999999999999999999\n"),
              "c.yaml:2: gpu.cores: 99999999999999999999999 out of range (1..16)");
}

TEST(ConfigErrors, YamlSyntax) {
    EXPECT_EQ(config_error("gpu: {cores: 2\n"), "c.yaml:2: YAML syntax error: end of map flow not found");
}

// yaml-cpp says "illegal map value" or "illegal tab when looking for indentation"; the
// loader names the line and the fix instead. Tabs elsewhere (after a colon, in a comment) are fine.
TEST(ConfigErrors, TabIndents) {
    const std::string tab = "a tab indents this line; YAML indents with spaces";
    EXPECT_EQ(config_error("gpu:\n\tcores: 2\n"), "c.yaml:2: " + tab);
    EXPECT_EQ(config_error("gpu:\n  cores: 2\n  \tthreads_per_block: 4\n"), "c.yaml:3: " + tab);
    EXPECT_EQ(config_error("# a config\n\n\tgpu:\n"), "c.yaml:3: " + tab);
    EXPECT_EQ(config_error("gpu:\n  cores: 3\n\t\n"), "c.yaml:3: " + tab);   // yaml-cpp finds this one
    EXPECT_EQ(config_error("gpu:\t# the GPU\n\t# a tab-indented comment\n\t\n  cores:\t3\n"), "no error");
}

TEST(ConfigErrors, MissingFile) {
    const std::string missing = testing::source_path("configs/no-such.yaml");
    try {
        load_config(missing);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), missing + ": cannot open file");
    }
    try {
        load_config(testing::source_path("configs"));
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), testing::source_path("configs") + ": cannot open file");
    }
}

}  // namespace
}  // namespace lockstep

namespace lockstep {
namespace {

std::string systolic_error(const std::string& text) {
    try {
        parse_config(text, "s.yaml");
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(SystolicConfig, DefaultsAndEveryKey) {
    const SystolicConfig defaults = parse_config("", "s.yaml").systolic;
    EXPECT_EQ(defaults.rows, 4u);
    EXPECT_EQ(defaults.cols, 4u);
    EXPECT_EQ(defaults.dataflow, "ws");
    EXPECT_EQ(defaults.in_bits, 8u);
    EXPECT_EQ(defaults.acc_bits, 32u);
    EXPECT_EQ(defaults.buffer_addr_bits, 14u);
    const SystolicConfig set = parse_config("systolic:\n  rows: 8\n  cols: 3\n  dataflow: is\n  in_bits: 4\n"
                                            "  acc_bits: 24\n  buffer_addr_bits: 10\n",
                                            "s.yaml")
                                   .systolic;
    EXPECT_EQ(set.rows, 8u);
    EXPECT_EQ(set.cols, 3u);
    EXPECT_EQ(set.dataflow, "is");
    EXPECT_EQ(set.in_bits, 4u);
    EXPECT_EQ(set.acc_bits, 24u);
    EXPECT_EQ(set.buffer_addr_bits, 10u);
}

TEST(SystolicConfig, Errors) {
    EXPECT_EQ(systolic_error("systolic:\n  dataflow: rs\n"),
              "s.yaml:2: systolic.dataflow: expected one of os, ws, is, got 'rs'");
    EXPECT_EQ(systolic_error("systolic:\n  rows: 0\n"), "s.yaml:2: systolic.rows: 0 out of range (1..256)");
    EXPECT_EQ(systolic_error("systolic:\n  colls: 4\n"),
              "s.yaml:2: unknown key 'colls' in 'systolic': did you mean 'cols'? (known: rows, cols, dataflow, "
              "in_bits, acc_bits, buffer_addr_bits, dram_lanes)");
    EXPECT_EQ(systolic_error("systolic:\n  acc_bits: 40\n"), "s.yaml:2: systolic.acc_bits: 40 out of range (16..32)");
    EXPECT_EQ(systolic_error("systolic:\n  dram_lanes: 0\n"), "s.yaml:2: systolic.dram_lanes: 0 out of range (1..1024)");
}

}  // namespace
}  // namespace lockstep
