// Tile storer (rtl/systolic/tile_storer.sv): writes a finished C tile from its SRAM half to
// the ofmap in DRAM, `lanes` words a cycle (docs/systolic.md).
#pragma once

#include "common/unit.h"
#include "systolic/tile_loader.h"

#include <vector>

namespace lockstep::systolic {

class TileStorer : public Mover {
public:
    TileStorer(const sc_core::sc_module_name& name, const ArrayShape& shape);

    // `start`: begin the C tile at `tile` in the half starting at `base`; reads `c` (the C SRAM).
    void evaluate(bool reset, bool start, const StreamJob& job, const TileOrigin& tile, uint32_t base,
                  const ZeroedWords& c);

private:
    void issue(const StreamJob& job, const ZeroedWords& c);

    unsigned lanes_;
    uint32_t addr_mask_;
};

}  // namespace lockstep::systolic
