// Errors a user can cause (bad input, runaway program, mismatch): one message, no crash.
#pragma once

#include <stdexcept>
#include <string>

namespace lockstep {

// Thrown for anything the user can fix; main() prints what() and exits non-zero.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "path:line: message", the form every input error takes.
inline Error error_at(const std::string& path, int line, const std::string& message) {
    return Error(path + ":" + std::to_string(line) + ": " + message);
}

}  // namespace lockstep
