#include "systolic/tile_storer.h"

#include "systolic/tiles.h"

namespace lockstep::systolic {

TileStorer::TileStorer(const sc_core::sc_module_name& name, const ArrayShape& shape)
    : Mover(name), lanes_(shape.dram_lanes), addr_mask_(static_cast<uint32_t>((1ull << shape.buffer_addr_bits) - 1)) {
    q.mover.lanes.assign(lanes_, DramLane{});
    d_ = q;
}

void TileStorer::issue(const StreamJob& job, const ZeroedWords& c) {
    MoverState& m = d_.mover;
    const uint32_t use = std::min<uint32_t>(job.lanes, lanes_);
    for (uint32_t l = 0; l < use && m.issued < m.count; ++l, ++m.issued) {
        const uint32_t e = m.issued, mi = e / d_.size.n, ni = e % d_.size.n;
        m.lanes[l] = DramLane{true, c_address(job, d_.tile.m0 + mi, d_.tile.n0 + ni), 0, c[(d_.base + e) & addr_mask_]};
    }
    m.busy = m.issued < m.count;
}

void TileStorer::evaluate(bool reset, bool start, const StreamJob& job, const TileOrigin& tile, uint32_t base,
                          const ZeroedWords& c) {
    if (quiet(reset, start)) return;
    d_ = q;
    for (DramLane& lane : d_.mover.lanes) lane = DramLane{};
    if (reset) {
        d_.mover = MoverState{};
        d_.mover.lanes.assign(lanes_, DramLane{});
        d_.tile = TileOrigin{};
        d_.size = GemmSize{};
        d_.base = 0;
        return;
    }
    if (start) {
        d_.tile = tile;
        d_.size = tile_extent(job, tile);
        d_.base = base;
        d_.mover.count = d_.size.m * d_.size.n;
        d_.mover.issued = 0;
        d_.mover.returned = 0;
        issue(job, c);
    } else if (q.mover.busy) {
        issue(job, c);
    } else {
        idle();
    }
}

}  // namespace lockstep::systolic
