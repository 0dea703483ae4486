#include "systolic/dram.h"

#include "common/error.h"

#include <fmt/format.h>

namespace lockstep::systolic {

Dram::Dram(size_t size, unsigned latency, unsigned lanes) : words(size, 0), latency_(latency), lanes_(lanes) {
    if (latency < 1) throw Error("DRAM latency must be at least 1 cycle");
}

std::vector<DramLane> Dram::read(const std::vector<DramLane>& requests) const {
    std::vector<DramLane> out(lanes_);
    for (size_t l = 0; l < requests.size() && l < out.size(); ++l) {
        const DramLane& r = requests[l];
        if (!r.valid) continue;
        if (r.addr >= words.size()) {
            throw Error(fmt::format("DRAM read of word {} outside its {} words", r.addr, words.size()));
        }
        out[l] = DramLane{true, 0, r.tag, words[r.addr]};
    }
    return out;
}

void Dram::accept(uint64_t edge, const MoverState& a_loader, const MoverState& b_loader, const MoverState& storer) {
    for (const DramLane& w : storer.lanes) {
        if (!w.valid) continue;
        if (w.addr >= words.size()) {
            throw Error(fmt::format("DRAM write of word {} outside its {} words", w.addr, words.size()));
        }
        words[w.addr] = w.data;
    }
    Batch batch{edge + latency_, read(a_loader.lanes), read(b_loader.lanes)};
    auto any = [](const std::vector<DramLane>& lanes) {
        for (const DramLane& l : lanes) {
            if (l.valid) return true;
        }
        return false;
    };
    if (any(batch.a) || any(batch.b)) pending_.push_back(std::move(batch));
}

void Dram::respond(uint64_t edge, std::vector<DramLane>& a_rsp, std::vector<DramLane>& b_rsp) {
    a_rsp.assign(lanes_, DramLane{});
    b_rsp.assign(lanes_, DramLane{});
    if (pending_.empty() || pending_.front().due != edge) return;
    a_rsp = std::move(pending_.front().a);
    b_rsp = std::move(pending_.front().b);
    pending_.pop_front();
}

}  // namespace lockstep::systolic
