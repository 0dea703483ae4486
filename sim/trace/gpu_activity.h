// What a GPU snapshot says each unit is doing (a core running a block, an ALU computing, a
// tensor core busy or multiplying): the one definition every trace file, the stepper and the
// viewer count and draw with.
#pragma once

#include "common/bits.h"
#include "common/isa.h"
#include "gpu/gpu_types.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace lockstep::trace {

// (The small ones are inline: the utilisation counters call them for every warp every edge.)
// A core runs a block: started, out of reset, neither IDLE nor DONE.
inline bool running(bool start, bool reset, gpu::CoreState state) {
    return start && !reset && state != gpu::CoreState::Idle && state != gpu::CoreState::Done;
}
inline bool running(const gpu::CoreView& c) { return running(c.start, c.reset, c.state); }
// Lanes running the core's instruction: the block's threads, or with divergence the active
// lanes of the reconvergence stack's top; 0 when the core is not running.
inline unsigned active_lanes(const gpu::CoreView& c) {
    if (!running(c)) return 0;
    return c.stack.empty() ? c.thread_count : count_bits(c.active);
}
// "active 0011 stack 2: pc 8 rpc exit 1111 | pc 5 rpc 8 0011": the active lanes (slot 0 on
// the right) and the entries in use, bottom first (divergence only; "" without it).
std::string stack_text(const gpu::CoreView& c, unsigned threads_per_block, unsigned program_addr_bits);
// Why a warp is not issuing at full width this cycle, one reason per warp and cycle in the
// style of Nsight Compute's warp-state sampling (docs/traces.md, "Stall reasons"). A warp is
// a block resident on a core (one a core without a warps: section).
enum class StallReason : uint8_t {
    Idle = 0,         // no resident block (idle, finished, or held in reset): not sampled
    Selected = 1,     // issuing: the instruction executes with all of the block's lanes (EXECUTE)
    Fetch = 2,        // waiting on fetch: its instruction is being fetched (Nsight's "no instruction")
    Pipeline = 3,     // in the fixed-latency stages: DECODE, REQUEST, UPDATE, or a WAIT with nothing outstanding
    Memory = 4,       // waiting on memory: an active lane's LDR or STR is in flight (Nsight's "long scoreboard")
    Tensor = 5,       // waiting on the tensor core (a tile instruction)
    Divergence = 6,   // serialised by divergence: the instruction runs with only some of the block's lanes
    NotSelected = 7,  // ready, but another warp of its core has the front end (Nsight's "not selected")
};
inline constexpr unsigned kStallReasons = 8;
const char* name(StallReason r);
// What the stall reason and the utilisation counters read of one warp context after an edge,
// from a snapshot (context_edge) or from the model's registers on a fast run
// (GpuUtilisation's ModelEdge).
struct ContextEdge {
    gpu::CoreState state = gpu::CoreState::Idle;
    bool running = false;          // running(CoreView)
    uint32_t thread_count = 0;
    uint32_t lanes = 0;            // active_lanes(CoreView)
    uint16_t instruction = 0;
    bool owns_front_end = true;    // owns_front_end()
    bool front_end_free = false;   // its core's warp scheduler has no owner (with several warps a core)
    uint32_t lsu_busy = 0;         // slots whose LSU is requesting or waiting, bit t = slot t
    uint32_t lsu_busy_count = 0;   // how many they are
    uint32_t lsu_requesting_count = 0;   // slots whose LSU is requesting
    bool tensor_busy = false;      // its tensor core is busy (tc_busy)
};
// The context's stall reason (inline: the counters ask for every warp every edge).
inline StallReason stall_reason(const ContextEdge& e, unsigned threads_per_block) {
    if (!e.running) return StallReason::Idle;
    if (e.lanes < e.thread_count) return StallReason::Divergence;
    // Not selected only while another warp holds the front end (a free one is taken at this edge).
    const bool owns = e.owns_front_end || e.front_end_free;
    switch (e.state) {
    case gpu::CoreState::Execute: return StallReason::Selected;
    case gpu::CoreState::Fetch: return owns ? StallReason::Fetch : StallReason::NotSelected;
    case gpu::CoreState::Wait:
        // An active lane's load or store in flight (the block's threads only).
        if ((e.lsu_busy & gpu::lane_mask(std::min(e.thread_count, threads_per_block))) != 0) return StallReason::Memory;
        if (e.tensor_busy) return StallReason::Tensor;
        return owns ? StallReason::Pipeline : StallReason::NotSelected;   // parked, its load or store done
    default: return StallReason::Pipeline;
    }
}
// Warp context x's reason in snapshot `s` of a GPU shaped `config`.
StallReason stall_reason(const gpu::GpuSnapshot& s, const GpuConfig& config, unsigned x);
// Warp context x holds its core's front end (always, with one warp a core).
inline bool owns_front_end(const gpu::GpuSnapshot& s, const GpuConfig& config, unsigned x) {
    // With one warp a core there is no warp scheduler in the snapshot: the warp always owns it.
    if (s.warp_schedulers.empty()) return true;
    const gpu::WarpSchedulerView& ws = s.warp_schedulers[x % config.cores];
    return ws.owner_valid && ws.owner == x / config.cores;
}
// The instruction word computes in the ALU (ADD, SUB, MUL, DIV, CMP): what counts as ALU busy.
inline bool is_alu_op(uint16_t word) {
    const auto op = static_cast<isa::Opcode>(word >> 12);
    return op == isa::Opcode::Add || op == isa::Opcode::Sub || op == isa::Opcode::Mul ||
           op == isa::Opcode::Div || op == isa::Opcode::Cmp;
}

