#include "systolic/tiles.h"

#include <algorithm>

namespace lockstep::systolic {

namespace {

uint32_t ceil_div(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

}  // namespace

GemmSize tile_extent(const StreamJob& job, const TileOrigin& at) {
    return GemmSize{std::min(job.mt, job.m - at.m0), std::min(job.kt, job.k - at.k0), std::min(job.nt, job.n - at.n0)};
}

std::optional<TileOrigin> next_tile(const StreamJob& job, const TileOrigin& at) {
    if (at.k0 + job.kt < job.k) return TileOrigin{at.m0, at.k0 + job.kt, at.n0};
    if (at.m0 + job.mt < job.m) return TileOrigin{at.m0 + job.mt, 0, at.n0};
    if (at.n0 + job.nt < job.n) return TileOrigin{0, 0, at.n0 + job.nt};
    return std::nullopt;
}

bool needs_a(const StreamJob& job, const TileOrigin& at) {
    const bool first = at.m0 == 0 && at.k0 == 0 && at.n0 == 0;
    return first || job.kt < job.k || job.mt < job.m;
}

bool needs_b(const StreamJob& job, const TileOrigin& at) {
    return job.kt < job.k || at.m0 == 0;
}

bool stores(const StreamJob& job, const TileOrigin& at) { return at.k0 + tile_extent(job, at).k == job.k; }

uint64_t tile_count(const StreamJob& job) {
    return uint64_t{ceil_div(job.m, job.mt)} * ceil_div(job.k, job.kt) * ceil_div(job.n, job.nt);
}

uint32_t a_address(const StreamJob& job, uint32_t m, uint32_t k) {
    const uint32_t oh = m / job.ew, ow = m % job.ew;
    const uint32_t r = k / (job.fw * job.ch), s = (k / job.ch) % job.fw, c = k % job.ch;
    return job.ifmap_base + ((oh * job.sh + r) * job.iw + ow * job.sw + s) * job.ch + c;
}

uint32_t b_address(const StreamJob& job, uint32_t k, uint32_t n) { return job.filter_base + n * job.k + k; }

uint32_t c_address(const StreamJob& job, uint32_t m, uint32_t n) { return job.ofmap_base + m * job.n + n; }

GemmSize choose_tiles(const GemmSize& layer, uint32_t half_a, uint32_t half_b, uint32_t half_c) {
    GemmSize t = layer;
    auto words = [](uint32_t x, uint32_t y) { return uint64_t{x} * y; };
    for (;;) {
        const bool over_a = words(t.m, t.k) > half_a, over_b = words(t.k, t.n) > half_b,
                   over_c = words(t.m, t.n) > half_c;
        // A tile is one GEMM of the array, whose size registers hold up to kGemmDim.hi.
        const bool long_m = t.m > kGemmDim.hi, long_k = t.k > kGemmDim.hi, long_n = t.n > kGemmDim.hi;
        if (!over_a && !over_b && !over_c && !long_m && !long_k && !long_n) return t;
        // Candidates in tie order k, m, n; the largest one in a violated bound is halved.
        uint32_t* pick = nullptr;
        for (auto [dim, in_violation] : {std::pair{&t.k, over_a || over_b || long_k}, std::pair{&t.m, over_a || over_c || long_m},
                                         std::pair{&t.n, over_b || over_c || long_n}}) {
            if (in_violation && *dim > 1 && (pick == nullptr || *dim > *pick)) pick = dim;
        }
        if (pick == nullptr) return t;   // every bound's dimensions are 1: halves of 0 words (the caller checks)
        *pick = ceil_div(*pick, 2);
    }
}

}  // namespace lockstep::systolic
