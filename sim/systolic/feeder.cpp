#include "systolic/feeder.h"

#include <algorithm>

namespace lockstep::systolic {

Feeder::Feeder(const sc_core::sc_module_name& name, const ArrayShape& shape)
    : sc_core::sc_module(name),
      left(shape.rows),
      top(shape.cols),
      rows_(shape.rows),
      cols_(shape.cols),
      addr_mask_(static_cast<uint32_t>((1ull << shape.buffer_addr_bits) - 1)) {}

// Along an edge the words that enter are evenly spaced in the buffer (the skew adds one step
// a port), so each feed is a run of ports [lo, hi) reading address start + k * stride at port
// k (modulo 2^32, as the products it replaces); the ports around it are idle.
uint32_t Feeder::feed(std::vector<EdgePort>& ports, uint32_t lo, uint32_t hi, uint32_t start, uint32_t stride,
                      const int32_t* words) const {
    EdgePort* port = ports.data();
    const auto n = static_cast<uint32_t>(ports.size());
    hi = std::min(hi, n);
    lo = std::min(lo, hi);
    std::fill(port, port + lo, EdgePort{});
    const uint32_t mask = addr_mask_;
    uint32_t addr = start + lo * stride;
    for (uint32_t k = lo; k < hi; ++k, addr += stride) {
        const uint32_t at = addr & mask;
        port[k] = EdgePort{true, at, words[at]};
    }
    std::fill(port + hi, port + n, EdgePort{});
    return hi - lo;
}

uint32_t Feeder::idle(std::vector<EdgePort>& ports) {
    std::fill(ports.begin(), ports.end(), EdgePort{});
    return 0;
}

void Feeder::evaluate_words(const ControllerRegs& c, const Mapping& map, const int32_t* a, const int32_t* b,
                            const ArrayWindow& window) {
    if (c.state != SaState::Run) {
        left_valid = idle(left);
        top_valid = idle(top);
        return;
    }
    left_valid = c.t >= map.preload ? feed(left, left_band(c, map, a, b, window)) : idle(left);
    if (c.dataflow == Dataflow::Os) {
        top_valid = feed(top, top_band_os(c, b, window));
    } else if (c.t < map.preload && c.r0 + (rows_ - 1 - c.t) < c.size.k) {
        // Preload: stationary row kk = r0 + (R-1-t) enters at the top of each mapped column.
        const Row row = preload_row(c, c.r0 + (rows_ - 1 - c.t), a, b, window);
        top_valid = feed(top, 0, map.cols_dim > c.c0 ? map.cols_dim - c.c0 : 0, row.at, row.step, row.words);
    } else {
        top_valid = idle(top);
    }
}

// Streaming: vector v = s - i (s = t - preload) enters row i, for v < S and row r0 + i inside
// the GEMM.
Feeder::Band Feeder::left_band(const ControllerRegs& c, const Mapping& map, const int32_t* a, const int32_t* b,
                               const ArrayWindow& window) const {
    const uint32_t K = c.size.k, N = c.size.n;
    Band g{a, 0, 0, 0, c.t - map.preload, map.stream, std::min<int64_t>(rows_, map.rows_dim > c.r0 ? map.rows_dim - c.r0 : 0)};
    switch (c.dataflow) {
    case Dataflow::Os: g.base = window.a_base + c.r0 * K, g.across = K, g.along = 1; break;   // A[r0 + i][v]
    case Dataflow::Ws: g.base = window.a_base + c.r0, g.across = 1, g.along = K; break;       // A[v][r0 + i]
    case Dataflow::Is: g.words = b, g.base = window.b_base + c.r0 * N, g.across = N, g.along = 1; break;   // B[r0 + i][v]
    }
    return g;
}

// os: B enters column j from the top, skewed by j: vector v = t - j < K of column c0 + j, B[v][c0 + j].
Feeder::Band Feeder::top_band_os(const ControllerRegs& c, const int32_t* b, const ArrayWindow& window) const {
    const uint32_t K = c.size.k, N = c.size.n;
    return Band{b, window.b_base + c.c0, 1, N, c.t, K, std::min<int64_t>(cols_, N > c.c0 ? N - c.c0 : 0)};
}

// ws: B[kk][c0 + j]; is: A[c0 + j][kk].
Feeder::Row Feeder::preload_row(const ControllerRegs& c, uint32_t kk, const int32_t* a, const int32_t* b,
                                const ArrayWindow& window) {
    const uint32_t K = c.size.k, N = c.size.n;
    if (c.dataflow == Dataflow::Ws) return Row{b, window.b_base + kk * N + c.c0, 1};
    return Row{a, window.a_base + c.c0 * K + kk, K};
}

// Port p reads vector first - p (address base + p * across + (first - p) * along), where that
// is below `vectors` and p below `live`: a run of ports, as a burst's first cycle.
uint32_t Feeder::feed(std::vector<EdgePort>& ports, const Band& g) const {
    const int64_t lo = std::max<int64_t>(0, g.first - g.vectors + 1);
    const int64_t hi = std::min({static_cast<int64_t>(ports.size()), g.first + 1, g.live});
    return feed(ports, static_cast<uint32_t>(lo), static_cast<uint32_t>(std::max(hi, lo)),
                g.base + static_cast<uint32_t>(g.first) * g.along, g.across - g.along, g.words);
}

// The ports along an edge read a band of a buffer over a burst: port p (a row from the left, a
// column from the top) reads vector v = s + k - p in the burst's cycle k, for v < `vectors` and p
// below `live` (inside the GEMM), as in evaluate_words(); vector v of port p is word
// base + p * across + v * along. Its data and valid bit go to values[p * port_stride - k *
// cycle_stride] and valid[...]; the other ports and cycles are idle. The words are read in the
// buffer's order: a port at a time where its vectors are a run of words (os and is from the
// left), else a group of 16 ports at a time along v (ws from the left, os from the top, whose
// vectors are a whole row of the buffer apart: the group's words of each vector are one line of
// it, where a cycle at a time read one word of each of 16 lines).
void Feeder::band(const Band& g, unsigned ports, unsigned cycles, int32_t* values, uint8_t* valid,
                  ptrdiff_t port_stride, ptrdiff_t cycle_stride) const {
    const int64_t T = cycles, s = g.first;
    // Every port idle in every cycle first (runs of words: a port's cycles, or a cycle's ports).
    if (cycle_stride == 1) {
        for (ptrdiff_t p = 0; p < static_cast<ptrdiff_t>(ports); ++p) {
            std::fill_n(values + p * port_stride - (T - 1), T, 0);
            std::fill_n(valid + p * port_stride - (T - 1), T, 0);
        }
    } else {
        for (ptrdiff_t k = 0; k < T; ++k) {
            for (ptrdiff_t p = 0; p < static_cast<ptrdiff_t>(ports); ++p) {
                values[p * port_stride - k * cycle_stride] = 0;
                valid[p * port_stride - k * cycle_stride] = 0;
            }
        }
    }
    const uint32_t mask = addr_mask_;
    if (g.along == 1) {   // each port's vectors are a run of the buffer: one port at a time
        for (int64_t p = 0; p < g.live; ++p) {
            const int64_t v_first = std::max<int64_t>(0, s - p), v_end = std::min(g.vectors, s + T - p);
            uint32_t at = g.base + static_cast<uint32_t>(p) * g.across + static_cast<uint32_t>(v_first);
            for (int64_t v = v_first; v < v_end; ++v, ++at) {
                const ptrdiff_t to = p * port_stride - (v + p - s) * cycle_stride;
                values[to] = g.words[at & mask];
                valid[to] = 1;
            }
        }
        return;
    }
    constexpr int64_t kGroup = 16;
    for (int64_t p0 = 0; p0 < g.live; p0 += kGroup) {
        const int64_t p1 = std::min(g.live, p0 + kGroup);
        // Vectors that reach a port of the group in the burst, and the ports whose cycle
        // k = v + p - s is in it.
        const int64_t v_first = std::max<int64_t>(0, s - (p1 - 1)), v_end = std::min(g.vectors, s + T - p0);
        for (int64_t v = v_first; v < v_end; ++v) {
            const int64_t lo = std::max(p0, s - v), hi = std::min(p1, s + T - v);
            uint32_t at = g.base + static_cast<uint32_t>(v) * g.along + static_cast<uint32_t>(lo) * g.across;
            for (int64_t p = lo; p < hi; ++p, at += g.across) {
                const ptrdiff_t to = p * port_stride - (v + p - s) * cycle_stride;
                values[to] = g.words[at & mask];
                valid[to] = 1;
            }
        }
    }
}

void Feeder::left_burst_words(const ControllerRegs& c, const Mapping& map, const int32_t* a, const int32_t* b,
                              unsigned cycles, int32_t* values, uint8_t* valid, size_t stride,
                              const ArrayWindow& window) const {
    band(left_band(c, map, a, b, window), rows_, cycles, values, valid, static_cast<ptrdiff_t>(stride), 1);
}

void Feeder::top_burst_words(const ControllerRegs& c, const Mapping& map, const int32_t* a, const int32_t* b,
                             unsigned cycles, int32_t* values, uint8_t* valid, size_t stride,
                             const ArrayWindow& window) const {
    if (c.dataflow == Dataflow::Os) {
        band(top_band_os(c, b, window), cols_, cycles, values, valid, 1, static_cast<ptrdiff_t>(stride));
        return;
    }
    // Preload, as in evaluate_words(): stationary row kk = r0 + (R-1-t) enters at the top of each
    // mapped column, while kk < K.
    const uint32_t mapped = std::min(cols_, map.cols_dim > c.c0 ? map.cols_dim - c.c0 : 0u), mask = addr_mask_;
    for (unsigned k = 0; k < cycles; ++k) {
        int32_t* row = values - static_cast<ptrdiff_t>(k) * static_cast<ptrdiff_t>(stride);
        uint8_t* row_valid = valid - static_cast<ptrdiff_t>(k) * static_cast<ptrdiff_t>(stride);
        const uint32_t t = c.t + k, kk = c.r0 + (rows_ - 1 - t);
        const uint32_t fed = t < map.preload && kk < c.size.k ? mapped : 0;
        const Row from = preload_row(c, kk, a, b, window);
        for (uint32_t j = 0; j < fed; ++j) row[j] = from.words[(from.at + j * from.step) & mask];
        std::fill_n(row + fed, cols_ - fed, 0);
        std::fill_n(row_valid, fed, 1);
        std::fill_n(row_valid + fed, cols_ - fed, 0);
    }
}

}  // namespace lockstep::systolic
