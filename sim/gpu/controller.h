// Memory controller: relays consumers' (fetchers' or LSUs') requests over a few channels.
#pragma once

#include "common/memory.h"
#include "gpu/gpu_types.h"
#include "common/unit.h"

#include <vector>

namespace lockstep::gpu {

struct ControllerState {
    std::vector<CtrlState> channel_state;
    std::vector<unsigned> channel_consumer;   // consumer each channel serves
    std::vector<MemRequest> mem;              // per channel, towards memory
    std::vector<MemResponse> consumer;        // per consumer, back to it
    Flags serving;                            // consumer has a channel
};

class Controller : public Unit<ControllerState> {
public:
    Controller(const sc_core::sc_module_name& name, unsigned consumers, unsigned channels, bool write_enable);
    // `requests_changed` false: the consumers' requests are those of the last evaluate() (the
    // consumers that ask are then not looked for again).
    // (Inline: most edges every channel is idle and the same requests, none asking, come again.)
    void evaluate(bool reset, const std::vector<MemRequest>& consumer_requests,
                  const std::vector<MemResponse>& memory_responses, bool requests_changed = true) {
        if (!reset && busy_ == 0 && !requests_changed && asking_known_ && asking_count_ == 0) return;
        evaluate_changes(reset, consumer_requests, memory_responses, requests_changed);
    }
    // The edge. Few registers change at an edge (there are many consumers, and channels wait
    // for memory most of the time): only those evaluate() changed are copied (between edges d_
    // equals q). (Inline: on most edges none did.)
    void commit() {
        if (all_touched_ || !moved_.empty() || !touched_.empty()) {
            commit_changes();
        } else {
            consumers_changed_ = channels_changed_ = false;
        }
    }
    // A consumer's register changed at the last commit (all of them at a reset, and before the
    // first): a register stage that copies them may skip the edges on which none did.
    bool consumers_changed() const { return consumers_changed_; }
    // A channel's register (its request to memory among them) changed at the last commit (all
    // of them at a reset, and before the first): the counters skip the edges on which none did.
    bool channels_changed() const { return channels_changed_; }

private:
    ControllerState reset_state() const;
    // evaluate()'s work (kept out of line, so that the check before it is inlined where it is called)
    [[gnu::noinline]] void evaluate_changes(bool reset, const std::vector<MemRequest>& requests,
                                            const std::vector<MemResponse>& memory, bool requests_changed);
    [[gnu::noinline]] void commit_changes();   // commit()'s work, as evaluate_changes()
    unsigned find_asking(const std::vector<MemRequest>& requests);   // fills asking_ once for the same requests
    bool idle(unsigned channel, const std::vector<MemRequest>& requests);   // true: it took a consumer
    void touch(unsigned consumer) { touched_.push_back(consumer); }
    unsigned consumers_;
    unsigned channels_;
    bool write_enable_;
    std::vector<unsigned> asking_;    // scratch: consumers with a request, lowest first (the first asking_count_)
    unsigned asking_count_ = 0;
    bool asking_known_ = false;       // asking_ holds this edge's requests' askers
    std::vector<unsigned> touched_;   // consumers whose registers evaluate() changed
    std::vector<unsigned> moved_;     // channels whose registers evaluate() changed
    bool all_touched_ = false;        // a reset changed them all
    unsigned busy_ = 0;               // channels not idle in q (kept at each commit)
    bool consumers_changed_ = true;
    bool channels_changed_ = true;
};

}  // namespace lockstep::gpu
