// The R x C grid of processing elements. Each PE's registers (docs/systolic.md "PE") are
// kept as arrays across the grid, and every PE is stepped every cycle, as one vectorised
// multiply-accumulate sweep. The operands that flow do not move in memory: h and its valid
// bits are a window sliding along a ring per row, v and its valid bits a window of rows
// sliding along a ring of rows, so a cycle writes only the words that enter at the edges.
// The registers read as plain grids through h(), v(), hv() and vv().
#pragma once

#include "systolic/feeder.h"
#include "systolic/systolic_types.h"

#include <systemc>

#include <algorithm>
#include <string>
#include <vector>

namespace lockstep::systolic {

class PeArray : public sc_core::sc_module {
public:
    // Registers of PE (i, j) at index i * cols + j.
    std::vector<int32_t> acc;         // os accumulator
    std::vector<int32_t> w;           // stationary operand (ws/is)
    std::vector<uint8_t> wv;          // valid bits of w

    PeArray(const sc_core::sc_module_name& name, const ArrayShape& shape);

    // The flowing registers as grids, PE (i, j) at index i * cols + j.
    std::vector<int32_t> h() const;   // horizontal operand (A in os/ws, B in is)
    std::vector<int32_t> v() const;   // vertical: B operand (os) or partial sum (ws/is)
    std::vector<uint8_t> hv() const;  // valid bits of h
    std::vector<uint8_t> vv() const;  // valid bits of v
    void copy_h(std::vector<int32_t>& out) const;   // the same, into `out` (observers that
    void copy_v(std::vector<int32_t>& out) const;   // keep their vectors)
    void copy_hv(std::vector<uint8_t>& out) const;
    void copy_vv(std::vector<uint8_t>& out) const;
    const int32_t* v_row(unsigned row) const { return &v_ring_[(v_at_ + row) * cols_]; }   // cols words

    // The mac flags (did PE (i, j) make a real MAC in the cycle that ended) are not kept: a
    // step sets h and its valid bits to what arrived, so a flag is always h's valid bit AND
    // v's (after step_os) or w's (after step_stationary), and 0 after step_preload or clear
    // (which zero h's valid bits as well). They are worked out only when read.
    std::vector<uint8_t> mac() const;
    void copy_mac(std::vector<uint8_t>& out) const;
    // The MACs of the cycle that ended: the flags set, if the last call was a step in StRun
    // (step_os or step_stationary), else 0. hold() says that this edge does not step.
    uint32_t macs_now() const;
    void hold() { stepped_ = false; }

    void clear();
    void step_os(const Feeder& feed);             // operands flow right and down, acc += h * v
    void step_preload(const Feeder& feed);        // ws/is: stationary operands shift down
    void step_stationary(const Feeder& feed);     // ws/is: h flows right, partial sums down
    // A run of `cycles` step_stationary()s at once, for a fast run that observes none of the
    // cycles in between (Systolic's bursts). `stage(values, valid, stride)` writes the left feed
    // that row i takes in the run's cycle k to values[i * stride - k] and valid[i * stride - k]
    // (Feeder::left_burst): those are the h rings, which keep every cycle's window, since each
    // cycle writes only in front of the last. Then each partial sum is summed down its columns
    // in vector registers, a strip of columns at a time, instead of the whole grid being read and
    // written once a cycle (docs/performance.md). The registers after it are those the steps
    // leave, and bottom_row() holds each cycle's sums. At most burst_limit() cycles.
    template <typename Stage>
    void step_stationary_burst(unsigned cycles, Stage&& stage) {
        make_room(cycles);
        stage(&h_ring_[h_at_ - 1], &hv_ring_[h_at_ - 1], h_span_);
        sweep_stationary(cycles);
    }
    // A run of `cycles` step_os()s at once, in the same way: `stage(values, valid, stride,
    // top_values, top_valid, top_stride)` writes row i's left feed of the run's cycle k to
    // values[i * stride - k] and column j's top feed to top_values[j - k * top_stride] (the v
    // ring's rows, which keep every cycle's row 0 as h's rings keep its column 0); then each
    // accumulator adds the run's products in a vector register. At most burst_limit() cycles.
    template <typename Stage>
    void step_os_burst(unsigned cycles, Stage&& stage) {
        make_room(cycles);
        stage(&h_ring_[h_at_ - 1], &hv_ring_[h_at_ - 1], h_span_, &v_ring_[(v_at_ - 1) * cols_],
              &vv_ring_[(v_at_ - 1) * cols_], cols_);
        sweep_os(cycles);
    }
    // A run of `cycles` step_preload()s at once (at most rows()): the stationary operands move
    // down once by `cycles` rows rather than a row a cycle, and `stage(values, valid, stride)`
    // writes the top feed of column j in the run's cycle k to values[j - k * stride] and
    // valid[j - k * stride], the row of w and wv that feed reaches (Feeder::top_burst).
    template <typename Stage>
    void step_preload_burst(unsigned cycles, Stage&& stage) {
        shift_stationary(cycles);
        const size_t last = static_cast<size_t>(cycles - 1) * cols_;
        stage(&w[last], &wv[last], cols_);
        end_preload();
    }
    // Whether a burst's ws/is sweep may multiply 16-bit pairs (AVX-512BW, operands that fit):
    // on by default; tests turn it off to run the 32-bit sweep on such a machine too.
    static inline bool pair_sweep = true;
    unsigned burst_limit() const { return static_cast<unsigned>(std::min(h_slack_, v_slack_) / 2); }   // >= 64
    // The bottom row's partial sums as they are. Those of a cycle earlier in the last
    // step_stationary_burst() follow a row of `cols` words on for each cycle back.
    const int32_t* bottom_row() const { return v_row(rows_ - 1); }
    // Sets register `reg` ("h", "v", "w" or "acc") of PE (row, col): how tests show the
    // comparator at work (--inject-fault).
    void overwrite(unsigned row, unsigned col, const std::string& reg, int32_t value);
    // os, end of a fold: hand the accumulators to `shadow` and clear them.
    void take_accumulators(std::vector<int32_t>& shadow);

