#include "gpu/gpu_model.h"

#include "common/clock.h"
#include "common/error.h"

#include <fmt/format.h>

#include <map>
#include <memory>

namespace lockstep::gpu {


std::string shape_key(const GpuConfig& c) {
    return fmt::format("c{}_t{}_d{}_p{}_w{}_pa{}", c.cores, c.threads_per_block, c.data_channels,
                       c.program_channels, c.data_width, c.program_addr_bits);
}

GpuModel::GpuModel(const GpuConfig& config, const std::string& name)
    : clock_((name + "_clk").c_str(), clock_period()), gpu_(name.c_str(), config) {
    gpu_.clk_i(clock_);
}

GpuModel& GpuModel::instance(const GpuConfig& config) {
    static std::map<std::string, std::unique_ptr<GpuModel>> models;
    const std::string key = shape_key(config);
    auto found = models.find(key);
    if (found != models.end()) return *found->second;
    if (elaboration_closed()) {
        throw Error(fmt::format("the SystemC model of GPU shape {} must be built before the first run "
                                "in this process (SystemC cannot add modules after simulation starts)",
                                key));
    }
    auto model = std::unique_ptr<GpuModel>(new GpuModel(config, "gpu_" + key));
    return *models.emplace(key, std::move(model)).first->second;
}

void GpuModel::tick(const GpuInputs& inputs) {
    gpu_.inputs = inputs;
    sc_core::sc_start(clock_period());   // exactly one rising edge per period
}

}  // namespace lockstep::gpu

