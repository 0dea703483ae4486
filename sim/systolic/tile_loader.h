// Tile loader (rtl/systolic/tile_loader.sv): gathers one A tile (im2col of the ifmap) or B tile
// (from the filter) from DRAM into an SRAM half, `lanes` requests a cycle (docs/systolic.md).
#pragma once

#include "common/unit.h"
#include "common/zero_pages.h"
#include "systolic/systolic_types.h"

#include <algorithm>
#include <vector>

namespace lockstep::systolic {

struct LoaderRegs {
    MoverState mover;                 // busy, count, issued, returned, the requests of the cycle that ended
    TileOrigin tile;
    GemmSize size;                    // the tile's effective sizes
    uint32_t base = 0;                // first word of its SRAM half
};

// What the loaders and the storer share: an edge while idle leaves their registers as they
// were, so once an idle edge has also left the lanes idle, the edges after it copy nothing
// until the unit starts or is reset (a plain GEMM, which streams nothing, has all three idle
// on every edge). evaluate() asks quiet() first and calls idle() where it finds the unit idle.
class Mover : public Unit<LoaderRegs> {
public:
    void commit() {
        if (!quiet_) Unit::commit();
    }
    void overwrite(const LoaderRegs& state) {   // (state from outside: the next edge looks again)
        Unit::overwrite(state);
        quiet_ = false;
    }
    // An edge without a start or a reset leaves it as it is (so a burst of them may skip it).
    bool resting() const { return quiet_ && !q.mover.busy; }

protected:
    using Unit::Unit;
    // True when this edge changes nothing: idle, no start or reset, lanes idle since the last.
    bool quiet(bool reset, bool start) {
        if (quiet_ && !reset && !start && !q.mover.busy) return true;
        quiet_ = false;
        return false;
    }
    // After an idle evaluate(): d_ is q but for the lanes it cleared, so it is q when they were.
    void idle() {
        quiet_ = std::all_of(q.mover.lanes.begin(), q.mover.lanes.end(), [](const DramLane& l) { return l == DramLane{}; });
    }

private:
    bool quiet_ = false;   // d_ is q and stays so until the unit starts or is reset
};

class TileLoader : public Mover {
public:
    enum class Operand { A, B };

    TileLoader(const sc_core::sc_module_name& name, Operand operand, const ArrayShape& shape);

    // `start`: begin the tile at `tile` into the half starting at `base`. Responses in `rsp`
    // land in `sram` now (the edge), as the RTL's buffer write ports do.
    void evaluate(bool reset, bool start, const StreamJob& job, const TileOrigin& tile, uint32_t base,
                  const std::vector<DramLane>& rsp, ZeroedWords& sram);

private:
    void issue(const StreamJob& job);

    Operand operand_;
    unsigned lanes_, in_bits_;
    uint32_t addr_mask_;
};

}  // namespace lockstep::systolic
