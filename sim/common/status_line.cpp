#include "common/status_line.h"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>

namespace lockstep {

StatusLine::StatusLine(bool enabled) : active_(enabled && ::isatty(STDERR_FILENO) == 1) {}

StatusLine::~StatusLine() { clear(); }

void StatusLine::show(const std::string& text) {
    if (!active_) return;
    const auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    shown_ = true;
    fmt::print(stderr, "\r\033[K{}", text);   // carriage return, erase to the end of the line
    std::fflush(stderr);
}

void StatusLine::clear() {
    if (!shown_) return;
    shown_ = false;
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
}

std::string thousands(uint64_t value) {
    std::string digits = std::to_string(value), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string duration_text(double seconds) {
    const auto whole = static_cast<uint64_t>(seconds + 0.5);
    if (whole < 60) return fmt::format("{} s", whole);
    return fmt::format("{} min {} s", whole / 60, whole % 60);
}

}  // namespace lockstep
