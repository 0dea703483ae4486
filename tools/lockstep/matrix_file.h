// Integer matrices as CSV files (gemm --a/--b/--out, scale --data) and random ones.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace lockstep {

struct Matrix {
    uint32_t rows = 0, cols = 0;
    std::vector<int32_t> values;      // row-major
};

// One row per line, values separated by commas; '#' lines and blank lines skipped. Every
// value must fit `bits` (signed). Throws Error naming the file and line.
Matrix read_matrix(const std::string& path, unsigned bits);
void write_matrix(const std::string& path, const std::vector<int32_t>& values, uint32_t rows, uint32_t cols);
// `count` values uniform over the signed range of `bits`.
std::vector<int32_t> random_matrix(std::mt19937_64& rng, size_t count, unsigned bits);

}  // namespace lockstep
