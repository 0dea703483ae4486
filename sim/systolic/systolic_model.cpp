#include "systolic/systolic_model.h"


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
    if (max_cycles == 0) return 0;
    top_.edges_run = top_.burst_edges = 0;
    activate(max_cycles);   // the edge that ends the run counts
    return top_.edges_run;
}

}  // namespace lockstep::systolic
