// lockstep: run GPU kernels and GEMMs on the SystemC model, the Verilated RTL, or both in
// lock-step. Each subcommand lives in <name>_command.cpp with its options; this file only
// registers them, runs the one the command line chose, and turns errors into exit statuses:
// 2 for the user's mistakes (lockstep::Error and bad usage alike), 3 for internal errors.
#include "build_info.h"
#include "command_line.h"
#include "command_support.h"
#include "common/error.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sysc/kernel/sc_ver.h>

#include <algorithm>
#include <iostream>
#include <string>

namespace lockstep {

namespace {

std::string version() {
    return fmt::format("lockstep {} (git {})\n{}\nSystemC {}", build_info::kVersion, build_info::kGitCommit,
                       build_info::kVerilatorVersion, sc_core::sc_release());
}

// The row the command line names (the first word that is not an option: the app takes none
// else), found without the parser, which may have stopped before reaching it.
const Command* named_command(const CommandTable& commands, int argc, char** argv, int* at) {
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (word.empty() || word[0] == '-') continue;
        for (const Command& c : commands) {
            if (c.cli->get_name() == word) {
                *at = i;
                return &c;
            }
        }
        return nullptr;
    }
    return nullptr;
}

// A usage error: one message (and one JSON object when the subcommand was given --json), exit 2.
int usage_error(const CLI::ParseError& e, const CommandTable& commands, int argc, char** argv) {
    int at = 0;
    const Command* command = named_command(commands, argc, argv, &at);
    bool json = false;
    const CLI::Option* flag = command ? command->cli->get_option_no_throw("--json") : nullptr;
    if (flag && flag->get_expected_max() == 0) {   // a flag: mutate's --json names a file
        for (int i = at + 1; i < argc && std::string(argv[i]) != "--"; ++i) json |= std::string(argv[i]) == "--json";
    }
    const std::string help = command ? "lockstep " + command->cli->get_name() + " --help" : "lockstep --help";
    std::cerr << "lockstep: error: " << e.what() << "\n(" << help << " lists the options)\n";
    if (json) std::cout << nlohmann::json{{"error", e.what()}}.dump() << std::endl;
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"lockstep: a tiny-gpu compatible GPU as SystemC model and Verilated RTL, run in lock-step"};
    app.require_subcommand(1);
    app.set_version_flag("--version", version, "Print the version, git commit, Verilator and SystemC versions");
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
    add_mutate_command(app, commands);
    add_sweep_command(app, commands);
    add_scale_command(app, commands);
    app.footer(kExitStatuses);
    for (const Command& c : commands) c.cli->footer(kExitStatuses);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);   // --help, --version
        return usage_error(e, commands, argc, argv);
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
