// State encodings and the per-cycle observable state shared by model, RTL adapter,
// comparator and trace writer (docs/architecture.md, "Encodings").
#pragma once

#include "common/config.h"
#include "common/device.h"
#include "common/memory.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace lockstep::gpu {

enum class CoreState : uint8_t {
    Idle = 0, Fetch = 1, Decode = 2, Request = 3, Wait = 4, Execute = 5, Update = 6, Done = 7,
};
enum class FetcherState : uint8_t { Idle = 0, Fetching = 1, Fetched = 2 };
enum class LsuState : uint8_t { Idle = 0, Requesting = 1, Waiting = 2, Done = 3 };
// An LSU with a load or store in flight: requesting or waiting (the scheduler's lsu_busy).
constexpr bool lsu_busy(LsuState s) { return s == LsuState::Requesting || s == LsuState::Waiting; }
enum class CtrlState : uint8_t {
    Idle = 0, ReadWaiting = 2, WriteWaiting = 3, ReadRelaying = 4, WriteRelaying = 5,
};

// Decoder outputs (gpu_pkg.sv: AluAdd.., RegInputAlu..).
enum class AluOp : uint8_t { Add = 0, Sub = 1, Mul = 2, Div = 3 };
enum class RegInput : uint8_t { Alu = 0, Lsu = 1, Const = 2 };

// Tensor core (docs/architecture.md, "Tensor core").
enum class TcState : uint8_t { Idle = 0, Start = 1, Load = 2, Store = 3, Compute = 4, Done = 5, Fault = 6 };
enum class TcOp : uint8_t { None = 0, Lda = 1, Ldb = 2, Mma = 3, Stc = 4, Clr = 5 };
enum class TcFault : uint8_t { None = 0, Operands = 1, Stride = 2, Range = 3 };

// Data cache (docs/architecture.md, "Data cache").
enum class CacheState : uint8_t {
    Idle = 0, Hit = 1, Respond = 2, Evict = 3, Fill = 4, WriteThrough = 5, Flush = 6, Done = 7,
};

const char* name(CoreState s);
const char* name(TcState s);
const char* name(TcOp s);
const char* name(TcFault s);
const char* name(FetcherState s);
const char* name(LsuState s);
const char* name(CacheState s);

constexpr unsigned kRegisters = 16;

// Per-core or per-consumer flags, a byte each: std::vector<bool>'s bit access costs on every
// read, and the model reads these every edge.
using Flags = std::vector<uint8_t>;

// The lanes of a block of `thread_count` threads: bit t = thread slot t.
constexpr uint32_t lane_mask(uint32_t thread_count) { return thread_count >= 32 ? ~0u : (1u << thread_count) - 1; }

// One reconvergence-stack entry (docs/architecture.md, "Branch divergence").
struct StackEntry {
    uint32_t pc = 0;      // where this entry's lanes run next
    uint32_t rpc = 0;     // reconvergence PC {exit, ipdom}: the entry is popped when pc reaches it
    uint32_t mask = 0;    // its lanes, bit t = thread slot t
    bool operator==(const StackEntry& o) const { return pc == o.pc && rpc == o.rpc && mask == o.mask; }
};

struct CoreView {
    bool operator==(const CoreView& o) const;
    CoreState state = CoreState::Idle;
    FetcherState fetcher = FetcherState::Idle;
    uint32_t pc = 0;
    uint16_t instruction = 0;
    bool start = false, reset = true, diverged = false;
    uint32_t block_id = 0;
    uint32_t thread_count = 0;
    // Divergence (all 0 / empty without it): active lanes, the fetcher's reconvergence field,
    // stack entries in use, overflow, and all stack_depth entries.
    uint32_t active = 0;
    uint32_t reconv = 0;
    uint32_t sp = 0;
    bool overflow = false;
    std::vector<StackEntry> stack;
};

