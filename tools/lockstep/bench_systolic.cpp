// `lockstep bench --design systolic`: simulated cycles (clock edges) and PE-cycles per
// second of the array's model, RTL and cosim, with Google Benchmark, and how close the
// PE-cycles come to the machine's limit.
#include "bench.h"
#include "cosim/systolic_engine.h"
#include "cosim/rtl_cache.h"
#include "systolic/systolic_model.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace lockstep {

namespace {

struct Case {
    unsigned rows, cols;
    const char* dataflow;
    uint32_t m, k, n;
    std::vector<cosim::Engine> engines;
};

cosim::GemmRequest random_request(const Case& c) {
    std::mt19937_64 rng(1);
    std::uniform_int_distribution<int32_t> int8(-128, 127);
    cosim::GemmRequest r;
    r.dataflow = *systolic::dataflow_from_name(c.dataflow);
    r.size = {c.m, c.k, c.n};
    r.a.resize(static_cast<size_t>(c.m) * c.k);
    r.b.resize(static_cast<size_t>(c.k) * c.n);
    for (int32_t& v : r.a) v = int8(rng);
    for (int32_t& v : r.b) v = int8(rng);
    return r;
}

Config config_for(const Case& c) {
    Config config;
    config.systolic.rows = c.rows;
    config.systolic.cols = c.cols;
    // Buffers just big enough: cosim compares every buffer word at the end, one host-port
    // read (an RTL evaluation) each, which would dominate a small GEMM on 2^21-word buffers.
    const uint64_t words = std::max({uint64_t{c.m} * c.k, uint64_t{c.k} * c.n, uint64_t{c.m} * c.n});
    unsigned bits = 4;
    while ((uint64_t{1} << bits) < words) ++bits;
    config.systolic.buffer_addr_bits = bits;
    config.sim.max_cycles = 1000000000;
    return config;
}

// The machine's limit for PE-cycles per second on one core: a PE-cycle is at least one int32
// multiply-add, and the model's MAC loop is built for AVX-512 (16 int32 lanes an instruction),
// AVX2 (8) or the baseline (SSE2, 4), so the limit is lanes times the clock (one vector MAC a
// cycle).
struct MachineLimit {
    unsigned lanes = 4;
    double hz = 0;                    // 0 when Google Benchmark cannot read the clock
    double pe_cycles_per_second() const { return lanes * hz; }
};

MachineLimit machine_limit() {
    MachineLimit limit;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        limit.lanes = 16;
    } else if (__builtin_cpu_supports("avx2")) {
        limit.lanes = 8;
    }
    limit.hz = benchmark::CPUInfo::Get().cycles_per_second;   // the clock the bench's context line shows
    return limit;
}

}  // namespace

int bench_systolic(const BenchArgs& args) {
    const MachineLimit limit = machine_limit();
    if (limit.hz > 0) {
        fmt::print("machine limit: {} int32 lanes x {:.2f} GHz = {:.1f} G PE-cycles/s on one core; "
                   "'of limit' is each row's PE-cycles/s over it\n",
                   limit.lanes, limit.hz / 1e9, limit.pe_cycles_per_second() / 1e9);
    } else {
        fmt::print("machine limit: the clock cannot be read here, so no 'of limit' column\n");
    }
    std::vector<Case> cases = {
        // The speed goals: model only, real values.
        {32, 32, "os", 512, 512, 512, {cosim::Engine::Model}},
        {128, 128, "ws", 1024, 1024, 1024, {cosim::Engine::Model}},
    };
    for (unsigned size : {4u, 16u, 32u}) {
        cases.push_back({size, size, "ws", 64, 64, 64, {cosim::Engine::Model, cosim::Engine::Rtl, cosim::Engine::Cosim}});
    }
    if (args.model_only) {
        for (Case& c : cases) c.engines = {cosim::Engine::Model};
    }
    for (const Case& c : cases) {   // SystemC builds every model before any simulation
        systolic::SystolicModel::instance(systolic::ArrayShape::from(config_for(c).systolic));
    }
    // One group per case, each printed as soon as it has run; a shape's RTL is built (once,
    // then cached) just before its first RTL row, outside the timed loop.
    for (const Case& c : cases) {
        const bool needs_rtl = std::any_of(c.engines.begin(), c.engines.end(),
                                           [](cosim::Engine e) { return e != cosim::Engine::Model; });
        const cosim::RtlDesign design = cosim::systolic_design(systolic::ArrayShape::from(config_for(c).systolic));
        if (needs_rtl && !cosim::rtl_library_cached(design)) {
            fmt::print(stderr, "bench: the {}x{} rows need the {}x{} array's RTL, which is not built yet "
                               "(--model-only skips the RTL and cosim rows)\n", c.rows, c.cols, c.rows, c.cols);
            cosim::ensure_rtl_library(design);
        }
        for (cosim::Engine engine : c.engines) {
            const std::string label = fmt::format("systolic/{}x{}/{}/{}x{}x{}/{}", c.rows, c.cols, c.dataflow, c.m, c.k,
                                                  c.n, cosim::name(engine));
            benchmark::RegisterBenchmark(label.c_str(), [c, engine, limit](benchmark::State& state) {
                const Config config = config_for(c);
                const cosim::GemmRequest request = random_request(c);
                cosim::GemmOptions options;
                options.engine = engine;
                options.check_result = false;
                options.read_back = false;
                // Every clock edge simulated counts: the RTL also clocks A and B in through the host
                // port (one word an edge), which the model's fast path copies in directly.
                double cycles = 0;
                const auto start = std::chrono::steady_clock::now();
                for (auto _ : state) {
                    const cosim::GemmResult r = cosim::run_gemm(config, request, options);
                    cycles += static_cast<double>(r.cycles + r.drain_cycles +
                                                  (engine == cosim::Engine::Model ? 0 : r.load_cycles));
                }
                const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                state.counters["cycles/s"] = benchmark::Counter(cycles, benchmark::Counter::kIsRate);
                const double pe_cycles = cycles * c.rows * c.cols;
                state.counters["PE-cycles/s"] = benchmark::Counter(pe_cycles, benchmark::Counter::kIsRate);
                if (limit.hz > 0 && seconds > 0) {   // a percentage of the limit, wall-clock like the rates
                    state.counters["% of limit"] = 100 * pe_cycles / seconds / limit.pe_cycles_per_second();
                }
            })->Unit(benchmark::kMillisecond);
        }
        run_registered_benchmarks(args.min_time);
    }
    return 0;
}

}  // namespace lockstep