// Tensor cores (docs/architecture.md, "Tensor core"). Busy: on an instruction (START, LOAD,
// STORE, COMPUTE or FAULT), as the scheduler sees it.
inline bool tc_busy(gpu::TcState s) { return s != gpu::TcState::Idle && s != gpu::TcState::Done; }
// Warp context x of snapshot `s` of a GPU shaped `config` (inline: the counters of observed
// runs ask for every warp every edge).
inline ContextEdge context_edge(const gpu::GpuSnapshot& s, const GpuConfig& config, unsigned x) {
    const gpu::CoreView& c = s.cores[x];
    ContextEdge e;
    e.state = c.state;
    e.running = running(c);
    e.thread_count = c.thread_count;
    e.lanes = active_lanes(c);
    e.instruction = c.instruction;
    e.owns_front_end = owns_front_end(s, config, x);
    e.front_end_free = !s.warp_schedulers.empty() && !s.warp_schedulers[x % config.cores].owner_valid;
    const unsigned tpb = config.threads_per_block;
    const gpu::ThreadView* threads = &s.threads[x * tpb];
    uint32_t busy = 0, busy_count = 0, requesting = 0;   // in registers (stores into `e` may alias the snapshot)
    for (unsigned t = 0; t < tpb; ++t) {
        const gpu::LsuState l = threads[t].lsu;
        busy |= static_cast<uint32_t>(gpu::lsu_busy(l)) << t;
        busy_count += gpu::lsu_busy(l);
        requesting += l == gpu::LsuState::Requesting;
    }
    e.lsu_busy = busy;
    e.lsu_busy_count = busy_count;
    e.lsu_requesting_count = requesting;
    e.tensor_busy = x < s.tensor.size() && tc_busy(s.tensor[x].state);
    return e;
}
// PEs that multiplied at the edge into `now`: the grid runs only in COMPUTE and its mac bits
// hold outside it, so this is 0 unless `before` (the record before) was computing.
unsigned tc_busy_pes(const gpu::TensorCoreView& now, const gpu::TensorCoreView& before);
// 1 when a tile word went over the tile port at the edge into `now` (LOAD or STORE moved on).
unsigned tc_word_moved(const gpu::TensorCoreView& now, const gpu::TensorCoreView& before);
// "COMPUTE TMMA t=3", "LOAD TLDA word 1,2", "FAULT TLDB: stride too small (thread 0)".
std::string tc_text(const gpu::TensorCoreView& t);
// The data cache in one line: state, request, counters and valid lines.
std::string cache_text(const gpu::CacheView& c, const gpu::CacheView& before, const GpuConfig& config);
// PE p's glyph (SystolicTrace::pe_glyph), '#' when it multiplied at the edge into `now`.
char tc_pe_glyph(const gpu::TensorCoreView& now, const gpu::TensorCoreView& before, size_t p);

}  // namespace lockstep::trace
