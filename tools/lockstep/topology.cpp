#include "topology.h"

#include "common/error.h"
#include "scale/network.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

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

// SCALE-Sim GEMM topology, read by scale's reader (a header, then `name, M, N, K` per layer);
// each name must also be able to name a trace folder.
std::vector<Layer> read_topology(const std::string& path) {
    std::vector<Layer> layers;
    for (const scale::ConvLayer& l : scale::read_network(path, scale::TopologyKind::kGemm)) {
        if (const std::string problem = folder_name_problem(l.name); !problem.empty()) throw error_at(path, l.line, problem);
        // SCALE-Sim's conv layer of a GEMM: an M x K ifmap and N filters of 1 x K.
        layers.push_back(Layer{l.name, GemmSize{l.ifmap_h, l.ifmap_w, l.num_filter}});
    }
    return layers;
}

}  // namespace lockstep
