#include "gpu/lsu.h"

namespace lockstep::gpu {

void Lsu::evaluate(bool reset, bool enable, CoreState core_state, const DecodedInstruction& decoded,
                   uint32_t rs, uint32_t rt, const MemResponse& memory) {
    d_ = q;
    if (reset) {
        d_ = LsuRegs{};
        return;
    }
    if (!enable || !(decoded.mem_read || decoded.mem_write)) return;
    const bool read = decoded.mem_read;   // the decoder never sets both
    switch (q.state) {
    case LsuState::Idle:
        if (core_state == CoreState::Request) d_.state = LsuState::Requesting;
        break;
    case LsuState::Requesting:
        if (read) {
            d_.request.read_valid = true;
            d_.request.read_address = rs;
        } else {
            d_.request.write_valid = true;
            d_.request.write_address = rs;
            d_.request.write_data = rt;
            d_.request.write_mask = 1;   // one word (the RTL ties a lane's mask to 1)
        }
        d_.state = LsuState::Waiting;
        break;
    case LsuState::Waiting:
        if (read && memory.read_ready) {
            d_.request.read_valid = false;
            d_.out = static_cast<uint32_t>(memory.read_data);   // a lane's answer is one word
            d_.state = LsuState::Done;
        } else if (!read && memory.write_ready) {
            d_.request.write_valid = false;
            d_.state = LsuState::Done;
        }
        break;
    case LsuState::Done:
        if (core_state == CoreState::Update) d_.state = LsuState::Idle;
        break;
    }
}

}  // namespace lockstep::gpu
