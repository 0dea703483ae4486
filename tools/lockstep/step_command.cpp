// `lockstep step TRACE_DIR`: step through a recorded run (GPU or systolic), forwards and
// backwards, with breakpoints. Full-screen on a terminal; one command per line otherwise, so
// a session can be scripted: printf 'goto 40\nshow\nquit\n' | lockstep step DIR
#include "command_line.h"
#include "command_support.h"
#include "commands.h"
#include "common/error.h"
#include "step_screen.h"
#include "stepper.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <iostream>
#include <memory>

namespace lockstep {

int step_command(const std::string& dir, const std::vector<std::string>& commands, bool plain) {
    require_trace_dir(dir, "step");   // a gemm --topology folder: name its layers' folders
    Stepper stepper(dir);
    const bool terminal = commands.empty() && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (terminal && !plain && run_step_screen(stepper, dir)) return 0;

    if (terminal) std::cout << "lockstep step: " << dir << " (cycles 0.." << stepper.last() << "); help lists the commands\n";
    stepper.show(std::cout);
    bool rejected = false;   // a script with a bad command exits 2, after running the rest
    auto one = [&](const std::string& line) {
        try {
            return stepper.execute(line, std::cout);
        } catch (const Error& e) {
            std::cout << "error: " << e.what() << "\n";
            rejected = true;
            return true;
        }
    };
    if (!commands.empty()) {
        for (const std::string& line : commands) {
            if (!one(line)) break;
        }
        return rejected ? 2 : 0;
    }
    std::string line;
    while (true) {
        if (terminal) std::cout << "step> " << std::flush;
        if (!std::getline(std::cin, line)) break;
        if (!terminal) std::cout << "> " << line << "\n";
        if (!one(line)) break;
    }
    return rejected && !terminal ? 2 : 0;
}

void add_step_command(CLI::App& app, CommandTable& table) {
    struct StepArgs {
        std::string trace_dir;
        std::vector<std::string> commands;
        bool plain = false;
    };
    auto args = std::make_shared<StepArgs>();
    CLI::App* cli = app.add_subcommand("step", "Step through a recorded run (a --trace directory) cycle by cycle");
    cli->add_option("trace_dir", args->trace_dir, "Directory written by run/gemm --trace")->required();
    cli->add_option("-e,--execute", args->commands, "Run these commands instead of reading stdin");
    cli->add_flag("--plain", args->plain, "On a terminal, read typed commands line by line instead of full-screen keys");
    table.push_back({cli, [args] { return step_command(args->trace_dir, args->commands, args->plain); }});
}

}  // namespace lockstep
