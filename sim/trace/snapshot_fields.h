// Snapshots as flat vectors of 32-bit fields, the unit of states.bin. Each layout is
// written once here and read back by the same code (the stepper and viewer use both).
#pragma once

#include "gpu/gpu_types.h"
#include "systolic/systolic_types.h"
#include "trace/state_file.h"

#include <cstdint>
#include <vector>

namespace lockstep::trace {

// done; per core: state, fetcher, pc, instruction, start, reset, diverged, block, threads;
// per thread: 16 registers, lsu, lsu_out, alu_out, nzp, next_pc; per data channel:
// read_valid, read_address, write_valid, write_address, write_data (the controller's channels,
// then each core's tile port); per program channel: read_valid, read_address; per tensor core
// (when the GPU has them): state, op, fault, fault_thread, t, row, col, base, stride, the tiles
// a (R x R), b and acc (R x C), then per PE h, hv, v, vv, pacc, w, wv, mac.
size_t gpu_field_count(const GpuConfig& config);
void gpu_to_fields(const gpu::GpuSnapshot& s, std::vector<uint32_t>& out);
void gpu_from_fields(const std::vector<uint32_t>& in, gpu::GpuSnapshot& s);   // s sized by resize()

// Cycle header: state, fold, t, phase, MACs so far (low, high 32 bits); then per PE:
// h, hv, v, vv, acc, w, wv, mac; per left port: valid, addr; per top port: valid, addr;
// per out port: valid, addr, data.
struct SystolicCycle {
    systolic::SaState state = systolic::SaState::Idle;
    uint32_t fold = 0, t = 0, phase = 0;
    uint64_t macs_so_far = 0;
    systolic::SystolicSnapshot after;
};
size_t systolic_field_count(const systolic::ArrayShape& shape);
// The header value ("predictor") that stores array records as differences from how the
// array moves data (transform_for builds it), which keeps long array traces small.
inline constexpr const char* kSystolicPredictor = "systolic-v1";
void systolic_to_fields(const SystolicCycle& c, std::vector<uint32_t>& out);
void systolic_from_fields(const std::vector<uint32_t>& in, SystolicCycle& c);   // c.after sized by resize()

// The shape a trace was recorded with, from its states.bin header (which the reader has
// checked against its field count, trace_header.h).
GpuConfig gpu_config_of(const StateReader& reader);
systolic::ArrayShape array_shape_of(const StateReader& reader);

}  // namespace lockstep::trace
