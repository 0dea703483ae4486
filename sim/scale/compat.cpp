#include "scale/compat.h"

#include "common/error.h"
#include "scale/compat_buffers.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

namespace lockstep::scale {

namespace {

using compat::DramSummary;

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// The three operand matrices of a conv layer as dense indices (SCALE-Sim's addresses minus the
// operand's offset): ifmap M x K (im2col, -1 where a window reaches past the ifmap), filter
// K x N, ofmap M x N.
struct Operands {
    ConvLayer l;
    uint64_t m = 0, n = 0, k = 0, ofmap_w = 0;

    int64_t ifmap(uint64_t row, uint64_t col) const {
        const uint64_t oh = row / ofmap_w, ow = row % ofmap_w;
        const uint64_t fr = col / (uint64_t{l.filter_w} * l.channels);
        const uint64_t rest = col % (uint64_t{l.filter_w} * l.channels);
        const uint64_t fc = rest / l.channels, ch = rest % l.channels;
        const uint64_t y = oh * l.stride_h + fr, x = ow * l.stride_w + fc;
        if (y >= l.ifmap_h || x >= l.ifmap_w) return -1;
        return static_cast<int64_t>((y * l.ifmap_w + x) * l.channels + ch);
    }
    int64_t filter(uint64_t row, uint64_t col) const { return static_cast<int64_t>(col * k + row); }
    int64_t ofmap(uint64_t row, uint64_t col) const { return static_cast<int64_t>(row * n + col); }
};

// How a dataflow maps the GEMM onto the array: Sr rows over the array's height, Sc columns
// over its width, T the temporal length; the fold visit order is column fold outer.
struct Mapping {
    Dataflow df;
    uint64_t ah, aw, sr, sc, t, row_folds, col_folds, fold_rows;
    uint64_t ifmap_lanes() const { return df == Dataflow::kIs ? aw : ah; }
    uint64_t filter_lanes() const { return df == Dataflow::kIs ? ah : aw; }
};

Mapping mapping_of(const ScaleConfig& c, const GemmShape& g) {
    Mapping mp{c.dataflow, c.array_height, c.array_width, 0, 0, 0, 0, 0, 0};
    switch (c.dataflow) {
        case Dataflow::kOs: mp.sr = g.m, mp.sc = g.n, mp.t = g.k; break;
        case Dataflow::kWs: mp.sr = g.k, mp.sc = g.n, mp.t = g.m; break;
        case Dataflow::kIs: mp.sr = g.k, mp.sc = g.m, mp.t = g.n; break;
    }
    mp.row_folds = ceil_div(mp.sr, mp.ah);
    mp.col_folds = ceil_div(mp.sc, mp.aw);
    mp.fold_rows = c.dataflow == Dataflow::kOs ? mp.t + mp.ah + mp.aw - 2 : 2 * mp.ah + mp.aw + mp.t - 2;
    return mp;
}

// Row `t` of fold (fr, fc) of the three demand matrices, lane by lane. "Skewed" operands
// enter lane j j rows late; stationary tiles are loaded with their rows reversed.
void demand_row(const Mapping& mp, const Operands& op, uint64_t fr, uint64_t fc, uint64_t t, int64_t* ifmap,
                int64_t* filter, int64_t* ofmap) {
    const uint64_t r0 = fr * mp.ah, c0 = fc * mp.aw;
    // Row t of a lane that starts `lag` rows late is row *u of its `len`-row stream, if any.
    auto in = [](uint64_t t, uint64_t lag, uint64_t len, uint64_t* u) {
        if (t < lag || t - lag >= len) return false;
        *u = t - lag;
        return true;
    };
    // A stationary tile is loaded in the fold's first AH rows, its last row first.
    const bool loading = t < mp.ah;
    const uint64_t tile_row = loading ? r0 + mp.ah - 1 - t : 0;
    const uint64_t ws_is_out_lag = 2 * mp.ah - 1;   // outputs leave after the tile load and the pass down
    uint64_t u = 0;
    switch (mp.df) {
        case Dataflow::kOs:
            for (uint64_t j = 0; j < mp.ah; ++j) {
                ifmap[j] = r0 + j < mp.sr && in(t, j, mp.t, &u) ? op.ifmap(r0 + j, u) : -1;
            }
            for (uint64_t j = 0; j < mp.aw; ++j) {
                filter[j] = c0 + j < mp.sc && in(t, j, mp.t, &u) ? op.filter(u, c0 + j) : -1;
            }
            for (uint64_t j = 0; j < mp.aw; ++j) {   // after T-1 idle rows, the output tile bottom row first
                const bool ok = c0 + j < mp.sc && in(t, j + mp.t - 1, mp.ah, &u) && r0 + mp.ah - 1 - u < mp.sr;
                ofmap[j] = ok ? op.ofmap(r0 + mp.ah - 1 - u, c0 + j) : -1;
            }
            break;
        case Dataflow::kWs:
            for (uint64_t j = 0; j < mp.ah; ++j) {
                ifmap[j] = r0 + j < mp.sr && in(t, j + mp.ah, mp.t, &u) ? op.ifmap(u, r0 + j) : -1;
            }
            for (uint64_t j = 0; j < mp.aw; ++j) {
                filter[j] = loading && tile_row < mp.sr && c0 + j < mp.sc ? op.filter(tile_row, c0 + j) : -1;
            }
            for (uint64_t j = 0; j < mp.aw; ++j) {
                ofmap[j] = c0 + j < mp.sc && in(t, j + ws_is_out_lag, mp.t, &u) ? op.ofmap(u, c0 + j) : -1;
            }
            break;
        case Dataflow::kIs:
            for (uint64_t j = 0; j < mp.aw; ++j) {
                ifmap[j] = loading && tile_row < mp.sr && c0 + j < mp.sc ? op.ifmap(c0 + j, tile_row) : -1;
            }
            for (uint64_t j = 0; j < mp.ah; ++j) {
                filter[j] = r0 + j < mp.sr && in(t, j + mp.ah, mp.t, &u) ? op.filter(r0 + j, u) : -1;
            }
            for (uint64_t j = 0; j < mp.aw; ++j) {
                ofmap[j] = c0 + j < mp.sc && in(t, j + ws_is_out_lag, mp.t, &u) ? op.ofmap(c0 + j, u) : -1;
            }
            break;
    }
}

// The order in which a USER-mode read buffer prefetches an operand: its fold blocks stacked
// (each padded to the lane count), read one anti-diagonal at a time for the operands that are
// skewed in the demand, row by row for the stationary ones.
template <typename Element>
std::vector<int64_t> prefetch_order(uint64_t rows, uint64_t cols, bool diagonal, Element element) {
    std::vector<int64_t> out;
    out.reserve(rows * cols);
    if (!diagonal) {
        for (uint64_t r = 0; r < rows; ++r) {
            for (uint64_t c = 0; c < cols; ++c) out.push_back(element(r, c));
        }
        return out;
    }
    for (uint64_t d = 0; d + 1 < rows + cols; ++d) {
        const uint64_t low = d + 1 > cols ? d + 1 - cols : 0;
        for (uint64_t r = std::min(d, rows - 1) + 1; r-- > low;) out.push_back(element(r, d - r));
    }
    return out;
}

std::vector<int64_t> ifmap_prefetch(const Mapping& mp, const Operands& op) {
    switch (mp.df) {
        case Dataflow::kOs:   // blocks of the transposed ifmap, one per row fold
            return prefetch_order(mp.row_folds * mp.t, mp.ah, true, [&](uint64_t r, uint64_t c) {
                const uint64_t row = (r / mp.t) * mp.ah + c;
                return row < mp.sr ? op.ifmap(row, r % mp.t) : -1;
            });
        case Dataflow::kWs:   // K-slices of the ifmap, one per row fold
            return prefetch_order(mp.row_folds * mp.t, mp.ah, true, [&](uint64_t r, uint64_t c) {
                const uint64_t col = (r / mp.t) * mp.ah + c;
                return col < mp.sr ? op.ifmap(r % mp.t, col) : -1;
            });
        case Dataflow::kIs:   // column blocks of the transposed ifmap, one per column fold
            return prefetch_order(mp.col_folds * mp.sr, mp.aw, false, [&](uint64_t r, uint64_t c) {
                const uint64_t row = (r / mp.sr) * mp.aw + c;
                return row < mp.sc ? op.ifmap(row, r % mp.sr) : -1;
            });
    }
    return {};
}

std::vector<int64_t> filter_prefetch(const Mapping& mp, const Operands& op) {
    switch (mp.df) {
        case Dataflow::kOs:
        case Dataflow::kWs: {   // column blocks of the filter, one per column fold
            const uint64_t depth = mp.df == Dataflow::kOs ? mp.t : mp.sr;
            return prefetch_order(mp.col_folds * depth, mp.aw, mp.df == Dataflow::kOs, [&](uint64_t r, uint64_t c) {
                const uint64_t col = (r / depth) * mp.aw + c;
                return col < mp.sc ? op.filter(r % depth, col) : -1;
            });
        }
        case Dataflow::kIs:   // row blocks of the filter, transposed, one per row fold
            return prefetch_order(mp.row_folds * mp.t, mp.ah, true, [&](uint64_t r, uint64_t c) {
                const uint64_t row = (r / mp.t) * mp.ah + c;
                return row < mp.sr ? op.filter(row, r % mp.t) : -1;
            });
    }
    return {};
}

// A read buffer in either mode, behind one interface for the cycle loop.
struct ReadSide {
    std::unique_ptr<compat::UserReadBuffer> user;
    std::unique_ptr<compat::EstimateReadBuffer> estimate;
    int64_t serve(const std::vector<int64_t>& lanes, int64_t cycle) {
        if (user) return user->serve(lanes.data(), lanes.size(), cycle);
        estimate->serve(lanes.data(), lanes.size(), cycle);
        return 0;
    }
    DramSummary finish() {
        if (user) return user->dram();
        estimate->finish();
        return estimate->dram();
    }
};

bool any_access(const std::vector<int64_t>& lanes) {
    return std::any_of(lanes.begin(), lanes.end(), [](int64_t a) { return a >= 0; });
}

// The SRAM counts as SCALE-Sim tallies them per fold: every fold's operand slices, and for os
// its double count of AH+AW per fold on the OFMAP; ws and is write each output once per row fold.
void set_sram_counts(const Mapping& mp, const GemmShape& g, LayerReport* r) {
    const uint64_t mk = g.m * g.k, kn = g.k * g.n, mn = g.m * g.n, folds = mp.row_folds * mp.col_folds;
    switch (mp.df) {
        case Dataflow::kOs:
            r->sram[0].words = mp.col_folds * mk, r->sram[1].words = mp.row_folds * kn;
            r->sram[2].words = mn + folds * (mp.ah + mp.aw);
            break;
        case Dataflow::kWs:
            r->sram[0].words = mp.col_folds * mk, r->sram[1].words = kn, r->sram[2].words = mp.row_folds * mn;
            break;
        case Dataflow::kIs:
            r->sram[0].words = mk, r->sram[1].words = mp.col_folds * kn, r->sram[2].words = mp.row_folds * mn;
            break;
    }
}

// Keeps the emulation to what finishes in reasonable time and memory.
constexpr uint64_t kMaxDemandSlots = uint64_t{1} << 33;
constexpr uint64_t kMaxOperandWords = uint64_t{1} << 30;

}  // namespace

LayerReport run_compat_layer(const ScaleConfig& config, const ConvLayer& layer, uint64_t layer_id) {
    const GemmShape g = gemm_shape(layer, OfmapRule::kCeil);
    const Operands op{layer, g.m, g.n, g.k, ofmap_width(layer, OfmapRule::kCeil)};
    const Mapping mp = mapping_of(config, g);
    const uint64_t folds = mp.row_folds * mp.col_folds, rows = folds * mp.fold_rows;
    const uint64_t ifmap_words = uint64_t{layer.ifmap_h} * layer.ifmap_w * layer.channels;
    const uint64_t lanes_per_row = mp.ifmap_lanes() + mp.filter_lanes() + mp.aw;
    if (rows * lanes_per_row > kMaxDemandSlots || g.m * g.k > kMaxOperandWords || g.k * g.n > kMaxOperandWords ||
        g.m * g.n > kMaxOperandWords) {
        throw Error(fmt::format("layer '{}' (M={} N={} K={}) is too large to emulate SCALE-Sim's buffers", layer.name,
                                g.m, g.n, g.k));
    }

    const uint64_t kb = 1024;   // words per kB: SCALE-Sim's word is one byte
    ReadSide ifmap_side, filter_side;
    if (config.user_bandwidth) {
        const uint64_t bw = config.bandwidth.at(0);
        ifmap_side.user = std::make_unique<compat::UserReadBuffer>(ifmap_prefetch(mp, op), ifmap_words,
                                                                   config.ifmap_sram_kb * kb, bw);
        filter_side.user = std::make_unique<compat::UserReadBuffer>(filter_prefetch(mp, op), g.k * g.n,
                                                                    config.filter_sram_kb * kb, bw);
    } else {
        ifmap_side.estimate = std::make_unique<compat::EstimateReadBuffer>(ifmap_words, config.ifmap_sram_kb * kb);
        filter_side.estimate = std::make_unique<compat::EstimateReadBuffer>(g.k * g.n, config.filter_sram_kb * kb);
    }
    // CALC drains the OFMAP one array row's width per cycle.
    compat::WriteBuffer ofmap_side(config.ofmap_sram_kb * kb, config.user_bandwidth ? config.bandwidth.at(0) : mp.aw);

    LayerReport r;
    r.layer_id = layer_id;
    r.name = layer.name;
    r.macs = g.m * g.n * g.k;
    std::vector<int64_t> ifmap(mp.ifmap_lanes()), filter(mp.filter_lanes()), ofmap(mp.aw);
    bool seen[3] = {false, false, false};
    int64_t stalls = 0, last_ofmap = 0;
    double mapping_sum = 0, util_sum = 0;
    const double array_pes = static_cast<double>(mp.ah * mp.aw);
    // Compute Util's per-fold denominator: the fold length, plus AW-1 for ws and is (SCALE-Sim's).
    const uint64_t util_rows = mp.df == Dataflow::kOs ? mp.fold_rows : mp.fold_rows + mp.aw - 1;
    uint64_t row = 0;
    for (uint64_t fc = 0; fc < mp.col_folds; ++fc) {
        for (uint64_t fr = 0; fr < mp.row_folds; ++fr) {
            const uint64_t used = std::min(mp.ah, mp.sr - fr * mp.ah) * std::min(mp.aw, mp.sc - fc * mp.aw);
            mapping_sum += static_cast<double>(used) / array_pes;
            util_sum += static_cast<double>(used * mp.t) / static_cast<double>(mp.ah * mp.aw * util_rows);
            for (uint64_t t = 0; t < mp.fold_rows; ++t, ++row) {
                demand_row(mp, op, fr, fc, t, ifmap.data(), filter.data(), ofmap.data());
                const int64_t cycle = static_cast<int64_t>(row) + stalls;
                const int64_t ifmap_extra = ifmap_side.serve(ifmap, cycle);
                const int64_t filter_extra = filter_side.serve(filter, cycle);
                const int64_t ofmap_extra = ofmap_side.serve(ofmap.data(), ofmap.size(), cycle);
                const int64_t served[3] = {cycle + 1 + ifmap_extra, cycle + 1 + filter_extra, cycle + ofmap_extra};
                const bool busy[3] = {any_access(ifmap), any_access(filter), any_access(ofmap)};
                for (int i = 0; i < 3; ++i) {
                    if (!busy[i]) continue;
                    if (!seen[i]) r.sram[i].start = served[i], seen[i] = true;
                    r.sram[i].stop = served[i];
                }
                last_ofmap = served[2];
                stalls += std::max({ifmap_extra, filter_extra, ofmap_extra});
            }
        }
    }
    r.total_cycles = last_ofmap;
    r.stall_cycles = stalls;
    const DramSummary dram[3] = {ifmap_side.finish(), filter_side.finish(), [&] {
                                     ofmap_side.finish(last_ofmap);
                                     return ofmap_side.dram();
                                 }()};

    set_sram_counts(mp, g, &r);
    // Each figure is one division of two exact numbers, as Python's int / int is.
    const double total = static_cast<double>(r.total_cycles);
    r.overall_util = static_cast<double>(r.macs * 100) / (total * array_pes);
    r.mapping_efficiency = mapping_sum / static_cast<double>(folds) * 100;
    r.compute_util = util_sum / static_cast<double>(folds) * 100;
    for (int i = 0; i < 3; ++i) {
        r.dram[i] = Access{dram[i].start, dram[i].stop, dram[i].words};
        r.sram_bw[i] = static_cast<double>(r.sram[i].words) / total;
        r.dram_bw[i] = static_cast<double>(dram[i].words) / static_cast<double>(dram[i].stop - dram[i].start + 1);
    }
    return r;
}

}  // namespace lockstep::scale
