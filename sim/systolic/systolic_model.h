// The SystemC model of the array as a SystolicDevice, plus a fast path that lets the
// SystemC kernel clock it until done without returning every cycle.
#pragma once

#include "systolic/systolic.h"

#include <systemc>

namespace lockstep::systolic {

class SystolicModel : public SystolicDevice {
public:
    // One model per array shape per process, made before the first run (SystemC).
    static SystolicModel& instance(const ArrayShape& shape);

    void tick(const SystolicInputs& inputs) override;
    void observe(SystolicSnapshot& out) const override { top_.observe(out); }
    int32_t host_read(unsigned sel, uint32_t addr) override { return top_.host_read(sel, addr); }

    // Clocks with `inputs` until StDone or `max_cycles`; returns the cycles clocked.
    uint64_t run_until_done(const SystolicInputs& inputs, uint64_t max_cycles);
    Systolic& top() { return top_; }

private:
    SystolicModel(const ArrayShape& shape, const std::string& name);

    sc_core::sc_clock clock_;
    Systolic top_;
};

}  // namespace lockstep::systolic
