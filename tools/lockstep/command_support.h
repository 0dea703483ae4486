// What several commands need: the default config, reading --config, the assembler's limits
// for a GPU, and --engine by name.
#pragma once

#include "common/assembler.h"
#include "commands.h"
#include "common/config.h"
#include "common/error.h"
#include "cosim/gpu_engine.h"

#include <string>

namespace lockstep {

// A file in the source tree ("programs/bench_loop.asm"), where Lockstep was configured.
std::string source_file(const std::string& relative);

// configs/tiny-gpu.yaml when the source tree has it, else "" (the built-in defaults).
std::string default_config();

// The config at `path`; "" gives the built-in defaults, named "<defaults>".
Config read_config(const std::string& path);

// Program and data memory sizes and the data width the assembler checks against.
AsmLimits limits_for(const GpuConfig& gpu);

// The engine an --engine value names; throws Error unless model, rtl or cosim.
cosim::Engine engine_named(const std::string& name);

// The driver's options from the command line; the command parses its own --inject-fault.
template <typename Options>
Options driver_options(const LockstepArgs& args) {
    Options options;
    options.engine = engine_named(args.engine);
    options.trace_dir = args.trace;
    options.max_cycles = args.max_cycles;
    options.launches = args.launches;
    options.reset_at = args.reset_at;
    options.progress = !args.json;   // and only on a terminal: StatusLine checks
    if (!args.fault.empty() && options.engine == cosim::Engine::Rtl) {
        throw Error("--inject-fault changes the model: use --engine cosim or model");
    }
    return options;
}

}  // namespace lockstep
