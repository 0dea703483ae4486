// The memory that feeds RTL and model alike: words plus valid/ready channels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep {

// What a device drives on one memory channel during a cycle. A memory of segments (more than
// one word a request) packs word k of a segment into bits [k * data_bits, (k + 1) * data_bits)
// of the data, and writes only the words whose bit is set in `write_mask`; a memory of single
// words writes whatever the mask says.
// (Widest fields first and the two flags together: 24 bytes, copied on every edge.)
struct MemRequest {
    uint64_t write_data = 0;
    uint32_t read_address = 0;
    uint32_t write_address = 0;
    uint32_t write_mask = 0;
    bool read_valid = false;
    bool write_valid = false;
    // It asks for the memory's answer: a read, or a write where writes are taken (`writable`;
    // a program memory ignores write_valid). Without branches: which channel asks is anyone's
    // guess.
    bool asks(bool writable) const { return read_valid | (writable & write_valid); }
    // Inline: the comparator checks every channel's request every edge.
    bool operator==(const MemRequest& other) const {
        return read_valid == other.read_valid && write_valid == other.write_valid &&
               (!read_valid || read_address == other.read_address) &&
               (!write_valid || (write_address == other.write_address && write_data == other.write_data &&
                                 write_mask == other.write_mask));
    }
};

// What the memory drives back on that channel during the same cycle.
struct MemResponse {
    uint64_t read_data = 0;
    bool read_ready = false;
    bool write_ready = false;
};

// A write's data as text: the value, or for a segment its words from the first, "-" for a
// word the mask leaves alone ("[3 - 5 -]").
std::string write_text(const MemRequest& request, unsigned words, unsigned data_bits);

// Memory with `latency`: a request is answered (ready, and read data) in the cycle it has
// been held for `latency` cycles before; latency 0 answers in the very cycle the request
// appears, as tiny-gpu's test memory does. A write lands at the edge that ends the cycle
// in which it is answered. With a `bandwidth` of B > 0 at most B requests are answered in a
// cycle: the channels whose requests are due are taken in turn, starting after the last
// channel answered (round robin), and the others wait on (0: every due request is answered).
// With `segment_words` S > 1 a request moves S words at once: a read returns the words at
// address .. address + S - 1, a write lands the words its mask names (MemRequest).
class Memory {
public:
    Memory(std::string name, unsigned words, unsigned data_bits, unsigned channels,
           unsigned latency, bool writable, unsigned bandwidth = 0, unsigned segment_words = 1);

    void load(const std::vector<uint32_t>& words);       // from address 0, rest zero
    const std::vector<uint32_t>& words() const { return words_; }
    uint32_t read(uint32_t address) const { return words_.at(address); }
    const std::string& name() const { return name_; }
    unsigned channels() const { return static_cast<unsigned>(responses_.size()); }

    // The responses to the requests driven during the current cycle. Throws lockstep::Error
    // when an answered request names an address outside the memory.
    // (Inline, as clock(): in most cycles nothing is due and they return at once.)
    const std::vector<MemResponse>& respond(const std::vector<MemRequest>& requests, uint64_t cycle) {
        const bool nothing_due = quiet_ && !asked(requests);   // all clear already, as last returned
        same_answers_ = nothing_due && answered_since_reset_;
        answered_since_reset_ = true;
        responded_ = true;
        nothing_was_due_ = nothing_due;
        return nothing_due ? responses_ : answer(requests, cycle);
    }
    // The last respond() returned what the one before it returned (no answer, in a quiet
    // cycle after one without answers), so a copy of that is still current. False after a
    // reset() and before the first respond().
    bool same_answers() const { return same_answers_; }
    // The clock edge that ends the cycle: answered writes land, waiting requests age. After
    // respond() of the same requests it reuses what that found (a cycle in which nothing was
    // due changes nothing); called alone it looks for itself.
    void clock(const std::vector<MemRequest>& requests) {
        const bool nothing_due = responded_ ? nothing_was_due_ : quiet_ && !asked(requests);
        responded_ = false;
        if (!nothing_due) land(requests);   // else no write lands, and every count stays 0
    }

    void reset();                                          // drop pending responses

private:
    void check_address(uint32_t address, unsigned channel, const char* what, uint64_t cycle) const;
    // Some channel's request is due (without branches: which channel asks is anyone's guess).
    bool asked(const std::vector<MemRequest>& requests) const {
        const bool writes = writable_;
        unsigned any = 0;
        for (const MemRequest& req : requests) any |= static_cast<unsigned>(req.asks(writes));
        return any != 0;
    }
    const std::vector<MemResponse>& answer(const std::vector<MemRequest>& requests, uint64_t cycle);   // respond()'s work
    void land(const std::vector<MemRequest>& requests);   // clock()'s work

    std::string name_;
    unsigned data_bits_;
    unsigned data_mask_;
    unsigned segment_words_;
    unsigned latency_;
    bool writable_;
    unsigned bandwidth_;
    unsigned next_ = 0;              // with a bandwidth: the channel considered first
    std::vector<uint32_t> words_;
    std::vector<MemResponse> responses_;
    std::vector<unsigned> waited_;   // cycles each channel's current request has waited
    // No request waits and no answer stands (responses_ all clear): a cycle in which nothing
    // asks changes nothing, and respond() and clock() return at once (most cycles, for a
    // data memory).
    bool quiet_ = true;
    bool same_answers_ = false;
    bool answered_since_reset_ = false;   // respond() was called since construction or reset()
    bool responded_ = false;              // respond() was called since the last clock()
    bool nothing_was_due_ = false;        // and found the memory quiet with nothing due
};

}  // namespace lockstep
