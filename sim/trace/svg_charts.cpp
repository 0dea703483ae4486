#include "trace/svg_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lockstep::trace {

namespace {

constexpr int kWidth = 720, kLeft = 64, kRight = 20, kColumns = 600, kActivityLeft = 84;

// The x of cycle boundary `c` (cycle c spans [x(c), x(c + 1)) ) on a plot of `records` cycles.
double x_of(double c, uint64_t records, int left, int width) {
    return left + width * c / static_cast<double>(std::max<uint64_t>(records, 1));
}

// Tick marks and labels along y = `axis` for cycles 0..records-1, at the cycle's middle; the
// last cycle is always labelled, so the axis says where the run ends.
std::string cycle_axis(uint64_t records, int left, int width, int axis, int grid_top) {
    const uint64_t last = records ? records - 1 : 0;
    const uint64_t step = tick_step(last, static_cast<unsigned>(width / 64));
    std::string svg;
    auto tick = [&](uint64_t c, bool grid) {
        const double x = x_of(static_cast<double>(c) + 0.5, records, left, width);
        if (grid) svg += fmt::format("<line x1='{0:.1f}' y1='{1}' x2='{0:.1f}' y2='{2}' stroke='#e4e4e4'/>\n", x, grid_top, axis);
        svg += fmt::format("<line x1='{0:.1f}' y1='{1}' x2='{0:.1f}' y2='{2}' stroke='#888'/>"
                           "<text x='{0:.1f}' y='{3}' text-anchor='middle'>{4}</text>\n", x, axis, axis + 4, axis + 15, c);
    };
    const double last_x = x_of(static_cast<double>(last) + 0.5, records, left, width);
    for (uint64_t c = 0; c < last; c += step) {
        if (last_x - x_of(static_cast<double>(c) + 0.5, records, left, width) >= 34) tick(c, c > 0);
    }
    tick(last, false);
    svg += fmt::format("<text x='{}' y='{}' text-anchor='end' fill='#555'>cycle</text>\n", left - 6, axis + 15);
    return svg;
}

std::string header(int width, int height, int font, const std::string& title) {
    return fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' font-family='sans-serif' "
                       "font-size='{}'>\n<rect width='100%' height='100%' fill='white'/>\n"
                       "<text x='10' y='18' font-size='13'>{}</text>\n",
                       width, height, font, title);
}

}  // namespace

uint64_t tick_step(uint64_t last, unsigned most) {
    most = std::max(most, 1u);
    uint64_t step = 1;
    for (uint64_t scale = 1;; scale *= 10) {
        for (uint64_t m : {1, 2, 5}) {
            step = m * scale;
            if (last / step < most) return step;
        }
    }
}

