// Bad input through the command line: one clear message, a non-zero exit, no crash or hang.
#include "cli_testing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

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

// Issue #12: every numeric option of every command takes digits only, within its range; a
// mistake is a usage error (exit 2) naming the option, never CLI11's 105/106 or a wrapped value.
TEST(Cli, NumericOptionsTakeWholeNumbersInRange) {
    const std::string kernel = source_path("programs/matadd.asm") + " --config " + kTiny;
    const std::string sizes = " --m 4 --k 4 --n 4";
    const std::pair<std::string, std::string> cases[] = {
        {"gemm --rows -1" + sizes, "lockstep: error: --rows: '-1' is not a whole number in 1..256\n"},
        {"gemm --cols 257" + sizes, "lockstep: error: --cols: '257' is not a whole number in 1..256\n"},
        {"gemm --seed -1" + sizes, "lockstep: error: --seed: '-1' is not a whole number\n"},
        {"gemm --m -1 --k 4 --n 4", "lockstep: error: --m: '-1' is not a whole number in 1..65535\n"},
        {"gemm --launches 0" + sizes, "lockstep: error: --launches: '0' is not a whole number in 1..1000\n"},
        {"run " + kernel + " --max-cycles 0", "lockstep: error: --max-cycles: '0' is not a whole number in 1..1000000000\n"},
        {"run " + kernel + " --launches 0", "lockstep: error: --launches: '0' is not a whole number in 1..1000\n"},
        {"run " + kernel + " --reset-at 5x", "lockstep: error: --reset-at: '5x' is not a whole number in 1..1000000000\n"},
        {"fuzz --seeds 0", "lockstep: error: --seeds: '0' is not a whole number in 1..1000000000\n"},
        {"fuzz --start-seed +3", "lockstep: error: --start-seed: '+3' is not a whole number\n"},
        {"build-rtl --design systolic --rows 0", "lockstep: error: --rows: '0' is not a whole number in 1..256\n"},
        {"mutate --jobs 0", "lockstep: error: --jobs: '0' is not a whole number in 1..64\n"},
        {"mutate --seed 18446744073709551616", "lockstep: error: --seed: '18446744073709551616' is not a whole number\n"},
        {"bench --min-time -1", "lockstep: error: --min-time: '-1' is not a number of seconds in 0.01..3600\n"},
        {"bench --rounds 0", "lockstep: error: --rounds: '0' is not a whole number in 1..100\n"},
        {"bench --rounds 2 --model-only",
         "lockstep: error: --rounds is for --design gpu with its RTL and cosim rows (not --model-only)\n"},
        {"bench --design systolic --rounds 2",
         "lockstep: error: --rounds is for --design gpu with its RTL and cosim rows (not --model-only)\n"},
    };
    for (const auto& [args, message] : cases) {
        const CliRun run = run_cli(args);
        EXPECT_EQ(run.status, 2) << args;
        EXPECT_EQ(run.err.substr(0, run.err.find('\n') + 1), message) << args;
        EXPECT_EQ(run.out, "") << args;
    }
}

// `bench --rounds N` measures the three engines N times in turn and prints each round's
// ratios, then their medians.
TEST(Cli, BenchRoundsGiveEachRoundsRatiosAndTheirMedians) {
    const CliRun run = run_cli("bench --rounds 3 --min-time 0.01 --program " + source_path("programs/matadd.asm"));
    ASSERT_EQ(run.status, 0) << run.err;
    std::vector<double> speedups, shares;
    for (int round = 1; round <= 3; ++round) {
        const std::string head = "round " + std::to_string(round) + ": model / RTL = ";
        const size_t at = run.out.find(head);
        ASSERT_NE(at, std::string::npos) << run.out;
        double speedup = 0, share = 0;
        ASSERT_EQ(std::sscanf(run.out.c_str() + at + head.size(), "%lfx, cosim / RTL = %lf%%", &speedup, &share), 2)
            << run.out;
        speedups.push_back(speedup);
        shares.push_back(share);
    }
    std::sort(speedups.begin(), speedups.end());
    std::sort(shares.begin(), shares.end());
    // Three rounds: the medians are the middle round's figures, printed alike.
    EXPECT_NE(run.out.find(fmt::format("median of 3 rounds: model / RTL = {:.2f}x, cosim / RTL = {:.0f}%\n",
                                       speedups[1], shares[1])),
              std::string::npos)
        << run.out;
}

