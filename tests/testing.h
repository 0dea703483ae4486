// Shared helpers for the GoogleTest suites.
#pragma once

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

}  // namespace lockstep::testing