    unsigned rows() const { return rows_; }
    unsigned cols() const { return cols_; }

private:
    void flow_h(const Feeder& feed);   // h one PE right, the left feed into column 0
    void flow_v();                     // v one row down; row 0 is left for the caller to fill
    void shift_stationary(unsigned by);               // w and wv `by` rows down; rows 0 .. by-1 keep theirs
    void end_preload();                               // h, v and their valid bits zero; no mac flags
    void make_room(unsigned cycles);   // the windows moved to their rings' backs if fewer than `cycles` fit
    void sweep_stationary(unsigned cycles);   // the burst's partial sums, from the staged feeds
    void sweep_os(unsigned cycles);           // the burst's products into the accumulators
    bool pack_pairs(unsigned cycles, size_t h2_len);   // h2_ and w2_, if the 16-bit sweep may run
    void wrap(int32_t* values, size_t n) const;   // to acc_bits, when narrower than 32
    template <typename T>
    void copy_rows(const std::vector<T>& ring, size_t first, size_t stride, std::vector<T>& out) const;
    template <typename T>
    std::vector<T> grid(void (PeArray::*copy)(std::vector<T>&) const) const;

    enum class Flags : uint8_t { None, HV, HW };   // mac flags: none, h & v valid, h & w valid
    const uint8_t* flag_operand() const;   // v's or w's valid bits, rows of cols_, or null for None

    unsigned rows_, cols_, acc_bits_;
    Flags flags_ = Flags::None;
    bool stepped_ = false;
    // h, v and their valid bits are all zero (a preload leaves them so; the next preload
    // cycles need not write them again).
    bool flowing_zero_ = true;
    mutable std::vector<uint8_t> flags_scratch_;   // macs_now()'s flags, counted once made
    // h(i, j) = h_ring_[i * h_span_ + h_at_ + j]: each row's window moves one word back a
    // cycle, and the left feed is written just before it. When a window reaches the front it
    // is copied to the back (every h_slack_ cycles).
    size_t h_slack_, h_span_, h_at_ = 0;
    std::vector<int32_t> h_ring_;
    std::vector<uint8_t> hv_ring_;
    // v(i, j) = v_ring_[(v_at_ + i) * cols + j]: the window of rows moves one row back a cycle,
    // and row 0 is the row just before it, the same way.
    size_t v_slack_, v_at_ = 0;
    std::vector<int32_t> v_ring_;
    std::vector<uint8_t> vv_ring_;
    std::vector<int32_t> w_strips_;   // a burst's copy of w, in strips of columns (sweep_stationary)
    std::vector<uint32_t> h2_;        // and of h and w as 16-bit pairs of rows (pack_pairs)
    std::vector<uint32_t> w2_;
};

}  // namespace lockstep::systolic
