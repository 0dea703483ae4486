// The R x C grid of processing elements. Each PE's registers (docs/systolic.md "PE") are
// kept as one array per register across the grid, so a cycle is a few row shifts and one
// multiply-accumulate sweep that the compiler vectorises; every PE is stepped every cycle.
#pragma once

#include "systolic/feeder.h"
#include "systolic/systolic_types.h"

#include <systemc>

#include <string>
#include <vector>

namespace lockstep::systolic {

class PeArray : public sc_core::sc_module {
public:
    // Registers of PE (i, j) at index i * cols + j.
    std::vector<int32_t> h;           // horizontal operand (A in os/ws, B in is)
    std::vector<int32_t> v;           // vertical: B operand (os) or partial sum (ws/is)
    std::vector<int32_t> acc;         // os accumulator
    std::vector<int32_t> w;           // stationary operand (ws/is)
    std::vector<uint8_t> hv, vv, wv;  // valid bits of h, v, w
    std::vector<uint8_t> mac;         // did a real MAC in the cycle that ended
    uint32_t macs_now = 0;            // MACs of the cycle that ended (0 unless it stepped in StRun)

    PeArray(const sc_core::sc_module_name& name, const ArrayShape& shape);

    void clear();
    void step_os(const Feeder& feed);             // operands flow right and down, acc += h * v
    void step_preload(const Feeder& feed);        // ws/is: stationary operands shift down
    void step_stationary(const Feeder& feed);     // ws/is: h flows right, partial sums down
    // Sets register `reg` ("h", "v", "w" or "acc") of PE (row, col): how tests show the
    // comparator at work (--inject-fault).
    void overwrite(unsigned row, unsigned col, const std::string& reg, int32_t value);
    // os, end of a fold: hand the accumulators to `shadow` and clear them.
    void take_accumulators(std::vector<int32_t>& shadow);

    unsigned rows() const { return rows_; }
    unsigned cols() const { return cols_; }

private:
    void shift_h(const Feeder& feed);
    void wrap(std::vector<int32_t>& values) const;   // to acc_bits, when narrower than 32

    unsigned rows_, cols_, acc_bits_;
};

}  // namespace lockstep::systolic
