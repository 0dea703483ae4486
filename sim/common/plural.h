// "1 core", "2 cores", "3 launches": every count printed with its noun goes through here.
#pragma once

#include <cstdint>
#include <string>

namespace lockstep {

// `n` and the noun, singular for one; plural by the English rule for -s, -x, -ch and -sh.
inline std::string plural(uint64_t n, const std::string& noun) {
    auto ends = [&](const std::string& tail) {
        return noun.size() >= tail.size() && noun.compare(noun.size() - tail.size(), tail.size(), tail) == 0;
    };
    const bool es = ends("s") || ends("x") || ends("ch") || ends("sh");
    return std::to_string(n) + " " + noun + (n == 1 ? "" : es ? "es" : "s");
}

}  // namespace lockstep
