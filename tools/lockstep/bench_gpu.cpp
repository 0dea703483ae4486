// `lockstep bench` (--design gpu): simulated cycles per second of model, RTL and cosim,
// measured with Google Benchmark on one long kernel.
#include "bench.h"
#include "command_support.h"
#include "common/assembler.h"
#include "cosim/gpu_engine.h"
#include "cosim/rtl_cache.h"
#include "cosim/systolic_engine.h"
#include "gpu/gpu_model.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
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

    // Each round measures every engine once, one after the other: a machine whose speed drifts
    // moves the three rows of a round alike, so the ratios within a round hold better than
    // the totals.
    static std::vector<std::map<std::string, Rate>> rounds;
    rounds.assign(args.rounds, {});
    for (unsigned round = 0; round < args.rounds; ++round) {
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
                rounds[round][name] = Rate{cycles, seconds};
                state.counters["cycles/s"] = benchmark::Counter(cycles, benchmark::Counter::kIsRate);
                state.counters["cycles_per_run"] = benchmark::Counter(cycles / static_cast<double>(state.iterations()));
            })->Unit(benchmark::kMillisecond);
        }
        run_registered_benchmarks(args.min_time);
    }

    // All rounds together, then (with several) each round's ratios and their medians.
    std::map<std::string, Rate> total;
    for (const auto& round : rounds) {
        for (const auto& [name, rate] : round) {
            total[name].cycles += rate.cycles;
            total[name].seconds += rate.seconds;
        }
    }
    auto per_second = [](const Rate& r) { return r.seconds > 0 ? r.cycles / r.seconds : 0.0; };
    const double model = per_second(total["model"]), rtl = per_second(total["rtl"]), both = per_second(total["cosim"]);
    if (args.model_only) {
        fmt::print("\n{} on {}: model {:.0f} cycles/s\n", program.path, config.path, model);
        return 0;
    }
    fmt::print("\n{} on {}: model {:.0f} cycles/s, RTL {:.0f} cycles/s, cosim {:.0f} cycles/s\n", program.path,
               config.path, model, rtl, both);
    if (rtl > 0) fmt::print("model / RTL = {:.2f}x, cosim / RTL = {:.0f}%\n", model / rtl, 100.0 * both / rtl);
    if (args.rounds < 2) return 0;
    std::vector<double> speedups, shares;
    for (unsigned round = 0; round < args.rounds; ++round) {
        std::map<std::string, Rate>& r = rounds[round];
        const double m = per_second(r["model"]), t = per_second(r["rtl"]), c = per_second(r["cosim"]);
        if (t <= 0) continue;
        speedups.push_back(m / t);
        shares.push_back(100.0 * c / t);
        fmt::print("round {}: model / RTL = {:.2f}x, cosim / RTL = {:.0f}%\n", round + 1, speedups.back(), shares.back());
    }
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        const size_t n = v.size();
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    };
    if (!speedups.empty()) {
        fmt::print("median of {} rounds: model / RTL = {:.2f}x, cosim / RTL = {:.0f}%\n", speedups.size(),
                   median(speedups), median(shares));
    }
    return 0;
}

}  // namespace lockstep
