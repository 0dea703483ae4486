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

// Every value of column `name` of the utilisation.csv in trace directory `dir`, one per record.
inline std::vector<std::string> utilisation_column(const std::string& dir, const std::string& name) {
    std::ifstream csv(dir + "/utilisation.csv");
    std::string header, row;
    std::getline(csv, header);
    std::vector<std::string> columns;
    std::stringstream names(header);
    for (std::string column; std::getline(names, column, ',');) columns.push_back(column);
    size_t at = 0;
    while (at < columns.size() && columns[at] != name) ++at;
    EXPECT_LT(at, columns.size()) << name << " not in " << header;
    std::vector<std::string> values;
    while (std::getline(csv, row)) {
        std::vector<std::string> cells;
        std::stringstream cells_of(row);
        for (std::string cell; std::getline(cells_of, cell, ',');) cells.push_back(cell);
        values.push_back(at < cells.size() ? cells[at] : "");
    }
    return values;
}

inline std::vector<uint32_t> memory_of(const nlohmann::json& json, size_t from, size_t count) {
    std::vector<uint32_t> words;
    for (size_t i = from; i < from + count; ++i) words.push_back(json.at("memory").at(i).get<uint32_t>());
    return words;
}

// A tensor-core run (docs/architecture.md, "Tensor core") on configs/gpu-tc.yaml: two cores
// with 4x4 output-stationary tensor cores, memory latency 0. One block loads A (words 0..15)
// and B (16..31) as 4x4 tiles, runs one TMMA and stores C = A * B at 32; core 1 stays idle.
struct TensorCoreRun {
    static constexpr unsigned kR = 4, kC = 4, kCores = 2;
    static constexpr unsigned kFold = 2 * kR + kC - 2;   // os fold length L
    static constexpr int32_t kA[kR * kR] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static constexpr int32_t kB[kR * kC] = {2, 0, 1, 0, 0, 1, 0, 3, 1, 0, 1, 0, 0, 0, 0, 1};
    static constexpr const char* kProgram = R"(.threads 4
.data 1 2 3 4  5 6 7 8  9 10 11 12  13 14 15 16
.data 2 0 1 0  0 1 0 3  1 0 1 0  0 0 0 1
CONST R0, #0
CONST R1, #4
CONST R2, #16
CONST R3, #32
TLDA R0, R1
TLDB R2, R1
TMMA
TSTC R3, R1
RET
)";
    // C[i][j] = sum over k of A[i][k] * B[k][j].
    static int32_t c(unsigned i, unsigned j) {
        int32_t sum = 0;
        for (unsigned k = 0; k < kR; ++k) sum += kA[i * kR + k] * kB[k * kC + j];
        return sum;
    }
    // PEs that multiply at fold cycle k (os: PE (i, j) takes stream index s = k at i + j <= k < i + j + R).
    static unsigned busy_pes(unsigned k) {
        unsigned n = 0;
        for (unsigned i = 0; i < kR; ++i) {
            for (unsigned j = 0; j < kC; ++j) n += i + j <= k && k < i + j + kR;
        }
        return n;
    }
    // Records the run's trace into `dir`.
    static int record(const std::string& dir) {
        const std::string program = write_temp("tc_program.asm", kProgram);
        return run_cli("run " + program + " --config " + source_path("configs/gpu-tc.yaml") + " --engine model --trace " + dir)
            .status;
    }
};

}  // namespace lockstep::testing
