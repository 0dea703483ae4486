// Optimal string alignment distance: Levenshtein plus swapped neighbours ("CNOST" is one edit).
#include "common/spelling.h"

#include <algorithm>
#include <cctype>

namespace lockstep {

unsigned edit_distance(const std::string& a, const std::string& b) {
    const auto same = [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    };
    // d[i][j]: edits from the first i characters of a to the first j of b.
    std::vector<std::vector<unsigned>> d(a.size() + 1, std::vector<unsigned>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<unsigned>(i);
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<unsigned>(j);
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            const unsigned cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::vector<std::string> nearest_names(const std::string& word, const std::vector<std::string>& known,
                                       unsigned max_edits) {
    std::vector<std::string> nearest;
    unsigned best = std::min(max_edits, static_cast<unsigned>(word.size() / 2));
    for (const std::string& name : known) {
        const unsigned distance = edit_distance(word, name);
        if (distance > best) continue;
        if (distance < best) nearest.clear();
        best = distance;
        if (std::find(nearest.begin(), nearest.end(), name) == nearest.end()) nearest.push_back(name);
    }
    return nearest;
}

std::string quoted_choices(const std::vector<std::string>& names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
        out += "'" + names[i] + "'";
    }
    return out;
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& known) {
    std::vector<std::string> near = nearest_names(name, known);
    if (near.empty() && name.size() >= 3) {
        for (const std::string& key : known) {
            if (key.find(name) != std::string::npos) near.push_back(key);
        }
    }
    return near.empty() ? "" : ": did you mean " + quoted_choices(near) + "?";
}

}  // namespace lockstep
