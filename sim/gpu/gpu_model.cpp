#include "gpu/gpu_model.h"

#include <fmt/format.h>

namespace lockstep::gpu {

std::string shape_key(const GpuConfig& c) {
    std::string key = fmt::format("c{}_t{}_d{}_p{}_w{}_pa{}_da{}", c.cores, c.threads_per_block, c.data_channels,
                                  c.program_channels, c.data_width, c.program_addr_bits, c.data_addr_bits);
    if (const TensorCoreConfig& tc = c.tensor_core; tc.present()) {
        key += fmt::format("_tc{}x{}{}_i{}_a{}", tc.rows, tc.cols, tc.dataflow, tc.in_bits, tc.acc_bits);
    }
    if (c.divergence()) key += fmt::format("_s{}", c.stack_depth);
    if (c.warps()) key += fmt::format("_x{}{}", c.warps_per_core, c.warp_scheduler);
    if (c.coalescer()) key += fmt::format("_g{}", c.segment_words);
    if (c.cache()) {
        key += fmt::format("_k{}x{}h{}{}", c.cache_sets, c.cache_ways, c.cache_hit_latency, c.cache_write_back ? "wb" : "wt");
    }
    return key;
}

GpuModel& GpuModel::instance(const GpuConfig& config) {
    const std::string key = shape_key(config);
    return for_shape<GpuModel>("GPU", key, [&] { return new GpuModel(config, "gpu_" + key); });
}

void GpuModel::run_with_hook(const GpuInputs& inputs, EdgeHook& hook, uint64_t max_cycles) {
    if (max_cycles == 0) return;
    top_.inputs = inputs;
    top_.edge_hook = &hook;
    activate(max_cycles);
    top_.edge_hook = nullptr;
}

}  // namespace lockstep::gpu
