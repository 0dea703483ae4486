#include "gpu/fetcher.h"

namespace lockstep::gpu {

void Fetcher::evaluate(bool reset, CoreState core_state, uint32_t pc, const MemResponse& memory) {
    d_ = q;
    if (reset) {
        d_ = FetcherRegs{};
        return;
    }
    switch (q.state) {
    case FetcherState::Idle:
        if (core_state == CoreState::Fetch) {
            d_.read_valid = true;
            d_.read_address = pc;
            d_.state = FetcherState::Fetching;
        }
        break;
    case FetcherState::Fetching:
        if (memory.read_ready) {
            d_.read_valid = false;
            d_.state = FetcherState::Fetched;
        }
        break;
    case FetcherState::Fetched:
        if (core_state == CoreState::Decode) d_.state = FetcherState::Idle;
        break;
    }
}

}  // namespace lockstep::gpu
