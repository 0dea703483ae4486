// `lockstep fuzz`: random kernels in lock-step, each also checked against its threads run
// alone; a failure prints its seed and how to rerun it.
#include "command_line.h"
#include "command_support.h"
#include "commands.h"
#include "common/error.h"
#include "common/program_generator.h"
#include "common/thread_interpreter.h"
#include "cosim/gpu_engine.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>

namespace lockstep {

namespace {

// The kernels are race-free, so the GPU must leave what each thread run alone leaves.
std::string differs_from_threads_alone(const Program& program, const GpuConfig& gpu, const cosim::RunResult& result) {
    const std::vector<uint32_t> alone = run_threads_alone(program, gpu, result.initial_memory);
    for (size_t a = 0; a < alone.size() && a < result.memory.size(); ++a) {
        if (alone[a] != result.memory[a]) {
            return fmt::format("data memory [{}] is {} after the run, {} when each thread runs alone", a,
                               result.memory[a], alone[a]);
        }
    }
    return "";
}

}  // namespace

int fuzz_command(const FuzzArgs& args) {
    const Config config = read_config(args.config);
    const cosim::Engine engine = engine_named(args.engine);
    const uint64_t start = args.start_seed;
    if (start > UINT64_MAX - args.seeds) throw Error("--start-seed + --seeds is beyond the largest seed");
    unsigned passed = 0, failed = 0;
    for (uint64_t seed = start; seed < start + args.seeds; ++seed) {
        const std::string text = generate_program(seed, config.gpu);
        const std::string name = fmt::format("fuzz-seed-{}.asm", seed);
        std::string problem;
        try {
            const Program program = assemble(text, name, limits_for(config.gpu));
            cosim::RunOptions options;
            options.engine = engine;
            options.max_cycles = args.max_cycles;
            const cosim::RunResult result = cosim::run_gpu(config, program, options);
            if (result.first_mismatch) {
                problem = cosim::format_report(*result.first_mismatch);
            } else if (!config.gpu.tensor_core.present()) {   // a TSTC may store over other threads' words
                problem = differs_from_threads_alone(program, config.gpu, result);
            }
        } catch (const Error& e) {
            problem = e.what();
        }
        if (problem.empty()) {
            ++passed;
            continue;
        }
        ++failed;
        fmt::print("seed {} FAILED (rerun: lockstep fuzz --start-seed {} --seeds 1 --config {} --engine {})\n{}\n",
                   seed, seed, config.path, args.engine, problem);
        if (!args.save.empty()) {
            std::filesystem::create_directories(args.save);
            std::ofstream(args.save + "/" + name) << text;
        }
    }
    fmt::print("fuzz: {} passed, {} failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

void add_fuzz_command(CLI::App& app, CommandTable& table) {
    auto args = std::make_shared<FuzzArgs>();
    args->config = default_config();
    CLI::App* cli = app.add_subcommand("fuzz", "Run random kernels in lock-step; report any mismatch with its seed");
    cli->add_option("--start-seed", args->start_seed, "First seed")->capture_default_str()
        ->check(whole_number(0, UINT64_MAX));
    cli->add_option("--seeds", args->seeds, "How many seeds")->capture_default_str()->check(whole_number(1, 1000000000));
    cli->add_option("--config", args->config, "GPU config (YAML)")->capture_default_str();
    cli->add_option("--engine", args->engine, "model | rtl | cosim")->capture_default_str();
    cli->add_option("--save", args->save, "Write failing kernels to this directory");
    cli->add_option("--max-cycles", args->max_cycles, "Stop a kernel with an error after this many cycles")
        ->check(whole_number(1, 1000000000));
    table.push_back({cli, [args] { return fuzz_command(*args); }});
}

}  // namespace lockstep
