// Coalescer: between the LSU port registers and the data controller, it merges a warp's lanes
// that load (or store) within one aligned segment into one request, led by the lowest such
// lane, and hands the segment's answer to every lane of the group (docs/architecture.md,
// "Coalescer"). Combinational: no state.
#pragma once

#include "common/memory.h"

#include <cstdint>
#include <vector>

namespace lockstep::gpu {

class Coalescer {
public:
    Coalescer(unsigned contexts, unsigned threads_per_block, unsigned data_bits, unsigned segment_words);

    // The data controller's per-consumer requests from the lanes' (lane i = x * T + t), and
    // each lane's leader for its read and its write; call before response().
    const std::vector<MemRequest>& requests(const std::vector<MemRequest>& lanes);
    // Lane i's answer: its group leader's answer from the controller, and its own word of it.
    MemResponse response(unsigned i, const std::vector<MemRequest>& lanes,
                         const std::vector<MemResponse>& controller) const;

private:
    uint32_t segment(uint32_t address) const { return address & ~(segment_words_ - 1); }
    unsigned offset(uint32_t address) const { return address & (segment_words_ - 1); }
    uint32_t word(uint64_t data, unsigned k) const {
        return static_cast<uint32_t>(data >> (k * data_bits_)) & word_mask_;
    }

    unsigned tpb_;
    unsigned data_bits_;
    uint32_t word_mask_;
    unsigned segment_words_;
    std::vector<MemRequest> requests_;    // per consumer, towards the controller
    std::vector<unsigned> read_lead_;     // per lane: the lane leading its read (itself without one)
    std::vector<unsigned> write_lead_;    // and its write
};

}  // namespace lockstep::gpu
