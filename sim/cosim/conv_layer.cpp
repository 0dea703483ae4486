#include "cosim/conv_layer.h"

#include "common/bits.h"
#include "common/error.h"
#include "systolic/tiles.h"

#include <fmt/format.h>

namespace lockstep::cosim {

using namespace systolic;

ConvShape ConvShape::gemm(const GemmSize& g) { return ConvShape{g.m, g.k, 1, g.k, 1, g.n, 1, 1}; }

GemmSize ConvShape::gemm_size() const {
    return GemmSize{ofmap_h() * ofmap_w(), filter_h * filter_w * channels, filters};
}

void check_conv(const ConvShape& s) {
    for (auto [what, v] : {std::pair{"ifmap height", s.ifmap_h}, {"ifmap width", s.ifmap_w}, {"filter height", s.filter_h},
                           {"filter width", s.filter_w}, {"channels", s.channels}, {"filters", s.filters},
                           {"stride height", s.stride_h}, {"stride width", s.stride_w}}) {
        if (v == 0) throw Error(fmt::format("{} is 0", what));
    }
    if (s.filter_h > s.ifmap_h || s.filter_w > s.ifmap_w) {
        throw Error(fmt::format("the {}x{} filter is larger than the {}x{} ifmap", s.filter_h, s.filter_w, s.ifmap_h,
                                s.ifmap_w));
    }
    const uint64_t words = s.ifmap_words() + s.filter_words() + uint64_t{s.gemm_size().m} * s.filters;
    if (words > (uint64_t{1} << 31)) throw Error(fmt::format("the layer needs {} DRAM words, more than 2^31", words));
}

StreamRequest conv_request(const ConvShape& shape, Dataflow dataflow, const std::vector<int32_t>& ifmap,
                           const std::vector<int32_t>& filter, uint32_t sram_a, uint32_t sram_b, uint32_t sram_c,
                           unsigned lanes, unsigned dram_latency) {
    check_conv(shape);
    const GemmSize g = shape.gemm_size();
    StreamRequest r;
    StreamJob& j = r.job;
    j.dataflow = dataflow;
    j.m = g.m;
    j.k = g.k;
    j.n = g.n;
    j.half_a = sram_a / 2;
    j.half_b = sram_b / 2;
    j.half_c = sram_c / 2;
    if (j.half_a < 1 || j.half_b < 1 || j.half_c < 1) throw Error("each SRAM needs at least 2 words (two halves)");
    const GemmSize t = choose_tiles(g, j.half_a, j.half_b, j.half_c);
    j.mt = t.m;
    j.kt = t.k;
    j.nt = t.n;
    j.iw = shape.ifmap_w;
    j.ch = shape.channels;
    j.ew = shape.ofmap_w();
    j.fw = shape.filter_w;
    j.sh = shape.stride_h;
    j.sw = shape.stride_w;
    j.ifmap_base = 0;
    j.filter_base = static_cast<uint32_t>(shape.ifmap_words());
    j.ofmap_base = static_cast<uint32_t>(shape.ifmap_words() + shape.filter_words());
    j.lanes = lanes;
    r.dram_latency = dram_latency;
    r.dram.assign(j.ofmap_base + static_cast<size_t>(g.m) * g.n, 0);
    std::copy(ifmap.begin(), ifmap.end(), r.dram.begin());
    std::copy(filter.begin(), filter.end(), r.dram.begin() + j.filter_base);
    return r;
}

std::vector<int32_t> ofmap_of(const StreamRequest& request, const std::vector<int32_t>& dram) {
    const auto begin = dram.begin() + request.job.ofmap_base;
    return std::vector<int32_t>(begin, begin + static_cast<ptrdiff_t>(uint64_t{request.job.m} * request.job.n));
}

// Window by window: each ifmap element of the window times a row of the filter transposed
// (K x N), so the innermost loop runs along the N outputs of the pixel and vectorises.
__attribute__((target_clones("avx512f", "avx2", "default")))
std::vector<int32_t> reference_conv(const ConvShape& s, const std::vector<int32_t>& ifmap,
                                    const std::vector<int32_t>& filter, unsigned acc_bits) {
    const GemmSize g = s.gemm_size();
    std::vector<uint32_t> filter_t(static_cast<size_t>(g.k) * g.n);
    for (uint32_t n = 0; n < g.n; ++n) {
        for (uint32_t k = 0; k < g.k; ++k) filter_t[static_cast<size_t>(k) * g.n + n] = static_cast<uint32_t>(filter[static_cast<size_t>(n) * g.k + k]);
    }
    std::vector<int32_t> out(static_cast<size_t>(g.m) * g.n);
    std::vector<uint32_t> sum(g.n);
    for (uint32_t oh = 0; oh < s.ofmap_h(); ++oh) {
        for (uint32_t ow = 0; ow < s.ofmap_w(); ++ow) {
            std::fill(sum.begin(), sum.end(), 0u);
            uint32_t k = 0;
            for (uint32_t r = 0; r < s.filter_h; ++r) {
                for (uint32_t x = 0; x < s.filter_w; ++x) {
                    const size_t pixel = (static_cast<size_t>(oh * s.stride_h + r) * s.ifmap_w + ow * s.stride_w + x) * s.channels;
                    for (uint32_t c = 0; c < s.channels; ++c, ++k) {
                        const auto value = static_cast<uint32_t>(ifmap[pixel + c]);
                        const uint32_t* row = &filter_t[static_cast<size_t>(k) * g.n];
                        for (uint32_t n = 0; n < g.n; ++n) sum[n] += value * row[n];
                    }
                }
            }
            int32_t* o = &out[(static_cast<size_t>(oh) * s.ofmap_w() + ow) * g.n];
            for (uint32_t n = 0; n < g.n; ++n) o[n] = sign_extend(sum[n], acc_bits);
        }
    }
    return out;
}

}  // namespace lockstep::cosim
