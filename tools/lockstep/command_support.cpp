#include "command_support.h"

#include "build_info.h"
#include "common/error.h"
#include "common/plural.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sstream>

namespace lockstep {

std::string source_file(const std::string& relative) {
    return std::string(build_info::kSourceDir) + "/" + relative;
}

std::string default_config() {
    const std::string path = source_file("configs/tiny-gpu.yaml");
    return std::filesystem::exists(path) ? path : "";
}

Config read_config(const std::string& path) {
    if (path.empty()) {
        Config config;
        config.path = "<defaults>";
        return config;
    }
    return load_config(path);
}

AsmLimits limits_for(const GpuConfig& gpu) {
    AsmLimits limits;
    limits.program_words = 1u << gpu.program_addr_bits;
    limits.data_words = 1u << gpu.data_addr_bits;
    limits.data_bits = gpu.data_width;
    return limits;
}

cosim::Engine engine_named(const std::string& name) {
    const auto engine = cosim::engine_from_name(name);
    if (!engine) throw Error(fmt::format("--engine '{}': expected model, rtl or cosim", name));
    return *engine;
}

std::optional<uint64_t> parse_whole(const std::string& text) {
    if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    errno = 0;
    const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE) return std::nullopt;
    return value;
}

std::optional<int32_t> parse_int32(const std::string& text) {
    const bool negative = !text.empty() && text[0] == '-';
    const auto magnitude = parse_whole(negative ? text.substr(1) : text);
    const uint64_t limit = negative ? uint64_t{1} << 31 : (uint64_t{1} << 31) - 1;
    if (!magnitude || *magnitude > limit) return std::nullopt;
    return static_cast<int32_t>(negative ? -static_cast<int64_t>(*magnitude) : static_cast<int64_t>(*magnitude));
}

std::optional<cosim::PeFault> parse_pe_fault(uint64_t cycle, const std::string& row_text, const std::string& col_text,
                                             const std::string& assignment) {
    const std::vector<std::string> assign = split(assignment, '=');
    if (assign.size() != 2) return std::nullopt;
    const auto row = parse_whole(row_text), col = parse_whole(col_text);
    const auto value = parse_int32(assign[1]);
    const std::string known[] = {"h", "v", "w", "acc"};
    if (!row || !col || !value || *row > 65535 || *col > 65535 ||
        std::find(std::begin(known), std::end(known), assign[0]) == std::end(known)) {
        return std::nullopt;
    }
    return cosim::PeFault{cycle, static_cast<unsigned>(*row), static_cast<unsigned>(*col), assign[0], *value};
}

std::string comma_list(const std::vector<uint64_t>& values) {
    std::string out;
    for (uint64_t v : values) out += (out.empty() ? "" : ", ") + std::to_string(v);
    return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts(1);
    for (char c : text) {
        if (c == separator) parts.emplace_back();
        else parts.back() += c;
    }
    return parts;
}

std::string trim(const std::string& text) {
    const size_t begin = text.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return "";
    return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream in(line);
    std::string cell;
    while (std::getline(in, cell, ',')) cells.push_back(trim(cell));
    if (!line.empty() && line.back() == ',') cells.push_back("");
    return cells;
}

CLI::Validator whole_number(uint64_t lo, uint64_t hi) {
    const bool unbounded = hi == std::numeric_limits<uint64_t>::max();
    const std::string range = unbounded ? fmt::format("{} or more", lo) : fmt::format("{}..{}", lo, hi);
    const std::string within = unbounded ? (lo ? " of " + range : "") : " in " + range;
    return CLI::Validator(
        [lo, hi, within](std::string& text) -> std::string {
            const auto value = parse_whole(text);
            if (!value || *value < lo || *value > hi) return fmt::format("'{}' is not a whole number{}", text, within);
            return "";
        },
        range);
}

void require_trace_dir(const std::string& dir, const std::string& command) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(fs::path(dir) / "states.bin", ec) || !fs::is_directory(dir, ec)) return;   // the reader says what is wrong
    std::vector<std::string> layers;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_directory(ec) && fs::exists(entry.path() / "states.bin", ec)) layers.push_back(entry.path().filename());
    }
    if (layers.empty()) return;
    std::sort(layers.begin(), layers.end());
    std::string list;
    for (const std::string& layer : layers) list += fmt::format("\n  lockstep {} {}", command, (fs::path(dir) / layer).string());
    throw Error(fmt::format("{} holds the traces of {}, one folder each; open one:{}", dir,
                            plural(layers.size(), "layer"), list));
}

}  // namespace lockstep
