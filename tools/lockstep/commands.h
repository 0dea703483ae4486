// Subcommands that live in their own files.
#pragma once

#include "common/config.h"

#include <string>
#include <vector>

namespace lockstep {

struct BenchArgs {
    std::string config;
    std::string program;       // empty: programs/bench_loop.asm
    double min_time = 0.5;     // seconds per benchmark
    std::string design = "gpu";
    bool with_rtl = true;      // systolic: also RTL and cosim (builds 16x16 and 32x32 RTL)
    std::string trace;         // stepper, view: a trace directory (empty: record a long kernel)
};

int bench_command(const BenchArgs& args, const Config& config);
int bench_systolic_command(const BenchArgs& args);
int bench_stepper_command(const BenchArgs& args, const Config& config);
int bench_view_command(const BenchArgs& args, const Config& config);

// Runs every Google Benchmark registered so far, each for at least `min_time` seconds.
void run_registered_benchmarks(double min_time);

struct GemmArgs {
    std::string config;        // empty: defaults
    long rows = -1, cols = -1;     // -1: from the config
    std::string dataflow;      // empty: from the config
    uint32_t m = 0, k = 0, n = 0;
    uint64_t seed = 1;
    std::string a, b, out, engine = "cosim", trace, topology, fault;
    uint64_t max_cycles = 0;
    bool json = false;
};

int gemm_command(const GemmArgs& args);

// Full-screen on a terminal (unless `plain`); commands may also come from `commands` (-e),
// else one per line from stdin.
int step_command(const std::string& dir, const std::vector<std::string>& commands, bool plain);

// Writes TRACE_DIR/view.html, a self-contained page to step through the run in a browser,
// and returns its path (view_command also prints it).
std::string write_view(const std::string& dir);
int view_command(const std::string& dir);

}  // namespace lockstep
