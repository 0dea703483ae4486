// What every design's two engines have in common: a device that takes inputs for one clock
// edge and shows its observable state after it. The SystemC model and the Verilated RTL of
// a design both implement it; the lock-step driver (cosim/driver.h) clocks and compares them.
#pragma once

#include <string>

namespace lockstep {

// Why the RTL stopped by itself: a failed assertion, or a Verilator fatal error.
struct RtlStop {
    bool fatal = false;            // a Verilator fatal error (not an assertion)
    std::string name;              // the assertion's label ("DecoderNoReadAndWrite")
    std::string scope;             // where it sits in the hierarchy ("gpu.g_core[0].u_core.u_decoder")
    std::string file;              // "rtl/gpu/decoder.sv"
    unsigned line = 0;
    std::string message;           // what it printed
};

template <typename Inputs, typename Snapshot>
class Device {
public:
    using InputsType = Inputs;
    using SnapshotType = Snapshot;

    virtual ~Device() = default;
    virtual void tick(const Inputs& inputs) = 0;        // apply inputs, one rising edge
    virtual void observe(Snapshot& out) const = 0;      // state after the last edge
    // The same, where `out` holds what observe() or observe_next() gave after the edge before
    // the last one and nothing has changed the device since but that edge: a device may then
    // refresh only what the edge changed.
    virtual void observe_next(Snapshot& out) const { observe(out); }
    // Non-null once the device stopped by itself (RTL only); it is not clocked again.
    virtual const RtlStop* stopped() const { return nullptr; }
};

}  // namespace lockstep
