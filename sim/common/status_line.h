// A line of progress on stderr for waits longer than a second or two (building RTL, long
// runs), rewritten in place. Only on a terminal, so logs, pipes and --json stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace lockstep {

class StatusLine {
public:
    // Shows nothing unless `enabled` and stderr is a terminal.
    explicit StatusLine(bool enabled = true);
    ~StatusLine();   // erases the line
    StatusLine(const StatusLine&) = delete;
    StatusLine& operator=(const StatusLine&) = delete;

    bool active() const { return active_; }
    // Rewrites the line with `text`, at most a few times a second.
    void show(const std::string& text);
    void clear();

private:
    bool active_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point last_{};
};

// "1,234,567": long cycle counts, readable at a glance.
std::string thousands(uint64_t value);
// "8 s", "3 min 21 s".
std::string duration_text(double seconds);

}  // namespace lockstep
