// The SVG charts of a trace directory (pictures.cpp fills them): utilisation over time in
// one lane per series, a grid heatmap, and an activity map (rows over time, coloured by
// what each row did). Cycles are the trace's records, 0..records-1, on every axis.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::trace {

struct Series {
    std::string name, colour;
    std::vector<double> values;   // per cycle, 0..1
};

// A cycle to mark with a dashed line across the chart (a fold starting), labelled if room.
struct CycleMark {
    uint64_t cycle;
    std::string label;
};

// Axis ticks at 1-2-5 steps (0, 50, 100, ... or 0, 2000, ...), at most `most` of them up to `last`.
uint64_t tick_step(uint64_t last, unsigned most);

// One lane per series (0..100% each, so no line hides another), averaged into at most 600
// columns; the x axis runs over cycles 0..records-1 and names the last one.
std::string utilisation_svg(const std::string& title, const std::vector<Series>& series, uint64_t records,
                            const std::vector<CycleMark>& marks);

// A grid of cells from white (0) to dark blue (1), labelled with percentages and with row
// and column numbers along the edges (every one, or every 4th/8th on big grids).
std::string heatmap_svg(const std::string& title, const std::string& row_label, const std::string& col_label,
                        const std::vector<std::vector<double>>& cells);

// A line over named x positions (a sweep's array sizes); NaN leaves a gap.
struct LineSeries {
    std::string name, colour;
    std::vector<double> values;   // one per category
    bool bold = false;            // drawn thicker (a network's total)
};

// One chart of a stack, with its own y axis from 0: a count, or a share 0..1 shown as 0..100%.
struct ChartPanel {
    std::string y_label;
    std::vector<LineSeries> series;
    bool share = false;
};

// Panels stacked over the same categories, one legend (the first panel's series) below them.
std::string category_chart_svg(const std::string& title, const std::string& x_label,
                               const std::vector<std::string>& categories, const std::vector<ChartPanel>& panels);

// Rows (thread slots) over time: each 2-pixel column covers one or more cycles and takes the
// colours of what the row did in them, mixed by their share.
class ActivityMap {
public:
    struct Kind {
        std::string name, colour;   // colour as #rrggbb
    };
    ActivityMap(std::vector<std::string> rows, std::vector<Kind> kinds, uint64_t records);
    void add(size_t row, uint64_t cycle, size_t kind) { ++counts_[(row * columns_ + column_of(cycle)) * kinds_.size() + kind]; }
    std::string svg(const std::string& title) const;

private:
    size_t column_of(uint64_t cycle) const { return static_cast<size_t>(cycle * columns_ / records_); }

    std::vector<std::string> rows_;
    std::vector<Kind> kinds_;
    uint64_t records_;
    size_t columns_;
    std::vector<uint32_t> counts_;   // per row, column, kind
};

}  // namespace lockstep::trace
