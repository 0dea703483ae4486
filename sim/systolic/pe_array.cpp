#include "systolic/pe_array.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <immintrin.h>
#include <stdexcept>

namespace lockstep::systolic {

namespace {

// The hot loops: built for AVX-512, AVX2 and the baseline, picked at load time.

// out[i * cols + j] += a[i * a_stride + j] * b[i * cols + j], row by row: `a` is h, whose rows
// are windows into rings (row i starts i * a_stride words on). Wrapping arithmetic, as the
// RTL's adders.
__attribute__((target_clones("avx512f", "avx2", "default"))) void multiply_accumulate(
    int32_t* __restrict out, const int32_t* __restrict a, size_t a_stride, const int32_t* __restrict b, size_t rows,
    size_t cols) {
    for (size_t i = 0; i < rows; ++i, out += cols, a += a_stride, b += cols) {
        for (size_t j = 0; j < cols; ++j) {
            out[j] = static_cast<int32_t>(static_cast<uint32_t>(out[j]) +
                                          static_cast<uint32_t>(a[j]) * static_cast<uint32_t>(b[j]));
        }
    }
}

// The mac flags, row by row: mac[i * cols + j] = a[i * a_stride + j] & b[i * cols + j].
__attribute__((target_clones("avx512f", "avx2", "default"))) void both_valid(uint8_t* __restrict mac,
                                                                      const uint8_t* __restrict a,
                                                                      size_t a_stride,
                                                                      const uint8_t* __restrict b,
                                                                      size_t rows, size_t cols) {
    for (size_t i = 0; i < rows; ++i, mac += cols, a += a_stride, b += cols) {
        for (size_t j = 0; j < cols; ++j) mac[j] = a[j] & b[j];
    }
}

// How many flags are set. They are 0 or 1, so they are summed in byte lanes, a vector
// register's worth side by side, for up to 255 rows of lanes before the lanes are added up: a
// widening sum per flag cost as much as the multiply-accumulate sweep. (Counting them as they
// are made, without storing them, was slower on 32 columns: a row is half a vector.)
__attribute__((target_clones("avx512f", "avx2", "default"))) uint32_t count_flags(const uint8_t* flags, size_t n) {
    constexpr size_t kLanes = 64;
    uint32_t count = 0;
    size_t p = 0;
    while (n - p >= kLanes) {
        std::array<uint8_t, kLanes> lanes{};   // (checked indexing under _GLIBCXX_ASSERTIONS)
        const size_t rows = std::min<size_t>((n - p) / kLanes, 255);
        for (size_t r = 0; r < rows; ++r, p += kLanes) {
            for (size_t k = 0; k < kLanes; ++k) lanes[k] = static_cast<uint8_t>(lanes[k] + flags[p + k]);
        }
        for (size_t k = 0; k < kLanes; ++k) count += lanes[k];
    }
    for (; p < n; ++p) count += flags[p];
    return count;
}

// A burst's partial sums over one strip of `lanes` columns (at most kStrip). Ring row b of `v`
// (b from 1 - cycles to rows - 1; row 0 is the ring row just before the window's first at the
// burst's start) is array row i = b + k at the burst's cycle k, where it adds h * w of that row
// and cycle: its rows are [max(b, 0), min(b + cycles, rows)). A ring row b <= 0 enters as row 0
// at cycle -b, from zero; the others carry the sums they hold. `h` is row 0 of the h rings at the
// burst's cycle 0, and row i's window at cycle k is i * h_span - k words on: so ring row b finds
// its h at row i at h + i * (h_span - 1) + b. `w` is the strip's stationary operands, kStrip words
// a row (PeArray::w_strips_). `v`, `h` and `w` point at the strip's first column. Wrapping
// arithmetic, as the RTL's adders.
constexpr size_t kStrip = 16;
using StripLanes = uint32_t __attribute__((vector_size(kStrip * sizeof(uint32_t))));

// sum += h * w over rows [from, to) of one ring row: h at `hp` for row `from`, `step` words a row on.
__attribute__((always_inline)) inline void sum_rows(StripLanes& sum, const int32_t* hp, ptrdiff_t step,
                                                    const int32_t* wp, ptrdiff_t from, ptrdiff_t to) {
    StripLanes hk, wk;
    for (ptrdiff_t i = from; i < to; ++i, hp += step, wp += kStrip) {
        std::memcpy(&hk, hp, sizeof hk);
        std::memcpy(&wk, wp, sizeof wk);
        sum += hk * wk;
    }
}

// One strip of a burst's sweep (sum_down_strip): where ring row b's sum and h are, and its rows.
struct StripSweep {
    int32_t* v;
    const int32_t* h;
    const int32_t* w;
    ptrdiff_t step, rows, cycles, cols;

