// Benchmarks of reading traces, with Google Benchmark. `--design stepper`: how fast
// `lockstep step` opens a long trace, jumps around it and runs backwards to a breakpoint
// (by default on programs/long_loop.asm, about a million cycles). `--design view`: how fast
// view.html loads and steps in headless Chromium (by default on programs/mid_loop.asm,
// about 100,000 cycles). Each first records its kernel with the model, unless given --trace.
#include "bench.h"
#include "command_support.h"
#include "common/assembler.h"
#include "common/error.h"
#include "common/plural.h"
#include "cosim/gpu_engine.h"
#include "gpu/gpu_model.h"
#include "stepper.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
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

// The trace to read: --trace DIR, or a fresh model run of --program (else `kernel`).
void prepare(const BenchArgs& args, const Config& config, const char* kernel, RecordedTrace& trace) {
    if (!args.trace.empty()) {
        trace.dir = args.trace;
        return;
    }
    const std::string path = args.program.empty() ? source_file(std::string("programs/") + kernel) : args.program;
    const Program program = assemble_file(path, limits_for(config.gpu));
    gpu::GpuModel::instance(config.gpu);
    trace.dir = (fs::temp_directory_path() / fmt::format("lockstep-bench-trace-{}", ::getpid())).string();
    trace.owned = true;
    cosim::RunOptions options;
    options.engine = cosim::Engine::Model;
    options.trace_dir = trace.dir;
    const cosim::RunResult result = cosim::run_gpu(config, program, options);
    fmt::print("recorded {} ({} on {}) into {}\n\n", path, plural(result.cycles, "cycle"), config.path, trace.dir);
}

}  // namespace

int bench_stepper(const BenchArgs& args, const Config& config) {
    static RecordedTrace trace;
    prepare(args, config, "long_loop.asm", trace);
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

    // From the last cycle back to a breakpoint near the start, a backward scan over the whole
    // run: the first decode of PC 2 (every kernel reaches it once), or the first fold's start.
    const std::string start = opened.kind() == "gpu" ? "break pc=2" : "break fold=0";
    benchmark::RegisterBenchmark("stepper/reverse_whole_run", [dir, start, &discard](benchmark::State& state) {
        Stepper stepper(dir);
        stepper.execute(start, discard);
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

int bench_view(const BenchArgs& args, const Config& config) {
    const char* const chromium = "/usr/bin/chromium";
    if (::access(chromium, X_OK) != 0) throw Error("bench --design view needs Chromium: apt-get install -y chromium");
    static RecordedTrace trace;
    prepare(args, config, "mid_loop.asm", trace);
    const std::string page = fs::absolute(write_view(trace.dir)).string();
    const uint64_t last = Stepper(trace.dir).last();
    fmt::print("view.html of {}: {:.1f} MB\n\n", plural(last + 1, "cycle"), static_cast<double>(fs::file_size(page)) / 1e6);

    // Opens the page in headless Chromium with `hash` and returns what it measured itself.
    auto measure = [chromium, page](const std::string& hash) {
        const fs::path profile = fs::temp_directory_path() / fmt::format("lockstep-bench-chromium-{}", ::getpid());
        const std::string command = fmt::format(
            "timeout 120 {} --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
            "--user-data-dir={} --dump-dom 'file://{}#{}' 2>/dev/null",
            chromium, profile.string(), page, hash);
        FILE* pipe = ::popen(command.c_str(), "r");
        if (pipe == nullptr) throw Error("cannot run " + std::string(chromium));
        std::string dom;
        char buffer[65536];
        for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) dom.append(buffer, n);
        ::pclose(pipe);
        std::error_code ignored;
        fs::remove_all(profile, ignored);
        const size_t at = dom.find("id=\"timing\"");
        const size_t open = dom.find('>', at), close = dom.find('<', open);
        if (at == std::string::npos || open == std::string::npos || close == std::string::npos) {
            throw Error(page + ": Chromium did not show the page's timing");
        }
        return nlohmann::json::parse(dom.substr(open + 1, close - open - 1));
    };

    benchmark::RegisterBenchmark("view/load_and_first_draw", [measure](benchmark::State& state) {
        for (auto _ : state) state.SetIterationTime(measure("cycle=0")["load_ms"].get<double>() / 1e3);
    })->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

    // 200 moves spread over the run: goto a random cycle, then steps and jumps of 10 each way.
    std::mt19937_64 rng(1);
    std::string keys;
    for (int i = 0; i < 40; ++i) keys += "ArrowRight,ArrowRight,Shift+ArrowRight,ArrowLeft,Shift+ArrowLeft,";
    keys.pop_back();
    const std::string hash = fmt::format("cycle={}&keys={}", std::uniform_int_distribution<uint64_t>(0, last)(rng), keys);
    benchmark::RegisterBenchmark("view/step", [measure, hash](benchmark::State& state) {
        double worst = 0;
        for (auto _ : state) {
            const nlohmann::json t = measure(hash);
            state.SetIterationTime(t["step_ms_total"].get<double>() / t["steps"].get<double>() / 1e3);
            worst = std::max(worst, t["step_ms_max"].get<double>());
        }
        state.counters["slowest_step_ms"] = worst;
    })->UseManualTime()->Iterations(3)->Unit(benchmark::kMicrosecond);

    run_registered_benchmarks(args.min_time);
    return 0;
}

}  // namespace lockstep
