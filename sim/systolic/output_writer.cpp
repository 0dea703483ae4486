#include "systolic/output_writer.h"

#include <algorithm>

namespace lockstep::systolic {

OutputWriter::OutputWriter(const sc_core::sc_module_name& name, const ArrayShape& shape)
    : sc_core::sc_module(name),
      out(shape.cols),
      rows_(shape.rows),
      cols_(shape.cols),
      acc_bits_(shape.acc_bits),
      addr_mask_(static_cast<uint32_t>((1ull << shape.buffer_addr_bits) - 1)) {
    clear();
}

void OutputWriter::clear() {
    q = WriterRegs{};
    q.shadow.assign(static_cast<size_t>(rows_) * cols_, 0);
}

// Wrapping sum at the accumulator width.
int32_t OutputWriter::add(int32_t x, int32_t y, unsigned acc_bits) {
    return sign_extend(static_cast<uint32_t>(x) + static_cast<uint32_t>(y), acc_bits);
}

void OutputWriter::evaluate(const ControllerRegs& ctrl, const Mapping& map, bool last_cycle, PeArray& array,
                            ZeroedWords& c, const ArrayWindow& window) {
    for (EdgePort& p : out) p = EdgePort{};
    int32_t* words = c.data();   // each port writes its own word, as it forms it
    uint32_t valid = 0;          // (locals: the stores into C may alias a member)
    const uint32_t M = ctrl.size.m, N = ctrl.size.n;
    const bool running = ctrl.state == SaState::Run || ctrl.state == SaState::Drain;
    if (running && q.drain_active) {   // os: one shadow row per cycle
        const uint32_t row = q.drain_r0 + q.drain_row;
        for (uint32_t j = 0; j < cols_ && row < M; ++j) {
            const uint32_t col = q.drain_c0 + j;
            if (col >= N) continue;
            const uint32_t addr = (window.c_base + row * N + col) & addr_mask_;
            const int32_t value = q.shadow[q.drain_row * cols_ + j];
            out[j] = EdgePort{true, addr, window.accumulate ? add(value, words[addr], acc_bits_) : value};
            words[addr] = out[j].data;
            ++valid;
        }
    }
    if (ctrl.state == SaState::Run && ctrl.dataflow != Dataflow::Os && ctrl.t + 1 >= map.preload + rows_) {
        // Column j's bottom sum is vector u = d - j (d = s - (R-1)) of column c0 + j, written
        // for u < S and a mapped column: a run of columns [lo, hi) whose C addresses are evenly
        // spaced (ws: C[u][col], is: C[col][u]; modulo 2^32, as the products they replace).
        const uint32_t d = ctrl.t - map.preload - (rows_ - 1);
        const uint32_t lo = d >= map.stream ? d - map.stream + 1 : 0;
        const uint32_t hi = std::min({cols_, d + 1, map.cols_dim > ctrl.c0 ? map.cols_dim - ctrl.c0 : 0u});
        const bool ws = ctrl.dataflow == Dataflow::Ws;
        const uint32_t stride = ws ? 1 - N : N - 1;
        uint32_t addr = (ws ? d * N + ctrl.c0 : ctrl.c0 * N + d) + lo * stride;
        const int32_t* bottom = array.bottom_row();
        const bool later_k = ctrl.r0 > 0 || window.accumulate;   // adds to what earlier K tiles wrote
        const uint32_t base = window.c_base, mask = addr_mask_;   // (locals, as `words` above)
        const unsigned bits = acc_bits_;
        for (uint32_t j = lo; j < hi; ++j, addr += stride) {
            const uint32_t at = (base + addr) & mask;
            const int32_t value = later_k ? add(bottom[j], words[at], bits) : bottom[j];
            out[j] = EdgePort{true, at, value};
            words[at] = value;
            ++valid;
        }
        // ws writes run down C's rows on a diagonal, one row further each cycle, which no
        // hardware prefetcher follows: ask for the row that column 0 reaches 8 cycles on, a
        // line of 16 words at a time (a hint only: no value depends on it, and `lockstep
        // mutate` leaves prefetch lines alone).
        for (uint32_t j = 0; ws && j < hi; j += 16) __builtin_prefetch(&words[(base + (d + 8) * N + ctrl.c0 + j) & mask], 1);
    }
    out_valid = valid;
    // Drain registers: advance, and a finished os fold starts a new drain.
    if (running && q.drain_active) {
        if (q.drain_row + 1 == rows_) {
            q.drain_active = false;
            q.drain_row = 0;
        } else {
            ++q.drain_row;
        }
    }
    if (last_cycle && ctrl.dataflow == Dataflow::Os) {
        array.take_accumulators(q.shadow);
        q.drain_active = true;
        q.drain_row = 0;
        q.drain_r0 = ctrl.r0;
        q.drain_c0 = ctrl.c0;
    }
}

void OutputWriter::write_burst(const ControllerRegs& ctrl, const Mapping& map, const PeArray& array, ZeroedWords& c,
                               unsigned cycles) {
    // Cycle t's bottom sums are vectors u = d - j of columns j (d = t - first), as in evaluate():
    // so the words written are C[u][c0 + j] (ws) or C[c0 + j][u] (is) for u < S, a mapped column
    // j, and d = u + j in [d0, d1), the burst's cycles but its last.
    const uint32_t first = map.preload + rows_ - 1;
    const uint32_t t_end = ctrl.t + cycles - 1;
    if (t_end <= first) return;   // (no sums have reached the bottom yet)
    const auto d0 = static_cast<int64_t>(std::max(ctrl.t, first) - first), d1 = static_cast<int64_t>(t_end - first);
    const auto cols = static_cast<int64_t>(std::min(cols_, map.cols_dim > ctrl.c0 ? map.cols_dim - ctrl.c0 : 0u));
    const auto S = static_cast<int64_t>(map.stream);
    const uint32_t N = ctrl.size.n, c0 = ctrl.c0, mask = addr_mask_;
    const bool later_k = ctrl.r0 > 0;
    const unsigned bits = acc_bits_;
    int32_t* words = c.data();
    // Cycle d's sums are d_last - d rows of `cols_` words on from bottom_row(), one row further
    // on a cycle earlier.
    const int32_t* bottom = array.bottom_row();
    const auto d_last = static_cast<int64_t>(ctrl.t + cycles - 1 - first);
    const auto sum = [&](int64_t d, int64_t j) { return bottom[(d_last - d) * cols_ + j]; };
    const auto put = [&](uint32_t at, int32_t value) { words[at] = later_k ? add(value, words[at], bits) : value; };
    if (ctrl.dataflow == Dataflow::Ws) {   // a run of each row of C
        for (int64_t u = std::max<int64_t>(0, d0 - cols + 1); u < std::min(S, d1); ++u) {
            const int64_t j_end = std::min(cols, d1 - u);
            // (A later K tile adds to C's words, which have left the caches since the last one:
            // ask for the row 8 on, a line at a time. A hint only, as in evaluate().)
            for (int64_t j = 0; later_k && j < cols; j += 16) __builtin_prefetch(&words[((static_cast<uint32_t>(u) + 8) * N + c0 + static_cast<uint32_t>(j)) & mask], 1);
            for (int64_t j = std::max<int64_t>(0, d0 - u); j < j_end; ++j) {
                put((static_cast<uint32_t>(u) * N + c0 + static_cast<uint32_t>(j)) & mask, sum(u + j, j));
            }
        }
    } else {   // a run of each column of the array, a row of C
        for (int64_t j = 0; j < cols; ++j) {
            const int64_t u_end = std::min(S, d1 - j);
            for (int64_t u = std::max<int64_t>(0, d0 - j); u < u_end; ++u) {
                put(((c0 + static_cast<uint32_t>(j)) * N + static_cast<uint32_t>(u)) & mask, sum(u + j, j));
            }
        }
    }
}

}  // namespace lockstep::systolic
