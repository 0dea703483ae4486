// lockstep: run GPU kernels and GEMMs on the SystemC model, the Verilated RTL, or both in
// lock-step. Each subcommand lives in <name>_command.cpp with its options; this file only
// registers them, runs the one the command line chose, and turns errors into exit statuses:
// 2 for the user's mistakes (lockstep::Error), 3 for internal errors, CLI11's for bad usage.
#include "command_line.h"
#include "common/error.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace lockstep {

int main(int argc, char** argv) {
    CLI::App app{"lockstep: a tiny-gpu compatible GPU as SystemC model and Verilated RTL, run in lock-step"};
    app.require_subcommand(1);
    CommandTable commands;
    add_run_command(app, commands);
    add_asm_command(app, commands);
    add_disasm_command(app, commands);
    add_build_rtl_command(app, commands);
    add_gemm_command(app, commands);
    add_fuzz_command(app, commands);
    add_step_command(app, commands);
    add_view_command(app, commands);
    add_bench_command(app, commands);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    const auto chosen = std::find_if(commands.begin(), commands.end(), [](const Command& c) { return c.cli->parsed(); });
    if (chosen == commands.end()) return 0;
    const bool json_errors = chosen->json();
    try {
        return chosen->execute();
    } catch (const Error& e) {
        std::cerr << "lockstep: error: " << e.what() << "\n";
        if (json_errors) std::cout << nlohmann::json{{"error", e.what()}}.dump() << std::endl;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "lockstep: internal error: " << e.what() << "\n";
        if (json_errors) std::cout << nlohmann::json{{"error", std::string("internal error: ") + e.what()}}.dump() << std::endl;
        return 3;
    }
}

}  // namespace lockstep

int main(int argc, char** argv) { return lockstep::main(argc, argv); }
