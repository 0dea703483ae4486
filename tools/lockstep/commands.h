// Subcommands that live in their own files.
#pragma once

#include "common/config.h"

#include <string>

namespace lockstep {

struct BenchArgs {
    std::string config;
    std::string program;       // empty: programs/bench_loop.asm
    double min_time = 0.5;     // seconds per benchmark
};

int bench_command(const BenchArgs& args, const Config& config);

}  // namespace lockstep
