// `lockstep bench --design stepper`: how fast `lockstep step` opens a long trace, jumps
// around it and runs backwards to a breakpoint, with Google Benchmark. By default it first
// records programs/long_loop.asm (about a million cycles) with the model.
#include "build_info.h"
#include "commands.h"
#include "common/assembler.h"
#include "common/error.h"
#include "cosim/engine.h"
#include "gpu/gpu_model.h"
#include "stepper.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <ostream>
#include <random>

namespace lockstep {

namespace {

namespace fs = std::filesystem;

// Removes the trace it recorded, however the benchmark ends.
struct RecordedTrace {
    std::string dir;
    bool owned = false;
    ~RecordedTrace() {
        std::error_code ignored;
        if (owned) fs::remove_all(dir, ignored);
    }
};

void record(const BenchArgs& args, const Config& config, RecordedTrace& trace) {
    const std::string path = args.program.empty()
                                 ? std::string(build_info::kSourceDir) + "/programs/long_loop.asm"
                                 : args.program;
    AsmLimits limits;
    limits.program_words = 1u << config.gpu.program_addr_bits;
    limits.data_words = 1u << config.gpu.data_addr_bits;
    limits.data_bits = config.gpu.data_width;
    const Program program = assemble_file(path, limits);
    gpu::GpuModel::instance(config.gpu);
    trace.dir = (fs::temp_directory_path() / fmt::format("lockstep-bench-stepper-{}", ::getpid())).string();
    trace.owned = true;
    cosim::RunOptions options;
    options.engine = cosim::Engine::Model;
    options.trace_dir = trace.dir;
    const cosim::RunResult result = cosim::run_gpu(config, program, options);
    fmt::print("recorded {} ({} cycles on {}) into {}\n\n", path, result.cycles, config.path, trace.dir);
}

}  // namespace

int bench_stepper_command(const BenchArgs& args, const Config& config) {
    static RecordedTrace trace;
    if (args.trace.empty()) {
        record(args, config, trace);
    } else {
        trace.dir = args.trace;
    }
    const std::string dir = trace.dir;
    const Stepper opened(dir);   // a damaged or missing trace is reported here, before any timing
    std::ostream discard(nullptr);   // the views are formatted, then dropped

    benchmark::RegisterBenchmark("stepper/open_and_show", [dir, &discard](benchmark::State& state) {
        for (auto _ : state) {
            Stepper stepper(dir);
            stepper.show(discard);
            benchmark::DoNotOptimize(stepper.last());
        }
    })->Unit(benchmark::kMillisecond);

    benchmark::RegisterBenchmark("stepper/goto_random_cycle", [dir, &discard](benchmark::State& state) {
        Stepper stepper(dir);
        std::mt19937_64 rng(1);
        std::uniform_int_distribution<uint64_t> cycle(0, stepper.last());
        for (auto _ : state) stepper.execute(fmt::format("goto {}", cycle(rng)), discard);
    })->Unit(benchmark::kMicrosecond);

    // From the last cycle back to the first decode of PC 2, which every kernel reaches once
    // near its start: a backward scan over the whole run.
    benchmark::RegisterBenchmark("stepper/reverse_whole_run", [dir, &discard](benchmark::State& state) {
        Stepper stepper(dir);
        stepper.execute("break pc=2", discard);
        for (auto _ : state) {
            stepper.execute("last", discard);
            stepper.execute("reverse", discard);
        }
        state.counters["cycles_scanned/s"] =
            benchmark::Counter(static_cast<double>(stepper.last() - stepper.cycle()) * static_cast<double>(state.iterations()),
                               benchmark::Counter::kIsRate);
    })->Unit(benchmark::kMillisecond);

    run_registered_benchmarks(args.min_time);
    return 0;
}

}  // namespace lockstep
