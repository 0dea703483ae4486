// Shared helpers for the GoogleTest suites.
#pragma once

#include "common/config.h"
#include "common/error.h"

#include <cstdint>
#include <string>

namespace lockstep::testing {

// Absolute path of a file in the source tree ("programs/matmul.asm").
std::string source_path(const std::string& relative);

// Runs the lockstep binary with `args`; returns its exit status and fills stdout/stderr.
int run_lockstep(const std::string& args, std::string* out, std::string* err = nullptr);
std::string lockstep_binary();

// The whole file, as bytes ("" when it cannot be read).
std::string read_text(const std::string& path);

// Runs `command` in /bin/sh; returns its exit status and fills stdout/stderr.
int run_shell(const std::string& command, std::string* out = nullptr, std::string* err = nullptr);

// The message parse_config fails with on `yaml` (read as file c.yaml), or "no error". Inline, so
// that only the tests that call it need the config loader.
inline std::string config_error(const std::string& yaml) {
    try {
        parse_config(yaml, "c.yaml");
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

// SCALE-Sim's cycles of an M x K x N GEMM on an R x C array (folds x cycles per fold), from
// reference.md section 2, written out again here rather than taken from the model.
uint64_t scale_sim_cycles(const std::string& df, unsigned R, unsigned C, uint64_t M, uint64_t K, uint64_t N);

}  // namespace lockstep::testing
