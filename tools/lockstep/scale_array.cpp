#include "scale_array.h"

#include "common/error.h"
#include "common/plural.h"
#include "common/status_line.h"
#include "cosim/conv_layer.h"
#include "cosim/rtl_cache.h"
#include "cosim/stream_engine.h"
#include "cosim/systolic_engine.h"
#include "matrix_file.h"
#include "systolic/systolic_model.h"
#include "systolic/tiles.h"
#include "topology.h"
#include "trace/trace_dir.h"
#include "workers.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

namespace lockstep {

namespace {

using cosim::ConvShape;
using systolic::Dataflow;

Dataflow dataflow_of(scale::Dataflow df) {
    switch (df) {
    case scale::Dataflow::kOs: return Dataflow::Os;
    case scale::Dataflow::kWs: return Dataflow::Ws;
    case scale::Dataflow::kIs: break;
    }
    return Dataflow::Is;
}

uint32_t sram_words(uint32_t kb) { return kb * 1024; }   // one word per element, as SCALE-Sim counts them

// The array the .cfg describes. SRAM sizes and the bandwidth are run-time values of a job, so
// the build only bounds them: buffers of at least 2^14 words (configs/systolic.yaml's) and at
// least 4 DRAM lanes, a power of two; small configs then share one RTL build.
Config array_config(const scale::ScaleConfig& c, unsigned lanes) {
    Config config;
    SystolicConfig& sa = config.systolic;
    sa.rows = c.array_height;
    sa.cols = c.array_width;
    sa.dataflow = scale::dataflow_name(c.dataflow);
    const uint64_t largest = std::max({sram_words(c.ifmap_sram_kb), sram_words(c.filter_sram_kb), sram_words(c.ofmap_sram_kb)});
    sa.buffer_addr_bits = 14;
    while ((uint64_t{1} << sa.buffer_addr_bits) < largest) ++sa.buffer_addr_bits;
    sa.dram_lanes = 4;
    while (sa.dram_lanes < lanes) sa.dram_lanes *= 2;
    for (auto [what, value, range] : {std::tuple{"ArrayHeight", c.array_height, limits::kArrayRows},
                                      std::tuple{"ArrayWidth", c.array_width, limits::kArrayCols},
                                      std::tuple{"SRAM address bits", sa.buffer_addr_bits, limits::kBufferAddrBits},
                                      std::tuple{"DRAM bandwidth", sa.dram_lanes, limits::kDramLanes}}) {
        if (!range.contains(value)) {
            throw Error(fmt::format("{}: {} = {} is outside what the array supports ({}..{})", c.path, what, value,
                                    range.lo, range.hi));
        }
    }
    config.sim.max_cycles = 0;
    return config;
}

ConvShape shape_of(const scale::ConvLayer& l) {
    return ConvShape{l.ifmap_h, l.ifmap_w, l.filter_h, l.filter_w, l.channels, l.num_filter, l.stride_h, l.stride_w};
}

// The layer's ifmap (HWC) and filter (N x K): from the data folder where a file is there, else random.
std::pair<std::vector<int32_t>, std::vector<int32_t>> layer_data(const scale::ConvLayer& l, const ConvShape& s,
                                                                 const ArrayRunOptions& options, uint64_t index,
                                                                 unsigned bits) {
    std::mt19937_64 rng(options.seed * 1000003 + index);
    std::vector<int32_t> ifmap = random_matrix(rng, s.ifmap_words(), bits);
    std::vector<int32_t> filter = random_matrix(rng, s.filter_words(), bits);
    auto from_file = [&](const char* what, uint64_t rows, uint64_t cols, std::vector<int32_t>& out) {
        if (options.data_dir.empty()) return;
        const std::string path = fmt::format("{}/{}.{}.csv", options.data_dir, l.name, what);
        if (!std::filesystem::exists(path)) return;
        const Matrix m = read_matrix(path, bits);
        if (m.rows != rows || m.cols != cols) {
            throw Error(fmt::format("{}: layer {} needs {} of {} values, the file has {} of {}", path, l.name,
                                    plural(rows, "row"), cols, plural(m.rows, "row"), m.cols));
        }
        out = m.values;
    };
    from_file("ifmap", uint64_t{s.ifmap_h} * s.ifmap_w, s.channels, ifmap);
    from_file("filter", s.filters, s.gemm_size().k, filter);
    return {std::move(ifmap), std::move(filter)};
}

// Mean over every fold of every tile of the fraction of PEs mapped to data.
double mapping_efficiency(const systolic::StreamJob& job, unsigned rows, unsigned cols) {
    double sum = 0;
    uint64_t folds = 0;
    std::optional<systolic::TileOrigin> at = systolic::TileOrigin{};
    for (; at; at = systolic::next_tile(job, *at)) {
        const systolic::Mapping map(job.dataflow, systolic::tile_extent(job, *at), rows, cols);
        sum += map.mapping_efficiency(rows, cols) * static_cast<double>(map.folds());
        folds += map.folds();
    }
    return folds ? sum / static_cast<double>(folds) : 0;
}

scale::Access access_of(const cosim::AccessSpan& s) {
    return scale::Access{static_cast<int64_t>(s.first), static_cast<int64_t>(s.last), static_cast<int64_t>(s.words)};
}

bool traced(const ArrayRunOptions& o, const std::string& layer) {
    if (o.trace_dir.empty()) return false;
    return std::find(o.trace_layers.begin(), o.trace_layers.end(), "all") != o.trace_layers.end() ||
           std::find(o.trace_layers.begin(), o.trace_layers.end(), layer) != o.trace_layers.end();
}

// --trace-layers names layers of this run, each of which can be a trace folder.
void check_trace_layers(const ArrayRunOptions& o, const std::vector<scale::ConvLayer>& layers) {
    if (o.trace_layers.empty() != o.trace_dir.empty()) {
        throw Error("--trace DIR and --trace-layers NAMES (or all) go together: which layers, traced where");
    }
    for (const std::string& wanted : o.trace_layers) {
        if (wanted == "all") continue;
        const bool known = std::any_of(layers.begin(), layers.end(), [&](const scale::ConvLayer& l) { return l.name == wanted; });
        if (!known) {
            std::string names;
            for (size_t i = 0; i < layers.size() && i < 8; ++i) names += (i ? ", " : "") + layers[i].name;
            throw Error(fmt::format("--trace-layers: no layer '{}' in this run (its layers: {}{})", wanted, names,
                                    layers.size() > 8 ? ", ..." : ""));
        }
    }
    for (const scale::ConvLayer& l : layers) {
        if (!traced(o, l.name)) continue;
        if (const std::string problem = folder_name_problem(l.name); !problem.empty()) throw Error("--trace-layers: " + problem);
    }
    if (!o.trace_dir.empty()) trace::prepare_trace_dir(o.trace_dir);
}

ArrayLayerRun run_layer(const scale::ScaleConfig& c, const Config& config, const scale::ConvLayer& layer, uint64_t index,
                        unsigned lanes, const ArrayRunOptions& options, StatusLine* status = nullptr,
                        const std::string& position = "") {
    const ConvShape shape = shape_of(layer);
    cosim::check_conv(shape);
    const auto [ifmap, filter] = layer_data(layer, shape, options, index, config.systolic.in_bits);
    const cosim::StreamRequest request =
        cosim::conv_request(shape, dataflow_of(c.dataflow), ifmap, filter, sram_words(c.ifmap_sram_kb),
                            sram_words(c.filter_sram_kb), sram_words(c.ofmap_sram_kb), lanes, options.dram_latency);
    cosim::StreamOptions run;
    run.engine = options.engine;
    run.max_cycles = options.max_cycles ? options.max_cycles : uint64_t{1} << 40;
    run.progress = options.progress && options.jobs <= 1;
    if (traced(options, layer.name)) run.trace_dir = options.trace_dir + "/" + layer.name;
    const uint64_t tiles = systolic::tile_count(request.job);
    if (status) {
        run.on_progress = [&](uint64_t cycles, uint64_t done) {
            status->show(fmt::format("{}: tile {} of {}, cycle {}", position, done, tiles, cycles));
        };
    }
    const cosim::StreamResult r = cosim::run_stream(config, request, run);
    const bool ofmap_ok = !r.stopped && cosim::ofmap_of(request, r.dram_words) ==
                                            cosim::reference_conv(shape, ifmap, filter, config.systolic.acc_bits);

    const systolic::GemmSize g = shape.gemm_size();
    const double pes = static_cast<double>(c.array_height) * c.array_width;
    const double cycles = static_cast<double>(r.cycles);
    ArrayLayerRun out;
    scale::LayerReport& rep = out.report;
    rep.layer_id = index;
    rep.name = layer.name;
    rep.macs = r.mac_count;
    rep.total_cycles = static_cast<int64_t>(r.cycles);
    rep.stall_cycles = static_cast<int64_t>(r.stall_cycles());
    rep.overall_util = cycles > 0 ? 100.0 * static_cast<double>(r.mac_count) / (cycles * pes) : 0;
    rep.mapping_efficiency = 100.0 * mapping_efficiency(request.job, c.array_height, c.array_width);
    const double compute = static_cast<double>(r.reason_cycles[0]);
    rep.compute_util = compute > 0 ? 100.0 * static_cast<double>(r.mac_count) / (compute * pes) : 0;
    for (size_t i = 0; i < 3; ++i) {
        rep.sram[i] = access_of(r.sram[i]);
        rep.dram[i] = access_of(r.dram[i]);
        rep.sram_bw[i] = cycles > 0 ? static_cast<double>(r.sram[i].words) / cycles : 0;
        rep.dram_bw[i] = cycles > 0 ? static_cast<double>(r.dram[i].words) / cycles : 0;
    }
    nlohmann::json reasons;
    for (size_t i = 0; i < cosim::kStallReasons; ++i) reasons[name(static_cast<cosim::StallReason>(i))] = r.reason_cycles[i];
    out.extras = {{"m", g.m}, {"n", g.n}, {"k", g.k},
                  {"ofmap_h", shape.ofmap_h()}, {"ofmap_w", shape.ofmap_w()},
                  {"tile", {request.job.mt, request.job.kt, request.job.nt}}, {"tiles", r.tiles},
                  {"dram_bandwidth", lanes}, {"compute_cycles", r.reason_cycles[0]}, {"cycles_by_reason", reasons},
                  {"ofmap_ok", ofmap_ok}, {"mismatches", r.mismatches}, {"engine", cosim::name(r.engine)}};
    out.ok = ofmap_ok && r.mismatches == 0;
    if (r.first_mismatch) out.mismatch = cosim::format_report(*r.first_mismatch);
    return out;
}

nlohmann::json to_json(const scale::Access& a) { return {a.start, a.stop, a.words}; }

scale::Access access_from(const nlohmann::json& j) {
    return scale::Access{j.at(0).get<int64_t>(), j.at(1).get<int64_t>(), j.at(2).get<int64_t>()};
}

// A layer's run through a worker process and back.
nlohmann::json to_json(const ArrayLayerRun& run) {
    const scale::LayerReport& r = run.report;
    nlohmann::json sram = nlohmann::json::array(), dram = nlohmann::json::array();
    for (size_t i = 0; i < 3; ++i) {
        sram.push_back({to_json(r.sram[i]), r.sram_bw[i]});
        dram.push_back({to_json(r.dram[i]), r.dram_bw[i]});
    }
    return {{"layer_id", r.layer_id}, {"name", r.name}, {"macs", r.macs}, {"total", r.total_cycles},
            {"stalls", r.stall_cycles}, {"util", {r.overall_util, r.mapping_efficiency, r.compute_util}},
            {"sram", sram}, {"dram", dram}, {"extras", run.extras}, {"ok", run.ok}, {"mismatch", run.mismatch}};
}

ArrayLayerRun run_from_json(const nlohmann::json& j) {
    ArrayLayerRun run;
    scale::LayerReport& r = run.report;
    r.layer_id = j.at("layer_id");
    r.name = j.at("name");
    r.macs = j.at("macs");
    r.total_cycles = j.at("total");
    r.stall_cycles = j.at("stalls");
    r.overall_util = j.at("util").at(0);
    r.mapping_efficiency = j.at("util").at(1);
    r.compute_util = j.at("util").at(2);
    for (size_t i = 0; i < 3; ++i) {
        r.sram[i] = access_from(j.at("sram").at(i).at(0));
        r.sram_bw[i] = j.at("sram").at(i).at(1);
        r.dram[i] = access_from(j.at("dram").at(i).at(0));
        r.dram_bw[i] = j.at("dram").at(i).at(1);
    }
    run.extras = j.at("extras");
    run.ok = j.at("ok");
    run.mismatch = j.at("mismatch");
    return run;
}

}  // namespace

unsigned array_bandwidth(const scale::ScaleConfig& c, unsigned override_bandwidth) {
    if (override_bandwidth) return override_bandwidth;
    if (c.user_bandwidth && !c.bandwidth.empty()) return c.bandwidth.front();
    return std::max(c.array_height, c.array_width);
}

std::vector<ArrayLayerRun> run_on_array(const scale::ScaleConfig& c, const std::vector<scale::ConvLayer>& layers,
                                        const ArrayRunOptions& options) {
    check_trace_layers(options, layers);
    const unsigned lanes = array_bandwidth(c, options.bandwidth);
    const Config config = array_config(c, lanes);
    const systolic::ArrayShape shape = systolic::ArrayShape::from(config.systolic);
    auto prepare = [&] {   // what SystemC and the RTL cache must have before the runs (and any fork)
        if (options.engine != cosim::Engine::Rtl) systolic::SystolicModel::instance(shape);
        if (options.engine != cosim::Engine::Model) cosim::ensure_rtl_library(cosim::systolic_design(shape));
    };
    std::vector<ArrayLayerRun> runs;
    const unsigned jobs = static_cast<unsigned>(std::min<size_t>(options.jobs, layers.size()));
    if (jobs > 1) {
        auto one = [&](size_t i) { return to_json(run_layer(c, config, layers[i], i, lanes, options)); };
        for (const nlohmann::json& j : run_in_workers(layers.size(), jobs, prepare, one, options.progress, "scale")) {
            runs.push_back(run_from_json(j));
        }
        return runs;
    }
    prepare();
    StatusLine status(options.progress);
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string position = fmt::format("scale: layer {} of {} ({})", i + 1, layers.size(), layers[i].name);
        status.show(position);
        runs.push_back(run_layer(c, config, layers[i], i, lanes, options, &status, position));
        if (runs.back().extras.at("mismatches").get<uint64_t>() > 0) break;   // the first difference stops the run
    }
    return runs;
}

