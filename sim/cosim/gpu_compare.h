// The GPU's lock-step comparator: the first difference between the RTL's and the model's
// snapshots, in a fixed order (done, cores, threads, tensor cores, data channels and tile
// ports, program channels).
#pragma once

#include "common/config.h"
#include "cosim/compare.h"
#include "gpu/gpu_types.h"

#include <optional>
#include <string>

namespace lockstep::cosim {

std::optional<Mismatch> compare_gpu(const gpu::GpuSnapshot& rtl, const gpu::GpuSnapshot& model,
                                    const GpuConfig& config);

// "core0 PC 9: SUB R7, R0, R7 (EXECUTE)": the instruction a core has in flight.
std::string gpu_in_flight(const std::string& who, const gpu::CoreView& view);

}  // namespace lockstep::cosim
