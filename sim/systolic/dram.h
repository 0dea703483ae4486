// The DRAM behind a streamed layer's SRAMs (docs/systolic.md, "DRAM (harness)"): word memory,
// read responses `latency` edges after the request, writes landing at once. Lives in the
// harness and serves the model and the RTL alike.
#pragma once

#include "systolic/systolic_types.h"

#include <cstdint>
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

    bool idle() const { return pending_ == 0; }

private:
    // The responses due at one edge; slot edge % (latency + 1) of a ring, reused without allocating.
    struct Batch {
        bool full = false;
        uint64_t due = 0;
        std::vector<DramLane> a, b;  // responses per lane
    };
    void read(const std::vector<DramLane>& requests, std::vector<DramLane>& responses) const;

    unsigned latency_, lanes_;
    std::vector<Batch> ring_;
    size_t pending_ = 0;             // batches not yet answered
};

}  // namespace lockstep::systolic
