#include "gpu/gpu_model.h"

#include <fmt/format.h>

namespace lockstep::gpu {

std::string shape_key(const GpuConfig& c) {
    return fmt::format("c{}_t{}_d{}_p{}_w{}_pa{}", c.cores, c.threads_per_block, c.data_channels,
                       c.program_channels, c.data_width, c.program_addr_bits);
}

GpuModel& GpuModel::instance(const GpuConfig& config) {
    const std::string key = shape_key(config);
    return for_shape<GpuModel>("GPU", key, [&] { return new GpuModel(config, "gpu_" + key); });
}

}  // namespace lockstep::gpu
