// The subcommands of `lockstep`, callable in-process: each takes its options and returns the
// exit status; a user's mistake throws Error (the CLI prints it and exits 2). An empty
// `config` means the built-in defaults (the CLI's default is configs/tiny-gpu.yaml).
// SystemC builds one model shape per process and no modules once it has simulated, so a
// process (a test) may run asm, disasm, step and view freely but at most one shape.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace lockstep {

// `run`: a kernel on the model, the RTL or both in lock-step; prints the data memory before
// and after, the cycles and the utilisation, or one JSON object. 1 on a lock-step mismatch.
// What every lock-step command (run, gemm) takes from its command line.
struct LockstepArgs {
    std::string engine = "cosim";  // model | rtl | cosim
    std::string trace;             // write the traces into this directory
    std::string fault;             // --inject-fault, in the command's own form
    uint64_t max_cycles = 0;       // 0: sim.max_cycles of the config
    unsigned launches = 1;
    uint64_t reset_at = 0;         // reset mid-run after this many cycles, then run as usual
    bool json = false;
};

struct RunArgs : LockstepArgs {
    std::string program;           // assembly file
    std::string config;
    std::string data;              // --data FILE: words laid over the program's .data
    std::vector<std::string> data_values;   // --data-values "ADDR: v v ...", laid over after --data
    bool signed_words = false;     // --signed: memory shown (and in JSON) as two's complement
    std::string dump;              // --dump FROM..TO: the words shown; empty: those in use
};
int run_command(const RunArgs& args);

// `asm`: assembles `program` and prints its listing to `out`; with `output`, also writes the
// machine words there, one hex word per line.
struct AsmArgs {
    std::string program;
    std::string config;            // sets the memory sizes
    std::string output;
};
int asm_command(const AsmArgs& args, std::ostream& out);

// `disasm`: prints the disassembly of a file of hex words (as `asm -o` writes) to `out`.
int disasm_command(const std::string& path, std::ostream& out);

// `build-rtl`: Verilates and compiles the RTL for a config now (else it happens on first use)
// and prints the library's path.
struct BuildRtlArgs {
    std::string config;
    std::string design = "gpu";    // gpu | systolic
    unsigned rows = 0, cols = 0;   // systolic: 0 keeps the config's
};
int build_rtl_command(const BuildRtlArgs& args);

// `gemm`: one GEMM (or every layer of a SCALE-Sim topology) on the systolic array.
struct GemmArgs : LockstepArgs {
    std::string config;
    unsigned rows = 0, cols = 0;   // 0: from the config
    std::string dataflow;          // empty: from the config
    uint32_t m = 0, k = 0, n = 0;  // 0: not given (--a/--b or --topology give them)
    uint64_t seed = 1;
    std::string a, b, out, topology;
    unsigned jobs = 1;             // worker processes for the layers of a topology
};
int gemm_command(const GemmArgs& args);

// `fuzz`: random kernels from seeds start_seed.. in lock-step; prints each failing seed with
// the command to rerun it. 1 when any failed.
struct FuzzArgs {
    uint64_t start_seed = 1, seeds = 100;
    std::string config;
    std::string engine = "cosim";
    std::string save;              // write failing kernels into this directory
    uint64_t max_cycles = 0;       // per kernel; 0: the config's sim.max_cycles
};
int fuzz_command(const FuzzArgs& args);

// `mutate`: mutation testing (docs/verification.md). 1 when an assertion breaker does not
// fire its assertion, or (fail_on_survivor) when a mutant not known to be equivalent survives.
struct MutateArgs {
    unsigned sample = 120;         // automatic mutants to run, spread over files and operators
    bool all = false;              // every automatic mutant instead
    uint64_t seed = 1;
    std::vector<std::string> only; // just these ids
    std::string side = "both", design = "both";
    std::string hand = "tests/mutants/hand.yaml";
    std::string breakers = "tests/mutants/assertion_breakers.yaml";
    bool breakers_only = false;
    std::string equivalent = "tests/mutants/equivalent.yaml";
    std::string inputs = "tests/mutants/inputs.yaml";
    unsigned jobs = 1, timeout = 120;
    std::string work, markdown, json_path;
    std::string from;              // report an earlier run's --json instead of running
    bool list = false, fail_on_survivor = false, quiet = false;
};
int mutate_command(const MutateArgs& args);

// `step`: full-screen on a terminal (unless `plain`); commands may also come from `commands`
// (-e), else one per line from stdin.
int step_command(const std::string& dir, const std::vector<std::string>& commands, bool plain);

// `view`: writes TRACE_DIR/view.html, a self-contained page to step through the run in a
// browser, and returns its path (view_command also prints it).
std::string write_view(const std::string& dir);
int view_command(const std::string& dir);

// `bench`: simulated cycles per second (Google Benchmark) of the GPU or the systolic array,
// or how fast the stepper and view.html read a trace.
struct BenchArgs {
    std::string config;
    std::string program;           // empty: programs/bench_loop.asm
    double min_time = 0.5;         // seconds per benchmark
    std::string design = "gpu";    // gpu | systolic | stepper | view
    std::string trace;             // stepper, view: a trace directory (empty: record a long kernel)
    bool model_only = false;       // systolic: no RTL and cosim (no 16x16 and 32x32 RTL builds)
    unsigned rounds = 1;           // gpu: model, RTL and cosim measured this many times in turn
};
int bench_command(const BenchArgs& args);

// `sweep`: a grid of configs times workloads (docs/sweeps.md) run as independent jobs, here on
// `jobs` processes at once or (emit) as GNU parallel's command list or a Slurm job array, then
// merged into results.csv and plot.svg. 1 when a job failed or has no result.
struct SweepArgs {
    std::string spec;              // SPEC.yaml; empty only with --merge
    std::string out;               // empty: <spec stem>-sweep in the current folder
    unsigned jobs = 0;             // 0: one per core
    std::string engine;            // empty: the spec's (model by default)
    std::string emit;              // parallel | slurm: write the job list instead of running it
    std::string merge;             // merge this folder's job results only
    int64_t job = -1;              // run just this job (what the emitted commands do)
    bool json = false;
};
int sweep_command(const SweepArgs& args);

// `scale`: a SCALE-Sim v2 config and topology in, SCALE-Sim's three reports out under
// OUTDIR/<run_name>/ (docs/scalesim.md). Only `compat = "scalesim"` runs so far: SCALE-Sim's
// own analytical model, reproduced value for value.
struct ScaleArgs {
    std::string config;            // -c: SCALE-Sim .cfg
    std::string topology;          // -t: topology CSV
    std::string input_type = "conv";   // -i: conv | gemm
    std::string out_dir = "../test_runs";   // -p: SCALE-Sim's default, relative to the current folder
    std::string compat;            // "scalesim", or empty for the default mode
    unsigned jobs = 1;             // layers computed at once
    bool json = false;
    // The default mode's (the layers run on the array):
    std::string engine = "model";  // model | rtl | cosim
    uint64_t seed = 1;             // random ifmaps and filters
    std::string data_dir;          // <layer>.ifmap.csv / <layer>.filter.csv
    unsigned bandwidth = 0;        // DRAM words per cycle; 0: from the .cfg
    unsigned dram_latency = 1;
    uint64_t max_cycles = 0;       // per layer; 0: none below 2^40
    std::string trace_dir;         // --trace: per-cycle traces of --trace-layers
    std::vector<std::string> trace_layers;
    std::vector<std::string> array_options_given;   // which of the above the command line set
};
int scale_command(const ScaleArgs& args);

}  // namespace lockstep
