// Data-memory words from a file or the command line (`run --data`, `--data-values`), laid
// over the program's .data. Format (docs/isa.md, "Data files"): values separated by spaces or
// commas, decimal or 0x hex, negatives in two's complement; "ADDR:" at the start of a line
// moves to that address; ';' starts a comment. Values follow on from the previous one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/assembler.h"

namespace lockstep {

struct DataWord {
    unsigned address;
    uint32_t value;   // the low data_bits of the value as written
};

// Throws lockstep::Error "source:line: message" (just "source: message" when `first_line` is
// 0, as for a command-line value) on a malformed value or address, a value that does not fit
// `limits.data_bits`, a word past `limits.data_words`, or an address set twice.
std::vector<DataWord> parse_data_words(const std::string& text, const std::string& source, const AsmLimits& limits,
                                       int first_line = 1);
std::vector<DataWord> read_data_file(const std::string& path, const AsmLimits& limits);

// Writes `words` over the program's initial data (later words win), growing it as needed.
void overlay_data(Program* program, const std::vector<DataWord>& words);

}  // namespace lockstep
