// `lockstep asm`: assemble a kernel and print its listing (address, word, disassembly, line, and
// on a GPU with divergence where each conditional branch's paths meet again).
#include "command_line.h"
#include "command_support.h"
#include "commands.h"
#include "common/error.h"
#include "common/reconvergence.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>

namespace lockstep {

int asm_command(const AsmArgs& args, std::ostream& out) {
    const Config config = read_config(args.config);
    const Program program = assemble_file(args.program, limits_for(config.gpu));
    if (!args.output.empty()) {
        std::ofstream file(args.output);
        if (!file) throw Error(args.output + ": cannot write file");
        for (uint16_t word : program.code) file << fmt::format("{:04X}\n", word);
    }
    out << listing(program, config.gpu.divergence() ? reconvergence_fields(program.code, config.gpu.program_addr_bits)
                                                    : std::vector<uint32_t>{},
                   config.gpu.program_addr_bits);
    return 0;
}

void add_asm_command(CLI::App& app, CommandTable& table) {
    auto args = std::make_shared<AsmArgs>();
    args->config = default_config();
    CLI::App* cli = app.add_subcommand("asm", "Assemble a kernel and print its listing");
    cli->add_option("program", args->program, "Assembly file")->required();
    cli->add_option("--config", args->config, "GPU config (sets memory sizes; with divergence the listing shows reconvergence points)")->capture_default_str();
    cli->add_option("-o,--output", args->output, "Also write the machine words, one hex word per line");
    table.push_back({cli, [args] { return asm_command(*args, std::cout); }});
}

}  // namespace lockstep
