// `lockstep bench` (--design gpu): simulated cycles per second of model, RTL and cosim,
// measured with Google Benchmark on one long kernel.
#include "bench.h"
#include "command_support.h"
#include "common/assembler.h"
#include "cosim/gpu_engine.h"
#include "cosim/gpu_engine.h"
#include "cosim/rtl_cache.h"
#include "cosim/systolic_engine.h"
#include "gpu/gpu_model.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace lockstep {

namespace {

struct Rate {
    double cycles = 0, seconds = 0;
};

}  // namespace

int bench_gpu(const BenchArgs& args, const Config& config) {
    const std::string path = args.program.empty() ? source_file("programs/bench_loop.asm") : args.program;
    const Program program = assemble_file(path, limits_for(config.gpu));
    gpu::GpuModel::instance(config.gpu);        // SystemC: build the model before any run
    std::vector<cosim::Engine> engines = {cosim::Engine::Model};
    if (!args.model_only) {
        const cosim::RtlDesign design = cosim::gpu_design(config.gpu);
        if (!cosim::rtl_library_cached(design)) {
            fmt::print(stderr, "bench: the RTL and cosim rows need the RTL of {}, which is not built yet "
                               "(--model-only skips them)\n", config.path);
        }
        cosim::ensure_rtl_library(design);   // outside the timed loop
        engines.push_back(cosim::Engine::Rtl);
        engines.push_back(cosim::Engine::Cosim);
    }

    static std::map<std::string, Rate> rates;
    for (cosim::Engine engine : engines) {
        const std::string name = cosim::name(engine);
        benchmark::RegisterBenchmark(("gpu/" + name).c_str(), [=](benchmark::State& state) {
            cosim::RunOptions options;
            options.engine = engine;
            double cycles = 0;
            const auto begin = std::chrono::steady_clock::now();
            for (auto _ : state) {
                const cosim::RunResult result = cosim::run_gpu(config, program, options);
                cycles += static_cast<double>(result.cycles);
            }
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
            rates[name] = Rate{cycles, seconds};
            state.counters["cycles/s"] = benchmark::Counter(cycles, benchmark::Counter::kIsRate);
            state.counters["cycles_per_run"] = benchmark::Counter(cycles / static_cast<double>(state.iterations()));
        })->Unit(benchmark::kMillisecond);
    }
    run_registered_benchmarks(args.min_time);

    auto per_second = [](const Rate& r) { return r.seconds > 0 ? r.cycles / r.seconds : 0.0; };
    const double model = per_second(rates["model"]), rtl = per_second(rates["rtl"]), both = per_second(rates["cosim"]);
    if (args.model_only) {
        fmt::print("\n{} on {}: model {:.0f} cycles/s\n", program.path, config.path, model);
        return 0;
    }
    fmt::print("\n{} on {}: model {:.0f} cycles/s, RTL {:.0f} cycles/s, cosim {:.0f} cycles/s\n", program.path,
               config.path, model, rtl, both);
    if (rtl > 0) fmt::print("model / RTL = {:.2f}x, cosim / RTL = {:.0f}%\n", model / rtl, 100.0 * both / rtl);
    return 0;
}

}  // namespace lockstep
