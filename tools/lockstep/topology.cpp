#include "topology.h"

#include "command_support.h"
#include "common/error.h"
#include "common/plural.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>

namespace lockstep {

using systolic::GemmSize;

// A layer's name becomes its trace folder: letters, digits, '_', '-' and '.', not first, at
// most 100 characters; so no path separators, "..", hidden folders or control characters.
std::string folder_name_problem(const std::string& name) {
    if (name.empty()) return "a layer needs a name";
    const bool safe = name.size() <= 100 && name[0] != '.' &&
                      std::all_of(name.begin(), name.end(), [](char c) {
                          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
                      });
    if (safe) return "";
    return fmt::format("layer name '{}' cannot be a trace folder: use letters, digits, '_', '-' and '.' "
                       "(not first), at most 100 characters", name);
}

// SCALE-Sim GEMM topology: a header, then `name, M, N, K,` per layer.
std::vector<Layer> read_topology(const std::string& path) {
    std::ifstream in(path);
    if (!in || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    std::vector<Layer> layers;
    std::map<std::string, int> named_on;   // a layer's name, and the line that named it
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::vector<std::string> cells = split_csv(line);
        while (!cells.empty() && cells.back().empty()) cells.pop_back();
        if (cells.empty()) continue;
        if (number == 1 && cells[0].find("Layer") != std::string::npos) continue;   // the header
        if (cells.size() != 4) {
            throw error_at(path, number, fmt::format("expected 'name, M, N, K', got {}", plural(cells.size(), "field")));
        }
        uint32_t dims[3] = {};
        for (int i = 0; i < 3; ++i) {
            const std::string& cell = cells[i + 1];
            if (cell.empty() || cell.find_first_not_of("0123456789") != std::string::npos || cell.size() > 9) {
                throw error_at(path, number, fmt::format("'{}' is not a size", cell));
            }
            dims[i] = static_cast<uint32_t>(std::stoul(cell));
        }
        if (const std::string problem = folder_name_problem(cells[0]); !problem.empty()) {
            throw error_at(path, number, problem);
        }
        if (const auto [at, fresh] = named_on.emplace(cells[0], number); !fresh) {
            throw error_at(path, number, fmt::format("layer '{}' is already on line {}: names must be unique "
                                                     "(each is a trace folder)", cells[0], at->second));
        }
        layers.push_back(Layer{cells[0], GemmSize{dims[0], dims[2], dims[1]}});   // M, N, K order in the file
    }
    if (layers.empty()) throw Error(path + ": no layers");
    return layers;
}

}  // namespace lockstep
