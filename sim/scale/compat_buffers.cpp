#include "scale/compat_buffers.h"

#include "common/error.h"

#include <algorithm>
#include <stdexcept>

namespace lockstep::scale::compat {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// SCALE-Sim's double buffers split at 50%: the active half rounds up.
int64_t active_part(int64_t words) { return ceil_div(words, 2); }

}  // namespace

// --- USER mode read buffer --------------------------------------------------------------

UserReadBuffer::UserReadBuffer(const std::vector<int64_t>& order, uint64_t universe, uint64_t words, uint64_t bandwidth)
    : bandwidth_(static_cast<int64_t>(bandwidth)) {
    const int64_t total = static_cast<int64_t>(words);
    const int64_t active = active_part(total), prefetch = total - active;
    // Bookkeeping lines hold words/100 (rounded up) valid entries of the prefetch order,
    // duplicates included; the last line may be empty.
    const int64_t per_line = ceil_div(total, 100);
    std::vector<int64_t> last_line(universe, -1);
    first_line_.assign(universe + 1, 0);
    uint64_t valid = 0;
    for (const int64_t index : order) {
        if (index < 0) continue;
        const int64_t line = static_cast<int64_t>(valid++ / per_line);
        if (last_line[index] != line) ++first_line_[index + 1], last_line[index] = line;
    }
    for (uint64_t i = 0; i < universe; ++i) first_line_[i + 1] += first_line_[i];
    lines_.resize(first_line_[universe]);
    std::vector<uint64_t> fill(first_line_.begin(), first_line_.end() - 1);
    std::fill(last_line.begin(), last_line.end(), -1);
    valid = 0;
    for (const int64_t index : order) {
        if (index < 0) continue;
        const int64_t line = static_cast<int64_t>(valid++ / per_line);
        if (last_line[index] != line) lines_[fill[index]++] = static_cast<uint64_t>(line), last_line[index] = line;
    }
    num_lines_ = valid / static_cast<uint64_t>(per_line) + 1;
    active_lines_ = std::min<uint64_t>(num_lines_, static_cast<uint64_t>(ceil_div(active, per_line)));
    slide_lines_ = std::min<uint64_t>(num_lines_ - active_lines_, static_cast<uint64_t>(ceil_div(prefetch, per_line)));
    // The first request fills the active part (at most the whole operand) before cycle 0.
    const int64_t fetch_rows = ceil_div(static_cast<int64_t>(order.size()), bandwidth_);
    initial_rows_ = std::min(ceil_div(active, bandwidth_), fetch_rows);
    rows_per_prefetch_ = ceil_div(prefetch, bandwidth_);
}

bool UserReadBuffer::hit(int64_t index) const {
    const auto begin = lines_.begin() + static_cast<std::ptrdiff_t>(first_line_[index]);
    const auto end = lines_.begin() + static_cast<std::ptrdiff_t>(first_line_[index + 1]);
    if (begin == end) throw std::logic_error("scalesim compat: an address missing from its prefetch order");
    if (active_lines_ == num_lines_) return true;
    const uint64_t stop = window_start_ + active_lines_;   // the window may wrap past the last line
    const auto at = std::lower_bound(begin, end, window_start_);
    if (at != end && *at < stop) return true;
    return stop > num_lines_ && *begin < stop - num_lines_;
}

int64_t UserReadBuffer::serve(const int64_t* lanes, size_t count, int64_t cycle) {
    int64_t offset = 1;   // the hit latency
    for (size_t i = 0; i < count; ++i) {
        if (lanes[i] < 0) continue;
        while (!hit(lanes[i])) {
            // Slide the window and fetch the next part; prefetches queue behind each other.
            window_start_ = (window_start_ + slide_lines_) % num_lines_;
            last_prefetch_cycle_ += rows_per_prefetch_ + 1;
            ++prefetches_;
            offset += std::max<int64_t>(0, last_prefetch_cycle_ - (cycle + offset));
        }
    }
    return offset - 1;
}

DramSummary UserReadBuffer::dram() const {
    return DramSummary{-initial_rows_, last_prefetch_cycle_, bandwidth_ * (initial_rows_ + prefetches_ * rows_per_prefetch_)};
}

// --- CALC mode read buffer --------------------------------------------------------------

namespace {
constexpr int64_t kSetsPerHalf = 50;         // 100 sets, half of them active
constexpr int64_t kInitialBandwidth = 10;    // SCALE-Sim's assumed words per cycle for the first fill
}  // namespace

EstimateReadBuffer::EstimateReadBuffer(uint64_t universe, uint64_t words)
    : last_set_(universe, -1), per_set_(static_cast<int64_t>(words) / 100) {
    if (per_set_ < 1) throw Error("scalesim compat: an SRAM below 100 words cannot be emulated");
}

void EstimateReadBuffer::serve(const int64_t* lanes, size_t count, int64_t cycle) {
    for (size_t i = 0; i < count; ++i) {
        const int64_t index = lanes[i];
        if (index < 0) continue;
        if (!seen_request_) first_request_ = cycle, seen_request_ = true;
        const int64_t set = last_set_[index];
        if (set >= read_start_ && set < std::min(current_set_, read_end_ + 1)) continue;   // in the active sets
        if (set == current_set_) continue;                                              // already collected
        last_set_[index] = current_set_;
        if (++in_current_ == per_set_) close_set(cycle);
    }
}

