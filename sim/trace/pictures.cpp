#include "trace/pictures.h"

#include "common/error.h"
#include "common/isa.h"
#include "common/plural.h"
#include "trace/gtkwave.h"
#include "trace/snapshot_fields.h"
#include "trace/state_file.h"
#include "trace/systolic_trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace lockstep::trace {

namespace {

constexpr int kWidth = 720, kPlotHeight = 160, kBins = 600;

struct Series {
    std::string name, colour;
    std::vector<double> values;   // per cycle, 0..1
};

// Averages each series into at most kBins bins so long runs stay small.
std::string utilisation_svg(const std::string& title, const std::vector<Series>& series, uint64_t cycles) {
    const size_t bins = std::min<uint64_t>(kBins, std::max<uint64_t>(cycles, 1));
    const int left = 50, top = 30, plot_w = kWidth - left - 20;
    std::string svg = fmt::format(
        "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' font-family='sans-serif' font-size='11'>\n"
        "<rect width='100%' height='100%' fill='white'/>\n<text x='{}' y='18' font-size='13'>{}</text>\n",
        kWidth, top + kPlotHeight + 40 + 16 * static_cast<int>(series.size()), left, title);
    svg += fmt::format("<rect x='{}' y='{}' width='{}' height='{}' fill='none' stroke='#888'/>\n", left, top, plot_w,
                       kPlotHeight);
    for (int pct : {0, 50, 100}) {
        const int y = top + kPlotHeight - kPlotHeight * pct / 100;
        svg += fmt::format("<text x='{}' y='{}' text-anchor='end'>{}%</text>\n", left - 4, y + 4, pct);
    }
    svg += fmt::format("<text x='{}' y='{}'>0</text><text x='{}' y='{}' text-anchor='end'>cycle {}</text>\n", left,
                       top + kPlotHeight + 14, left + plot_w, top + kPlotHeight + 14, cycles);
    for (size_t s = 0; s < series.size(); ++s) {
        const Series& line = series[s];
        std::string points;
        for (size_t b = 0; b < bins; ++b) {
            const uint64_t from = b * cycles / bins, to = std::max<uint64_t>((b + 1) * cycles / bins, from + 1);
            double sum = 0;
            for (uint64_t c = from; c < to && c < line.values.size(); ++c) sum += line.values[c];
            const double avg = sum / static_cast<double>(to - from);
            points += fmt::format("{:.1f},{:.1f} ", left + plot_w * (b + 0.5) / static_cast<double>(bins),
                                  top + kPlotHeight * (1.0 - avg));
        }
        svg += fmt::format("<polyline fill='none' stroke='{}' stroke-width='1.5' points='{}'/>\n", line.colour, points);
        const int y = top + kPlotHeight + 32 + 16 * static_cast<int>(s);
        svg += fmt::format("<rect x='{}' y='{}' width='12' height='4' fill='{}'/><text x='{}' y='{}'>{}</text>\n", left,
                           y - 4, line.colour, left + 18, y, line.name);
    }
    return svg + "</svg>\n";
}

// A grid of cells coloured from white (0) to dark blue (1), labelled with percentages and
// with row and column numbers along the edges (every one, or every 4th/8th on big grids).
std::string heatmap_svg(const std::string& title, const std::string& row_label, const std::string& col_label,
                        const std::vector<std::vector<double>>& cells) {
    const size_t rows = cells.size(), cols = rows ? cells[0].size() : 0;
    const int cell = std::max(8, std::min(40, 600 / static_cast<int>(std::max<size_t>({rows, cols, 1}))));
    const size_t every = cell >= 16 ? 1 : cell >= 10 ? 4 : 8;
    const int left = 80, top = 52;
    std::string svg = fmt::format(
        "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' font-family='sans-serif' font-size='10'>\n"
        "<rect width='100%' height='100%' fill='white'/>\n<text x='10' y='18' font-size='13'>{}</text>\n"
        "<text x='10' y='{}'>{}</text><text x='{}' y='34'>{}</text>\n",
        std::max<int>(left + cell * static_cast<int>(cols) + 20, 10 + 7 * static_cast<int>(title.size())),
        top + cell * static_cast<int>(rows) + 20, title, top + cell / 2 + 4, row_label, left, col_label);
    for (size_t c = 0; c < cols; c += every) {
        svg += fmt::format("<text x='{}' y='{}' text-anchor='middle'>{}</text>\n", left + cell * static_cast<int>(c) + cell / 2,
                           top - 4, c);
    }
    for (size_t r = 0; r < rows; r += every) {
        svg += fmt::format("<text x='{}' y='{}' text-anchor='end'>{}</text>\n", left - 4,
                           top + cell * static_cast<int>(r) + cell / 2 + 4, r);
    }
    for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < cols; ++c) {
            const double v = std::clamp(cells[r][c], 0.0, 1.0);
            const int shade = static_cast<int>(255 - 200 * v);
            svg += fmt::format("<rect x='{}' y='{}' width='{}' height='{}' fill='rgb({},{},255)' stroke='#ccc'>"
                               "<title>{} {}, {} {}: {:.1f}%</title></rect>\n",
                               left + cell * static_cast<int>(c), top + cell * static_cast<int>(r), cell, cell, shade,
                               shade, row_label, r, col_label, c, 100 * v);
            if (cell >= 28) {
                svg += fmt::format("<text x='{}' y='{}' text-anchor='middle' fill='{}'>{:.0f}</text>\n",
                                   left + cell * static_cast<int>(c) + cell / 2, top + cell * static_cast<int>(r) + cell / 2 + 4,
                                   v > 0.6 ? "white" : "black", 100 * v);
            }
        }
    }
    return svg + "</svg>\n";
}

