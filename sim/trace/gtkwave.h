// GTKWave save files for the VCDs the RTL writes: the signals a person wants first, in
// labelled groups, named as GTKWave names them (checked against real VCDs in the tests).
#pragma once

#include "common/config.h"
#include "systolic/systolic_types.h"

#include <cstdint>
#include <string>

namespace lockstep::trace {

// DIR/gpu.gtkw: clock and launch, each core's state, PC and instruction, core 0 and its
// thread 0 inside, and the program and data memory handshakes.
void write_gpu_gtkw(const std::string& dir, const GpuConfig& gpu);

// The VCDs' clock: 1 ns a period (timescale 1 ps), rising edges at 0.5 ns, 1.5 ns, ...
inline constexpr uint64_t kClockPs = 1000;

// The VCD time (ps) of the rising edge that starts GEMM cycle 0 of a first launch: edge 0
// is the reset, edges 1..load_cycles the host-port writes of A and B, edge load_cycles + 1
// samples start. Cycle c runs from gemm_cycle0_ps + c ns to the edge 1 ns later, which
// gives the values the trace records for it (docs/traces.md).
uint64_t gemm_cycle0_ps(uint64_t load_cycles);

// DIR/systolic.gtkw: clock and launch, state, fold and cycle in fold, the array edges (A in
// on the left, B or weights in at the top, C out), and one interior PE's operands. The view
// opens two cycles before GEMM cycle 0, with the marker on it.
void write_systolic_gtkw(const std::string& dir, const systolic::ArrayShape& shape, uint64_t load_cycles);

}  // namespace lockstep::trace
