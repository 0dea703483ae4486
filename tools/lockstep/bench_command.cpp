// `lockstep bench`: Google Benchmark measurements of the GPU, the systolic array, the stepper
// or view.html, as --design says.
#include "bench.h"
#include "command_line.h"
#include "command_support.h"
#include "common/error.h"

#include <CLI/CLI.hpp>
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace lockstep {

namespace {

// Google Benchmark's console table without its context block. Debian's libbenchmark is built
// without NDEBUG, so that block warns "Library was built as DEBUG" about the library itself
// (not about Lockstep, and it does not affect the timings here); one line of our own says what
// the figures were measured on instead.
class Reporter : public benchmark::ConsoleReporter {
public:
    Reporter() : ConsoleReporter(::isatty(STDOUT_FILENO) == 1 ? OO_ColorTabular : OO_Tabular) {}
    bool ReportContext(const Context& context) override {
        // Each call to run_registered_benchmarks reports a group: one table, columns aligned,
        // the header again only when the counters change.
        name_field_width_ = std::max<size_t>(name_field_width_, std::max<size_t>(context.name_field_width, 44));
        if (!described_) {
#ifdef NDEBUG
            const char* build = "an optimised";
#else
            const char* build = "a debug (unoptimised)";
#endif
            GetErrorStream() << fmt::format("{} CPUs at {:.0f} MHz, {} build of Lockstep; wall-clock times\n",
                                            context.cpu_info.num_cpus, context.cpu_info.cycles_per_second / 1e6,
                                            build);
            described_ = true;
        }
        return true;
    }

private:
    bool described_ = false;
};

}  // namespace

void run_registered_benchmarks(double min_time) {
    static bool initialised = false;
    static Reporter reporter;
    if (!initialised) {
        std::string min_time_flag = fmt::format("--benchmark_min_time={}", min_time);
        std::vector<char*> argv = {const_cast<char*>("lockstep-bench"), min_time_flag.data()};
        int argc = static_cast<int>(argv.size());
        benchmark::Initialize(&argc, argv.data());
        initialised = true;
    }
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();   // the next group starts empty
    std::fflush(stdout);
}

int bench_command(const BenchArgs& args) {
    const bool reads_traces = args.design == "stepper" || args.design == "view";
    if (reads_traces && args.model_only) throw Error("--model-only is for --design gpu or systolic");
    if (args.design == "systolic" && !args.program.empty()) throw Error("--program is for --design gpu");
    if (args.rounds > 1 && (args.design != "gpu" || args.model_only)) {
        throw Error("--rounds is for --design gpu with its RTL and cosim rows (not --model-only)");
    }
    if (!reads_traces && !args.trace.empty()) throw Error("--trace is for --design stepper or view");
    if (args.design == "systolic") return bench_systolic(args);
    if (args.design == "stepper") return bench_stepper(args, read_config(args.config));
    if (args.design == "view") return bench_view(args, read_config(args.config));
    return bench_gpu(args, read_config(args.config));
}

void add_bench_command(CLI::App& app, CommandTable& table) {
    auto args = std::make_shared<BenchArgs>();
    args->config = default_config();
    CLI::App* cli = app.add_subcommand("bench", "Simulated cycles per second: model, RTL and cosim (Google Benchmark)");
    cli->add_option("--config", args->config, "GPU config (YAML)")->capture_default_str();
    cli->add_option("--program", args->program, "Kernel to run (default: programs/bench_loop.asm)");
    cli->add_option("--min-time", args->min_time, "Seconds per benchmark")->capture_default_str()
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                size_t used = 0;
                double seconds = 0;
                try {
                    seconds = std::stod(text, &used);
                } catch (const std::exception&) {
                    used = 0;
                }
                if (used == 0 || used != text.size() || !(seconds >= 0.01 && seconds <= 3600)) {
                    return fmt::format("'{}' is not a number of seconds in 0.01..3600", text);
                }
                return "";
            },
            "0.01..3600"));
    cli->add_option("--design", args->design, "gpu, systolic, stepper (opening and seeking a trace) or view (view.html in Chromium)")
        ->capture_default_str()
        ->check(CLI::IsMember({"gpu", "systolic", "stepper", "view"}));
    cli->add_option("--trace", args->trace, "stepper, view: trace directory (default: record programs/long_loop.asm or mid_loop.asm)");
    cli->add_flag("--model-only", args->model_only,
                  "gpu, systolic: only the model (no RTL and cosim rows, so no RTL to build)");
    cli->add_option("--rounds", args->rounds,
                    "gpu: measure model, RTL and cosim this many times in turn, and give each round's "
                    "ratios and their median (on a machine whose speed drifts)")
        ->capture_default_str()
        ->check(whole_number(1, 100));
    table.push_back({cli, [args] { return bench_command(*args); }});
}

}  // namespace lockstep
