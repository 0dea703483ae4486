// lockstep sweep: a small grid run here, resumed, with a failing job, through GNU parallel and
// through the Slurm script's task command; the cycles are SCALE-Sim's formula (README table).
#include "cli_testing.h"
#include "lockstep/command_support.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

struct TestLayer {
    std::string name;
    uint64_t m, n, k;
};
const std::vector<TestLayer> kLayers = {{"conv1", 20, 6, 9}, {"fc", 7, 10, 13}};

// A fresh folder with net.csv (the two layers) and sweep.yaml: rows 4, 8 x cols 4 x os, ws.
std::string systolic_sweep(const std::string& name) {
    const std::string dir = temp_path(name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string topology = "Layer name, M, N, K,\n";
    for (const TestLayer& l : kLayers) topology += fmt::format("{}, {}, {}, {},\n", l.name, l.m, l.n, l.k);
    std::ofstream(dir + "/net.csv") << topology;
    std::ofstream(dir + "/sweep.yaml") << "config: " << source_path("configs/systolic.yaml") << "\n"
                                       << "grid:\n  systolic.rows: [4, 8]\n  systolic.cols: [4]\n"
                                          "  systolic.dataflow: [os, ws]\ntopology: net.csv\n";
    return dir;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& path) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(read_text(path));
    for (std::string line; std::getline(in, line);) rows.push_back(split(line, ','));
    return rows;
}

