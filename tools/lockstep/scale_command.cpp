// `lockstep scale`: SCALE-Sim v2's inputs (a .cfg and a topology CSV) and its three reports.
// Each mode is an engine that turns the layers into LayerReports; the command only reads the
// inputs, runs the engine and writes and prints what it reports.
#include "command_line.h"
#include "command_support.h"
#include "commands.h"
#include "common/error.h"
#include "common/plural.h"
#include "scale_array.h"
#include "scale/compat.h"
#include "scale/network.h"
#include "scale/reports.h"
#include "scale/scale_config.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace lockstep {

namespace {

using namespace scale;

// What an engine gets: the config and the topology's layers as written (each engine decides
// what it does with them, e.g. SCALE-Sim's depthwise split).
struct ScaleRun {
    ScaleConfig config;
    TopologyKind kind = TopologyKind::kConv;
    std::vector<ConvLayer> layers;
    unsigned jobs = 1;
};
using ScaleEngine = std::function<std::vector<LayerReport>(const ScaleRun&)>;

// The report of each of `layers`, computed by `one` on up to `jobs` threads; the first error wins.
std::vector<LayerReport> each_layer(const std::vector<ConvLayer>& layers, unsigned jobs,
                                    const std::function<LayerReport(const ConvLayer&, uint64_t)>& one) {
    std::vector<LayerReport> reports(layers.size());
    std::atomic<size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_lock;
    auto worker = [&] {
        for (size_t i; (i = next++) < layers.size();) {
            try {
                reports[i] = one(layers[i], i);
            } catch (...) {
                const std::lock_guard<std::mutex> hold(failure_lock);
                if (!failure) failure = std::current_exception();
                next = layers.size();
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < std::min<size_t>(jobs, layers.size()); ++t) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
    return reports;
}

// SCALE-Sim splits conv "DP" layers per channel (not GEMMs), and numbers the layers after that.
std::vector<LayerReport> scalesim_engine(const ScaleRun& run) {
    const std::vector<ConvLayer> layers = run.kind == TopologyKind::kConv ? split_depthwise(run.layers) : run.layers;
    return each_layer(layers, run.jobs,
                      [&](const ConvLayer& layer, uint64_t id) { return run_compat_layer(run.config, layer, id); });
}

// The --compat modes by name; the default mode is not here yet.
const std::map<std::string, ScaleEngine>& compat_engines() {
    static const std::map<std::string, ScaleEngine> engines = {{"scalesim", scalesim_engine}};
    return engines;
}

nlohmann::json access_json(const Access& a, const char* count) {
    return {{"start", a.start}, {"stop", a.stop}, {count, a.words}};
}

nlohmann::json layer_json(const LayerReport& r) {
    const char* operands[3] = {"ifmap", "filter", "ofmap"};
    nlohmann::json sram_bw, dram_bw, sram, dram;
    for (int i = 0; i < 3; ++i) {
        sram_bw[operands[i]] = r.sram_bw[i];
        dram_bw[operands[i]] = r.dram_bw[i];
        sram[operands[i]] = access_json(r.sram[i], i == 2 ? "writes" : "reads");
        dram[operands[i]] = access_json(r.dram[i], i == 2 ? "writes" : "reads");
    }
    return {{"layer_id", r.layer_id}, {"name", r.name}, {"macs", r.macs},
            {"total_cycles", r.total_cycles}, {"stall_cycles", r.stall_cycles}, {"overall_util_pct", r.overall_util},
            {"mapping_efficiency_pct", r.mapping_efficiency}, {"compute_util_pct", r.compute_util},
            {"avg_sram_bw", sram_bw}, {"avg_dram_bw", dram_bw}, {"sram", sram}, {"dram", dram}};
}

// The default mode's last lines: whether every ofmap was right, and how the layers ran.
void print_checks(const std::vector<ArrayLayerRun>& runs, const std::string& engine, unsigned bandwidth) {
    std::vector<std::string> wrong;
    for (const ArrayLayerRun& r : runs) {
        if (!r.ok) wrong.push_back(r.report.name);
    }
    fmt::print("Ran on the array ({}, DRAM {}/cycle per interface): ", engine, plural(bandwidth, "word"));
    if (wrong.empty()) {
        fmt::print("every ofmap equals a direct convolution{}\n", engine == "cosim" ? ", model and RTL agreed on every cycle" : "");
    } else {
        fmt::print("{} WRONG: {}\n", plural(wrong.size(), "layer"), fmt::join(wrong, ", "));
    }
}

void print_table(const std::vector<LayerReport>& reports, const std::string& dir, bool lockstep_report) {
    size_t name_width = 5;
    for (const LayerReport& r : reports) name_width = std::max(name_width, r.name.size());
    fmt::print("{:>5}  {:<{}}  {:>12}  {:>12}  {:>8}  {:>8}  {:>23}\n", "Layer", "Name", name_width, "Cycles", "Stalls",
               "Util %", "Map %", "DRAM BW ifm/flt/ofm");
    int64_t cycles = 0, stalls = 0;
    uint64_t macs = 0;
    for (const LayerReport& r : reports) {
        fmt::print("{:>5}  {:<{}}  {:>12}  {:>12}  {:>8.2f}  {:>8.2f}  {:>7.3f} {:>7.3f} {:>7.3f}\n", r.layer_id, r.name,
                   name_width, r.total_cycles, r.stall_cycles, r.overall_util, r.mapping_efficiency, r.dram_bw[0],
                   r.dram_bw[1], r.dram_bw[2]);
        cycles += r.total_cycles, stalls += r.stall_cycles, macs += r.macs;
    }
    fmt::print("{:>5}  {:<{}}  {:>12}  {:>12}\n", "Total", plural(reports.size(), "layer"), name_width, cycles, stalls);
    fmt::print("{} MACs. Reports: {}/COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, DETAILED_ACCESS_REPORT.csv, "
               "NETWORK_TOTALS.csv{}\n", macs, dir, lockstep_report ? ", LOCKSTEP_REPORT.csv" : "");
}

}  // namespace

// The default mode: every layer on the array; SCALE-Sim's reports with true figures, and LOCKSTEP_REPORT.csv.
std::vector<ArrayLayerRun> array_mode(const ScaleArgs& args, const ScaleRun& run) {
    ArrayRunOptions o;
    o.engine = engine_named(args.engine);
    o.jobs = std::max(1u, args.jobs);
    o.seed = args.seed;
    o.data_dir = args.data_dir;
    o.bandwidth = args.bandwidth;
    o.dram_latency = args.dram_latency;
    o.max_cycles = args.max_cycles;
    o.progress = !args.json;
    o.trace_dir = args.trace_dir;
    o.trace_layers = args.trace_layers;
    if (!o.data_dir.empty() && !std::filesystem::is_directory(o.data_dir)) throw Error(o.data_dir + ": not a folder");
    // Depthwise layers are one single-channel layer per channel, as in SCALE-Sim.
    return run_on_array(run.config, run.kind == TopologyKind::kConv ? split_depthwise(run.layers) : run.layers, o);
}

int scale_command(const ScaleArgs& args) {
    const ScaleEngine* compat = nullptr;
    if (!args.compat.empty()) {
        const auto engine = compat_engines().find(args.compat);
        if (engine == compat_engines().end()) throw Error("--compat '" + args.compat + "': the only one is 'scalesim'");
        compat = &engine->second;
        if (!args.array_options_given.empty()) {
            throw Error(fmt::format("{} runs the layers on the array: not with --compat {}, which computes SCALE-Sim's "
                                    "figures", args.array_options_given.front(), args.compat));
        }
    }
    ScaleRun run;
    run.config = read_scale_config(args.config);
    run.kind = args.input_type == "gemm" ? TopologyKind::kGemm : TopologyKind::kConv;
    run.layers = read_network(args.topology, run.kind);
    run.jobs = std::max(1u, args.jobs);
    std::vector<ArrayLayerRun> array_runs;
    std::vector<LayerReport> reports;
    if (compat) {
        reports = (*compat)(run);
    } else {
        array_runs = array_mode(args, run);
        for (const ArrayLayerRun& r : array_runs) reports.push_back(r.report);
    }
    const std::string dir = args.out_dir + "/" + run.config.run_name;
    write_reports(dir, reports);
    if (!compat) write_lockstep_report(dir, array_runs);
    bool all_ok = true;
    for (const ArrayLayerRun& r : array_runs) {
        all_ok &= r.ok;
        if (!r.mismatch.empty()) std::cerr << "layer " << r.report.name << ":\n" << r.mismatch;
    }
    const size_t expanded = run.kind == TopologyKind::kConv ? split_depthwise(run.layers).size() : run.layers.size();
    if (!compat && array_runs.size() < expanded && !args.json) {
        std::cerr << fmt::format("lockstep scale: stopped after layer {} ({} of the layers ran)\n",
                                 array_runs.back().report.name, array_runs.size());
    }
    if (args.json) {
        nlohmann::json layers = nlohmann::json::array();
        for (size_t i = 0; i < reports.size(); ++i) {
            layers.push_back(layer_json(reports[i]));
            if (!compat) layers.back()["lockstep"] = array_runs[i].extras;
        }
        int64_t cycles = 0, stalls = 0;
        for (const LayerReport& r : reports) cycles += r.total_cycles, stalls += r.stall_cycles;
        std::cout << nlohmann::json{{"compat", compat ? nlohmann::json(args.compat) : nlohmann::json(nullptr)},
                                    {"run_name", run.config.run_name}, {"all_ok", all_ok},
                                    {"dataflow", dataflow_name(run.config.dataflow)},
                                    {"interface_bandwidth", run.config.user_bandwidth ? "USER" : "CALC"},
                                    {"report_dir", dir}, {"layers", layers},
                                    {"totals", {{"layers", reports.size()}, {"total_cycles", cycles}, {"stall_cycles", stalls}}}}
                         .dump()
                  << std::endl;
    } else {
        print_table(reports, dir, !compat);
        if (!compat) print_checks(array_runs, args.engine, array_bandwidth(run.config, args.bandwidth));
    }
    return all_ok ? 0 : 1;
}

void add_scale_command(CLI::App& app, CommandTable& table) {
    auto args = std::make_shared<ScaleArgs>();
    CLI::App* cli = app.add_subcommand("scale", "SCALE-Sim v2 inputs and reports: a .cfg and a topology in, "
                                                "COMPUTE/BANDWIDTH/DETAILED_ACCESS reports out (docs/scalesim.md)");
    cli->add_option("-c,--config", args->config, "SCALE-Sim architecture config (.cfg)")->required();
    cli->add_option("-t,--topology", args->topology, "Topology CSV: conv layers, or GEMMs with -i gemm")->required();
    cli->add_option("-i,--input-type", args->input_type, "conv | gemm: how to read the topology")
        ->capture_default_str()->check(CLI::IsMember({"conv", "gemm"}));
    cli->add_option("-p,--outdir", args->out_dir, "Reports go to OUTDIR/<run_name>/ (SCALE-Sim's default)")
        ->capture_default_str();
    cli->add_option("--compat", args->compat,
                    "scalesim: compute the reports exactly as SCALE-Sim v2 does, its quirks included");
    cli->add_option("--jobs", args->jobs, "Layers computed at once (the reports are the same for any number)")
        ->capture_default_str()->check(whole_number(1, 256));
    cli->add_flag("--json", args->json, "Print one JSON object on stdout (per-layer values and totals)");
    const std::vector<CLI::Option*> array_options = {
        cli->add_option("--engine", args->engine, "Default mode: model | rtl | cosim (model and RTL in lock-step)")
            ->capture_default_str(),
        cli->add_option("--seed", args->seed, "Default mode: seed of the random int8 ifmaps and filters")
            ->capture_default_str()->check(whole_number(0, UINT32_MAX)),
        cli->add_option("--data", args->data_dir, "Default mode: folder with <layer>.ifmap.csv (H*W rows of C) and "
                                                  "<layer>.filter.csv (N rows of R*S*C) for the layers that have them"),
        cli->add_option("--bandwidth", args->bandwidth, "Default mode: DRAM words per cycle per interface "
                                                        "(default: Bandwidth in USER mode, max(ArrayHeight, ArrayWidth) in CALC)")
            ->check(whole_number(1, 1024)),
        cli->add_option("--dram-latency", args->dram_latency, "Default mode: cycles from a DRAM read to its data")
            ->capture_default_str()->check(whole_number(1, 1000)),
        cli->add_option("--max-cycles", args->max_cycles, "Default mode: stop a layer with an error after this many cycles")
            ->check(whole_number(1, uint64_t{1} << 40)),
        cli->add_option("--trace", args->trace_dir, "Default mode: write per-cycle traces of the --trace-layers to DIR/<layer>/"),
        cli->add_option("--trace-layers", args->trace_layers, "Default mode: the layers to trace (names after the DP split, "
                                                              "comma-separated), or all")
            ->delimiter(','),
    };
    table.push_back({cli,
                     [args, array_options] {
                         args->array_options_given.clear();
                         for (const CLI::Option* o : array_options) {
                             if (o->count()) args->array_options_given.push_back(o->get_name());
                         }
                         return scale_command(*args);
                     },
                     [args] { return args->json; }});
}

}  // namespace lockstep
