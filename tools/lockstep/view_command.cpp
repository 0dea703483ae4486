// `lockstep view TRACE_DIR`: write TRACE_DIR/view.html (view.cpp) and print its path.
#include "command_line.h"
#include "command_support.h"
#include "commands.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace lockstep {

int view_command(const std::string& dir) {
    require_trace_dir(dir, "view");   // a gemm --topology folder: name its layers' folders
    std::cout << write_view(dir) << "\n";
    return 0;
}

void add_view_command(CLI::App& app, CommandTable& table) {
    auto dir = std::make_shared<std::string>();
    CLI::App* cli = app.add_subcommand("view", "Write TRACE_DIR/view.html: a self-contained page to step through a run");
    cli->add_option("trace_dir", *dir, "Directory written by run/gemm --trace")->required();
    table.push_back({cli, [dir] { return view_command(*dir); }});
}

}  // namespace lockstep
