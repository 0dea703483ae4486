// A conv layer run for real as a streamed layer: its shape, its data placed in DRAM in
// SCALE-Sim's layouts (ifmap HWC, filter n*K + k, ofmap m*N + n) and a direct convolution
// that checks the result. A GEMM layer is the conv SCALE-Sim makes of it.
#pragma once

#include "cosim/stream_engine.h"
#include "systolic/systolic_types.h"

#include <cstdint>
#include <vector>

namespace lockstep::cosim {

struct ConvShape {
    uint32_t ifmap_h = 1, ifmap_w = 1, filter_h = 1, filter_w = 1, channels = 1, filters = 1;
    uint32_t stride_h = 1, stride_w = 1;

    static ConvShape gemm(const systolic::GemmSize& g);   // IFMAP M x K, filter 1 x K, N filters
    uint32_t ofmap_h() const { return (ifmap_h - filter_h) / stride_h + 1; }   // floor: windows inside the ifmap
    uint32_t ofmap_w() const { return (ifmap_w - filter_w) / stride_w + 1; }
    systolic::GemmSize gemm_size() const;   // M = ofmap pixels, K = window, N = filters
    uint64_t ifmap_words() const { return uint64_t{ifmap_h} * ifmap_w * channels; }
    uint64_t filter_words() const { return uint64_t{gemm_size().k} * filters; }
};

// Throws lockstep::Error when the filter is larger than the ifmap or a size is 0.
void check_conv(const ConvShape& shape);

// The streamed layer of `shape` with `ifmap` (HWC) and `filter` (N x K) in DRAM and room for the
// ofmap after them; tiles chosen for the SRAM halves (choose_tiles).
StreamRequest conv_request(const ConvShape& shape, systolic::Dataflow dataflow, const std::vector<int32_t>& ifmap,
                           const std::vector<int32_t>& filter, uint32_t sram_words_a, uint32_t sram_words_b,
                           uint32_t sram_words_c, unsigned lanes, unsigned dram_latency);

// The ofmap (M x N, pixel-major) read from a finished request's DRAM.
std::vector<int32_t> ofmap_of(const StreamRequest& request, const std::vector<int32_t>& dram);

// Direct convolution, sums wrapping at acc_bits: the check of every conv layer.
std::vector<int32_t> reference_conv(const ConvShape& shape, const std::vector<int32_t>& ifmap,
                                    const std::vector<int32_t>& filter, unsigned acc_bits);

}  // namespace lockstep::cosim
