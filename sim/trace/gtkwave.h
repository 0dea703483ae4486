// GTKWave save files for the VCDs the RTL writes: the signals a person wants first, in
// labelled groups, named as GTKWave names them (checked against real VCDs in the tests).
#pragma once

#include "common/config.h"
#include "systolic/systolic_types.h"

#include <string>

namespace lockstep::trace {

// DIR/gpu.gtkw: clock and launch, each core's state, PC and instruction, core 0 and its
// thread 0 inside, and the program and data memory handshakes.
void write_gpu_gtkw(const std::string& dir, const GpuConfig& gpu);

// DIR/systolic.gtkw: clock and launch, state, fold and cycle in fold, the array edges (A in
// on the left, B or weights in at the top, C out), and one interior PE's operands.
void write_systolic_gtkw(const std::string& dir, const systolic::ArrayShape& shape);

}  // namespace lockstep::trace
