#include "systolic/pe_array.h"

#include <algorithm>
#include <array>
#include <cstring>
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
// copy never overlaps, and enough that the copies cost little on small arrays.
size_t slack(unsigned length) { return std::max<size_t>(length, 64); }

}  // namespace

PeArray::PeArray(const sc_core::sc_module_name& name, const ArrayShape& shape)
    : sc_core::sc_module(name),
      rows_(shape.rows),
      cols_(shape.cols),
      acc_bits_(shape.acc_bits),
      h_slack_(slack(shape.cols)),
      h_span_(h_slack_ + shape.cols),
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
    std::memmove(w.data() + cols_, w.data(), (w.size() - cols_) * sizeof(int32_t));
    std::memmove(wv.data() + cols_, wv.data(), wv.size() - cols_);
    for (size_t j = 0; j < cols_; ++j) {
        w[j] = feed.top[j].data;
        wv[j] = feed.top[j].valid;
    }
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