TEST(Sweep, LocalRunMergesOneRowPerJobWithScaleSimCycles) {
    const std::string dir = systolic_sweep("local");
    const CliRun run = run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/out --jobs 2", dir));
    ASSERT_EQ(run.status, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("8 jobs on engine model, 2 at once"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("Merged 8 of 8 jobs into " + dir + "/out/results.csv"), std::string::npos) << run.out;
    const auto rows = csv_rows(dir + "/out/results.csv");
    ASSERT_EQ(rows.size(), 1u + 8 + 4) << "header, a row per job, a total per grid point";
    EXPECT_EQ(rows[0], (std::vector<std::string>{"row", "job", "systolic.rows", "systolic.cols", "systolic.dataflow",
                                                 "network", "layer", "status", "m", "k", "n", "cycles", "utilisation",
                                                 "mapping_efficiency", "folds", "cycles_per_fold", "exit_status"}));
    std::map<std::string, uint64_t> totals;
    size_t at = 1;
    for (const char* r : {"4", "8"}) {
        for (const char* dataflow : {"os", "ws"}) {
            for (const TestLayer& layer : kLayers) {
                const std::vector<std::string>& row = rows[at++];
                const uint64_t cycles = scale_sim_cycles(dataflow, static_cast<unsigned>(std::stoul(r)), 4, layer.m, layer.k, layer.n);
                const double use = static_cast<double>(layer.m * layer.n * layer.k) / static_cast<double>(cycles * std::stoul(r) * 4);
                EXPECT_EQ(row[1], fmt::format("rows-{}_cols-4_dataflow-{}_net.{}", r, dataflow, layer.name));
                EXPECT_EQ((std::vector<std::string>{row[0], row[2], row[3], row[4], row[5], row[6], row[7]}),
                          (std::vector<std::string>{"job", r, "4", dataflow, "net", layer.name, "ok"}));
                EXPECT_EQ(row[11], std::to_string(cycles)) << row[1];
                EXPECT_EQ(row[12], fmt::format("{:.6f}", use)) << row[1];
                totals[fmt::format("{} {}", r, dataflow)] += cycles;
            }
        }
    }
    for (; at < rows.size(); ++at) {
        const std::vector<std::string>& row = rows[at];
        EXPECT_EQ(row[0], "total");
        EXPECT_EQ(row[7], "ok");
        EXPECT_EQ(row[11], std::to_string(totals[row[2] + " " + row[4]])) << "network total of " << row[2] << " " << row[4];
    }
    const std::string plot = read_text(dir + "/out/plot.svg");
    EXPECT_NE(plot.find("<svg"), std::string::npos);
    EXPECT_NE(plot.find("os net total"), std::string::npos);
    EXPECT_NE(plot.find("rows x cols"), std::string::npos);
}

TEST(Sweep, ResumeRunsOnlyTheJobsWithoutAResult) {
    const std::string dir = systolic_sweep("resume");
    const std::string command = fmt::format("sweep {0}/sweep.yaml --out {0}/out --jobs 2", dir);
    ASSERT_EQ(run_cli(command).status, 0);
    const std::string removed = dir + "/out/jobs/rows-8_cols-4_dataflow-os_net.fc.json";
    ASSERT_TRUE(fs::remove(removed));
    std::map<std::string, fs::file_time_type> before;
    for (const auto& f : fs::directory_iterator(dir + "/out/jobs")) before[f.path()] = fs::last_write_time(f.path());
    const CliRun again = run_cli(command + " --json");
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_EQ(again.json["ran"], 1);
    EXPECT_EQ(again.json["skipped"], 7);
    EXPECT_EQ(again.json["merged"], 8);
    EXPECT_TRUE(fs::exists(removed));
    for (const auto& [path, time] : before) EXPECT_EQ(fs::last_write_time(path), time) << path << " was run again";
    EXPECT_EQ(csv_rows(dir + "/out/results.csv").size(), 13u);
}

TEST(Sweep, AFailedJobIsReportedWithItsCommandAndTheOthersMerged) {
    const std::string dir = temp_path("gpu_sweep");
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir + "/bad.asm") << ".threads 4\nADDD R1, R1, R1\nRET\n";
    std::ofstream(dir + "/gpu.yaml") << "config: " << source_path("configs/tiny-gpu.yaml") << "\ngrid:\n"
                                     << "  gpu.cores: [1, 2]\nprograms: [" << source_path("programs/matadd.asm")
                                     << ", bad.asm]\n";
    const CliRun run = run_cli(fmt::format("sweep {0}/gpu.yaml --out {0}/out --jobs 2", dir));
    EXPECT_EQ(run.status, 1) << run.out << run.err;
    const std::string binary = fs::canonical(lockstep_binary()).string();
    for (const char* cores : {"1", "2"}) {
        EXPECT_NE(run.out.find(fmt::format("  job {} cores-{}_bad: exit status 2: lockstep: error: {}/bad.asm:2: unknown "
                                           "mnemonic 'ADDD'", cores[0] == '1' ? 1 : 3, cores, dir)),
                  std::string::npos) << run.out;
        EXPECT_NE(run.out.find(fmt::format("    {} run {}/bad.asm --config {}/out/configs/cores-{}.yaml --engine model "
                                           "--json\n", binary, dir, dir, cores)), std::string::npos) << run.out;
    }
    const auto rows = csv_rows(dir + "/out/results.csv");
    ASSERT_EQ(rows.size(), 5u);
    for (const char* cores : {"1", "2"}) {
        const CliRun direct = run_cli(fmt::format("run {} --config {}/out/configs/cores-{}.yaml --engine model --json",
                                                  source_path("programs/matadd.asm"), dir, cores));
        const auto& row = rows[cores[0] == '1' ? 1 : 3];
        EXPECT_EQ((std::vector<std::string>{row[2], row[3], row[4]}), (std::vector<std::string>{cores, "matadd", "ok"}));
        EXPECT_EQ(row[5], direct.json["cycles"].dump()) << "cores " << cores;
        const auto& failed = rows[cores[0] == '1' ? 2 : 4];
        EXPECT_EQ((std::vector<std::string>{failed[3], failed[4], failed[5], failed.back()}),
                  (std::vector<std::string>{"bad", "failed", "", "2"}));
    }
}