void EstimateReadBuffer::close_set(int64_t cycle) {
    in_current_ = 0;
    if (++current_set_ != read_end_ + 1) return;
    const int64_t half = kSetsPerHalf * per_set_;
    if (!active_filled_) {   // the active half, back-dated to end just before the first request
        bandwidth_ = kInitialBandwidth;
        window_end_ = first_request_ - 2;
        window_start_ = window_end_ - ceil_div(half, bandwidth_) + 1;
        prefetch(half);
        prefetch_start_ = read_end_ + 1;
        active_filled_ = true;
    } else {   // the next half, spread over the window since the previous one
        if (window_end_ < window_start_) throw Error("scalesim compat: SCALE-Sim divides by zero on this layer");
        bandwidth_ = ceil_div(half, window_end_ - window_start_ + 1);
        prefetch(half);
        prefetch_start_ += kSetsPerHalf;
    }
    read_start_ += kSetsPerHalf;
    read_end_ += kSetsPerHalf;
    window_start_ = window_end_ + 1;
    window_end_ = cycle;
}

void EstimateReadBuffer::prefetch(int64_t addresses) {
    const int64_t rows = window_end_ - window_start_ + 1;
    if (rows < 0 || (rows == 0 && addresses > 0) || addresses > rows * bandwidth_) {
        throw Error("scalesim compat: SCALE-Sim's bandwidth estimate fails on this layer (two 50-set prefetches "
                    "in one cycle); it cannot be reproduced");
    }
    trace_.words += addresses;
    if (rows == 0) return;
    if (!traced_) trace_.start = window_start_ + 1, traced_ = true;   // +1: the DRAM port's latency
    trace_.stop = window_end_ + 1;
}

void EstimateReadBuffer::finish() {
    const int64_t partial = in_current_;
    if (partial == 0) --current_set_;   // an empty last set does not count
    const int64_t closed_upto = partial > 0 ? current_set_ : current_set_ + 1;   // sets below are full
    if (!active_filled_) {
        window_end_ = -2;
        bandwidth_ = kInitialBandwidth;
        window_start_ = window_end_ - ceil_div((current_set_ + 1) * per_set_, bandwidth_) + 1;
        prefetch(closed_upto * per_set_ + partial);
        active_filled_ = true;
    } else {
        const int64_t rows = window_end_ - window_start_ + 1;
        if (rows <= 0) throw Error("scalesim compat: SCALE-Sim divides by zero on this layer; it cannot be reproduced");
        bandwidth_ = ceil_div((current_set_ - prefetch_start_ + 1) * per_set_, rows);
        prefetch((closed_upto - prefetch_start_) * per_set_ + partial);
    }
}

DramSummary EstimateReadBuffer::dram() const {
    if (!traced_) throw Error("scalesim compat: an operand without a single access (SCALE-Sim fails on it)");
    return trace_;
}

// --- OFMAP write buffer -----------------------------------------------------------------

WriteBuffer::WriteBuffer(uint64_t words, uint64_t bandwidth)
    : capacity_(static_cast<int64_t>(words)),
      drain_words_(static_cast<int64_t>(words) - active_part(static_cast<int64_t>(words))),
      bandwidth_(static_cast<int64_t>(bandwidth)),
      free_(static_cast<int64_t>(words)) {}

int64_t WriteBuffer::serve(const int64_t* lanes, size_t count, int64_t cycle) {
    int64_t now = cycle;
    for (size_t i = 0; i < count; ++i) {
        if (lanes[i] < 0) continue;
        --free_;
        if (++line_fill_ == bandwidth_) pending_.push_back(line_fill_), line_fill_ = 0;
        if (now < drain_end_) {
            if (free_ <= 0) now = drain_end_;   // full while draining: wait for the drain
        } else if (free_ < capacity_ - drain_words_) {
            if (line_fill_ > 0) pending_.push_back(line_fill_), line_fill_ = 0;   // close the partial line
            drain(now);
        }
    }
    return now - cycle;
}

void WriteBuffer::drain(int64_t cycle) {
    const size_t waiting = pending_.size() - next_pending_;
    const size_t lines = std::min<size_t>(waiting, static_cast<size_t>(ceil_div(drain_words_, bandwidth_)));
    if (lines == 0) throw std::logic_error("scalesim compat: a drain with nothing to drain");
    // SCALE-Sim counts every slot of the drained lines except the padding of the last one, and
    // frees that many words.
    const int64_t words = static_cast<int64_t>(lines) * bandwidth_ - (bandwidth_ - pending_[next_pending_ + lines - 1]);
    trace_.words += words;
    free_ += words;
    if (!traced_) trace_.start = cycle, traced_ = true;
    trace_.stop = cycle + static_cast<int64_t>(lines) - 1;
    drain_end_ = trace_.stop;
    next_pending_ += lines;
    if (next_pending_ > 4096) {   // forget drained lines now and then
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(next_pending_));
        next_pending_ = 0;
    }
}

void WriteBuffer::finish(int64_t cycle) {
    if (line_fill_ > 0) pending_.push_back(line_fill_), line_fill_ = 0;
    while (next_pending_ < pending_.size()) {
        drain(cycle);
        cycle = drain_end_ + 1;
    }
}

DramSummary WriteBuffer::dram() const {
    if (!traced_) throw Error("scalesim compat: a layer without a single output (SCALE-Sim fails on it)");
    return trace_;
}

}  // namespace lockstep::scale::compat