void save(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out) throw Error(path + ": cannot write file");
}

// Chrome trace-event JSON: one slice per stretch of equal state, one counter per series.
class Perfetto {
public:
    void slice(unsigned tid, const std::string& name, uint64_t begin, uint64_t end, const nlohmann::json& args) {
        events_.push_back({{"ph", "X"}, {"pid", 1}, {"tid", tid}, {"name", name}, {"ts", begin}, {"dur", end - begin}, {"args", args}});
    }
    // Emitted only when the value changes, so long runs stay small.
    void counter(const std::string& name, uint64_t ts, double value) {
        auto [it, fresh] = last_.emplace(name, value);
        if (!fresh && it->second == value) return;
        it->second = value;
        events_.push_back({{"ph", "C"}, {"pid", 1}, {"name", name}, {"ts", ts}, {"args", {{"value", value}}}});
    }
    void thread_name(unsigned tid, const std::string& name) {
        events_.push_back({{"ph", "M"}, {"pid", 1}, {"tid", tid}, {"name", "thread_name"}, {"args", {{"name", name}}}});
    }
    void write(const std::string& path, const std::string& process) {
        events_.push_back({{"ph", "M"}, {"pid", 1}, {"name", "process_name"}, {"args", {{"name", process}}}});
        save(path, nlohmann::json{{"traceEvents", events_}, {"displayTimeUnit", "ns"},
                                  {"otherData", {{"time_unit", "1 us = 1 clock cycle"}}}}.dump() + "\n");
    }

private:
    nlohmann::json events_ = nlohmann::json::array();
    std::map<std::string, double> last_;
};

void gpu_pictures(const std::string& dir, StateReader& reader) {
    const nlohmann::json& m = reader.meta();
    const GpuConfig g = gpu_config_of(reader);
    gpu::GpuSnapshot s;
    s.resize(g);
    const uint64_t cycles = reader.cycles();
    const double slots = static_cast<double>(g.cores) * g.threads_per_block;
    Series active{"threads running a block", "#1f77b4", {}}, lsu{"LSUs waiting for memory", "#d62728", {}},
        channels{"data channels busy", "#2ca02c", {}}, fetch{"cores fetching", "#9467bd", {}};
    std::vector<std::vector<double>> busy(g.cores, std::vector<double>(g.threads_per_block, 0));
    Perfetto perfetto;
    for (unsigned c = 0; c < g.cores; ++c) perfetto.thread_name(c + 1, fmt::format("core {}", c));
    // One slice per instruction per core: from entering FETCH to the next FETCH (or the end
    // of the block), named by the instruction and carrying its PC and block.
    struct Open {
        bool open = false;
        uint64_t since = 0;
        std::string name;
        nlohmann::json args;
    };
    std::vector<Open> slices(g.cores);
    auto close = [&](unsigned k, uint64_t at) {
        if (slices[k].open) perfetto.slice(k + 1, slices[k].name, slices[k].since, at, slices[k].args);
        slices[k].open = false;
    };
    for (uint64_t c = 0; c < cycles; ++c) {
        gpu_from_fields(reader.at(c), s);
        double run = 0, waiting = 0, fetching = 0, used = 0;
        for (unsigned k = 0; k < g.cores; ++k) {
            const gpu::CoreView& core = s.cores[k];
            const bool running = core.start && core.state != gpu::CoreState::Idle && core.state != gpu::CoreState::Done;
            if (running) run += core.thread_count;
            fetching += running && core.state == gpu::CoreState::Fetch;
            for (unsigned t = 0; t < g.threads_per_block; ++t) {
                const gpu::LsuState l = s.threads[k * g.threads_per_block + t].lsu;
                const bool waits = l == gpu::LsuState::Requesting || l == gpu::LsuState::Waiting;
                waiting += waits;
                if (running && t < core.thread_count) busy[k][t] += 1;
            }
            Open& open = slices[k];
            if (!running) {
                close(k, c);
            } else if (core.state == gpu::CoreState::Fetch && (!open.open || open.name != "fetch")) {
                close(k, c);
                open = Open{true, c, "fetch", {{"pc", core.pc}, {"block", core.block_id}}};
            } else if (core.state == gpu::CoreState::Decode && open.open) {
                open.name = isa::disassemble(core.instruction);
            }
        }
        for (const MemRequest& r : s.data_requests) used += r.read_valid || r.write_valid;
        active.values.push_back(run / slots);
        lsu.values.push_back(waiting / slots);
        channels.values.push_back(used / g.data_channels);
        fetch.values.push_back(fetching / g.cores);
        perfetto.counter("active threads", c, run);
        perfetto.counter("LSUs waiting", c, waiting);
        perfetto.counter("data channels busy", c, used);
    }
    for (unsigned k = 0; k < g.cores; ++k) close(k, cycles);
    for (auto& row : busy) {
        for (double& v : row) v /= static_cast<double>(std::max<uint64_t>(cycles, 1));
    }
    save(dir + "/utilisation.svg",
         utilisation_svg(fmt::format("{}: GPU utilisation over {}", m.value("program", ""), plural(cycles, "cycle")),
                         {active, lsu, channels, fetch}, cycles));
    save(dir + "/heatmap.svg", heatmap_svg("Share of cycles each thread slot ran a block (%)", "core", "thread slot", busy));
    perfetto.write(dir + "/perfetto.json", "lockstep GPU: " + m.value("program", std::string()));
    if (std::filesystem::exists(dir + "/gpu.vcd")) write_gpu_gtkw(dir, g);   // the RTL ran
}

