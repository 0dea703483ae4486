// Output writer: puts results into the C buffer: ws/is partial sums leaving the bottom row
// (added to C for later K tiles), and the os shadow registers drained one row per cycle.
#pragma once

#include "common/zero_pages.h"
#include "systolic/array_controller.h"
#include "systolic/pe_array.h"

#include <vector>

namespace lockstep::systolic {

struct WriterRegs {
    std::vector<int32_t> shadow;      // os: a finished tile's results, R x C
    bool drain_active = false;
    uint32_t drain_row = 0;
    uint32_t drain_r0 = 0, drain_c0 = 0;
};

class OutputWriter : public sc_core::sc_module {
public:
    WriterRegs q;
    std::vector<EdgePort> out;        // this cycle's C-buffer writes, per column
    uint32_t out_valid = 0;           // how many of them are valid

    OutputWriter(const sc_core::sc_module_name& name, const ArrayShape& shape);

    bool drain_finishing() const { return q.drain_active && q.drain_row + 1 == rows_; }
    void clear();
    // Called after the PE array has stepped (its bottom row holds this cycle's new sums).
    // Computes `out` and applies the writes to `c`; updates the drain registers.
    // `window`: the C half's base, and whether the writes add to the words they overwrite.
    void evaluate(const ControllerRegs& ctrl, const Mapping& map, bool last_cycle, PeArray& array,
                  ZeroedWords& c, const ArrayWindow& window = {});

    // A burst's writes (Systolic::burst) of the partial sums leaving the bottom row in its
    // cycles ctrl.t .. ctrl.t + cycles - 2, after the array has stepped through all `cycles`:
    // what evaluate() writes into C in those cycles, in the order of C's words (each word is
    // written once a fold), instead of one diagonal of C a cycle. The burst's last cycle goes
    // through evaluate(), which also leaves the ports of that cycle. ws and is only (os writes
    // only its drain, which evaluate() does a cycle at a time).
    void write_burst(const ControllerRegs& ctrl, const Mapping& map, const PeArray& array, ZeroedWords& c,
                     unsigned cycles);

private:
    static int32_t add(int32_t x, int32_t y, unsigned acc_bits);   // wrapping, at the accumulator width

    unsigned rows_, cols_, acc_bits_;
    uint32_t addr_mask_;
};

}  // namespace lockstep::systolic
