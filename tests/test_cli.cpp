// Bad input through the command line: one clear message, a non-zero exit, no crash or hang.
#include "cli_testing.h"

#include <gtest/gtest.h>

namespace lockstep::testing {
namespace {

const std::string kTiny = source_path("configs/tiny-gpu.yaml");

void expect_error(const CliRun& run, const std::string& message) {
    EXPECT_EQ(run.status, 2) << run.err;
    EXPECT_NE(run.err.find(message), std::string::npos) << "stderr was: " << run.err;
}

TEST(Cli, MissingProgramFile) {
    expect_error(run_cli("run /nonexistent/k.asm --config " + kTiny), "/nonexistent/k.asm: cannot open file");
}

TEST(Cli, MissingConfigFile) {
    expect_error(run_cli("run " + source_path("programs/matadd.asm") + " --config /nonexistent.yaml"),
                 "/nonexistent.yaml: cannot open file");
}

TEST(Cli, MalformedAssemblyNamesFileAndLine) {
    const std::string path = write_temp("bad.asm", ".threads 4\nCONST R1, #1\nADDD R1, R1, R1\nRET\n");
    expect_error(run_cli("run " + path + " --config " + kTiny), path + ":3: unknown mnemonic 'ADDD'");
}

TEST(Cli, UnknownYamlKeyNamesFileAndLine) {
    const std::string path = write_temp("bad.yaml", "gpu:\n  cores: 2\n  coers: 4\n");
    expect_error(run_cli("run " + source_path("programs/matadd.asm") + " --config " + path),
                 path + ":3: unknown key 'coers' in 'gpu'");
}

TEST(Cli, TabInYamlNamesFileLineAndTheFix) {
    const std::string path = write_temp("tab.yaml", "gpu:\n  cores: 2\n\tthreads_per_block: 4\n");
    expect_error(run_cli("asm " + source_path("programs/matadd.asm") + " --config " + path),
                 path + ":3: a tab indents this line; YAML indents with spaces\n");
}

TEST(Cli, OutOfRangeYamlValue) {
    const std::string path = write_temp("range.yaml", "gpu:\n  data_width: 12\n");
    expect_error(run_cli("run " + source_path("programs/matadd.asm") + " --config " + path),
                 path + ":2: gpu.data_width: 12 out of range");
}

TEST(Cli, RunawayProgramHitsTheCycleLimit) {
    const std::string path = write_temp("spin.asm", ".threads 1\nCONST R1, #0\nCMP R1, R1\nSPIN:\nBRz SPIN\nRET\n");
    for (const char* engine : {"model", "rtl", "cosim"}) {
        expect_error(run_cli("run " + path + " --config " + kTiny + " --max-cycles 500 --engine " + engine),
                     path + ": did not finish within 500 cycles");
    }
}

TEST(Cli, DataAddressOutOfRange) {
    const std::string path = write_temp("range.asm", ".threads 1\nCONST R1, #250\nCONST R2, #8\nMUL R3, R1, R2\n"
                                                     "LDR R4, R3\nRET\n");
    // 250 * 8 = 2000 needs 16-bit data; this config has 1024 data words. Every engine names
    // the thread that asked, its PC, instruction and address register.
    for (const char* engine : {"model", "rtl", "cosim"}) {
        expect_error(run_cli("run " + path + " --config " + source_path("configs/gpu-16bit.yaml") + " --engine " + engine),
                     "data memory read at address 2000 out of range 0..1023 (channel 0); asked by core 0 thread 0 "
                     "(block 0) at PC 3: LDR R4, R3 with R3 = 2000\n");
    }
}

TEST(Cli, UnknownEngine) {
    expect_error(run_cli("run " + source_path("programs/matadd.asm") + " --config " + kTiny + " --engine fast"),
                 "--engine 'fast': expected model, rtl or cosim");
}

TEST(Cli, JsonOutputIsOneObject) {
    const CliRun run = run_cli("run " + source_path("programs/matadd.asm") + " --config " + kTiny + " --json");
    ASSERT_EQ(run.status, 0) << run.err;
    ASSERT_TRUE(run.json.is_object()) << run.out;
    for (const char* key : {"cycles", "engine", "memory", "mismatches", "first_mismatch", "utilisation"}) {
        EXPECT_TRUE(run.json.contains(key)) << key;
    }
    EXPECT_EQ(run.json["memory"].size(), 256u);
    EXPECT_EQ(run.json["utilisation"]["instructions_issued"], 26);
    EXPECT_EQ(run.json["utilisation"]["thread_instructions"], 104);
}

TEST(Cli, ErrorsInJsonModeAreJsonToo) {
    const std::string path = write_temp("bad2.asm", ".threads 4\nRET R1\n");
    const CliRun run = run_cli("run " + path + " --config " + kTiny + " --json");
    EXPECT_EQ(run.status, 2);
    ASSERT_TRUE(run.json.is_object()) << run.out;
    EXPECT_NE(run.json["error"].get<std::string>().find(path + ":2:"), std::string::npos);
}

TEST(Cli, AsmAndDisasmRoundTrip) {
    const std::string hex = temp_path("matmul.hex");
    CliRun run = run_cli("asm " + source_path("programs/matmul.asm") + " -o " + hex);
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("5  9404  CONST R4, #4"), std::string::npos) << run.out;
    run = run_cli("disasm " + hex);
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("L12:\n    MUL R10, R6, R2                ;  12  5A62\n"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("    BRn L12                        ;  24  180C\n"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("    RET                            ;  27  F000\n"), std::string::npos) << run.out;
}

TEST(Cli, HelpListsTheSubcommands) {
    const CliRun run = run_cli("--help");
    EXPECT_EQ(run.status, 0);
    for (const char* word : {"run", "asm", "disasm", "build-rtl", "fuzz", "bench"}) {
        EXPECT_NE(run.out.find(word), std::string::npos) << word;
    }
}

}  // namespace
}  // namespace lockstep::testing
