// Where the threads of a divergent branch meet again: each conditional branch's immediate
// post-dominator (docs/architecture.md, "Branch divergence"), found from the machine code.
#pragma once

#include "common/config.h"

#include <cstdint>
#include <vector>

namespace lockstep {

// Per program word, the reconvergence field {exit, ipdom} (P + 1 bits, P = program_addr_bits):
// for a BR with a non-zero condition its immediate post-dominator, or the exit bit (1 << P) when
// its paths only meet at RET (or never); 0 for every other word. The control-flow graph is the
// whole program memory (words past the code are NOPs, addresses wrap at 2^P), RET leads to exit.
std::vector<uint32_t> reconvergence_fields(const std::vector<uint16_t>& code, unsigned program_addr_bits);

// The program memory image: the code, and with divergence each word's reconvergence field in
// bits [16+P:16].
std::vector<uint32_t> program_image(const std::vector<uint16_t>& code, const GpuConfig& config);

}  // namespace lockstep
