// SCALE-Sim v2's three scratchpad buffers, emulated event for event so that stalls and DRAM
// figures come out as SCALE-Sim computes them (docs/scalesim.md, "What --compat scalesim
// reproduces"). Addresses are dense indices into one operand (-1: no access); each buffer is
// fed one demand row at a time, at the cycle that row is presented.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lockstep::scale::compat {

// One DRAM interface's trace summary: first and last cycle in its trace, words moved.
struct DramSummary {
    int64_t start = 0, stop = 0, words = 0;
};

// USER mode read buffer: a circular window over the operand's prefetch order; a miss slides the
// window and charges a prefetch of ceil(prefetch part / bandwidth) DRAM rows, back to back.
class UserReadBuffer {
public:
    // `order`: the operand's prefetch sequence (with its -1 padding); `universe`: index bound.
    UserReadBuffer(const std::vector<int64_t>& order, uint64_t universe, uint64_t words, uint64_t bandwidth);
    int64_t serve(const int64_t* lanes, size_t count, int64_t cycle);   // extra cycles beyond the hit latency
    DramSummary dram() const;

private:
    bool hit(int64_t index) const;
    std::vector<uint64_t> first_line_;   // CSR: lines holding index i are lines_[first_line_[i] .. first_line_[i+1])
    std::vector<uint64_t> lines_;
    uint64_t num_lines_ = 1, active_lines_ = 1, slide_lines_ = 0;
    uint64_t window_start_ = 0;
    int64_t bandwidth_ = 1, initial_rows_ = 0, rows_per_prefetch_ = 0;
    int64_t last_prefetch_cycle_ = -1;
    int64_t prefetches_ = 0;
};

// CALC mode read buffer: never stalls; groups first-seen addresses into sets of words/100 and
// charges DRAM reads when 50 sets fill, and for the rest at the end.
class EstimateReadBuffer {
public:
    EstimateReadBuffer(uint64_t universe, uint64_t words);
    void serve(const int64_t* lanes, size_t count, int64_t cycle);
    void finish();   // SCALE-Sim's complete_all_prefetches
    DramSummary dram() const;

private:
    void close_set(int64_t cycle);
    void prefetch(int64_t addresses);
    std::vector<int64_t> last_set_;   // the newest set each index was put in, -1 if none
    int64_t per_set_ = 1, current_set_ = 0, in_current_ = 0;
    int64_t read_start_ = 0, read_end_ = 49, prefetch_start_ = -1;
    int64_t window_start_ = -2, window_end_ = -1, bandwidth_ = 10;
    int64_t first_request_ = 0;
    bool seen_request_ = false, active_filled_ = false;
    DramSummary trace_;
    bool traced_ = false;
};

// The OFMAP write buffer: words are packed into lines of `bandwidth`; when more than the drain
// half is occupied a drain of up to ceil(drain half / bandwidth) lines starts, one line a cycle.
class WriteBuffer {
public:
    WriteBuffer(uint64_t words, uint64_t bandwidth);
    int64_t serve(const int64_t* lanes, size_t count, int64_t cycle);   // extra cycles (stall)
    void finish(int64_t cycle);   // drains what is left, starting at `cycle`
    DramSummary dram() const;

private:
    void drain(int64_t cycle);
    int64_t capacity_, drain_words_, bandwidth_;
    int64_t free_, line_fill_ = 0, drain_end_ = 0;
    std::vector<int64_t> pending_;   // fill of each closed line not yet drained, oldest first
    size_t next_pending_ = 0;
    DramSummary trace_;
    bool traced_ = false;
};

}  // namespace lockstep::scale::compat
