// One reader for data files and --data-values, with the assembler's number rules.
#include "common/data_file.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "common/error.h"

namespace lockstep {

std::vector<DataWord> parse_data_words(const std::string& text, const std::string& source, const AsmLimits& limits,
                                       int first_line) {
    int line = first_line;
    auto fail = [&](const std::string& message) {
        return first_line == 0 ? Error(source + ": " + message) : error_at(source, line, message);
    };
    const long long lowest = -(1LL << (limits.data_bits - 1));
    const long long highest = (1LL << limits.data_bits) - 1;
    std::vector<DataWord> words;
    std::map<unsigned, int> set_on;   // address -> line that set it
    long long address = 0;
    std::istringstream lines(text);
    for (std::string row; std::getline(lines, row); ++line) {
        row = row.substr(0, row.find(';'));
        if (const size_t colon = row.find(':'); colon != std::string::npos) {
            std::istringstream head(row.substr(0, colon));
            std::string at, extra;
            head >> at >> extra;
            const std::optional<long long> moved = parse_number(at);
            if (!extra.empty() || !moved || *moved < 0) {
                throw fail(fmt::format("bad address '{}' before ':' (expected ADDR: values)", row.substr(0, colon)));
            }
            address = *moved;
            if (address >= limits.data_words) {
                throw fail(fmt::format("address {} is past data memory (0..{})", address, limits.data_words - 1));
            }
            row = row.substr(colon + 1);
        }
        for (char& c : row) c = (c == ',' || c == '\t' || c == '\r') ? ' ' : c;
        std::istringstream values(row);
        for (std::string token; values >> token; ++address) {
            const std::optional<long long> number = parse_number(token);
            if (!number) throw fail(fmt::format("bad value '{}' (decimal or 0x hex)", token));
            const long long value = *number;
            if (value < lowest || value > highest) {
                throw fail(fmt::format("value {} out of range {}..{} for {}-bit data", value, lowest, highest,
                                       limits.data_bits));
            }
            if (address >= limits.data_words) {
                throw fail(fmt::format("value {} would go to address {}, past data memory (0..{})", token, address,
                                       limits.data_words - 1));
            }
            const auto at = static_cast<unsigned>(address);
            if (const auto [it, fresh] = set_on.emplace(at, line); !fresh) {
                throw fail(first_line == 0 ? fmt::format("address {} set twice", at)
                                           : fmt::format("address {} set twice (first on line {})", at, it->second));
            }
            words.push_back({at, static_cast<uint32_t>(value & highest)});
        }
    }
    return words;
}

std::vector<DataWord> read_data_file(const std::string& path, const AsmLimits& limits) {
    std::ifstream file(path);
    // A directory opens like a file and reads as empty, so it is refused by name.
    if (!file || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    std::stringstream text;
    text << file.rdbuf();
    return parse_data_words(text.str(), path, limits);
}

void overlay_data(Program* program, const std::vector<DataWord>& words) {
    for (const DataWord& word : words) {
        if (word.address >= program->data.size()) program->data.resize(word.address + 1, 0);
        program->data[word.address] = word.value;
    }
}

}  // namespace lockstep
