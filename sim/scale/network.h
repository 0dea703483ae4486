// A network as SCALE-Sim v2 reads it from a topology CSV: conv layers (`name, IFMAP H, IFMAP W,
// Filter H, Filter W, Channels, Num Filter, Stride[, Stride W]`) or GEMMs (`name, M, N, K`),
// a header line first, the trailing comma optional. A GEMM becomes the conv layer SCALE-Sim makes
// of it: an M x K ifmap, one 1 x K filter per output column, stride 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::scale {

struct ConvLayer {
    std::string name;
    uint32_t ifmap_h = 0, ifmap_w = 0;     // IFMAP height and width
    uint32_t filter_h = 0, filter_w = 0;   // R x S
    uint32_t channels = 0;                 // C
    uint32_t num_filter = 0;               // N, output channels
    uint32_t stride_h = 1, stride_w = 1;
    int line = 0;                          // where the topology file defines it
};

enum class TopologyKind { kConv, kGemm };

// Output size rules: kFloor is the usual floor((H - R) / s) + 1; kCeil is SCALE-Sim's
// ceil((H - R) / s) + 1, one more when the stride does not divide H - R.
enum class OfmapRule { kFloor, kCeil };

struct GemmShape {
    uint64_t m = 0, n = 0, k = 0;   // ofmap pixels per filter, filters, window size R*S*C
};

uint32_t ofmap_height(const ConvLayer& layer, OfmapRule rule);
uint32_t ofmap_width(const ConvLayer& layer, OfmapRule rule);
GemmShape gemm_shape(const ConvLayer& layer, OfmapRule rule);

// The layers in file order; throws Error naming file:line (field count, a non-number, a zero
// size, a filter larger than its ifmap, a repeated name).
std::vector<ConvLayer> read_network(const std::string& path, TopologyKind kind);

// SCALE-Sim's depthwise rule: a conv layer whose name contains "DP" runs as `channels` separate
// one-channel layers named <name>Channel_<i>; other layers are kept as they are.
std::vector<ConvLayer> split_depthwise(const std::vector<ConvLayer>& layers);

}  // namespace lockstep::scale
