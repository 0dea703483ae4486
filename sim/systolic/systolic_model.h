// The SystemC model of the array as a SystolicDevice, plus a fast path that lets the
// SystemC kernel clock it until done without returning every cycle.
#pragma once

#include "common/clocked_model.h"
#include "systolic/systolic.h"

#include <string>

namespace lockstep::systolic {

class SystolicModel : public ClockedModel<Systolic, SystolicDevice> {
public:
    // One model per array shape per process, made before the first run (SystemC).
    static SystolicModel& instance(const ArrayShape& shape);

    int32_t host_read(HostSel sel, uint32_t addr) override { return top_.host_read(sel, addr); }

    // Clocks with `inputs` until StDone or `max_cycles`; returns the cycles clocked.
    uint64_t run_until_done(const SystolicInputs& inputs, uint64_t max_cycles);
    // Clocks with `inputs` until `hook` pauses it or `max_cycles`; returns the cycles clocked.
    uint64_t run_with_hook(const SystolicInputs& inputs, EdgeHook& hook, uint64_t max_cycles);

private:
    uint64_t run_until_paused(uint64_t max_cycles);
    SystolicModel(const ArrayShape& shape, const std::string& name) : ClockedModel(name, shape) {}
};

}  // namespace lockstep::systolic