std::string utilisation_svg(const std::string& title, const std::vector<Series>& series, uint64_t records,
                            const std::vector<CycleMark>& marks) {
    const int plot_w = kWidth - kLeft - kRight, lane_h = 44, lane_gap = 20;
    const int lanes_top = 26 + (marks.empty() ? 0 : 14);
    const int axis = lanes_top + static_cast<int>(series.size()) * (lane_h + lane_gap) - 6;
    std::string svg = header(kWidth, axis + 24, 11, title);
    const size_t columns = static_cast<size_t>(std::min<uint64_t>(kColumns, std::max<uint64_t>(records, 1)));
    for (size_t s = 0; s < series.size(); ++s) {
        const Series& line = series[s];
        const int top = lanes_top + static_cast<int>(s) * (lane_h + lane_gap) + 14, bottom = top + lane_h;
        svg += fmt::format("<text x='{}' y='{}' fill='#333'>{}</text>\n", kLeft, top - 4, line.name);
        svg += fmt::format("<rect x='{}' y='{}' width='{}' height='{}' fill='#fafafa' stroke='#bbb'/>\n", kLeft, top,
                           plot_w, lane_h);
        svg += fmt::format("<text x='{0}' y='{1}' text-anchor='end'>100%</text><text x='{0}' y='{2}' "
                           "text-anchor='end'>0%</text>\n", kLeft - 4, top + 8, bottom);
        // The lane's area: one step per column (the mean over its cycles), equal steps merged.
        std::string path = fmt::format("M{},{}", kLeft, bottom);
        double previous = -1;
        for (size_t b = 0; b < columns; ++b) {
            const uint64_t from = b * records / columns, to = std::max<uint64_t>((b + 1) * records / columns, from + 1);
            double sum = 0;
            for (uint64_t c = from; c < to && c < line.values.size(); ++c) sum += line.values[c];
            const double y = bottom - lane_h * std::clamp(sum / static_cast<double>(to - from), 0.0, 1.0);
            if (std::abs(y - previous) < 0.05) continue;
            const double x = x_of(static_cast<double>(from), records, kLeft, plot_w);
            path += fmt::format(" L{:.1f},{:.1f} L{:.1f},{:.1f}", x, previous < 0 ? bottom : previous, x, y);
            previous = y;
        }
        path += fmt::format(" L{},{:.1f} L{},{} Z", kLeft + plot_w, previous < 0 ? bottom : previous, kLeft + plot_w, bottom);
        svg += fmt::format("<path d='{}' fill='{}' fill-opacity='0.55' stroke='{}' stroke-width='1'/>\n", path,
                           line.colour, line.colour);
    }
    svg += cycle_axis(records, kLeft, plot_w, axis, lanes_top + 14);
    // Fold starts: a dashed line each; labels only where they do not run into each other.
    const double spacing = marks.size() > 1 ? plot_w / static_cast<double>(marks.size()) : plot_w;
    double label_end = -1;
    for (const CycleMark& m : marks) {
        const double x = x_of(static_cast<double>(m.cycle), records, kLeft, plot_w);
        if (spacing >= 3) {
            svg += fmt::format("<line x1='{0:.1f}' y1='{1}' x2='{0:.1f}' y2='{2}' stroke='#555' stroke-dasharray='3,3'/>\n",
                               x, lanes_top - 12, axis);
        }
        const double width = 6.0 * static_cast<double>(m.label.size());
        if (x >= label_end + 4 && x + width <= kWidth) {
            svg += fmt::format("<text x='{:.1f}' y='{}' font-size='10' fill='#555'>{}</text>\n", x + 2, lanes_top - 2,
                               m.label);
            label_end = x + 2 + width;
        }
    }
    return svg + "</svg>\n";
}

