// The DRAM behind a streamed layer's SRAMs (docs/systolic.md, "DRAM (harness)"): word memory,
// read responses `latency` edges after the request, writes landing at once. Lives in the
// harness and serves the model and the RTL alike.
#pragma once

#include "systolic/systolic_types.h"

#include <cstdint>
#include <deque>
#include <vector>

namespace lockstep::systolic {

class Dram {
public:
    Dram(size_t words, unsigned latency, unsigned lanes);

    std::vector<int32_t> words;      // the memory, word-addressed

    // After edge `edge`: take the devices' requests and writes of the cycle that ended.
    void accept(uint64_t edge, const MoverState& a_loader, const MoverState& b_loader, const MoverState& storer);
    // Before edge `edge`: the responses due then (empty lanes when none).
    void respond(uint64_t edge, std::vector<DramLane>& a_rsp, std::vector<DramLane>& b_rsp);

    bool idle() const { return pending_.empty(); }

private:
    struct Batch {
        uint64_t due;                // the edge the responses arrive at
        std::vector<DramLane> a, b;  // responses per lane
    };
    std::vector<DramLane> read(const std::vector<DramLane>& requests) const;

    unsigned latency_, lanes_;
    std::deque<Batch> pending_;      // in due order (requests come once per edge)
};

}  // namespace lockstep::systolic
