// How a streamed layer is cut into tiles and where a tile's elements live (docs/systolic.md,
// "Streamed layers"): the rules the stream sequencer, the movers and the host share.
#pragma once

#include "systolic/systolic_types.h"

#include <optional>

namespace lockstep::systolic {

// The tile at `at`, clipped at the layer's edges (mt_eff, kt_eff, nt_eff).
GemmSize tile_extent(const StreamJob& job, const TileOrigin& at);
// The tile after `at` in visiting order (k inner, m, n outer); none after the last.
std::optional<TileOrigin> next_tile(const StreamJob& job, const TileOrigin& at);
bool needs_a(const StreamJob& job, const TileOrigin& at);   // a new A tile must be loaded
bool needs_b(const StreamJob& job, const TileOrigin& at);   // a new B tile must be loaded
bool stores(const StreamJob& job, const TileOrigin& at);    // the C tile is complete after it
uint64_t tile_count(const StreamJob& job);

// DRAM word of A[m][k] (im2col of the ifmap) and of B[k][n] (the filter); 32-bit wrapping like the RTL.
uint32_t a_address(const StreamJob& job, uint32_t m, uint32_t k);
uint32_t b_address(const StreamJob& job, uint32_t k, uint32_t n);
uint32_t c_address(const StreamJob& job, uint32_t m, uint32_t n);

// The host's tile sizes for SRAM halves of `half_a`, `half_b`, `half_c` words: start from the
// layer and halve (rounding up) the largest dimension of a bound that is exceeded (ties: k, m, n);
// a dimension above the array's 65535 is a bound exceeded too.
GemmSize choose_tiles(const GemmSize& layer, uint32_t half_a, uint32_t half_b, uint32_t half_c);

}  // namespace lockstep::systolic