TEST(Cli, UsageErrorsExitTwoAndPointAtHelp) {
    CliRun run = run_cli("run --bogus");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: program is required\n(lockstep run --help lists the options)\n");
    run = run_cli("run k.asm --bogus");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: The following argument was not expected: --bogus\n"
                       "(lockstep run --help lists the options)\n");
    run = run_cli("frobnicate");
    EXPECT_EQ(run.status, 2) << run.err;
    EXPECT_NE(run.err.find("(lockstep --help lists the options)"), std::string::npos) << run.err;
}

TEST(Cli, FaultsAreParsedWhole) {
    const std::string kernel = "run " + source_path("programs/matadd.asm") + " --config " + kTiny;
    for (const char* fault : {"40:0.1:R5=7junk", "40:0.1:R5=7:", " 40:0.1:R5=7", "40:0.1:R5=-7", "40:0.1:R16=7",
                              "0:0.1:R5=7", "40:0.1.2:R5=7", "40:0.1:r5=7", "60:0.pe.1:acc=5", "60:0.pe.1.2:accu=5",
                              "60:0.pe.1.2:acc=5x", "60:0.PE.1.2:acc=5", "60:0.pe.1.2.3:acc=5", "40:0.w.1:R5=7",
                              "40:0.w1x.1:R5=7", "40:0.x1.1:R5=7", "40:0.w1:R5=7", "40:0.w-1.1:R5=7"}) {
        expect_error(run_cli(kernel + " --inject-fault '" + fault + "'"),
                     fmt::format("lockstep: error: --inject-fault '{}': expected CYCLE:CORE.THREAD:R<n>=VALUE, "
                                 "e.g. 40:0.1:R5=7 (CORE.wWARP.THREAD for a warp other than 0, e.g. 40:0.w1.1:R5=7), "
                                 "or CYCLE:CORE.pe.ROW.COL:(h|v|w|acc)=VALUE for a tensor core's PE, e.g. "
                                 "60:0.pe.1.2:acc=-5 (CYCLE from 1)\n", fault));
    }
    const std::string gemm = "gemm --config " + source_path("configs/systolic.yaml") + " --m 4 --k 4 --n 4";
    for (const char* fault : {"10:1.1:acc=5x", "10:1.1:acc=", "10:1.1:accu=5", "10:-1.1:acc=5", "10:1.1:acc=2147483648"}) {
        expect_error(run_cli(gemm + " --inject-fault '" + fault + "'"),
                     fmt::format("lockstep: error: --inject-fault '{}': expected CYCLE:ROW.COL:(h|v|w|acc)=VALUE, "
                                 "e.g. 12:1.2:acc=5\n", fault));
    }
}

// With --json, every error is one JSON object on stdout, the parser's too, wherever --json is.
TEST(Cli, EveryErrorInJsonModeIsOneJsonObject) {
    CliRun run = run_cli("gemm --json --m -1 --k 4 --n 4");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.out, "{\"error\":\"--m: '-1' is not a whole number in 1..65535\"}\n");
    run = run_cli("run " + source_path("programs/matadd.asm") + " --bogus --json");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.out, "{\"error\":\"The following argument was not expected: --bogus\"}\n");
    run = run_cli("gemm --config " + source_path("configs/systolic.yaml") + " --json");   // an Error from the command
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.out, "{\"error\":\"gemm needs the sizes (missing --m, --k, --n): give --m/--k/--n, or --a/--b, "
                       "or --topology\"}\n");
    run = run_cli("mutate --jobs 0 --json " + temp_path("verdicts.json"));   // mutate's --json is a file name
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.out, "");
}

TEST(Cli, HelpListsTheExitStatuses) {
    const std::string statuses = "Exit status: 0 ok; 1 a lock-step mismatch or a failed check (C differs, a fuzz seed, "
                                 "a mutant or a sweep job failed); 2 bad input or usage; 3 internal error\n";
    for (const char* args : {"--help", "run --help", "gemm --help", "step --help", "mutate --help", "sweep --help"}) {
        const CliRun run = run_cli(args);
        EXPECT_EQ(run.status, 0) << args;
        EXPECT_NE(run.out.find(statuses), std::string::npos) << args << ": " << run.out;
    }
}

