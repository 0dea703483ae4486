// The SystemC model as a GpuDevice: a clock, the Gpu module, one edge per tick().
#pragma once

#include "gpu/gpu.h"

#include <systemc>

namespace lockstep::gpu {

class GpuModel : public GpuDevice {
public:
    // SystemC cannot add modules once simulation has started, so a process holds one
    // model per GPU shape, made before the first run; runs start with a reset.
    static GpuModel& instance(const GpuConfig& config);

    void tick(const GpuInputs& inputs) override;
    void observe(GpuSnapshot& out) const override { gpu_.observe(out); }
    Gpu& gpu() { return gpu_; }

private:
    explicit GpuModel(const GpuConfig& config, const std::string& name);

    sc_core::sc_clock clock_;
    Gpu gpu_;
};

// The key under which a shape's model (and RTL build) is kept: "c2_t4_d4_p1_w8_pa8".
std::string shape_key(const GpuConfig& config);

}  // namespace lockstep::gpu
