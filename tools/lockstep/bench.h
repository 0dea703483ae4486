// The benchmarks behind `lockstep bench` (bench_command.cpp picks one by --design).
#pragma once

#include "commands.h"
#include "common/config.h"

namespace lockstep {

int bench_gpu(const BenchArgs& args, const Config& config);        // bench_gpu.cpp
int bench_systolic(const BenchArgs& args);                         // bench_systolic.cpp
int bench_stepper(const BenchArgs& args, const Config& config);    // bench_traces.cpp
int bench_view(const BenchArgs& args, const Config& config);       // bench_traces.cpp

// Runs every Google Benchmark registered since the last call, each for at least `min_time`
// seconds (the first call's), printing each row as it is ready.
void run_registered_benchmarks(double min_time);

}  // namespace lockstep