void systolic_pictures(const std::string& dir, StateReader& reader) {
    const nlohmann::json& m = reader.meta();
    const systolic::ArrayShape shape = array_shape_of(reader);
    SystolicCycle cycle;
    cycle.after.resize(shape);
    const uint64_t cycles = reader.cycles();
    const double pes = static_cast<double>(shape.rows) * shape.cols;
    Series active{"PEs multiplying", "#1f77b4", {}}, moving{"PEs holding a moving operand", "#ff7f0e", {}};
    std::vector<std::vector<double>> macs(shape.rows, std::vector<double>(shape.cols, 0));
    Perfetto perfetto;
    perfetto.thread_name(1, "folds");
    perfetto.thread_name(2, "phases");
    uint64_t fold_since = 0, phase_since = 0;
    uint32_t fold = 0, phase = 0;
    for (uint64_t c = 0; c < cycles; ++c) {
        systolic_from_fields(reader.at(c), cycle);
        double n = 0, holding = 0;
        for (size_t p = 0; p < cycle.after.mac.size(); ++p) {
            n += cycle.after.mac[p];
            holding += cycle.after.hv[p] || cycle.after.vv[p];
            macs[p / shape.cols][p % shape.cols] += cycle.after.mac[p];
        }
        active.values.push_back(n / pes);
        moving.values.push_back(holding / pes);
        perfetto.counter("PEs multiplying", c, n);
        if (c == 0) {
            fold = cycle.fold;
            phase = cycle.phase;
        }
        if (cycle.fold != fold || cycle.state == systolic::SaState::Drain) {
            if (c > fold_since) perfetto.slice(1, fmt::format("fold {}", fold), fold_since, c, {});
            fold_since = c;
            fold = cycle.state == systolic::SaState::Drain ? UINT32_MAX : cycle.fold;
        }
        if (cycle.phase != phase) {
            perfetto.slice(2, phase_name(static_cast<Phase>(phase)), phase_since, c, {});
            phase_since = c;
            phase = cycle.phase;
        }
    }
    if (fold != UINT32_MAX) perfetto.slice(1, fmt::format("fold {}", fold), fold_since, cycles, {});
    perfetto.slice(2, phase_name(static_cast<Phase>(phase)), phase_since, cycles, {});
    for (auto& row : macs) {
        for (double& v : row) v /= static_cast<double>(std::max<uint64_t>(cycles, 1));
    }
    const std::string what = fmt::format("{}x{} {} array, M={} K={} N={}", shape.rows, shape.cols,
                                         m.value("dataflow", ""), m.value("m", 0), m.value("k", 0), m.value("n", 0));
    save(dir + "/utilisation.svg",
         utilisation_svg(fmt::format("{}: utilisation over {}", what, plural(cycles, "cycle")), {active, moving}, cycles));
    save(dir + "/heatmap.svg", heatmap_svg("Share of cycles each PE multiplied, % (" + what + ")", "row", "column", macs));
    perfetto.write(dir + "/perfetto.json", "lockstep systolic array: " + what);
    if (std::filesystem::exists(dir + "/systolic.vcd")) write_systolic_gtkw(dir, shape);
}

}  // namespace

void write_pictures(const std::string& dir) {
    StateReader reader(dir + "/states.bin");
    const std::string kind = reader.meta().value("kind", "");
    if (kind == "gpu") {
        gpu_pictures(dir, reader);
    } else if (kind == "systolic") {
        systolic_pictures(dir, reader);
    } else {
        throw Error(dir + "/states.bin: unknown trace kind '" + kind + "'");
    }
}

}  // namespace lockstep::trace
