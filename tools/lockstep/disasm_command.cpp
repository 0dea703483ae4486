// `lockstep disasm`: disassemble a file of hex words, as `asm -o` writes them, into assembly
// that `asm` takes back (labels for branch targets).
#include "command_line.h"
#include "commands.h"
#include "common/error.h"
#include "common/isa.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

namespace lockstep {

int disasm_command(const std::string& path, std::ostream& out) {
    std::ifstream in(path);
    if (!in || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    std::string token;
    int line = 0;
    std::string text;
    std::vector<uint16_t> program;
    while (std::getline(in, text)) {
        ++line;
        std::istringstream words(text.substr(0, text.find(';')));
        while (words >> token) {
            size_t used = 0;
            unsigned long value = 0;
            try {
                value = std::stoul(token, &used, 16);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != token.size() || value > 0xFFFF) {
                throw error_at(path, line, fmt::format("'{}' is not a 16-bit hex word", token));
            }
            program.push_back(static_cast<uint16_t>(value));
        }
    }
    out << isa::disassemble_program(program);
    return 0;
}

void add_disasm_command(CLI::App& app, CommandTable& table) {
    auto path = std::make_shared<std::string>();
    CLI::App* cli = app.add_subcommand("disasm", "Disassemble a file of hex words (as `asm -o` writes)");
    cli->add_option("file", *path, "Hex words, whitespace separated; ';' starts a comment")->required();
    table.push_back({cli, [path] { return disasm_command(*path, std::cout); }});
}

}  // namespace lockstep
