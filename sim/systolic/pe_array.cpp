#include "systolic/pe_array.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace lockstep::systolic {

namespace {

// The hot loops: built for AVX-512, AVX2 and the baseline, picked at load time.
__attribute__((target_clones("avx512f", "avx2", "default"))) void multiply_accumulate(int32_t* out, const int32_t* a,
                                                                           const int32_t* b, size_t n) {
    for (size_t p = 0; p < n; ++p) {   // wrapping arithmetic, as the RTL's adders
        out[p] = static_cast<int32_t>(static_cast<uint32_t>(out[p]) +
                                      static_cast<uint32_t>(a[p]) * static_cast<uint32_t>(b[p]));
    }
}

// The mac flags, and how many are set (a count in the same vectorised pass). The flags are
// 0 or 1, so they are summed in byte lanes, a vector register's worth side by side, for up
// to 255 rows of lanes before the lanes are added up: a widening sum per flag cost as much
// as the multiply-accumulate sweep.
__attribute__((target_clones("avx512f", "avx2", "default"))) uint32_t both_valid(uint8_t* __restrict out,
                                                                      const uint8_t* __restrict a,
                                                                      const uint8_t* __restrict b, size_t n) {
    constexpr size_t kLanes = 64;
    uint32_t count = 0;
    size_t p = 0;
    while (n - p >= kLanes) {
        std::array<uint8_t, kLanes> lanes{};   // (checked indexing under _GLIBCXX_ASSERTIONS)
        const size_t rows = std::min<size_t>((n - p) / kLanes, 255);
        for (size_t r = 0; r < rows; ++r, p += kLanes) {
            for (size_t k = 0; k < kLanes; ++k) {
                const uint8_t both = a[p + k] & b[p + k];
                out[p + k] = both;
                lanes[k] = static_cast<uint8_t>(lanes[k] + both);
            }
        }
        for (size_t k = 0; k < kLanes; ++k) count += lanes[k];
    }
    for (; p < n; ++p) {
        out[p] = a[p] & b[p];
        count += out[p];
    }
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

// Moves every element `step` places on (row-major: a step of cols moves every row down by one);
// the first `step` keep their old contents, for the caller to refill.
template <typename T>
void shift_by(std::vector<T>& grid, size_t step) {
    if (grid.size() > step) std::memmove(grid.data() + step, grid.data(), (grid.size() - step) * sizeof(T));
}

}  // namespace

PeArray::PeArray(const sc_core::sc_module_name& name, const ArrayShape& shape)
    : sc_core::sc_module(name), rows_(shape.rows), cols_(shape.cols), acc_bits_(shape.acc_bits) {
    clear();
}

void PeArray::clear() {
    const size_t pes = static_cast<size_t>(rows_) * cols_;
    for (auto* grid : {&h, &v, &acc, &w}) grid->assign(pes, 0);
    for (auto* grid : {&hv, &vv, &wv, &mac}) grid->assign(pes, 0);
}

void PeArray::wrap(std::vector<int32_t>& values) const {
    if (acc_bits_ >= 32) return;
    for (int32_t& x : values) x = sign_extend(static_cast<uint32_t>(x), acc_bits_);
}

// h and hv move one PE to the right; column 0 takes the left feed. The grid moves by one
// element as a whole (one memmove, not one a row): each row's last PE lands on the next
// row's column 0, which the feed then overwrites.
void PeArray::shift_h(const Feeder& feed) {
    shift_by(h, 1);
    shift_by(hv, 1);
    take_feeds(feed.left, h.data(), hv.data(), cols_);
}

void PeArray::step_os(const Feeder& feed) {
    shift_h(feed);
    shift_by(v, cols_);
    shift_by(vv, cols_);
    take_feeds(feed.top, v.data(), vv.data(), 1);
    // Invalid operands are 0, so multiplying everything adds exactly the real products.
    multiply_accumulate(acc.data(), h.data(), v.data(), acc.size());
    wrap(acc);
    macs_now = both_valid(mac.data(), hv.data(), vv.data(), mac.size());
}

void PeArray::step_preload(const Feeder& feed) {
    shift_by(w, cols_);
    shift_by(wv, cols_);
    take_feeds(feed.top, w.data(), wv.data(), 1);
    std::fill(h.begin(), h.end(), 0);
    std::fill(v.begin(), v.end(), 0);
    std::fill(hv.begin(), hv.end(), 0);
    std::fill(vv.begin(), vv.end(), 0);
    std::fill(mac.begin(), mac.end(), 0);
}

void PeArray::step_stationary(const Feeder& feed) {
    shift_h(feed);
    shift_by(v, cols_);   // each partial sum moves down one row ...
    shift_by(vv, cols_);
    std::fill(v.begin(), v.begin() + cols_, 0);   // ... and row 0 starts from zero
    std::copy(hv.begin(), hv.begin() + cols_, vv.begin());
    multiply_accumulate(v.data(), h.data(), w.data(), v.size());
    wrap(v);
    macs_now = both_valid(mac.data(), hv.data(), wv.data(), mac.size());
}

void PeArray::overwrite(unsigned row, unsigned col, const std::string& reg, int32_t value) {
    std::vector<int32_t>& grid = reg == "h" ? h : reg == "v" ? v : reg == "w" ? w : acc;
    grid.at(static_cast<size_t>(row) * cols_ + col) = value;
}

void PeArray::take_accumulators(std::vector<int32_t>& shadow) {
    shadow = acc;
    std::fill(acc.begin(), acc.end(), 0);
}

}  // namespace lockstep::systolic
