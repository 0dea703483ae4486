// `lockstep bench`: Google Benchmark measurements of the GPU, the systolic array, the stepper
// or view.html, as --design says.
#include "bench.h"
#include "command_line.h"
#include "command_support.h"
#include "common/error.h"

#include <CLI/CLI.hpp>
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

namespace lockstep {

void run_registered_benchmarks(double min_time) {
    std::string min_time_flag = fmt::format("--benchmark_min_time={}", min_time);
    std::vector<char*> argv = {const_cast<char*>("lockstep-bench"), min_time_flag.data()};
    int argc = static_cast<int>(argv.size());
    benchmark::Initialize(&argc, argv.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}

int bench_command(const BenchArgs& args) {
    const bool reads_traces = args.design == "stepper" || args.design == "view";
    if (args.design != "systolic" && args.model_only) throw Error("--model-only is for --design systolic");
    if (args.design == "systolic" && !args.program.empty()) throw Error("--program is for --design gpu");
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
    cli->add_flag("--model-only", args->model_only, "systolic: only the model (no 16x16/32x32 RTL builds)");
    table.push_back({cli, [args] { return bench_command(*args); }});
}

}  // namespace lockstep