std::string heatmap_svg(const std::string& title, const std::string& row_label, const std::string& col_label,
                        const std::vector<std::vector<double>>& cells) {
    const size_t rows = cells.size(), cols = rows ? cells[0].size() : 0;
    const int cell = std::max(8, std::min(40, 600 / static_cast<int>(std::max<size_t>({rows, cols, 1}))));
    const size_t every = cell >= 16 ? 1 : cell >= 10 ? 4 : 8;
    const int left = 80, top = 52;
    std::string svg = header(std::max<int>(left + cell * static_cast<int>(cols) + 20, 10 + 7 * static_cast<int>(title.size())),
                             top + cell * static_cast<int>(rows) + 20, 10, title);
    svg += fmt::format("<text x='10' y='{}'>{}</text><text x='{}' y='34'>{}</text>\n", top + cell / 2 + 4, row_label,
                       left, col_label);
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

std::string category_chart_svg(const std::string& title, const std::string& x_label,
                               const std::vector<std::string>& categories, const std::vector<ChartPanel>& panels) {
    const int plot_w = kWidth - kLeft - kRight, panel_h = 200, gap = 56, top = 34;
    const size_t legend_rows = panels.empty() ? 0 : (panels[0].series.size() + 2) / 3;
    const int legend_top = top + static_cast<int>(panels.size()) * (panel_h + gap);
    std::string svg = header(kWidth, legend_top + 16 * static_cast<int>(legend_rows) + 10, 11, title);
    const size_t n = std::max<size_t>(categories.size(), 1);
    auto x_at = [&](size_t i) { return kLeft + plot_w * (static_cast<double>(i) + 0.5) / static_cast<double>(n); };
    for (size_t p = 0; p < panels.size(); ++p) {
        const ChartPanel& panel = panels[p];
        const int y0 = top + static_cast<int>(p) * (panel_h + gap), bottom = y0 + panel_h;
        double most = panel.share ? 1.0 : 0.0;
        for (const LineSeries& line : panel.series) {
            for (double v : line.values) {
                if (!std::isnan(v)) most = std::max(most, v);
            }
        }
        // y ticks at 1-2-5 steps (percent for a share), the top one just above the highest point
        const uint64_t scale = panel.share ? 100 : 1;
        const uint64_t highest = static_cast<uint64_t>(std::ceil(most * static_cast<double>(scale)));
        const uint64_t step = tick_step(std::max<uint64_t>(highest, 1), 6);
        const uint64_t ceiling = panel.share ? 100 : (std::max<uint64_t>(highest, 1) + step - 1) / step * step;
        auto y_of = [&](double v) { return bottom - panel_h * v * static_cast<double>(scale) / static_cast<double>(ceiling); };
        svg += fmt::format("<text x='{}' y='{}' fill='#333'>{}</text>\n", kLeft, y0 - 6, panel.y_label);
        svg += fmt::format("<rect x='{}' y='{}' width='{}' height='{}' fill='#fafafa' stroke='#bbb'/>\n", kLeft, y0,
                           plot_w, panel_h);
        for (uint64_t t = 0; t <= ceiling; t += step) {
            const double y = y_of(static_cast<double>(t) / static_cast<double>(scale));
            svg += fmt::format("<line x1='{0}' y1='{1:.1f}' x2='{2}' y2='{1:.1f}' stroke='#e4e4e4'/>"
                               "<text x='{3}' y='{4:.1f}' text-anchor='end'>{5}{6}</text>\n",
                               kLeft, y, kLeft + plot_w, kLeft - 4, y + 4, t, panel.share ? "%" : "");
        }
        for (size_t i = 0; i < categories.size(); ++i) {
            svg += fmt::format("<text x='{:.1f}' y='{}' text-anchor='middle'>{}</text>\n", x_at(i), bottom + 15,
                               categories[i]);
        }
        svg += fmt::format("<text x='{}' y='{}' text-anchor='end' fill='#555'>{}</text>\n", kLeft + plot_w, bottom + 30,
                           x_label);
        for (const LineSeries& line : panel.series) {
            std::string path;
            for (size_t i = 0; i < line.values.size() && i < categories.size(); ++i) {
                if (std::isnan(line.values[i])) {
                    path += " ";   // a gap: the next point starts a new piece
                    continue;
                }
                const bool start = path.empty() || path.back() == ' ';
                path += fmt::format("{}{:.1f},{:.1f}", start ? "M" : " L", x_at(i), y_of(line.values[i]));
                svg += fmt::format("<circle cx='{:.1f}' cy='{:.1f}' r='{}' fill='{}'><title>{}, {}: {}</title></circle>\n",
                                   x_at(i), y_of(line.values[i]), line.bold ? 3.5 : 2.5, line.colour, line.name,
                                   categories[i], panel.share ? fmt::format("{:.1f}%", 100 * line.values[i])
                                                              : fmt::format("{}", line.values[i]));
            }
            if (!path.empty()) {
                svg += fmt::format("<path d='{}' fill='none' stroke='{}' stroke-width='{}'/>\n", path, line.colour,
                                   line.bold ? 2.5 : 1.2);
            }
        }
    }
    if (!panels.empty()) {
        const std::vector<LineSeries>& legend = panels[0].series;
        for (size_t i = 0; i < legend.size(); ++i) {
            const int x = kLeft + static_cast<int>(i % 3) * (plot_w / 3), y = legend_top + 16 * static_cast<int>(i / 3);
            svg += fmt::format("<line x1='{}' y1='{}' x2='{}' y2='{}' stroke='{}' stroke-width='{}'/>"
                               "<text x='{}' y='{}'>{}</text>\n",
                               x, y - 4, x + 18, y - 4, legend[i].colour, legend[i].bold ? 2.5 : 1.2, x + 22, y,
                               legend[i].name);
        }
    }
    return svg + "</svg>\n";
}

ActivityMap::ActivityMap(std::vector<std::string> rows, std::vector<Kind> kinds, uint64_t records)
    : rows_(std::move(rows)),
      kinds_(std::move(kinds)),
      records_(std::max<uint64_t>(records, 1)),
      columns_(static_cast<size_t>(std::min<uint64_t>(records_, (kWidth - kActivityLeft - kRight) / 2))),
      counts_(rows_.size() * columns_ * kinds_.size(), 0) {}

std::string ActivityMap::svg(const std::string& title) const {
    const int plot_w = kWidth - kActivityLeft - kRight;
    const int row_h = std::max(6, std::min(18, 420 / std::max<int>(1, static_cast<int>(rows_.size()))));
    const int top = 30, axis = top + row_h * static_cast<int>(rows_.size()) + 2;
    std::string svg = header(kWidth, axis + 44, 11, title);
    auto channel = [](const std::string& hex, size_t i) { return std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16); };
    // One rectangle per run of columns with the same colour, its tooltip the cycles per kind.
    struct Run {
        uint64_t from = 0, to = 0;
        std::string colour;
        std::vector<uint64_t> cycles;
    };
    std::vector<std::vector<Run>> runs(rows_.size());
    size_t total_runs = 0;
    for (size_t r = 0; r < rows_.size(); ++r) {
        for (size_t b = 0; b < columns_; ++b) {
            const uint64_t from = (b * records_ + columns_ - 1) / columns_, to = ((b + 1) * records_ + columns_ - 1) / columns_;
            const uint32_t* n = &counts_[(r * columns_ + b) * kinds_.size()];
            double total = 0, mix[3] = {0, 0, 0};
            for (size_t k = 0; k < kinds_.size(); ++k) {
                total += n[k];
                for (size_t ch = 0; ch < 3; ++ch) mix[ch] += n[k] * channel(kinds_[k].colour, ch);
            }
            if (total == 0) continue;
            const std::string colour = fmt::format("#{:02x}{:02x}{:02x}", std::lround(mix[0] / total),
                                                   std::lround(mix[1] / total), std::lround(mix[2] / total));
            if (runs[r].empty() || runs[r].back().colour != colour || runs[r].back().to != from) {
                runs[r].push_back({from, from, colour, std::vector<uint64_t>(kinds_.size(), 0)});
                ++total_runs;
            }
            runs[r].back().to = to;
            for (size_t k = 0; k < kinds_.size(); ++k) runs[r].back().cycles[k] += n[k];
        }
    }
    const bool titles = total_runs <= 1500;   // tooltips, while the file stays small
    for (size_t r = 0; r < rows_.size(); ++r) {
        const int y = top + row_h * static_cast<int>(r);
        if (row_h >= 9) {
            svg += fmt::format("<text x='{}' y='{}' text-anchor='end' font-size='{}'>{}</text>\n", kActivityLeft - 4,
                               y + row_h - 3, std::min(11, row_h - 1), rows_[r]);
        }
        for (const Run& run : runs[r]) {
            const double x0 = x_of(static_cast<double>(run.from), records_, kActivityLeft, plot_w);
            const double x1 = x_of(static_cast<double>(run.to), records_, kActivityLeft, plot_w);
            svg += fmt::format("<rect x='{:.1f}' y='{}' width='{:.1f}' height='{}' fill='{}'>", x0, y, x1 - x0, row_h - 1,
                               run.colour);
            if (titles) {
                std::string shares;
                for (size_t k = 0; k < kinds_.size(); ++k) {
                    if (run.cycles[k]) shares += fmt::format(", {} {}", kinds_[k].name, run.cycles[k]);
                }
                svg += fmt::format("<title>{}, cycles {}..{}{}</title>", rows_[r], run.from, run.to - 1, shares);
            }
            svg += "</rect>\n";
        }
    }
    svg += cycle_axis(records_, kActivityLeft, plot_w, axis, top);
    int x = kActivityLeft;
    for (const Kind& k : kinds_) {
        svg += fmt::format("<rect x='{}' y='{}' width='12' height='10' fill='{}' stroke='#999'/><text x='{}' y='{}'>{}</text>\n",
                           x, axis + 26, k.colour, x + 16, axis + 35, k.name);
        x += 26 + 6 * static_cast<int>(k.name.size());
    }
    return svg + "</svg>\n";
}

}  // namespace lockstep::trace
