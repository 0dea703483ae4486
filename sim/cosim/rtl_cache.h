// Verilates and compiles the GPU RTL for a shape on first use; later runs load the cache.
#pragma once

#include "common/config.h"
#include "gpu/gpu_types.h"

#include <memory>
#include <string>

namespace lockstep::cosim {

// Path of the shared library holding the RTL of this shape, building it first if needed
// (one line on stderr says so). Throws lockstep::Error if Verilator or the compiler fails.
std::string ensure_rtl_library(const GpuConfig& config);

// A fresh Verilated GPU of this shape; writes a VCD to `vcd_path` unless it is empty.
std::unique_ptr<gpu::GpuDevice> make_rtl_gpu(const GpuConfig& config, const std::string& vcd_path);

}  // namespace lockstep::cosim
