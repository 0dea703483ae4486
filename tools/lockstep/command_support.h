// What several commands need: the default config, reading --config, the assembler's limits
// for a GPU, --engine by name, strict numbers, the exit statuses and trace folders.
#pragma once

#include "common/assembler.h"
#include "commands.h"
#include "common/config.h"
#include "common/error.h"
#include "cosim/gpu_engine.h"
#include "cosim/systolic_engine.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class Validator;
}

namespace lockstep {

// What every `--help` ends with (main.cpp returns these).
inline constexpr const char* kExitStatuses =
    "Exit status: 0 ok; 1 a lock-step mismatch or a failed check (C differs, a fuzz seed, a mutant or a "
    "sweep job failed); 2 bad input or usage; 3 internal error";

// Every numeric option checks with this: digits only (no sign, no junk), lo..hi; a mistake is a
// usage error (exit 2), e.g. "--rows: '-1' is not a whole number in 1..256".
CLI::Validator whole_number(uint64_t lo, uint64_t hi);

// "123" exactly (no sign, spaces or junk; fits 64 bits), else nullopt.
std::optional<uint64_t> parse_whole(const std::string& text);
// The same with an optional leading '-', within int32.
std::optional<int32_t> parse_int32(const std::string& text);
// The PE part of an --inject-fault, "ROW", "COL" and "(h|v|w|acc)=VALUE" (gemm's
// CYCLE:ROW.COL:..., run's CYCLE:CORE.pe.ROW.COL:...), else nullopt.
std::optional<cosim::PeFault> parse_pe_fault(uint64_t cycle, const std::string& row, const std::string& col,
                                             const std::string& assignment);
// "72, 72, 72": each launch's cycles, as run and gemm print them.
std::string comma_list(const std::vector<uint64_t>& values);
// `text` cut at every `separator`: "a:b:" gives {"a", "b", ""}.
std::vector<std::string> split(const std::string& text, char separator);

// `text` without leading and trailing spaces, tabs and carriage returns.
std::string trim(const std::string& text);
// A CSV line's cells, trimmed; a trailing comma gives a last empty cell.
std::vector<std::string> split_csv(const std::string& line);

// Throws Error unless `dir` holds a trace (states.bin). A folder of per-layer traces (gemm
// --topology --trace) gets the list of its layers' folders and the command to open each.
void require_trace_dir(const std::string& dir, const std::string& command);

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