// No padding (the fields are laid out so that none is needed): two views are equal when their
// bytes are, and the comparator checks all threads of a snapshot with one memcmp every edge.
struct ThreadView {
    bool operator==(const ThreadView& o) const { return std::memcmp(this, &o, sizeof(ThreadView)) == 0; }
    std::array<uint32_t, kRegisters> regs{};
    uint32_t lsu_out = 0, alu_out = 0;
    uint32_t next_pc = 0;
    LsuState lsu = LsuState::Idle;
    uint8_t nzp = 0;
    uint8_t unused[2] = {0, 0};    // fills the last word (always 0)
};
static_assert(std::has_unique_object_representations_v<ThreadView>, "ThreadView must have no padding");

// One core's tensor core. Values are sign-extended: tiles and h, w from TcInBits, the
// accumulators, v and the PE accumulators (pacc) from TcAccBits. PE p = i * cols + j.
struct TensorCoreView {
    bool operator==(const TensorCoreView& o) const;
    TcState state = TcState::Idle;
    TcOp op = TcOp::None;
    TcFault fault = TcFault::None;
    uint32_t fault_thread = 0, t = 0, row = 0, col = 0, base = 0, stride = 0;
    std::vector<int32_t> a, b, acc;                // tiles: R x R, R x C; accumulators R x C
    std::vector<int32_t> h, v, pacc, w;            // PE registers, R x C each
    std::vector<uint8_t> hv, vv, wv, mac;
};

// The data cache: its request in hand, its lines (line k = set * ways + way) and counters.
struct CacheView {
    CacheState state = CacheState::Idle;
    uint32_t port = 0, addr = 0, way = 0, count = 0;
    bool hit = false;
    std::vector<uint8_t> valid, dirty;
    std::vector<uint32_t> tag, age;
    std::vector<uint64_t> data;                    // a line's words packed as in MemRequest
    uint32_t hits = 0, misses = 0, evictions = 0, writebacks = 0;
    bool operator==(const CacheView& o) const;
};

// A core's warp scheduler (docs/architecture.md, "Warps"): which warp holds the front end.
struct WarpSchedulerView {
    bool owner_valid = false;
    uint32_t owner = 0, last = 0;
    bool operator==(const WarpSchedulerView& o) const {
        return owner_valid == o.owner_valid && owner == o.owner && last == o.last;
    }
};

// Everything both engines expose after a clock edge.
struct GpuSnapshot {
    bool done = false;
    // Per warp context x = w * cores + c (GpuConfig::contexts(); with one warp a core): the
    // scheduler, dispatcher and divergence fields of warp w of core c, `fetcher` its core's.
    std::vector<CoreView> cores;
    std::vector<ThreadView> threads;               // context-major: x * threads_per_block + slot
    std::vector<WarpSchedulerView> warp_schedulers;   // per core, with more than one warp a core
    std::vector<MemRequest> data_requests;         // per data channel, then per tile port (GpuConfig::data_memory_channels)
    std::vector<MemRequest> program_requests;      // per program channel
    std::vector<TensorCoreView> tensor;            // per core, when the GPU has a tensor core
    std::vector<CacheView> cache;                  // one, when the GPU has a data cache
    unsigned request_words = 1;                    // words a data request carries (GpuConfig::request_words)
    unsigned data_bits = 8;                        // of each word

    void resize(const GpuConfig& config);
    bool operator==(const GpuSnapshot& o) const;   // what the comparator checks, field by field
};

// What the harness drives into the GPU for the coming edge.
struct GpuInputs {
    bool rst_n = true;
    bool start = false;
    bool dcr_we = false;
    uint8_t dcr_data = 0;
    std::vector<MemResponse> data;                 // per data channel, then per tile port
    std::vector<MemResponse> program;              // per program channel
};

// "core2" for warp context x on a GPU with one warp a core, "core2.warp1" with several (unit
// paths); "core 2" and "core 2 warp 1" for messages.
std::string context_name(const GpuConfig& config, unsigned x);
std::string context_words(const GpuConfig& config, unsigned x);

// A GPU that can be clocked and observed: the SystemC model or the Verilated RTL.
using GpuDevice = Device<GpuInputs, GpuSnapshot>;

}  // namespace lockstep::gpu