TEST(Sweep, SpecErrorsNameTheFileAndLine) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"gird:\n  systolic.rows: [4]\ntopology: net.csv\n",
         ":1: unknown key 'gird': did you mean 'grid'? (known: config, engine, grid, topology, gemms, programs)"},
        {"grid:\n  systolic.row: [4]\ntopology: net.csv\n",
         ":2: axis 'systolic.row' is not a config key: did you mean 'systolic.rows'? (keys are section.key, e.g. "
         "systolic.rows, gpu.cores)"},
        {"grid:\n  systolic.rows: []\ntopology: net.csv\n",
         ":2: axis 'systolic.rows' needs a list of at least one value, e.g. [4, 8]"},
        {"grid: {}\ntopology: net.csv\n", ":1: 'grid' must map config keys to lists of values, e.g. systolic.rows: [4, 8]"},
        {"topology: net.csv\n", ":1: no 'grid': give at least one axis, e.g. systolic.rows: [4, 8]"},
        {"grid:\n  gpu.cores: [1]\ntopology: net.csv\n",
         ":2: axis 'gpu.cores' does not change a systolic-array sweep (its axes are systolic.*, sim.*)"},
        {"grid:\n  systolic.rows: [4,\n    300]\ntopology: net.csv\n", ":3: systolic.rows: 300 out of range (1..256)"},
        {"grid:\n  systolic.dataflow: [os, xs]\ntopology: net.csv\n",
         ":2: systolic.dataflow: expected one of os, ws, is, got 'xs'"},
        {"grid:\n  systolic.rows: [4]\n", ":1: no workloads: give topology or gemms (systolic array) or programs (GPU)"},
        {"grid:\n  systolic.rows: [4]\ngemms:\n  - {name: a, m: 4, k: 2, n: 3, x: 1}\n",
         ":4: unknown key 'x' in a GEMM (known: name, m, k, n)"},
        {"grid:\n  systolic.rows: [4]\ntopology: net.csv\nengine: fast\n", ":4: engine 'fast': expected model, rtl or cosim"},
    };
    const std::string dir = systolic_sweep("errors");
    for (const auto& [spec, message] : cases) {
        std::ofstream(dir + "/bad.yaml") << spec;
        const CliRun run = run_cli(fmt::format("sweep {0}/bad.yaml --out {0}/out", dir));
        EXPECT_EQ(run.status, 2) << spec;
        EXPECT_EQ(run.err, "lockstep: error: " + dir + "/bad.yaml" + message + "\n") << spec;
    }
    EXPECT_EQ(run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/out --job 8", dir)).err,
              "lockstep: error: --job 8: the sweep has 8 jobs (0..7)\n");
}

TEST(Sweep, GnuParallelRunsTheEmittedJobsToTheSameCsv) {
    const std::string dir = systolic_sweep("parallel");
    ASSERT_EQ(run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/local --jobs 2", dir)).status, 0);
    const CliRun emit = run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/out --emit parallel", dir));
    ASSERT_EQ(emit.status, 0) << emit.err;
    EXPECT_NE(emit.out.find("parallel -j"), std::string::npos) << emit.out;
    const auto lines = csv_rows(dir + "/out/jobs.txt");   // one cell each: the lines have no commas
    ASSERT_EQ(lines.size(), 8u);
    const std::string binary = fs::canonical(lockstep_binary()).string();
    for (size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i][0], fmt::format("{} sweep {}/sweep.yaml --out {}/out --job {}", binary, dir, dir, i));
    }
    std::string out, err;
    ASSERT_EQ(run_shell(fmt::format("parallel -j 2 < {}/out/jobs.txt", dir), &out, &err), 0) << out << err;
    const CliRun merged = run_cli(fmt::format("sweep --merge {}/out", dir));
    EXPECT_EQ(merged.status, 0) << merged.out << merged.err;
    EXPECT_EQ(read_text(dir + "/out/results.csv"), read_text(dir + "/local/results.csv"));
}

