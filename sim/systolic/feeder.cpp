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
// k (modulo 2^32, as the products it replaces), from `base`; the ports around it are idle.
uint32_t Feeder::feed(std::vector<EdgePort>& ports, uint32_t lo, uint32_t hi, uint32_t start, uint32_t stride,
                      uint32_t base, const int32_t* words) const {
    EdgePort* port = ports.data();
    const auto n = static_cast<uint32_t>(ports.size());
    hi = std::min(hi, n);
    lo = std::min(lo, hi);
    std::fill(port, port + lo, EdgePort{});
    const uint32_t mask = addr_mask_;
    uint32_t addr = start + lo * stride;
    for (uint32_t k = lo; k < hi; ++k, addr += stride) {
        const uint32_t at = (base + addr) & mask;
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
    const uint32_t K = c.size.k, N = c.size.n;
    // The first index past `limit - first` (none when first >= limit): the ports whose row or
    // column first + k is inside a dimension of `limit`.
    const auto below = [](uint32_t first, uint32_t limit) { return limit > first ? limit - first : 0u; };
    if (c.t >= map.preload) {
        // Streaming: vector v = s - i enters row i, for v < S and row r0 + i inside the GEMM.
        const uint32_t s = c.t - map.preload;
        const uint32_t lo = s >= map.stream ? s - map.stream + 1 : 0;
        const uint32_t hi = std::min({rows_, s + 1, below(c.r0, map.rows_dim)});
        switch (c.dataflow) {
        case Dataflow::Os: left_valid = feed(left, lo, hi, c.r0 * K + s, K - 1, window.a_base, a); break;   // A[row][v]
        case Dataflow::Ws: left_valid = feed(left, lo, hi, s * K + c.r0, 1 - K, window.a_base, a); break;   // A[v][row]
        case Dataflow::Is: left_valid = feed(left, lo, hi, c.r0 * N + s, N - 1, window.b_base, b); break;   // B[row][v]
        }
    } else {
        left_valid = idle(left);
    }
    if (c.dataflow == Dataflow::Os) {
        // B enters column j from the top, skewed by j: vector v = t - j < K of column c0 + j.
        const uint32_t lo = c.t >= K ? c.t - K + 1 : 0;
        const uint32_t hi = std::min({cols_, c.t + 1, below(c.c0, N)});
        top_valid = feed(top, lo, hi, c.t * N + c.c0, 1 - N, window.b_base, b);   // B[v][col]
    } else if (c.t < map.preload && c.r0 + (rows_ - 1 - c.t) < K) {
        // Preload: stationary row kk = r0 + (R-1-t) enters at the top of each mapped column.
        const uint32_t kk = c.r0 + (rows_ - 1 - c.t);
        const uint32_t hi = below(c.c0, map.cols_dim);
        if (c.dataflow == Dataflow::Ws) {
            top_valid = feed(top, 0, hi, kk * N + c.c0, 1, window.b_base, b);   // B[kk][col]
        } else {
            top_valid = feed(top, 0, hi, c.c0 * K + kk, K, window.a_base, a);   // A[col][kk]
        }
    } else {
        top_valid = idle(top);
    }
}

// Row i reads vector v = s - i in cycle s of the streaming (s = t - P), for v < S and row r0 + i
// inside the GEMM, as in evaluate_words(); vector v of row i is word base + i * across + v * along
// of the buffer. A burst's cycles read a band of those words. They are read a group of 16 rows
// at a time along v: for ws (A[v][row], rows of A a whole K apart) the 16 words of each vector
// are one line of A, where a cycle at a time read one word of each of 16 lines.
void Feeder::left_burst_words(const ControllerRegs& c, const Mapping& map, const int32_t* a, const int32_t* b,
                              unsigned cycles, int32_t* values, uint8_t* valid, size_t stride,
                              const ArrayWindow& window) const {
    const uint32_t K = c.size.k, N = c.size.n;
    uint32_t base = 0, across = 0, along = 0;
    const int32_t* words = a;
    switch (c.dataflow) {
    case Dataflow::Os: base = window.a_base + c.r0 * K, across = K, along = 1; break;   // A[r0 + i][v]
    case Dataflow::Ws: base = window.a_base + c.r0, across = 1, along = K; break;       // A[v][r0 + i]
    case Dataflow::Is: base = window.b_base + c.r0 * N, across = N, along = 1, words = b; break;   // B[r0 + i][v]
    }
    const auto s0 = static_cast<int64_t>(c.t - map.preload), S = static_cast<int64_t>(map.stream);
    const int64_t T = cycles;
    const int64_t live = std::min<int64_t>(rows_, map.rows_dim > c.r0 ? map.rows_dim - c.r0 : 0);   // rows inside the GEMM
    for (size_t i = 0; i < rows_; ++i) {   // idle unless fed below
        std::fill_n(values + i * stride - (T - 1), T, 0);
        std::fill_n(valid + i * stride - (T - 1), T, 0);
    }
    const uint32_t mask = addr_mask_;
    constexpr int64_t kGroup = 16;
    for (int64_t i0 = 0; i0 < live; i0 += kGroup) {
        const int64_t i1 = std::min(live, i0 + kGroup);
        // Vectors that reach a row of the group in the burst: v = s0 + k - i.
        const int64_t v_first = std::max<int64_t>(0, s0 - (i1 - 1)), v_end = std::min(S, s0 + T - i0);
        for (int64_t v = v_first; v < v_end; ++v) {
            // Rows whose cycle k = v + i - s0 is in the burst.
            const int64_t lo = std::max(i0, s0 - v), hi = std::min(i1, s0 + T - v);
            uint32_t at = base + static_cast<uint32_t>(v) * along + static_cast<uint32_t>(lo) * across;
            for (int64_t i = lo; i < hi; ++i, at += across) {
                const auto to = static_cast<int64_t>(i * static_cast<int64_t>(stride)) - (v + i - s0);
                values[to] = words[at & mask];
                valid[to] = 1;
            }
        }
    }
}

}  // namespace lockstep::systolic
