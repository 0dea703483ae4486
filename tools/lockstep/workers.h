// Independent work items (a topology's layers, one GEMM's column tiles) in worker processes:
// SystemC keeps one simulation per process, so parallel runs are forked processes, not threads.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace lockstep {

// Runs items 0..count-1 with `run` in `jobs` worker processes (fork: what `prepare` makes
// before the fork, such as the SystemC model, is copied into each), each worker taking the
// next item not yet taken, and returns the results in item order. A worker's error becomes
// this process's error, first item first. `progress`: a status line "<what>: 3 of 21 <item>s
// done"; `item` also names the item in errors.
std::vector<nlohmann::json> run_in_workers(size_t count, unsigned jobs, const std::function<void()>& prepare,
                                           const std::function<nlohmann::json(size_t)>& run, bool progress,
                                           const std::string& what, const std::string& item = "layer");

}  // namespace lockstep