std::string write_lockstep_report(const std::string& dir, const std::vector<ArrayLayerRun>& runs) {
    const std::string path = dir + "/LOCKSTEP_REPORT.csv";
    std::ofstream out(path);
    if (!out) throw Error(path + ": cannot write file");
    out << "LayerID, Layer name, M, N, K, Ofmap H, Ofmap W, Tile M, Tile K, Tile N, Tiles, DRAM BW, Total Cycles, "
           "Compute Cycles, Fill Cycles, Operand Stall Cycles, Output Stall Cycles, Handoff Cycles, Drain Cycles, MACs, "
           "Ofmap OK, Mismatches, Engine,\n";
    for (const ArrayLayerRun& run : runs) {
        const nlohmann::json& e = run.extras;
        const nlohmann::json& by = e.at("cycles_by_reason");
        out << fmt::format("{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {},\n",
                           run.report.layer_id, run.report.name, e.at("m").get<uint64_t>(), e.at("n").get<uint64_t>(),
                           e.at("k").get<uint64_t>(), e.at("ofmap_h").get<uint64_t>(), e.at("ofmap_w").get<uint64_t>(),
                           e.at("tile").at(0).get<uint64_t>(), e.at("tile").at(1).get<uint64_t>(),
                           e.at("tile").at(2).get<uint64_t>(), e.at("tiles").get<uint64_t>(),
                           e.at("dram_bandwidth").get<uint64_t>(), run.report.total_cycles,
                           by.at("compute").get<uint64_t>(), by.at("fill").get<uint64_t>(),
                           by.at("operands").get<uint64_t>(), by.at("output").get<uint64_t>(),
                           by.at("handoff").get<uint64_t>(), by.at("drain").get<uint64_t>(), run.report.macs,
                           e.at("ofmap_ok").get<bool>() ? "yes" : "NO", e.at("mismatches").get<uint64_t>(),
                           e.at("engine").get<std::string>());
    }
    return path;
}

}  // namespace lockstep
