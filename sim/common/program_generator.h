// Random kernels for differential testing: straight-line code, counted loops, loads and
// stores within range (a thread stores only to its own words, so the kernels are race-free);
// branch conditions are uniform unless the GPU has divergence, which adds ifs and if/elses on
// the thread index (nested as deep as its stack allows), loops whose trip count depends on the
// thread and early RETs; on a GPU with a tensor core also tile instructions, with uniform
// bases and strides and tiles inside data memory.
#pragma once

#include "common/assembler.h"
#include "common/config.h"

#include <cstdint>
#include <string>

namespace lockstep {

// Assembly text of a random kernel for this GPU shape; the same seed gives the same text.
std::string generate_program(uint64_t seed, const GpuConfig& config);

}  // namespace lockstep