TEST(Cli, VersionNamesTheBuildAndItsTools) {
    const CliRun run = run_cli("--version");
    EXPECT_EQ(run.status, 0);
    EXPECT_EQ(run.out.rfind("lockstep 0.1 (git ", 0), 0u) << run.out;
    EXPECT_NE(run.out.find(")\nVerilator 5."), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("\nSystemC 2.3"), std::string::npos) << run.out;
}

TEST(Cli, GemmWithoutSizesSaysWhatToGive) {
    const std::string gemm = "gemm --config " + source_path("configs/systolic.yaml");
    expect_error(run_cli(gemm),
                 "lockstep: error: gemm needs the sizes (missing --m, --k, --n): give --m/--k/--n, or --a/--b, or --topology\n");
    expect_error(run_cli(gemm + " --m 4 --n 4"),
                 "lockstep: error: gemm needs the sizes (missing --k): give --m/--k/--n, or --a/--b, or --topology\n");
}

// A mismatch stops a GEMM 11 cycles into 4 folds of 18: it reports those 11 cycles and no
// utilisation (which was 512 MACs / (11 x 16 PE-cycles) = 290.9%).
TEST(Cli, StoppedGemmReportsTheCyclesItRanAndNoUtilisation) {
    const std::string gemm = "gemm --config " + source_path("configs/systolic.yaml") +
                             " --m 8 --k 8 --n 8 --inject-fault 10:1.1:acc=5";
    CliRun run = run_cli(gemm);
    EXPECT_EQ(run.status, 1) << run.err;
    EXPECT_NE(run.out.find("  stopped by a mismatch after 11 of 72 cycles (4 folds x 18 cycles per fold)\n"
                           "  mapping efficiency 100.0% (no utilisation: the GEMM did not finish)\n"),
              std::string::npos) << run.out;
    EXPECT_NE(run.out.find("  C not compared with a plain int32 GEMM: the GEMM did not finish\n"), std::string::npos);
    EXPECT_EQ(run.out.find("utilisation "), std::string::npos) << run.out;
    run = run_cli(gemm + " --json");
    EXPECT_EQ(run.status, 1);
    ASSERT_TRUE(run.json.is_object()) << run.out;
    EXPECT_EQ(run.json["cycles"], 11);
    EXPECT_EQ(run.json["launch_cycles"], nlohmann::json::array({11}));
    EXPECT_EQ(run.json["stopped"], true);
    EXPECT_TRUE(run.json["utilisation"].is_null());
    EXPECT_EQ(run.json["first_mismatch"]["cycle"], 10);
}

TEST(Cli, StoppedRunSaysItStopped) {
    const std::string kernel = "run " + source_path("programs/matadd.asm") + " --config " + kTiny;
    CliRun run = run_cli(kernel + " --inject-fault 40:0.1:R5=7");
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.out.find("\nStopped by a mismatch after 40 cycles\n"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("\nUtilisation up to the stop: 7 instructions issued, 28 thread-instructions,"),
              std::string::npos) << run.out;
    EXPECT_EQ(run.out.find("Completed"), std::string::npos) << run.out;
    run = run_cli(kernel + " --inject-fault 40:0.1:R5=7 --json --launches 3");
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.json["stopped"], true);
    EXPECT_EQ(run.json["cycles"], 40);
    EXPECT_EQ(run.json["launch_cycles"], nlohmann::json::array({40})) << "launches 2 and 3 never ran";
}

TEST(Cli, EveryLaunchsCyclesAreReported) {
    const std::string kernel = "run " + source_path("programs/matadd.asm") + " --config " + kTiny + " --engine model";
    CliRun run = run_cli(kernel + " --launches 3");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("\nCompleted 3 launches: 158, 158, 158 cycles\n"), std::string::npos) << run.out;
    run = run_cli(kernel + " --launches 3 --json");
    EXPECT_EQ(run.json["launch_cycles"], nlohmann::json::array({158, 158, 158}));
    EXPECT_EQ(run.json["stopped"], false);

    const std::string gemm = "gemm --config " + source_path("configs/systolic.yaml") + " --m 8 --k 8 --n 8 --engine model";
    run = run_cli(gemm + " --launches 3");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("  4 folds x 18 cycles per fold = 72 cycles (SCALE-Sim reports 71, the last cycle's index)\n"
                           "  utilisation 44.4%, mapping efficiency 100.0%\n"
                           "  3 launches: 72, 72, 72 cycles\n"),
              std::string::npos) << run.out;
    run = run_cli(gemm + " --launches 3 --json");
    EXPECT_EQ(run.json["launch_cycles"], nlohmann::json::array({72, 72, 72}));
    EXPECT_DOUBLE_EQ(run.json["utilisation"].get<double>(), 512.0 / (72 * 16));
}