TEST(Sweep, SlurmArrayTasksRunEveryJobToTheSameCsv) {
    const std::string dir = systolic_sweep("slurm");
    ASSERT_EQ(run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/local --jobs 2", dir)).status, 0);
    const CliRun emit = run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/out --emit slurm", dir));
    ASSERT_EQ(emit.status, 0) << emit.err;
    EXPECT_NE(emit.out.find("sbatch " + dir + "/out/sweep.sbatch"), std::string::npos) << emit.out;
    const std::string script = read_text(dir + "/out/sweep.sbatch");
    EXPECT_EQ(script.rfind("#!/bin/bash\n", 0), 0u);
    EXPECT_NE(script.find("\n#SBATCH --array=0-7\n"), std::string::npos) << script;
    EXPECT_NE(script.find(fmt::format("\nexec {} sweep {}/sweep.yaml --out {}/out --job \"${{SLURM_ARRAY_TASK_ID:?",
                                      fs::canonical(lockstep_binary()).string(), dir, dir)),
              std::string::npos) << script;
    EXPECT_NE(run_shell(fmt::format("bash {}/out/sweep.sbatch", dir)), 0) << "outside Slurm the task has no index";
    for (int task = 0; task < 8; ++task) {
        std::string out, err;
        EXPECT_EQ(run_shell(fmt::format("SLURM_ARRAY_TASK_ID={} bash {}/out/sweep.sbatch", task, dir), &out, &err), 0)
            << out << err;
    }
    const CliRun merged = run_cli(fmt::format("sweep --merge {}/out", dir));
    EXPECT_EQ(merged.status, 0) << merged.out << merged.err;
    EXPECT_EQ(read_text(dir + "/out/results.csv"), read_text(dir + "/local/results.csv"));
}

// The emitted script submitted to a real, single-node Slurm that the test starts (about 10 s).
TEST(Sweep, SlurmRunsTheEmittedArrayToTheSameCsv) {
    if (::geteuid() != 0) GTEST_SKIP() << "a single-node Slurm needs root (munged, slurmd); submit by hand (docs/sweeps.md)";
    ASSERT_EQ(run_shell("command -v munged slurmctld slurmd sbatch sinfo"), 0)
        << "Debian's munge, slurmctld, slurmd and slurm-client are missing: make deps installs them";
    const std::string dir = systolic_sweep("real_slurm");
    ASSERT_EQ(run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/local --jobs 2", dir)).status, 0);
    ASSERT_EQ(run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/out --emit slurm", dir)).status, 0);
    const std::string script = source_path("tests/slurm_single_node.sh");
    struct StopSlurm {
        std::string command;
        ~StopSlurm() { run_shell(command); }
    } stop{fmt::format("{} {}/slurm stop", script, dir)};
    std::string conf, err;
    ASSERT_EQ(run_shell(fmt::format("{} {}/slurm start", script, dir), &conf, &err), 0) << err;
    conf = conf.substr(0, conf.find('\n'));
    std::string out;
    ASSERT_EQ(run_shell(fmt::format("SLURM_CONF={} sbatch --wait --quiet {}/out/sweep.sbatch", conf, dir), &out, &err), 0)
        << out << err << read_text(dir + "/slurm/slurmctld.log");
    const CliRun merged = run_cli(fmt::format("sweep --merge {}/out", dir));
    EXPECT_EQ(merged.status, 0) << merged.out << merged.err;
    EXPECT_EQ(read_text(dir + "/out/results.csv"), read_text(dir + "/local/results.csv"));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir + "/out/slurm"), fs::directory_iterator()), 8) << "a log per task";
}

TEST(Sweep, MergeReportsMissingJobs) {
    const std::string dir = systolic_sweep("missing");
    ASSERT_EQ(run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/out --emit parallel", dir)).status, 0);
    EXPECT_EQ(run_cli(fmt::format("sweep --merge {}/out", dir)).err,
              fmt::format("lockstep: error: {}/out/jobs: no job results to merge\n", dir));
    ASSERT_EQ(run_cli(fmt::format("sweep {0}/sweep.yaml --out {0}/out --job 3", dir)).status, 0);
    const CliRun merged = run_cli(fmt::format("sweep --merge {}/out", dir));
    EXPECT_EQ(merged.status, 1);
    EXPECT_NE(merged.out.find("7 jobs have no result yet (indices 0, 1, 2, 4, 5, 6, 7)"), std::string::npos) << merged.out;
}

}  // namespace
}  // namespace lockstep::testing
