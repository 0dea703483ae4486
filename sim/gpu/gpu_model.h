// The SystemC model as a GpuDevice: the Gpu module, one edge per tick().
#pragma once

#include "common/clocked_model.h"
#include "gpu/gpu.h"

#include <string>

namespace lockstep::gpu {

class GpuModel : public ClockedModel<Gpu, GpuDevice> {
public:
    // One model per GPU shape per process, made before the first run (SystemC).
    static GpuModel& instance(const GpuConfig& config);
    Gpu& gpu() { return top(); }
    void observe_next(GpuSnapshot& out) const override { top_.observe_next(out); }
    // Clocks with `inputs` (the hook drives the memories' answers) until `hook` stops it, or
    // for `max_cycles` edges: a quantum of them an activation of Gpu::on_clock, for untraced
    // runs.
    void run_with_hook(const GpuInputs& inputs, EdgeHook& hook, uint64_t max_cycles);

private:
    GpuModel(const GpuConfig& config, const std::string& name) : ClockedModel(name, config) {}
};

// The key under which a shape's model (and RTL build) is kept: "c2_t4_d4_p1_w8_pa8".
std::string shape_key(const GpuConfig& config);

}  // namespace lockstep::gpu
