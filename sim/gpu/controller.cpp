#include "gpu/controller.h"

namespace lockstep::gpu {

Controller::Controller(const sc_core::sc_module_name& name, unsigned consumers, unsigned channels,
                       bool write_enable)
    : Unit(name), consumers_(consumers), channels_(channels), write_enable_(write_enable), asking_(consumers) {
    q = d_ = reset_state();
}

ControllerState Controller::reset_state() const {
    ControllerState s;
    s.channel_state.assign(channels_, CtrlState::Idle);
    s.channel_consumer.assign(channels_, 0);
    s.mem.assign(channels_, MemRequest{});
    s.consumer.assign(consumers_, MemResponse{});
    s.serving.assign(consumers_, false);
    return s;
}

// The consumers that ask, found once for the same requests (there are many, few ask) and
// without branches (which one asks is anyone's guess).
unsigned Controller::find_asking(const std::vector<MemRequest>& requests) {
    if (asking_known_) return asking_count_;
    unsigned n = 0;
    for (unsigned j = 0; j < consumers_; ++j) {
        asking_[n] = j;
        n += static_cast<unsigned>(requests[j].asks(write_enable_));
    }
    asking_count_ = n;
    asking_known_ = true;
    return n;
}

// An idle channel takes the lowest-numbered consumer that asks and has no channel yet.
bool Controller::idle(unsigned ch, const std::vector<MemRequest>& requests) {
    for (unsigned i = 0; i < asking_count_; ++i) {
        const unsigned j = asking_[i];
        const MemRequest& req = requests[j];
        if (d_.serving[j]) continue;
        touch(j);
        if (req.read_valid) {
            d_.serving[j] = true;
            d_.channel_consumer[ch] = j;
            d_.mem[ch].read_valid = true;
            d_.mem[ch].read_address = req.read_address;
            d_.channel_state[ch] = CtrlState::ReadWaiting;
            return true;
        }
        if (write_enable_ && req.write_valid) {
            d_.serving[j] = true;
            d_.channel_consumer[ch] = j;
            d_.mem[ch].write_valid = true;
            d_.mem[ch].write_address = req.write_address;
            d_.mem[ch].write_data = req.write_data;
            d_.mem[ch].write_mask = req.write_mask;
            d_.channel_state[ch] = CtrlState::WriteWaiting;
            return true;
        }
    }
    return false;
}

void Controller::evaluate_changes(bool reset, const std::vector<MemRequest>& requests,
                                  const std::vector<MemResponse>& memory, bool requests_changed) {
    // Every register of d_ already equals q's (commit()); what changes below is marked.
    asking_known_ = asking_known_ && !requests_changed;
    if (reset) {
        d_ = reset_state();
        all_touched_ = true;
        return;
    }
    // Most edges every channel is idle and no consumer asks: nothing changes.
    if (busy_ == 0 && find_asking(requests) == 0) return;
    for (unsigned ch = 0; ch < channels_; ++ch) {
        const unsigned consumer = q.channel_consumer[ch];
        switch (q.channel_state[ch]) {
        case CtrlState::Idle:
            if (find_asking(requests) != 0 && idle(ch, requests)) moved_.push_back(ch);
            break;
        case CtrlState::ReadWaiting:
            if (memory[ch].read_ready) {
                moved_.push_back(ch);
                d_.mem[ch].read_valid = false;
                touch(consumer);
                d_.consumer[consumer].read_ready = true;
                d_.consumer[consumer].read_data = memory[ch].read_data;
                d_.channel_state[ch] = CtrlState::ReadRelaying;
            }
            break;
        case CtrlState::WriteWaiting:
            if (memory[ch].write_ready) {
                moved_.push_back(ch);
                d_.mem[ch].write_valid = false;
                touch(consumer);
                d_.consumer[consumer].write_ready = true;
                d_.channel_state[ch] = CtrlState::WriteRelaying;
            }
            break;
        case CtrlState::ReadRelaying:
            if (!requests[consumer].read_valid) {
                moved_.push_back(ch);
                touch(consumer);
                d_.serving[consumer] = false;
                d_.consumer[consumer].read_ready = false;
                d_.channel_state[ch] = CtrlState::Idle;
            }
            break;
        case CtrlState::WriteRelaying:
            if (!requests[consumer].write_valid) {
                moved_.push_back(ch);
                touch(consumer);
                d_.serving[consumer] = false;
                d_.consumer[consumer].write_ready = false;
                d_.channel_state[ch] = CtrlState::Idle;
            }
            break;
        }
    }
}

void Controller::commit_changes() {
    if (all_touched_) {
        q = d_;
        busy_ = 0;
        for (CtrlState s : q.channel_state) busy_ += s != CtrlState::Idle;
    } else {
        for (unsigned ch : moved_) {
            busy_ += static_cast<unsigned>(d_.channel_state[ch] != CtrlState::Idle) -
                     static_cast<unsigned>(q.channel_state[ch] != CtrlState::Idle);
            q.channel_state[ch] = d_.channel_state[ch];
            q.channel_consumer[ch] = d_.channel_consumer[ch];
            q.mem[ch] = d_.mem[ch];
        }
        for (unsigned j : touched_) {
            q.consumer[j] = d_.consumer[j];
            q.serving[j] = d_.serving[j];
        }
    }
    consumers_changed_ = all_touched_ || !touched_.empty();
    channels_changed_ = all_touched_ || !moved_.empty();
    touched_.clear();
    moved_.clear();
    all_touched_ = false;
}

}  // namespace lockstep::gpu
