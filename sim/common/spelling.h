// "Did you mean ...?": the known names nearest a misspelt one, for error messages.
#pragma once

#include <string>
#include <vector>

namespace lockstep {

// Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`, ignoring case.
unsigned edit_distance(const std::string& a, const std::string& b);

// The names in `known` nearest `word`, all those at the smallest distance, if that is at most
// `max_edits` and at most half of `word`'s length (so "END" does not suggest "ADD").
std::vector<std::string> nearest_names(const std::string& word, const std::vector<std::string>& known,
                                       unsigned max_edits = 2);

// ": did you mean 'cores'?" for a misspelt name, or a name that is part of a known one
// ("cycles" in "max_cycles"); "" when nothing is near.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& known);

// "'ADD'", "'BRn' or 'BRz'", "'a', 'b' or 'c'": names quoted for a message.
std::string quoted_choices(const std::vector<std::string>& names);

}  // namespace lockstep
