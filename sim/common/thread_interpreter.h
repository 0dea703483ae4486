// The ISA's meaning without any micro-architecture: every thread of the kernel runs alone,
// one after another, from PC 0 to its RET (docs/isa.md). A race-free kernel (no thread reads
// a word another one writes) leaves the same data memory on the GPU, divergent or not; the
// divergence tests and `lockstep fuzz` check that.
#pragma once

#include "common/assembler.h"
#include "common/config.h"

#include <cstdint>
#include <vector>

namespace lockstep {

// Data memory after running `program` on `config`'s shape (data width, address bits, block
// size, program size): thread i is block i / threads_per_block, slot i % threads_per_block.
// Throws lockstep::Error when a thread runs more than `max_steps` instructions or touches an
// address outside data memory; names the thread and PC.
std::vector<uint32_t> run_threads_alone(const Program& program, const GpuConfig& config,
                                        const std::vector<uint32_t>& initial_memory, uint64_t max_steps = 1000000);

}  // namespace lockstep
