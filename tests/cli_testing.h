// Helpers for tests that go through the lockstep binary (one process per run, since
// SystemC cannot build a second model shape once a simulation has started).
#pragma once

#include "testing.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <string>
#include <vector>

namespace lockstep::testing {

struct CliRun {
    int status = -1;
    std::string out, err;
    nlohmann::json json;    // stdout parsed, when it is JSON
};

inline CliRun run_cli(const std::string& args) {
    CliRun run;
    run.status = run_lockstep(args, &run.out, &run.err);
    run.json = nlohmann::json::parse(run.out, nullptr, false);
    return run;
}

// A path under the test temp dir that no other test process uses (ctest runs them in parallel).
inline std::string temp_path(const std::string& name) {
    return ::testing::TempDir() + "lockstep_" + std::to_string(::getpid()) + "_" + name;
}

// Writes `text` to a fresh file under the test temp dir and returns its path.
inline std::string write_temp(const std::string& name, const std::string& text) {
    const std::string path = temp_path(name);
    std::ofstream(path) << text;
    return path;
}

// Records a model run of `program` (under programs/) on `config` into the trace directory `dir`.
inline int record_gpu_trace(const std::string& program, const std::string& dir,
                            const std::string& config = "configs/tiny-gpu.yaml") {
    return run_cli("run " + source_path("programs/" + program) + " --config " + source_path(config) +
                   " --engine model --trace " + dir)
        .status;
}

// Records a model GEMM on configs/systolic.yaml (4x4 ws unless `args` say otherwise) into `dir`.
inline int record_gemm_trace(const std::string& args, const std::string& dir) {
    return run_cli("gemm --config " + source_path("configs/systolic.yaml") + " " + args + " --engine model --trace " + dir)
        .status;
}

// The config a kernel under programs/ names in its header (`; config: gpu-tc` -> "gpu-tc", a
// file in configs/ without .yaml), or "" when it runs on any (the tiny-gpu kernels).
inline std::string program_config(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string semicolon, tag, name;
        words >> semicolon >> tag >> name;
        if (semicolon == ";" && tag == "config:") return name;
    }
    return "";
}

inline std::vector<uint32_t> memory_of(const nlohmann::json& json, size_t from, size_t count) {
    std::vector<uint32_t> words;
    for (size_t i = from; i < from + count; ++i) words.push_back(json.at("memory").at(i).get<uint32_t>());
    return words;
}

}  // namespace lockstep::testing
