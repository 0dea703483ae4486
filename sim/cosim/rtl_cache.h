// Verilates and compiles an RTL design for one set of parameters on first use; later runs
// load the cached shared library at once. Knows no design: each names itself in an RtlDesign.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::cosim {

// One design at one parameter set.
struct RtlDesign {
    std::string top;                                        // "gpu": rtl/gpu/gpu.f, top module gpu
    std::string key;                                        // names the cache entry
    std::vector<std::pair<std::string, unsigned>> params;   // -GName=value, and -DLS_Name=value for the adapter
    std::string adapter;                                    // source of the adapter, under sim/cosim
    std::vector<std::string> adapter_headers;               // headers it depends on, under sim/
    // How hard the C++ compiler optimises the per-cycle code unless LOCKSTEP_RTL_OPT says:
    // -O1 where -O2's longer compile buys little (the GPU), -O2 where it pays (the array).
    std::string opt = "-O1";
};

// The files of rtl/<top>/<top>.f (the list first), as paths relative to the source tree.
// Throws lockstep::Error naming the list's line for a bad or missing entry.
std::vector<std::string> rtl_file_list(const std::string& top);

// Path of the shared library of this design, building it first if needed (a line on stderr
// says so, then progress on a terminal, then how long it took). Throws lockstep::Error if
// Verilator or the compiler fails.
std::string ensure_rtl_library(const RtlDesign& design);

// Whether ensure_rtl_library would return at once, without building.
bool rtl_library_cached(const RtlDesign& design);

// Every adapter exports this factory: `Device* lockstep_make_rtl(const char* vcd_path)`.
inline constexpr const char* kRtlFactorySymbol = "lockstep_make_rtl";
void* rtl_factory(const RtlDesign& design);

// A fresh Verilated model of `design`; writes a VCD to `vcd_path` unless it is empty.
template <typename Device>
std::unique_ptr<Device> make_rtl(const RtlDesign& design, const std::string& vcd_path) {
    using Make = Device* (*)(const char*);
    auto make = reinterpret_cast<Make>(rtl_factory(design));
    return std::unique_ptr<Device>(make(vcd_path.empty() ? nullptr : vcd_path.c_str()));
}

}  // namespace lockstep::cosim
