#include "common/memory.h"

#include "common/error.h"
#include "common/plural.h"

#include <fmt/format.h>

#include <algorithm>

namespace lockstep {

std::string write_text(const MemRequest& r, unsigned words, unsigned data_bits) {
    if (words <= 1) return std::to_string(r.write_data);
    std::string text = "[";
    const uint64_t word_mask = data_bits >= 64 ? ~0ull : (1ull << data_bits) - 1;
    for (unsigned k = 0; k < words; ++k) {
        if (k) text += ' ';
        text += (r.write_mask >> k) & 1 ? std::to_string((r.write_data >> (k * data_bits)) & word_mask) : "-";
    }
    return text + "]";
}

Memory::Memory(std::string name, unsigned words, unsigned data_bits, unsigned channels,
               unsigned latency, bool writable, unsigned bandwidth, unsigned segment_words)
    : name_(std::move(name)),
      data_bits_(data_bits),
      data_mask_(data_bits >= 32 ? 0xFFFFFFFFu : (1u << data_bits) - 1u),
      segment_words_(segment_words),
      latency_(latency),
      writable_(writable),
      bandwidth_(bandwidth),
      words_(words, 0),
      responses_(channels),
      waited_(channels, 0) {}

void Memory::load(const std::vector<uint32_t>& words) {
    if (words.size() > words_.size()) {
        throw Error(fmt::format("{} memory holds {}, got {}", name_, plural(words_.size(), "word"), words.size()));
    }
    std::fill(words_.begin(), words_.end(), 0);
    for (size_t i = 0; i < words.size(); ++i) words_[i] = words[i] & data_mask_;
}

void Memory::reset() {
    std::fill(responses_.begin(), responses_.end(), MemResponse{});
    std::fill(waited_.begin(), waited_.end(), 0);
    next_ = 0;
    quiet_ = true;
    same_answers_ = answered_since_reset_ = responded_ = false;
}

void Memory::check_address(uint32_t address, unsigned channel, const char* what, uint64_t cycle) const {
    if (address >= words_.size() || words_.size() - address < segment_words_) {
        throw Error(fmt::format("cycle {}: {} memory {} at address {} out of range 0..{} (channel {})",
                                cycle, name_, what, address, words_.size() - 1, channel));
    }
}

const std::vector<MemResponse>& Memory::answer(const std::vector<MemRequest>& requests, uint64_t cycle) {
    quiet_ = false;   // until clock() finds it so again
    const unsigned channels = static_cast<unsigned>(responses_.size());
    unsigned answered = 0;
    for (unsigned i = 0; i < channels; ++i) {
        const unsigned ch = bandwidth_ == 0 ? i : (next_ + i) % channels;
        const MemRequest& req = requests[ch];
        MemResponse& out = responses_[ch];
        out = MemResponse{};
        if (waited_[ch] < latency_) continue;
        // (req.asks(writable_), spelled with branches: here that takes fewer instructions.)
        const bool due = req.read_valid || (writable_ && req.write_valid);
        if (due && bandwidth_ != 0 && answered == bandwidth_) continue;   // waits for a later cycle
        answered += due;
        if (req.read_valid) {
            check_address(req.read_address, ch, "read", cycle);
            out.read_ready = true;
            out.read_data = 0;
            for (unsigned k = 0; k < segment_words_; ++k) {
                out.read_data |= static_cast<uint64_t>(words_[req.read_address + k]) << (k * data_bits_);
            }
        }
        if (writable_ && req.write_valid) {
            check_address(req.write_address, ch, "write", cycle);
            out.write_ready = true;
        }
    }
    return responses_;
}

void Memory::land(const std::vector<MemRequest>& requests) {
    const unsigned channels = static_cast<unsigned>(responses_.size());
    for (unsigned i = 0; i < channels; ++i) {
        const unsigned ch = bandwidth_ == 0 ? i : (next_ + i) % channels;
        const MemRequest& req = requests[ch];
        const MemResponse& answered = responses_[ch];
        if (answered.write_ready && segment_words_ == 1) {
            words_[req.write_address] = static_cast<uint32_t>(req.write_data) & data_mask_;
        } else if (answered.write_ready) {
            for (unsigned k = 0; k < segment_words_; ++k) {
                if ((req.write_mask >> k) & 1) {
                    words_[req.write_address + k] = static_cast<uint32_t>(req.write_data >> (k * data_bits_)) & data_mask_;
                }
            }
        }
        const bool pending = req.read_valid || (writable_ && req.write_valid);
        const bool done = answered.read_ready || answered.write_ready;
        waited_[ch] = pending && !done ? waited_[ch] + 1 : 0;   // a request held after its answer is new
    }
    // Round robin: the next cycle starts after the last channel answered in this one.
    for (unsigned i = channels; bandwidth_ != 0 && i-- > 0;) {
        const unsigned ch = (next_ + i) % channels;
        if (responses_[ch].read_ready || responses_[ch].write_ready) {
            next_ = (ch + 1) % channels;
            break;
        }
    }
    quiet_ = std::all_of(waited_.begin(), waited_.end(), [](unsigned w) { return w == 0; }) &&
             std::none_of(responses_.begin(), responses_.end(),
                          [](const MemResponse& r) { return r.read_ready || r.write_ready; });
}

}  // namespace lockstep
