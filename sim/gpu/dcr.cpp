#include "gpu/dcr.h"

namespace lockstep::gpu {

void Dcr::evaluate(bool reset, bool write_enable, uint8_t data) {
    d_ = q;
    if (reset) {
        d_ = DcrState{};
    } else if (write_enable) {
        d_.thread_count = data;
    }
}

}  // namespace lockstep::gpu
