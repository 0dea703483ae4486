// Verilates and compiles an RTL design for one set of parameters on first use; later runs
// load the cached shared library at once.
#pragma once

#include "common/config.h"
#include "gpu/gpu_types.h"
#include "systolic/systolic_types.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::cosim {

// One design at one parameter set.
struct RtlDesign {
    std::string top;                                        // "gpu": rtl/gpu/*.sv, top module gpu
    std::string key;                                        // names the cache entry
    std::vector<std::pair<std::string, unsigned>> params;   // -GName=value, and -DLS_Name=value for the adapter
    std::string adapter;                                    // source of the adapter, under sim/cosim
    std::vector<std::string> adapter_headers;               // headers it depends on, under sim/
};

RtlDesign gpu_design(const GpuConfig& config);
RtlDesign systolic_design(const systolic::ArrayShape& shape);

// Path of the shared library of this design, building it first if needed (one line on
// stderr says so). Throws lockstep::Error if Verilator or the compiler fails.
std::string ensure_rtl_library(const RtlDesign& design);

// A fresh Verilated model; writes a VCD to `vcd_path` unless it is empty.
std::unique_ptr<gpu::GpuDevice> make_rtl_gpu(const GpuConfig& config, const std::string& vcd_path);
std::unique_ptr<systolic::SystolicDevice> make_rtl_systolic(const systolic::ArrayShape& shape,
                                                            const std::string& vcd_path);

}  // namespace lockstep::cosim
