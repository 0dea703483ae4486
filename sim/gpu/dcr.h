// Device control register: holds the kernel's thread count written by the host.
#pragma once

#include "common/unit.h"

#include <cstdint>

namespace lockstep::gpu {

struct DcrState {
    uint8_t thread_count = 0;
};

class Dcr : public Unit<DcrState> {
public:
    explicit Dcr(const sc_core::sc_module_name& name) : Unit(name) {}
    void evaluate(bool reset, bool write_enable, uint8_t data);
    // evaluate() would keep the state as it is (the GPU then skips it: clock gating).
    static bool holds(bool reset, bool write_enable) { return !reset && !write_enable; }
};

}  // namespace lockstep::gpu
