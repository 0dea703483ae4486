// How main.cpp sees the subcommands: each <name>_command.cpp adds its CLI11 subcommand, with
// its options and help, to the app and a row to the table; main runs the row parsed.
#pragma once

#include <functional>
#include <vector>

namespace CLI {
class App;
}

namespace lockstep {

struct Command {
    CLI::App* cli = nullptr;                         // the subcommand: parsed() when chosen
    std::function<int()> execute;                    // runs it with the parsed options
    std::function<bool()> json = [] { return false; };   // --json: errors also go to stdout as JSON
};
using CommandTable = std::vector<Command>;

// In the order `lockstep --help` lists them.
void add_run_command(CLI::App& app, CommandTable& table);
void add_asm_command(CLI::App& app, CommandTable& table);
void add_disasm_command(CLI::App& app, CommandTable& table);
void add_build_rtl_command(CLI::App& app, CommandTable& table);
void add_gemm_command(CLI::App& app, CommandTable& table);
void add_fuzz_command(CLI::App& app, CommandTable& table);
void add_step_command(CLI::App& app, CommandTable& table);
void add_view_command(CLI::App& app, CommandTable& table);
void add_bench_command(CLI::App& app, CommandTable& table);
void add_mutate_command(CLI::App& app, CommandTable& table);
void add_sweep_command(CLI::App& app, CommandTable& table);
void add_scale_command(CLI::App& app, CommandTable& table);

}  // namespace lockstep
