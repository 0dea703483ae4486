#include "systolic/systolic_model.h"

#include "common/clock.h"

namespace lockstep::systolic {

SystolicModel& SystolicModel::instance(const ArrayShape& shape) {
    const std::string key = shape.key();
    return for_shape<SystolicModel>("array", key, [&] { return new SystolicModel(shape, "systolic_" + key); });
}

uint64_t SystolicModel::run_until_done(const SystolicInputs& inputs, uint64_t max_cycles) {
    top_.inputs = inputs;
    top_.pause_when_done = true;
    const uint64_t cycles = run_until_paused(max_cycles);
    top_.pause_when_done = false;
    return cycles;
}

uint64_t SystolicModel::run_with_hook(const SystolicInputs& inputs, EdgeHook& hook, uint64_t max_cycles) {
    top_.inputs = inputs;
    top_.edge_hook = &hook;
    const uint64_t cycles = run_until_paused(max_cycles);
    top_.edge_hook = nullptr;
    return cycles;
}

uint64_t SystolicModel::run_until_paused(uint64_t max_cycles) {
    Clocked clocked(top_);
    const sc_core::sc_time begin = sc_core::sc_time_stamp();
    sc_core::sc_start(clock_period() * static_cast<double>(max_cycles));
    const uint64_t whole = static_cast<uint64_t>((sc_core::sc_time_stamp() - begin) / clock_period());
    if (whole >= max_cycles) return max_cycles;   // ran out: time sits on a period boundary
    // Paused at the edge that asked for it: that edge counts, and the rest of its period
    // (a falling edge only) is run so the next tick() starts on a rising edge again.
    sc_core::sc_start(clock_period());
    return whole + 1;
}

}  // namespace lockstep::systolic
