#include "gpu/gpu_model.h"

#include "common/error.h"

#include <fmt/format.h>

#include <map>
#include <memory>

namespace lockstep::gpu {

namespace {

// One clock period; the kernel resolution is 1 ps, as Verilator's default precision for the
// RTL (which sets no timescale), so model and RTL waveforms share a time axis.
sc_core::sc_time period() {
    static const bool resolution_set = [] {
        sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
        return true;
    }();
    (void)resolution_set;
    return sc_core::sc_time(1, sc_core::SC_NS);
}

}  // namespace

std::string shape_key(const GpuConfig& c) {
    return fmt::format("c{}_t{}_d{}_p{}_w{}_pa{}", c.cores, c.threads_per_block, c.data_channels,
                       c.program_channels, c.data_width, c.program_addr_bits);
}

GpuModel::GpuModel(const GpuConfig& config, const std::string& name)
    : clock_((name + "_clk").c_str(), period()), gpu_(name.c_str(), config) {
    gpu_.clk_i(clock_);
}

GpuModel& GpuModel::instance(const GpuConfig& config) {
    static std::map<std::string, std::unique_ptr<GpuModel>> models;
    const std::string key = shape_key(config);
    auto found = models.find(key);
    if (found != models.end()) return *found->second;
    if (sc_core::sc_is_running() || sc_core::sc_time_stamp() > sc_core::SC_ZERO_TIME) {
        throw Error(fmt::format("the SystemC model of GPU shape {} must be built before the first run "
                                "in this process (SystemC cannot add modules after simulation starts)",
                                key));
    }
    auto model = std::unique_ptr<GpuModel>(new GpuModel(config, "gpu_" + key));
    return *models.emplace(key, std::move(model)).first->second;
}

void GpuModel::tick(const GpuInputs& inputs) {
    gpu_.inputs = inputs;
    sc_core::sc_start(period());   // exactly one rising edge per period
}

}  // namespace lockstep::gpu

