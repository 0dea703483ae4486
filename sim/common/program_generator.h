// Random kernels for differential testing: straight-line code, counted loops, loads and
// stores within range, and no divergent branches (every branch condition is uniform); on a
// GPU with a tensor core also tile instructions, with uniform bases and strides and tiles
// inside data memory.
#pragma once

#include "common/assembler.h"
#include "common/config.h"

#include <cstdint>
#include <string>

namespace lockstep {

// Assembly text of a random kernel for this GPU shape; the same seed gives the same text.
std::string generate_program(uint64_t seed, const GpuConfig& config);

}  // namespace lockstep
