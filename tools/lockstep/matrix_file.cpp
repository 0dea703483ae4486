#include "matrix_file.h"

#include "command_support.h"
#include "common/bits.h"
#include "common/error.h"
#include "common/plural.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace lockstep {

Matrix read_matrix(const std::string& path, unsigned bits) {
    std::ifstream in(path);
    if (!in || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    const long lo = -(1l << (bits - 1)), hi = (1l << (bits - 1)) - 1;
    Matrix m;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (trim(line).empty() || trim(line)[0] == '#') continue;
        const std::vector<std::string> cells = split_csv(line);
        if (m.rows == 0) m.cols = static_cast<uint32_t>(cells.size());
        if (cells.size() != m.cols) {
            throw error_at(path, number, fmt::format("row has {}, the first row has {}", plural(cells.size(), "value"), m.cols));
        }
        for (const std::string& cell : cells) {
            size_t used = 0;
            long value = 0;
            try {
                value = std::stol(cell, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (cell.empty() || used != cell.size()) throw error_at(path, number, fmt::format("'{}' is not an integer", cell));
            if (value < lo || value > hi) {
                throw error_at(path, number, fmt::format("{} out of range {}..{} (in_bits = {})", value, lo, hi, bits));
            }
            m.values.push_back(static_cast<int32_t>(value));
        }
        ++m.rows;
    }
    if (m.rows == 0) throw Error(path + ": no values");
    return m;
}

void write_matrix(const std::string& path, const std::vector<int32_t>& values, uint32_t rows, uint32_t cols) {
    std::ofstream out(path);
    if (!out) throw Error(path + ": cannot write file");
    for (uint32_t r = 0; r < rows; ++r) {
        for (uint32_t c = 0; c < cols; ++c) out << (c ? "," : "") << values[r * cols + c];
        out << "\n";
    }
}

std::vector<int32_t> random_matrix(std::mt19937_64& rng, size_t count, unsigned bits) {
    // The range is a power of two, so a draw's bits are uniform values as they come: each 64-bit
    // draw gives 64 / bits of them (eight int8s), with no rejection and no division.
    const unsigned per_draw = 64 / bits;
    const uint64_t mask = (uint64_t{1} << bits) - 1;
    std::vector<int32_t> values(count);
    for (size_t i = 0; i < count;) {
        uint64_t word = rng();
        for (unsigned k = 0; k < per_draw && i < count; ++k, word >>= bits) {
            values[i++] = sign_extend(static_cast<uint32_t>(word & mask), bits);
        }
    }
    return values;
}

}  // namespace lockstep
