// Tile loader (rtl/systolic/tile_loader.sv): gathers one A tile (im2col of the ifmap) or B tile
// (from the filter) from DRAM into an SRAM half, `lanes` requests a cycle (docs/systolic.md).
#pragma once

#include "common/unit.h"
#include "common/zero_pages.h"
#include "systolic/systolic_types.h"

#include <vector>

namespace lockstep::systolic {

struct LoaderRegs {
    MoverState mover;                 // busy, count, issued, returned, the requests of the cycle that ended
    TileOrigin tile;
    GemmSize size;                    // the tile's effective sizes
    uint32_t base = 0;                // first word of its SRAM half
};

class TileLoader : public Unit<LoaderRegs> {
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
