// The one clock period both SystemC models use; fixes the kernel's time resolution first.
#pragma once

#include <systemc>

namespace lockstep {

// 1 ns, at a 1 ps resolution: Verilator's default precision for RTL without a timescale,
// so model and RTL waveforms share a time axis.
inline sc_core::sc_time clock_period() {
    static const bool resolution_set = [] {
        sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
        return true;
    }();
    (void)resolution_set;
    return sc_core::sc_time(1, sc_core::SC_NS);
}

// SystemC cannot add modules once simulation has started.
inline bool elaboration_closed() {
    return sc_core::sc_is_running() || sc_core::sc_time_stamp() > sc_core::SC_ZERO_TIME;
}

}  // namespace lockstep
