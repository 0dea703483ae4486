#include "systolic/tile_loader.h"

#include "common/bits.h"
#include "systolic/tiles.h"

namespace lockstep::systolic {

TileLoader::TileLoader(const sc_core::sc_module_name& name, Operand operand, const ArrayShape& shape)
    : Mover(name),
      operand_(operand),
      lanes_(shape.dram_lanes),
      in_bits_(shape.in_bits),
      addr_mask_(static_cast<uint32_t>((1ull << shape.buffer_addr_bits) - 1)) {
    q.mover.lanes.assign(lanes_, DramLane{});
    d_ = q;
}

// Requests for the next elements on lanes 0.., at most the job's lanes.
void TileLoader::issue(const StreamJob& job) {
    MoverState& m = d_.mover;
    const uint32_t width = d_.size.k;   // inner index: k for both operands
    const uint32_t use = std::min<uint32_t>(job.lanes, lanes_);
    for (uint32_t l = 0; l < use && m.issued < m.count; ++l, ++m.issued) {
        const uint32_t e = m.issued, o = e / width, i = e % width;
        DramLane& lane = m.lanes[l];
        lane.valid = true;
        if (operand_ == Operand::A) {
            lane.addr = a_address(job, d_.tile.m0 + o, d_.tile.k0 + i);
            lane.tag = (d_.base + e) & addr_mask_;
        } else {
            lane.addr = b_address(job, d_.tile.k0 + i, d_.tile.n0 + o);
            lane.tag = (d_.base + i * d_.size.n + o) & addr_mask_;
        }
    }
}

void TileLoader::evaluate(bool reset, bool start, const StreamJob& job, const TileOrigin& tile, uint32_t base,
                          const std::vector<DramLane>& rsp, ZeroedWords& sram) {
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
    MoverState& m = d_.mover;
    if (start) {
        d_.tile = tile;
        d_.size = tile_extent(job, tile);
        d_.base = base;
        m.busy = true;
        m.count = (operand_ == Operand::A ? d_.size.m : d_.size.n) * d_.size.k;
        m.issued = 0;
        m.returned = 0;
        issue(job);
        return;
    }
    if (!q.mover.busy) {
        idle();
        return;
    }
    for (size_t l = 0; l < rsp.size() && l < lanes_; ++l) {
        if (!rsp[l].valid) continue;
        sram[rsp[l].tag & addr_mask_] = sign_extend(static_cast<uint32_t>(rsp[l].data), in_bits_);
        ++m.returned;
    }
    issue(job);
    if (m.returned == m.count) m.busy = false;
}

}  // namespace lockstep::systolic