    ptrdiff_t first_row(ptrdiff_t b) const { return std::max<ptrdiff_t>(b, 0); }
    ptrdiff_t end_row(ptrdiff_t b) const { return std::min(b + cycles, rows); }
    const int32_t* h_of(ptrdiff_t b, ptrdiff_t i) const { return h + i * step + b; }
    // Ring rows b .. b+3, which share rows [lo, hi): their sums (0 for those that enter in the
    // burst) with the rows each takes alone, before the four share one or after, added.
    __attribute__((always_inline)) void open_group(StripLanes (&sum)[4], ptrdiff_t b, ptrdiff_t& lo, ptrdiff_t& hi) const {
        lo = first_row(b + 3);
        hi = std::max(lo, end_row(b));
        for (ptrdiff_t q = 0; q < 4; ++q) {
            if (b + q > 0) {
                std::memcpy(&sum[q], v + (b + q) * cols, sizeof sum[q]);
            } else {
                sum[q] = StripLanes{};
            }
            const ptrdiff_t from = first_row(b + q);
            sum_rows(sum[q], h_of(b + q, from), step, w + from * kStrip, from, std::min(lo, end_row(b + q)));
            sum_rows(sum[q], h_of(b + q, hi), step, w + hi * kStrip, hi, end_row(b + q));
        }
    }
    __attribute__((always_inline)) void close_group(const StripLanes (&sum)[4], ptrdiff_t b) const {
        for (ptrdiff_t q = 0; q < 4; ++q) std::memcpy(v + (b + q) * cols, &sum[q], sizeof sum[q]);
    }
    // Ring rows b .. rows-1, one at a time (fewer than four left).
    __attribute__((always_inline)) void sum_rest(ptrdiff_t b) const {
        for (; b < rows; ++b) {
            StripLanes sum{};
            if (b > 0) std::memcpy(&sum, v + b * cols, sizeof sum);
            const ptrdiff_t from = first_row(b);
            sum_rows(sum, h_of(b, from), step, w + from * kStrip, from, end_row(b));
            std::memcpy(v + b * cols, &sum, sizeof sum);
        }
    }
};

__attribute__((target_clones("avx512f", "avx2", "default"))) void sum_down_strip(
    int32_t* __restrict v, const int32_t* __restrict h, size_t h_span, const int32_t* __restrict w, size_t rows,
    size_t cols, size_t cycles, size_t lanes) {
    const auto R = static_cast<ptrdiff_t>(rows), T = static_cast<ptrdiff_t>(cycles), c = static_cast<ptrdiff_t>(cols);
    const ptrdiff_t step = static_cast<ptrdiff_t>(h_span) - 1;
    const StripSweep g{v, h, w, step, R, T, c};
    ptrdiff_t b = 1 - T;
    if (lanes == kStrip) {
        // Four ring rows at a time: on each array row they read the same row of w, and h at four
        // neighbouring words, so the loads and the loop's own work are shared four ways and the
        // multiplies run back to back. Each ring row's rows before the four share one, or
        // after, go one ring row at a time.
        for (; b + 3 < R; b += 4) {
            StripLanes sum[4];
            ptrdiff_t lo, hi;
            g.open_group(sum, b, lo, hi);
            StripLanes s0 = sum[0], s1 = sum[1], s2 = sum[2], s3 = sum[3], h0, h1, h2, h3, wk;
            const int32_t* hp = g.h_of(b, lo);
            const int32_t* wp = w + lo * kStrip;
            for (ptrdiff_t i = lo; i < hi; ++i, hp += step, wp += kStrip) {
                std::memcpy(&wk, wp, sizeof wk);
                std::memcpy(&h0, hp, sizeof h0);
                std::memcpy(&h1, hp + 1, sizeof h1);
                std::memcpy(&h2, hp + 2, sizeof h2);
                std::memcpy(&h3, hp + 3, sizeof h3);
                s0 += h0 * wk;
                s1 += h1 * wk;
                s2 += h2 * wk;
                s3 += h3 * wk;
            }
            g.close_group({s0, s1, s2, s3}, b);
        }
        g.sum_rest(b);
        return;
    }
    // The last strip of a grid whose columns are not a multiple of kStrip, one ring row at a time.
    for (; b < R; ++b) {
        std::array<uint32_t, kStrip> sum{};
        int32_t* out = v + b * c;
        for (size_t l = 0; l < lanes && b > 0; ++l) sum[l] = static_cast<uint32_t>(out[l]);
        const ptrdiff_t from = g.first_row(b);
        const int32_t* hp = g.h_of(b, from);
        const int32_t* wp = w + from * kStrip;
        for (ptrdiff_t i = from; i < g.end_row(b); ++i, hp += step, wp += kStrip) {
            for (size_t l = 0; l < lanes; ++l) sum[l] += static_cast<uint32_t>(hp[l]) * static_cast<uint32_t>(wp[l]);
        }
        for (size_t l = 0; l < lanes; ++l) out[l] = static_cast<int32_t>(sum[l]);
    }
}

// Two rows of 32-bit words as 16-bit pairs, `even` in the low half and `odd` (0 without one) in
// the high: word i goes to out[(i / kStrip) * stride + i % kStrip] (stride kStrip: one run).
// Returns the OR of every value + 32768: a bit above the low 16 marks a value outside int16.
__attribute__((target_clones("avx512f", "avx2", "default"))) uint32_t pair_rows(
    uint32_t* __restrict out, size_t stride, const int32_t* __restrict even, const int32_t* __restrict odd, size_t n) {
    uint32_t wide = 0;
    for (size_t i0 = 0; i0 < n; i0 += kStrip, out += stride) {
        const size_t lanes = std::min(kStrip, n - i0);
        for (size_t l = 0; l < lanes; ++l) {
            const auto e = static_cast<uint32_t>(even[i0 + l]), o = odd ? static_cast<uint32_t>(odd[i0 + l]) : 0u;
            wide |= (e + 0x8000u) | (o + 0x8000u);
            out[l] = (e & 0xFFFFu) | o << 16;
        }
    }
    return wide;
}

// sum_down_strip for a whole strip of 16 columns where h and w fit 16 bits, on AVX-512BW: two
// array rows a step, each product pair from one multiply-add of 16-bit pairs (vpmaddwd: 32
// products an instruction against 16 for a 32-bit multiply; exact in wrapping arithmetic, as in
// the result check: a pair's sum overflows only when all four are -32768, and is then the
// wrapped 2^31). Rows 2p and 2p + 1 come as pairs: `w2` holds the strip's w of both, a pair a
// column, 32 int16 a row pair; `h2` row pair p holds (h of row 2p at x, h of row 2p + 1 at
// x - 1) for ring positions x from the burst's first window on, `h2_len` of them, so ring row b
// finds its pair at column j of the strip at T - 1 - 2p + b + j. A row without its pair (a
// ring row's range can start or end on an odd row) goes through the 32-bit operands.
__attribute__((target("avx512f,avx512bw"))) void sum_down_strip_pairs(
    int32_t* __restrict v, const int32_t* __restrict h, size_t h_span, const int32_t* __restrict w,
    const uint32_t* __restrict h2, size_t h2_len, const uint32_t* __restrict w2, size_t rows, size_t cols,
    size_t cycles) {
    const auto R = static_cast<ptrdiff_t>(rows), T = static_cast<ptrdiff_t>(cycles), c = static_cast<ptrdiff_t>(cols);
    const ptrdiff_t step = static_cast<ptrdiff_t>(h_span) - 1, len = static_cast<ptrdiff_t>(h2_len);
    const StripSweep g{v, h, w, step, R, T, c};
    ptrdiff_t b = 1 - T;
    for (; b + 3 < R; b += 4) {
        StripLanes sum[4];
        ptrdiff_t lo, hi;
        g.open_group(sum, b, lo, hi);
        if (lo % 2 != 0 && lo < hi) {   // an odd first row alone
            for (ptrdiff_t q = 0; q < 4; ++q) sum_rows(sum[q], g.h_of(b + q, lo), step, w + lo * kStrip, lo, lo + 1);
            ++lo;
        }
        __m512i s0 = reinterpret_cast<__m512i>(sum[0]), s1 = reinterpret_cast<__m512i>(sum[1]);
        __m512i s2 = reinterpret_cast<__m512i>(sum[2]), s3 = reinterpret_cast<__m512i>(sum[3]);
        const uint32_t* hp = h2 + (lo / 2) * len + (T - 1 - lo + b);
        const uint32_t* wp = w2 + (lo / 2) * kStrip;
        for (; lo + 1 < hi; lo += 2, hp += len - 2, wp += kStrip) {
            const __m512i wk = _mm512_loadu_si512(wp);
            s0 = _mm512_add_epi32(s0, _mm512_madd_epi16(_mm512_loadu_si512(hp), wk));
            s1 = _mm512_add_epi32(s1, _mm512_madd_epi16(_mm512_loadu_si512(hp + 1), wk));
            s2 = _mm512_add_epi32(s2, _mm512_madd_epi16(_mm512_loadu_si512(hp + 2), wk));
            s3 = _mm512_add_epi32(s3, _mm512_madd_epi16(_mm512_loadu_si512(hp + 3), wk));
        }
        sum[0] = reinterpret_cast<StripLanes>(s0);
        sum[1] = reinterpret_cast<StripLanes>(s1);
        sum[2] = reinterpret_cast<StripLanes>(s2);
        sum[3] = reinterpret_cast<StripLanes>(s3);
        if (lo < hi) {   // an odd last row alone
            for (ptrdiff_t q = 0; q < 4; ++q) sum_rows(sum[q], g.h_of(b + q, lo), step, w + lo * kStrip, lo, lo + 1);
        }
        g.close_group(sum, b);
    }
    g.sum_rest(b);
}

// os: a burst's products into the accumulators of one row of the grid, a strip of kStrip
// columns at a time (and a last, partial one): acc[j] += h[j - k] * v[j - k * v_step] over the
// burst's cycles k. `h` is the row's window of h at cycle 0 (each cycle's is a word before the
// last), `v` the ring row that is its row of v at cycle 0 (each cycle's is a ring row before).
__attribute__((target_clones("avx512f", "avx2", "default"))) void accumulate_row(
    int32_t* __restrict acc, const int32_t* __restrict h, const int32_t* __restrict v, size_t v_step, size_t cols,
    size_t cycles) {
    size_t j = 0;
    for (; j + kStrip <= cols; j += kStrip) {
        StripLanes sum, hk, vk;
        std::memcpy(&sum, acc + j, sizeof sum);
        const int32_t* hp = h + j;
        const int32_t* vp = v + j;
        for (size_t k = 0; k < cycles; ++k, --hp, vp -= v_step) {
            std::memcpy(&hk, hp, sizeof hk);
            std::memcpy(&vk, vp, sizeof vk);
            sum += hk * vk;
        }
        std::memcpy(acc + j, &sum, sizeof sum);
    }
    for (; j < cols; ++j) {
        auto sum = static_cast<uint32_t>(acc[j]);
        for (size_t k = 0; k < cycles; ++k) sum += static_cast<uint32_t>(h[j - k]) * static_cast<uint32_t>(v[j - k * v_step]);
        acc[j] = static_cast<int32_t>(sum);
    }
}

// A row of feeds into registers: data into `values`, valid bits into `valid`, every `stride`
// elements. (Through plain pointers: a store through the uint8_t valid bits may alias
// anything, so indexing the vectors made the compiler load their data pointers again for
// every element.)
void take_feeds(const std::vector<EdgePort>& feeds, int32_t* values, uint8_t* valid, size_t stride) {
    const EdgePort* feed = feeds.data();
    const size_t n = feeds.size();
    for (size_t k = 0; k < n; ++k) {
        values[k * stride] = feed[k].data;
        valid[k * stride] = feed[k].valid;
    }
}

// Cycles a ring's window moves before it is copied back: at least the window's length, so the
// copy never overlaps, and enough that the copies cost little on small arrays. Twice the length:
// a burst takes up to half of it (burst_limit()), so the rings move back at most every other
// burst.
size_t slack(unsigned length) { return std::max<size_t>(2 * length, 128); }

// Words from one row of the h rings to the next: whole cache lines of 16 words, an odd number
// of them, so that a column of the rings spreads over every set of the cache. (With 256 words
// a row at 128x128, a burst's sweep down the rows of a column met only four sets of L1.)
size_t ring_span(size_t words) {
    const size_t lines = (words + 15) / 16;
    return 16 * (lines % 2 ? lines : lines + 1);
}

}  // namespace

PeArray::PeArray(const sc_core::sc_module_name& name, const ArrayShape& shape)
    : sc_core::sc_module(name),
      rows_(shape.rows),
      cols_(shape.cols),
      acc_bits_(shape.acc_bits),
      h_slack_(slack(shape.cols)),
      h_span_(ring_span(h_slack_ + shape.cols)),
      v_slack_(slack(shape.rows)) {
    clear();
}

void PeArray::clear() {
    const size_t pes = static_cast<size_t>(rows_) * cols_;
    for (auto* grid : {&acc, &w}) grid->assign(pes, 0);
    wv.assign(pes, 0);
    h_ring_.assign(rows_ * h_span_, 0);
    hv_ring_.assign(rows_ * h_span_, 0);
    v_ring_.assign((v_slack_ + rows_) * cols_, 0);
    vv_ring_.assign((v_slack_ + rows_) * cols_, 0);
    h_at_ = h_slack_;
    v_at_ = v_slack_;
    flags_ = Flags::None;
    stepped_ = false;
    flowing_zero_ = true;
}

template <typename T>
void PeArray::copy_rows(const std::vector<T>& ring, size_t first, size_t stride, std::vector<T>& out) const {
    out.resize(static_cast<size_t>(rows_) * cols_);
    for (size_t i = 0; i < rows_; ++i) {
        std::copy_n(ring.begin() + static_cast<std::ptrdiff_t>(first + i * stride), cols_, out.begin() + i * cols_);
    }
}

void PeArray::copy_h(std::vector<int32_t>& out) const { copy_rows(h_ring_, h_at_, h_span_, out); }
void PeArray::copy_hv(std::vector<uint8_t>& out) const { copy_rows(hv_ring_, h_at_, h_span_, out); }
void PeArray::copy_v(std::vector<int32_t>& out) const { copy_rows(v_ring_, v_at_ * cols_, cols_, out); }
void PeArray::copy_vv(std::vector<uint8_t>& out) const { copy_rows(vv_ring_, v_at_ * cols_, cols_, out); }

// The grids as values: copies through the same copy_*() (for tests and one-off readers).
template <typename T>
std::vector<T> PeArray::grid(void (PeArray::*copy)(std::vector<T>&) const) const {
    std::vector<T> out;
    (this->*copy)(out);
    return out;
}

std::vector<int32_t> PeArray::h() const { return grid(&PeArray::copy_h); }
std::vector<int32_t> PeArray::v() const { return grid(&PeArray::copy_v); }
std::vector<uint8_t> PeArray::hv() const { return grid(&PeArray::copy_hv); }
std::vector<uint8_t> PeArray::vv() const { return grid(&PeArray::copy_vv); }

void PeArray::wrap(int32_t* values, size_t n) const {
    if (acc_bits_ >= 32) return;
    for (size_t p = 0; p < n; ++p) values[p] = sign_extend(static_cast<uint32_t>(values[p]), acc_bits_);
}

// Each row's window moves one word back and takes the left feed as its column 0; the word
// past its end (the last column's old value) leaves the grid.
void PeArray::flow_h(const Feeder& feed) {
    if (h_at_ == 0) {   // every window to the back of its ring (the last column is not needed)
        for (size_t i = 0; i < rows_; ++i) {
            std::memcpy(&h_ring_[i * h_span_ + h_slack_], &h_ring_[i * h_span_], (cols_ - 1) * sizeof(int32_t));
            std::memcpy(&hv_ring_[i * h_span_ + h_slack_], &hv_ring_[i * h_span_], cols_ - 1);
        }
        h_at_ = h_slack_;
    }
    --h_at_;
    take_feeds(feed.left, &h_ring_[h_at_], &hv_ring_[h_at_], h_span_);
}

// The window of rows moves one row back: row i takes the place of the old row i - 1, which is
// where its value comes from (v moves down), and the new row 0 is for the caller to fill.
void PeArray::flow_v() {
    const size_t c = cols_;
    if (v_at_ == 0) {   // the window to the back of the ring (the last row is not needed)
        std::memcpy(&v_ring_[v_slack_ * c], &v_ring_[0], (rows_ - 1) * c * sizeof(int32_t));
        std::memcpy(&vv_ring_[v_slack_ * c], &vv_ring_[0], (rows_ - 1) * c);
        v_at_ = v_slack_;
    }
    --v_at_;
}

void PeArray::step_os(const Feeder& feed) {
    flow_h(feed);
    flow_v();
    int32_t* v0 = &v_ring_[v_at_ * cols_];
    take_feeds(feed.top, v0, &vv_ring_[v_at_ * cols_], 1);
    // Invalid operands are 0, so multiplying everything adds exactly the real products.
    multiply_accumulate(acc.data(), &h_ring_[h_at_], h_span_, v0, rows_, cols_);
    wrap(acc.data(), acc.size());
    flowing_zero_ = false;
    flags_ = Flags::HV;
    stepped_ = true;
}

void PeArray::step_preload(const Feeder& feed) {
    shift_stationary(1);
    for (size_t j = 0; j < cols_; ++j) {   // the top feeds into row 0
        w[j] = feed.top[j].data;
        wv[j] = feed.top[j].valid;
    }
    end_preload();
}

void PeArray::shift_stationary(unsigned by) {
    if (by >= rows_) return;
    const size_t keep = (rows_ - by) * static_cast<size_t>(cols_), from = static_cast<size_t>(by) * cols_;
    std::memmove(w.data() + from, w.data(), keep * sizeof(int32_t));
    std::memmove(wv.data() + from, wv.data(), keep);
}

void PeArray::end_preload() {
    if (!flowing_zero_) {   // h, v and their valid bits to zero (the windows), unless they are
        for (size_t i = 0; i < rows_; ++i) {
            std::fill_n(&h_ring_[i * h_span_ + h_at_], cols_, 0);
            std::fill_n(&hv_ring_[i * h_span_ + h_at_], cols_, 0);
        }
        std::fill_n(&v_ring_[v_at_ * cols_], static_cast<size_t>(rows_) * cols_, 0);
        std::fill_n(&vv_ring_[v_at_ * cols_], static_cast<size_t>(rows_) * cols_, 0);
        flowing_zero_ = true;
    }
    flags_ = Flags::None;
    stepped_ = false;
}

void PeArray::step_stationary(const Feeder& feed) {
    flow_h(feed);
    flow_v();   // each partial sum moves down one row ...
    int32_t* v0 = &v_ring_[v_at_ * cols_];
    uint8_t* vv0 = &vv_ring_[v_at_ * cols_];
    std::fill(v0, v0 + cols_, 0);   // ... and row 0 starts from zero, valid where its input is
    std::copy_n(&hv_ring_[h_at_], cols_, vv0);
    multiply_accumulate(v0, &h_ring_[h_at_], h_span_, w.data(), rows_, cols_);
    wrap(v0, static_cast<size_t>(rows_) * cols_);
    flowing_zero_ = false;
    flags_ = Flags::HW;
    stepped_ = true;
}

// Both rings' windows to the backs of their rings unless `cycles` more steps fit in front of
// them (each step moves them one word or row on). As in flow_h() and flow_v(), the last column
// and the last row are not needed: the first step moves them out.
void PeArray::make_room(unsigned cycles) {
    if (h_at_ < cycles) {
        for (size_t i = 0; i < rows_; ++i) {
            std::memmove(&h_ring_[i * h_span_ + h_slack_], &h_ring_[i * h_span_ + h_at_], (cols_ - 1) * sizeof(int32_t));
            std::memmove(&hv_ring_[i * h_span_ + h_slack_], &hv_ring_[i * h_span_ + h_at_], cols_ - 1);
        }
        h_at_ = h_slack_;
    }
    if (v_at_ < cycles) {
        const size_t c = cols_;
        std::memmove(&v_ring_[v_slack_ * c], &v_ring_[v_at_ * c], (rows_ - 1) * c * sizeof(int32_t));
        std::memmove(&vv_ring_[v_slack_ * c], &vv_ring_[v_at_ * c], (rows_ - 1) * c);
        v_at_ = v_slack_;
    }
}

void PeArray::sweep_stationary(unsigned cycles) {
    const size_t c = cols_;
    // Cycle k's new row 0 of v is the ring row just before the window's first then: valid where
    // row 0 of h is, and summed from zero.
    for (size_t k = 0; k < cycles; ++k) std::memcpy(&vv_ring_[(v_at_ - 1 - k) * c], &hv_ring_[h_at_ - 1 - k], c);
    // w in strips of kStrip columns, each strip's rows one after the other: the sweep reads a
    // strip's rows in turn (rows of the grid are 512 bytes apart at 128 columns, and met few
    // cache sets).
    const size_t strips = (c + kStrip - 1) / kStrip;
    w_strips_.resize(strips * rows_ * kStrip);
    for (size_t s = 0; s < strips; ++s) {
        const size_t lanes = std::min(kStrip, c - s * kStrip);
        for (size_t i = 0; i < rows_; ++i) std::copy_n(&w[i * c + s * kStrip], lanes, &w_strips_[(s * rows_ + i) * kStrip]);
    }
    int32_t* v = &v_ring_[(v_at_ - 1) * c];
    const int32_t* h = &h_ring_[h_at_ - 1];
    const size_t h2_len = cycles + c;
    const bool pairs = pack_pairs(cycles, h2_len);
    for (size_t s = 0; s < strips; ++s) {
        const size_t j = s * kStrip;
        const int32_t* ws = &w_strips_[s * rows_ * kStrip];
        if (pairs && c - j >= kStrip) {
            sum_down_strip_pairs(v + j, h + j, h_span_, ws, h2_.data() + j, h2_len, &w2_[s * ((rows_ + 1) / 2) * kStrip],
                                 rows_, c, cycles);
        } else {
            sum_down_strip(v + j, h + j, h_span_, ws, rows_, c, cycles, std::min(kStrip, c - j));
        }
    }
    // Every ring row written: the sums that left at the bottom and those still inside.
    wrap(&v_ring_[(v_at_ - cycles) * c], (rows_ - 1 + cycles) * c);
    h_at_ -= cycles;
    v_at_ -= cycles;
    flowing_zero_ = false;
    flags_ = Flags::HW;
    stepped_ = true;
}

// The 16-bit pairs of sum_down_strip_pairs, if this machine has AVX-512BW and every operand the
// burst reads fits 16 bits (in_bits is at most 16, so in a fast run they always do, but a
// fault written into h or w may not): h2 row pair p at ring positions x = x0 + n (x0 the first
// window's, n < h2_len), w2 per strip of columns. Rows past the last (an odd row count) are 0.
bool PeArray::pack_pairs(unsigned cycles, size_t h2_len) {
    static const bool avx512bw = __builtin_cpu_supports("avx512bw");
    if (!avx512bw || !pair_sweep) return false;
    const size_t c = cols_, pairs = (rows_ + 1) / 2, strips = c / kStrip;   // (whole strips: the last one, if
    uint32_t wide = 0;                                                      // partial, takes the 32-bit sweep)
    h2_.resize(pairs * h2_len);
    w2_.resize(strips * pairs * kStrip);
    const size_t x0 = h_at_ - cycles;
    for (size_t p = 0; p < pairs; ++p) {
        const bool odd = 2 * p + 1 < rows_;
        wide |= pair_rows(&h2_[p * h2_len], kStrip, &h_ring_[2 * p * h_span_ + x0],
                          odd ? &h_ring_[(2 * p + 1) * h_span_ + x0 - 1] : nullptr, h2_len);
        wide |= pair_rows(&w2_[p * kStrip], pairs * kStrip, &w[2 * p * c], odd ? &w[(2 * p + 1) * c] : nullptr,
                          strips * kStrip);
    }
    return wide >> 16 == 0;
}

void PeArray::sweep_os(unsigned cycles) {
    const size_t c = cols_;
    // Row i at cycle k: h's window at h_at_ - 1 - k, v's row at ring row v_at_ - 1 - k + i.
    for (size_t i = 0; i < rows_; ++i) {
        accumulate_row(&acc[i * c], &h_ring_[i * h_span_ + h_at_ - 1], &v_ring_[(v_at_ - 1 + i) * c], c, c, cycles);
    }
    wrap(acc.data(), acc.size());
    h_at_ -= cycles;
    v_at_ -= cycles;
    flowing_zero_ = false;
    flags_ = Flags::HV;
    stepped_ = true;
}

const uint8_t* PeArray::flag_operand() const {
    switch (flags_) {
    case Flags::HV: return &vv_ring_[v_at_ * cols_];
    case Flags::HW: return wv.data();
    case Flags::None: break;
    }
    return nullptr;
}

void PeArray::copy_mac(std::vector<uint8_t>& out) const {
    out.resize(static_cast<size_t>(rows_) * cols_);
    if (const uint8_t* other = flag_operand()) {
        both_valid(out.data(), &hv_ring_[h_at_], h_span_, other, rows_, cols_);
    } else {
        std::fill(out.begin(), out.end(), 0);
    }
}

std::vector<uint8_t> PeArray::mac() const { return grid(&PeArray::copy_mac); }

uint32_t PeArray::macs_now() const {
    if (!stepped_ || flags_ == Flags::None) return 0;
    copy_mac(flags_scratch_);
    return count_flags(flags_scratch_.data(), flags_scratch_.size());
}

void PeArray::overwrite(unsigned row, unsigned col, const std::string& reg, int32_t value) {
    if (row >= rows_ || col >= cols_) {
        throw std::out_of_range("PeArray::overwrite: no PE (" + std::to_string(row) + ", " + std::to_string(col) + ")");
    }
    if (reg == "h") {
        h_ring_[row * h_span_ + h_at_ + col] = value;
        flowing_zero_ = false;
    } else if (reg == "v") {
        v_ring_[(v_at_ + row) * cols_ + col] = value;
        flowing_zero_ = false;
    } else {
        (reg == "w" ? w : acc)[static_cast<size_t>(row) * cols_ + col] = value;
    }
}

void PeArray::take_accumulators(std::vector<int32_t>& shadow) {
    shadow = acc;
    std::fill(acc.begin(), acc.end(), 0);
}

}  // namespace lockstep::systolic
