#include "systolic/systolic_model.h"

#include "common/clock.h"
#include "common/error.h"

#include <fmt/format.h>

#include <map>
#include <memory>

namespace lockstep::systolic {

SystolicModel::SystolicModel(const ArrayShape& shape, const std::string& name)
    : clock_((name + "_clk").c_str(), clock_period()), top_(name.c_str(), shape) {
    top_.clk_i(clock_);
}

SystolicModel& SystolicModel::instance(const ArrayShape& shape) {
    static std::map<std::string, std::unique_ptr<SystolicModel>> models;
    const std::string key = shape.key();
    auto found = models.find(key);
    if (found != models.end()) return *found->second;
    if (elaboration_closed()) {
        throw Error(fmt::format("the SystemC model of array shape {} must be built before the first run in this "
                                "process (SystemC cannot add modules after simulation starts)",
                                key));
    }
    auto model = std::unique_ptr<SystolicModel>(new SystolicModel(shape, "systolic_" + key));
    return *models.emplace(key, std::move(model)).first->second;
}

void SystolicModel::tick(const SystolicInputs& inputs) {
    top_.inputs = inputs;
    sc_core::sc_start(clock_period());
}

uint64_t SystolicModel::run_until_done(const SystolicInputs& inputs, uint64_t max_cycles) {
    top_.inputs = inputs;
    top_.pause_when_done = true;
    const sc_core::sc_time begin = sc_core::sc_time_stamp();
    sc_core::sc_start(clock_period() * static_cast<double>(max_cycles));
    top_.pause_when_done = false;
    const uint64_t whole = static_cast<uint64_t>((sc_core::sc_time_stamp() - begin) / clock_period());
    if (whole >= max_cycles) return max_cycles;   // ran out: time sits on a period boundary
    // Paused at the edge that reached StDone: that edge counts, and the rest of its period
    // (a falling edge only) is run so the next tick() starts on a rising edge again.
    sc_core::sc_start(clock_period());
    return whole + 1;
}

}  // namespace lockstep::systolic
