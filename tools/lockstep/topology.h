// SCALE-Sim GEMM topologies (a header, then `name, M, N, K,` per layer): gemm runs every layer,
// sweep makes each layer a job.
#pragma once

#include "systolic/systolic_types.h"

#include <string>
#include <vector>

namespace lockstep {

struct Layer {
    std::string name;
    systolic::GemmSize size;
};

// "" when `name` can be a trace folder, else why not (the message names the rule).
std::string folder_name_problem(const std::string& name);

// The layers of a GEMM topology file, in file order (scale::read_network's rules, and names
// that can be trace folders); throws Error naming the file and line.
std::vector<Layer> read_topology(const std::string& path);

}  // namespace lockstep
