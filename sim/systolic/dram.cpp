#include "systolic/dram.h"

#include "common/error.h"

#include <fmt/format.h>

namespace lockstep::systolic {

Dram::Dram(size_t size, unsigned latency, unsigned lanes)
    : words(size, 0), latency_(latency), lanes_(lanes), ring_(latency + 1) {
    if (latency < 1) throw Error("DRAM latency must be at least 1 cycle");
    for (Batch& b : ring_) {
        b.a.assign(lanes_, DramLane{});
        b.b.assign(lanes_, DramLane{});
    }
}

void Dram::read(const std::vector<DramLane>& requests, std::vector<DramLane>& responses) const {
    for (size_t l = 0; l < responses.size(); ++l) {
        const DramLane* r = l < requests.size() ? &requests[l] : nullptr;
        if (r == nullptr || !r->valid) {
            responses[l] = DramLane{};
            continue;
        }
        if (r->addr >= words.size()) {
            throw Error(fmt::format("DRAM read of word {} outside its {} words", r->addr, words.size()));
        }
        responses[l] = DramLane{true, 0, r->tag, words[r->addr]};
    }
}

void Dram::accept(uint64_t edge, const MoverState& a_loader, const MoverState& b_loader, const MoverState& storer) {
    for (const DramLane& w : storer.lanes) {
        if (!w.valid) continue;
        if (w.addr >= words.size()) {
            throw Error(fmt::format("DRAM write of word {} outside its {} words", w.addr, words.size()));
        }
        words[w.addr] = w.data;
    }
    auto any = [](const std::vector<DramLane>& lanes) {
        for (const DramLane& l : lanes) {
            if (l.valid) return true;
        }
        return false;
    };
    if (!any(a_loader.lanes) && !any(b_loader.lanes)) return;
    Batch& batch = ring_[(edge + latency_) % ring_.size()];
    read(a_loader.lanes, batch.a);
    read(b_loader.lanes, batch.b);
    batch.full = true;
    batch.due = edge + latency_;
    ++pending_;
}

void Dram::respond(uint64_t edge, std::vector<DramLane>& a_rsp, std::vector<DramLane>& b_rsp) {
    Batch& batch = ring_[edge % ring_.size()];
    if (!batch.full || batch.due != edge) {
        a_rsp.assign(lanes_, DramLane{});
        b_rsp.assign(lanes_, DramLane{});
        return;
    }
    a_rsp = batch.a;
    b_rsp = batch.b;
    batch.full = false;
    --pending_;
}

}  // namespace lockstep::systolic