// One of anything is singular: 1 core, 1 thread, 1 fold, 1 data channel.
TEST(Cli, CountsOfOneAreSingular) {
    const std::string config = write_temp("one.yaml", "gpu:\n  cores: 1\n  threads_per_block: 1\n  data_channels: 1\n"
                                                      "  program_channels: 1\n");
    const std::string kernel = write_temp("one.asm", ".threads 1\nCONST R1, #1\nRET\n");
    const std::string dir = temp_path("one_trace");
    CliRun run = run_cli("run " + kernel + " --config " + config + " --engine model --trace " + dir);
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("(1 core x 1 thread, 1 data channel), engine model\n"), std::string::npos) << run.out;
    run = run_cli("step " + dir + " -e show");
    EXPECT_NE(run.out.find(" on 1 core x 1 thread\n"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("block 0 (1 thread) [no block]"), std::string::npos) << run.out;
    run = run_cli("gemm --config " + source_path("configs/systolic.yaml") + " --m 4 --k 4 --n 4 --engine model");
    EXPECT_NE(run.out.find("  1 fold x 14 cycles per fold = 14 cycles"), std::string::npos) << run.out;
}

// Layer names become trace folders: non-empty, unique, no way out of --trace DIR.
TEST(Cli, TopologyLayerNamesAreSafeUniqueFolderNames) {
    const std::string rule = "cannot be a trace folder: use letters, digits, '_', '-' and '.' (not first), at most "
                             "100 characters\n";
    const std::pair<std::string, std::string> cases[] = {
        {"../escaped", "layer name '../escaped' " + rule},
        {"a/b", "layer name 'a/b' " + rule},
        {".hidden", "layer name '.hidden' " + rule},
        {"tab\there", "layer name 'tab\there' " + rule},
        {"", "a layer needs a name\n"},
    };
    int n = 0;
    for (const auto& [name, message] : cases) {
        const std::string topology = write_temp("names" + std::to_string(n++) + ".csv",
                                                "Layer name, M, N, K,\nconv1, 4, 4, 4,\n" + name + ", 4, 4, 4,\n");
        expect_error(run_cli("gemm --topology " + topology), "lockstep: error: " + topology + ":3: " + message);
    }
    const std::string twice = write_temp("twice.csv", "Layer name, M, N, K,\nconv1, 4, 4, 4,\nfc, 4, 4, 4,\nconv1, 4, 4, 4,\n");
    expect_error(run_cli("gemm --topology " + twice),
                 "lockstep: error: " + twice + ":4: layer 'conv1' is already on line 2: names must be unique\n");
}

// gemm --topology --trace DIR writes DIR/<layer>/: gemm prints each layer's command, and
// step and view on DIR list them instead of failing on DIR/states.bin.
TEST(Cli, TopologyTracesAreOpenedPerLayer) {
    const std::string topology = write_temp("layers.csv", "Layer name, M, N, K,\nconv1, 4, 4, 4,\nfc_2, 4, 4, 8,\n");
    const std::string dir = temp_path("layers_trace");
    CliRun run = run_cli("gemm --config " + source_path("configs/systolic.yaml") + " --topology " + topology +
                         " --engine model --trace " + dir);
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("Traces: " + dir + "/<layer>/, one folder per layer; step through a layer's run (or view it):\n"
                           "  lockstep step " + dir + "/conv1 (or lockstep view " + dir + "/conv1)\n"
                           "  lockstep step " + dir + "/fc_2 (or lockstep view " + dir + "/fc_2)\n"),
              std::string::npos) << run.out;
    for (const char* command : {"step", "view"}) {
        run = run_cli(std::string(command) + " " + dir);
        EXPECT_EQ(run.status, 2) << command;
        EXPECT_EQ(run.err, fmt::format("lockstep: error: {0} holds the traces of 2 layers, one folder each; open one:\n"
                                       "  lockstep {1} {0}/conv1\n  lockstep {1} {0}/fc_2\n", dir, command));
    }
    run = run_cli("step " + dir + "/conv1 -e quit");
    EXPECT_EQ(run.status, 0) << run.err;
}

}  // namespace
}  // namespace lockstep::testing
