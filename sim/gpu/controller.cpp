#include "gpu/controller.h"

namespace lockstep::gpu {

Controller::Controller(const sc_core::sc_module_name& name, unsigned consumers, unsigned channels,
                       bool write_enable)
    : Unit(name), consumers_(consumers), channels_(channels), write_enable_(write_enable) {
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

// An idle channel takes the lowest-numbered consumer that asks and has no channel yet.
void Controller::idle(unsigned ch, const std::vector<MemRequest>& requests) {
    for (unsigned j = 0; j < consumers_; ++j) {
        const MemRequest& req = requests[j];
        if (d_.serving[j]) continue;
        if (req.read_valid) {
            d_.serving[j] = true;
            d_.channel_consumer[ch] = j;
            d_.mem[ch].read_valid = true;
            d_.mem[ch].read_address = req.read_address;
            d_.channel_state[ch] = CtrlState::ReadWaiting;
            return;
        }
        if (write_enable_ && req.write_valid) {
            d_.serving[j] = true;
            d_.channel_consumer[ch] = j;
            d_.mem[ch].write_valid = true;
            d_.mem[ch].write_address = req.write_address;
            d_.mem[ch].write_data = req.write_data;
            d_.mem[ch].write_mask = req.write_mask;
            d_.channel_state[ch] = CtrlState::WriteWaiting;
            return;
        }
    }
}

void Controller::evaluate(bool reset, const std::vector<MemRequest>& requests,
                          const std::vector<MemResponse>& memory) {
    d_ = q;
    if (reset) {
        d_ = reset_state();
        return;
    }
    for (unsigned ch = 0; ch < channels_; ++ch) {
        const unsigned consumer = q.channel_consumer[ch];
        switch (q.channel_state[ch]) {
        case CtrlState::Idle:
            idle(ch, requests);
            break;
        case CtrlState::ReadWaiting:
            if (memory[ch].read_ready) {
                d_.mem[ch].read_valid = false;
                d_.consumer[consumer].read_ready = true;
                d_.consumer[consumer].read_data = memory[ch].read_data;
                d_.channel_state[ch] = CtrlState::ReadRelaying;
            }
            break;
        case CtrlState::WriteWaiting:
            if (memory[ch].write_ready) {
                d_.mem[ch].write_valid = false;
                d_.consumer[consumer].write_ready = true;
                d_.channel_state[ch] = CtrlState::WriteRelaying;
            }
            break;
        case CtrlState::ReadRelaying:
            if (!requests[consumer].read_valid) {
                d_.serving[consumer] = false;
                d_.consumer[consumer].read_ready = false;
                d_.channel_state[ch] = CtrlState::Idle;
            }
            break;
        case CtrlState::WriteRelaying:
            if (!requests[consumer].write_valid) {
                d_.serving[consumer] = false;
                d_.consumer[consumer].write_ready = false;
                d_.channel_state[ch] = CtrlState::Idle;
            }
            break;
        }
    }
}

}  // namespace lockstep::gpu
