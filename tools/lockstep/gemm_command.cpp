// `lockstep gemm`: one GEMM (or every layer of a SCALE-Sim topology) on the systolic array.
#include "command_line.h"
#include "command_support.h"
#include "commands.h"
#include "matrix_file.h"
#include "common/error.h"
#include "common/plural.h"
#include "cosim/rtl_cache.h"
#include "cosim/systolic_engine.h"
#include "systolic/systolic_model.h"
#include "topology.h"
#include "trace/pictures.h"
#include "workers.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <random>

#include <sys/mman.h>

namespace lockstep {

namespace {

using systolic::Dataflow;
using systolic::GemmSize;

// CYCLE:ROW.COL:(h|v|w|acc)=VALUE, the whole text: nothing before, between or after.
cosim::PeFault parse_gemm_fault(const std::string& text) {
    const Error bad(fmt::format("--inject-fault '{}': expected CYCLE:ROW.COL:(h|v|w|acc)=VALUE, e.g. 12:1.2:acc=5", text));
    const std::vector<std::string> fields = split(text, ':');
    if (fields.size() != 3) throw bad;
    const std::vector<std::string> where = split(fields[1], '.');
    const auto cycle = parse_whole(fields[0]);
    if (where.size() != 2 || !cycle) throw bad;
    const auto fault = parse_pe_fault(*cycle, where[0], where[1], fields[2]);
    if (!fault) throw bad;
    return *fault;
}

std::string format_result(const cosim::GemmResult& r, const SystolicConfig& sa, const cosim::GemmRequest& req,
                          const std::string& label) {
    std::string out;
    out += fmt::format("{}M={} K={} N={} on a {}x{} {} array, engine {}\n", label, req.size.m, req.size.k, req.size.n, sa.rows,
               sa.cols, systolic::name(req.dataflow), cosim::name(r.engine));
    const std::string folds = fmt::format("{} x {} per fold", plural(r.folds, "fold"), plural(r.cycles_per_fold, "cycle"));
    if (r.stopped) {
        out += fmt::format("  stopped by a mismatch after {} of {} ({})\n", r.cycles,
                   plural(r.folds * r.cycles_per_fold, "cycle"), folds);
        out += fmt::format("  mapping efficiency {:.1f}% (no utilisation: the GEMM did not finish)\n", 100 * r.mapping_efficiency);
    } else {
        out += fmt::format("  {} = {} (SCALE-Sim reports {}, the last cycle's index)\n", folds, plural(r.cycles, "cycle"),
                   r.cycles - 1);
        out += fmt::format("  utilisation {:.1f}%, mapping efficiency {:.1f}%\n", 100 * r.utilisation.value_or(0),
                   100 * r.mapping_efficiency);
    }
    if (r.launch_cycles.size() > 1) {
        out += fmt::format("  {}: {} cycles\n", plural(r.launch_cycles.size(), "launch"), comma_list(r.launch_cycles));
    }
    out += fmt::format("  not counted above: {} loading A and B, {} reading C{}\n", plural(r.load_cycles, "host-port cycle"),
               r.unload_cycles, r.drain_cycles ? fmt::format(", {} draining the last os tile", r.drain_cycles) : "");
    if (r.stopped) out += fmt::format("  C not compared with a plain int32 GEMM: the GEMM did not finish\n");
    else out += fmt::format("  C {} a plain int32 GEMM of A and B\n", r.result_ok ? "equals" : "DIFFERS FROM");
    return out;
}

// What one layer's run prints and reports: made where it runs (here, or in a worker process)
// and printed in layer order.
struct LayerOutcome {
    nlohmann::json report;
    std::string out;                  // its stdout lines (without --json)
    std::string err;                  // its mismatch report, if any
    bool ok = true;                   // C right and no mismatch
};

nlohmann::json to_json(const LayerOutcome& o) {
    return {{"report", o.report}, {"out", o.out}, {"err", o.err}, {"ok", o.ok}};
}

LayerOutcome outcome_from_json(const nlohmann::json& j) {
    return LayerOutcome{j.at("report"), j.at("out").get<std::string>(), j.at("err").get<std::string>(),
                        j.at("ok").get<bool>()};
}

// Words in memory that forked worker processes share with this one.
class SharedWords {
public:
    explicit SharedWords(size_t n) : bytes_(std::max<size_t>(n, 1) * sizeof(int32_t)) {
        void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw Error(fmt::format("cannot share memory with the workers: {}", std::strerror(errno)));
        words_ = static_cast<int32_t*>(p);
    }
    SharedWords(const SharedWords&) = delete;
    SharedWords& operator=(const SharedWords&) = delete;
    ~SharedWords() { munmap(words_, bytes_); }
    int32_t* data() { return words_; }

private:
    size_t bytes_;
    int32_t* words_;
};

// One GEMM's tiles in `jobs` worker processes (cosim::split_gemm), each an untraced
// model run of its own GEMM that writes its C into the whole C, shared with this process.
// A GEMM whose run may meet the cycle limit runs whole, so that it stops as it would alone.
cosim::GemmResult run_in_parts(const Config& config, const cosim::GemmRequest& request,
                               const cosim::GemmOptions& options, unsigned jobs) {
    const systolic::ArrayShape shape = systolic::ArrayShape::from(config.systolic);
    const systolic::Mapping map(request.dataflow, request.size, shape.rows, shape.cols);
    const uint64_t limit = options.max_cycles ? options.max_cycles : config.sim.max_cycles;
    const uint64_t edges = map.folds() * map.fold_length + shape.rows + 2;   // start, the folds, the drain, done
    const unsigned parts = cosim::gemm_parts(request, shape, jobs);
    if (parts < 2 || edges > limit) return cosim::run_gemm(config, request, options);
    const size_t words = static_cast<size_t>(request.size.m) * request.size.n;
    SharedWords c(words);
    auto prepare = [&] { systolic::SystolicModel::instance(shape); };   // SystemC's model, before the fork
    auto run = [&](size_t i) {   // each worker copies its own part's operands
        const cosim::GemmPart part = cosim::gemm_part(request, shape, parts, static_cast<unsigned>(i));
        const cosim::GemmResult r = cosim::run_gemm(config, part.request, options);
        cosim::place_part(request, part, r.c, c.data());
        return nlohmann::json{{"cycles", r.cycles}, {"drain_cycles", r.drain_cycles}, {"result_ok", r.result_ok}};
    };
    std::vector<cosim::GemmResult> results;
    for (const nlohmann::json& j : run_in_workers(parts, parts, prepare, run, false, "gemm", "part")) {
        cosim::GemmResult& r = results.emplace_back();
        r.cycles = j.at("cycles").get<uint64_t>();
        r.drain_cycles = j.at("drain_cycles").get<uint64_t>();
        r.result_ok = j.at("result_ok").get<bool>();
    }
    return cosim::merge_parts(request, shape, results, std::vector<int32_t>(c.data(), c.data() + words));
}

}  // namespace

int gemm_command(const GemmArgs& args) {
    Config config = read_config(args.config);
    SystolicConfig& sa = config.systolic;
    if (args.rows) sa.rows = args.rows;
    if (args.cols) sa.cols = args.cols;
    if (sa.rows < 1 || sa.rows > 256 || sa.cols < 1 || sa.cols > 256) {
        throw Error(fmt::format("array {}x{}: rows and cols must be 1..256", sa.rows, sa.cols));
    }
    if (!args.dataflow.empty()) sa.dataflow = args.dataflow;
    const auto dataflow = systolic::dataflow_from_name(sa.dataflow);
    if (!dataflow) throw Error(fmt::format("--dataflow '{}': expected os, ws or is", sa.dataflow));
    cosim::GemmOptions options = driver_options<cosim::GemmOptions>(args);
    if (!args.fault.empty()) {
        options.fault = parse_gemm_fault(args.fault);
        if (options.fault->row >= sa.rows || options.fault->col >= sa.cols) {
            throw Error(fmt::format("--inject-fault '{}': the array has rows 0..{} and cols 0..{}", args.fault,
                                    sa.rows - 1, sa.cols - 1));
        }
    }
    if (!args.topology.empty() && (!args.a.empty() || !args.b.empty() || !args.out.empty() || args.m || args.k || args.n)) {
        throw Error("--topology gives every layer's sizes and random inputs: it does not go with --m/--k/--n, --a/--b or --out");
    }

    const bool from_files = !args.a.empty() || !args.b.empty();
    if (args.topology.empty() && !from_files && (!args.m || !args.k || !args.n)) {
        std::string missing;
        for (const auto& [option, value] : {std::pair{"--m", args.m}, {"--k", args.k}, {"--n", args.n}}) {
            if (!value) missing += (missing.empty() ? "" : ", ") + std::string(option);
        }
        throw Error(fmt::format("gemm needs the sizes (missing {}): give --m/--k/--n, or --a/--b, or --topology", missing));
    }

    std::vector<Layer> layers;
    if (!args.topology.empty()) {
        layers = read_topology(args.topology);
    } else {
        layers.push_back(Layer{"gemm", GemmSize{args.m, args.k, args.n}});
    }
    // Every layer's request first, in order, so the random inputs are the same however many
    // processes run them.
    std::vector<cosim::GemmRequest> requests;
    std::mt19937_64 rng(args.seed);
    for (const Layer& layer : layers) {
        cosim::GemmRequest& request = requests.emplace_back();
        request.dataflow = *dataflow;
        request.size = layer.size;
        if (from_files) {
            if (args.a.empty() || args.b.empty()) throw Error("--a and --b go together");
            const Matrix a = read_matrix(args.a, sa.in_bits), b = read_matrix(args.b, sa.in_bits);
            if (a.cols != b.rows) {
                throw Error(fmt::format("{} is {}x{} and {} is {}x{}: A's columns must equal B's rows", args.a, a.rows,
                                        a.cols, args.b, b.rows, b.cols));
            }
            const GemmSize from_files{a.rows, a.cols, b.cols};
            if ((args.m && args.m != a.rows) || (args.k && args.k != a.cols) || (args.n && args.n != b.cols)) {
                throw Error(fmt::format("--m/--k/--n disagree with the CSV shapes (M={} K={} N={})", a.rows, a.cols,
                                        b.cols));
            }
            request.size = from_files;
            request.a = a.values;
            request.b = b.values;
        } else {
            if (layer.size.m == 0 || layer.size.k == 0 || layer.size.n == 0) {
                throw Error(fmt::format("{}: M, K and N must be at least 1 (got M={} K={} N={})", layer.name,
                                        layer.size.m, layer.size.k, layer.size.n));
            }
            cosim::check_gemm(sa, request.size);
            request.a = random_matrix(rng, static_cast<size_t>(request.size.m) * request.size.k, sa.in_bits);
            request.b = random_matrix(rng, static_cast<size_t>(request.size.k) * request.size.n, sa.in_bits);
        }
    }
    // One GEMM with --jobs: its tiles in that many processes, which only its untraced
    // model run can do (the RTL and the traces follow the one array through every fold). With
    // --topology, --jobs is the layers at once, also for a topology of one layer.
    const bool in_parts = args.topology.empty() && args.jobs > 1;
    if (in_parts && (options.engine != cosim::Engine::Model || !args.trace.empty() || !args.fault.empty() ||
                     args.reset_at || args.launches != 1)) {
        throw Error("--jobs with one GEMM runs its tiles in separate processes: it needs --engine model, "
                    "without --trace, --inject-fault, --reset-at or --launches");
    }
    const unsigned jobs = static_cast<unsigned>(std::min<size_t>(args.jobs, layers.size()));
    if (jobs > 1 || in_parts) options.progress = false;   // the workers share one terminal: the parent shows layers done
    auto run_layer = [&](size_t index) {
        const Layer& layer = layers[index];
        const cosim::GemmRequest& request = requests[index];
        cosim::GemmOptions layer_options = options;
        if (!options.trace_dir.empty() && layers.size() > 1) layer_options.trace_dir += "/" + layer.name;
        const cosim::GemmResult result = in_parts ? run_in_parts(config, request, layer_options, args.jobs)
                                                  : cosim::run_gemm(config, request, layer_options);
        LayerOutcome o;
        o.ok = result.result_ok && result.mismatches == 0;
        o.report = cosim::to_json(result, sa, request);
        if (layers.size() > 1) o.report["layer"] = layer.name;
        if (!args.out.empty() && layers.size() == 1) write_matrix(args.out, result.c, request.size.m, request.size.n);
        if (!args.json) o.out = format_result(result, sa, request, layers.size() > 1 ? layer.name + ": " : "");
        if (result.first_mismatch) {
            o.err = cosim::format_report(*result.first_mismatch);
        } else if (!args.json && result.engine == cosim::Engine::Cosim) {
            o.out += "  lock-step: model and RTL agreed on every cycle and on C\n";
        }
        return o;
    };
    auto show = [&](const LayerOutcome& o) {
        std::cout << o.out << std::flush;
        std::cerr << o.err;
    };
    nlohmann::json reports = nlohmann::json::array();
    bool all_ok = true;
    if (jobs <= 1) {
        for (size_t index = 0; index < layers.size(); ++index) {
            const LayerOutcome o = run_layer(index);
            show(o);
            all_ok &= o.ok;
            reports.push_back(o.report);
        }
    } else {
        const systolic::ArrayShape shape = systolic::ArrayShape::from(sa);
        auto prepare = [&] {   // what SystemC and the RTL cache must have before the fork
            if (options.engine != cosim::Engine::Rtl) systolic::SystolicModel::instance(shape);
            if (options.engine != cosim::Engine::Model) cosim::ensure_rtl_library(cosim::systolic_design(shape));
        };
        auto run_json = [&](size_t index) { return to_json(run_layer(index)); };
        for (const nlohmann::json& result : run_in_workers(layers.size(), jobs, prepare, run_json, !args.json, "gemm")) {
            const LayerOutcome o = outcome_from_json(result);
            show(o);
            all_ok &= o.ok;
            reports.push_back(o.report);
        }
    }
    if (args.json) std::cout << (layers.size() > 1 ? nlohmann::json{{"layers", reports}} : reports[0]).dump() << std::endl;
    if (!args.json && !args.trace.empty() && layers.size() == 1) {
        fmt::print("Traces: {}/ ({})\n  step through the run: lockstep step {} (or lockstep view {})\n", args.trace,
                   trace::trace_files(args.trace), args.trace, args.trace);
    } else if (!args.json && !args.trace.empty()) {
        fmt::print("Traces: {}/<layer>/, one folder per layer; step through a layer's run (or view it):\n", args.trace);
        for (const Layer& layer : layers) {
            const std::string dir = args.trace + "/" + layer.name;
            fmt::print("  lockstep step {} (or lockstep view {})\n", dir, dir);
        }
    }
    return all_ok ? 0 : 1;
}

void add_gemm_command(CLI::App& app, CommandTable& table) {
    auto args = std::make_shared<GemmArgs>();
    args->config = source_file("configs/systolic.yaml");
    CLI::App* cli = app.add_subcommand("gemm", "Run a GEMM on the systolic array (SCALE-Sim compatible timing)");
    cli->add_option("--config", args->config, "Config with a systolic: section")->capture_default_str();
    cli->add_option("--rows", args->rows, "PE rows (overrides the config)")->check(whole_number(1, 256));
    cli->add_option("--cols", args->cols, "PE columns (overrides the config)")->check(whole_number(1, 256));
    cli->add_option("--dataflow", args->dataflow, "os | ws | is (overrides the config)");
    cli->add_option("--m", args->m, "Rows of A and C")->check(whole_number(1, 65535));
    cli->add_option("--k", args->k, "Columns of A, rows of B")->check(whole_number(1, 65535));
    cli->add_option("--n", args->n, "Columns of B and C")->check(whole_number(1, 65535));
    cli->add_option("--seed", args->seed, "Seed of the random int8 inputs")->capture_default_str()
        ->check(whole_number(0, UINT64_MAX));
    cli->add_option("--a", args->a, "A as CSV (M rows of K integers)");
    cli->add_option("--b", args->b, "B as CSV (K rows of N integers)");
    cli->add_option("--out", args->out, "Write C as CSV");
    cli->add_option("--engine", args->engine, "model | rtl | cosim")->capture_default_str();
    cli->add_option("--trace", args->trace, "Write per-cycle traces here");
    cli->add_option("--topology", args->topology, "SCALE-Sim GEMM topology CSV: run every layer");
    cli->add_option("--jobs", args->jobs,
                    "Run the layers of --topology, or one GEMM's tiles (--engine model), in this many "
                    "processes at once (output as with 1)")
        ->capture_default_str()->check(whole_number(1, 256));
    cli->add_option("--max-cycles", args->max_cycles, "Stop with an error after this many cycles")
        ->check(whole_number(1, 1000000000));
    cli->add_option("--inject-fault", args->fault,
                    "Overwrite a model PE register after a cycle, CYCLE:ROW.COL:(h|v|w|acc)=VALUE");
    cli->add_option("--launches", args->launches, "Run the GEMM this many times without a reset (start dropped in between)")
        ->check(whole_number(1, 1000));
    cli->add_option("--reset-at", args->reset_at,
                    "Reset the array after this many cycles of a first GEMM, then run it again from the start "
                    "(checks that a reset mid-run leaves nothing behind)")
        ->check(whole_number(1, 1000000000));
    cli->add_flag("--json", args->json, "Print one JSON object on stdout");
    table.push_back({cli, [args] { return gemm_command(*args); }, [args] { return args->json; }});
}

}  // namespace lockstep
