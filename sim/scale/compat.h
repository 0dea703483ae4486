// `lockstep scale --compat scalesim`: one layer's reports computed exactly as SCALE-Sim v2
// (commit 22f88b1) computes them, artefacts included: its ceil ofmap size, the os OFMAP write
// double count, the ws/is Compute Util denominator, and its buffers' stall and DRAM bookkeeping.
#pragma once

#include "scale/network.h"
#include "scale/reports.h"
#include "scale/scale_config.h"

namespace lockstep::scale {

// Runs one (already depthwise-split) layer; throws Error when the layer is too large to emulate
// or hits a case where SCALE-Sim itself fails.
LayerReport run_compat_layer(const ScaleConfig& config, const ConvLayer& layer, uint64_t layer_id);

}  // namespace lockstep::scale
