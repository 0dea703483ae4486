// Typed configuration read from YAML; an unknown or misspelt key is an error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep {

// The values a setting may take, lo..hi inclusive.
struct Range {
    uint64_t lo, hi;
    constexpr bool contains(uint64_t value) const { return value >= lo && value <= hi; }
};

// What the config loader accepts, and with it every other reader of a shape (a trace's
// header, sim/trace/trace_header.cpp): one place for each range.
namespace limits {
inline constexpr Range kCores{1, 16};
inline constexpr Range kThreadsPerBlock{1, 32};
inline constexpr Range kDataChannels{1, 32};
inline constexpr Range kProgramAddrBits{1, 8};
inline constexpr unsigned kDataWidths[] = {8, 16};   // only the two widths the RTL is built for
inline constexpr Range kLatency{0, 64};
inline constexpr Range kBandwidth{0, 64};
inline constexpr Range kMaxCycles{1, 1000000000};
inline constexpr Range kArrayRows{1, 256};
inline constexpr Range kArrayCols{1, 256};
inline constexpr Range kInBits{2, 16};
inline constexpr Range kAccBits{16, 32};
inline constexpr Range kBufferAddrBits{4, 24};
inline constexpr Range kDramLanes{1, 1024};
inline constexpr Range kTcRows{1, 16};
inline constexpr Range kTcCols{1, 16};
inline constexpr Range kStackDepth{3, 32};
inline constexpr Range kWarpsPerCore{1, 8};
inline constexpr Range kSegmentWords{0, 8};         // 0 (off) or a power of two, segment_words * data_width <= 64
inline constexpr unsigned kSegmentBits = 64;        // most bits a data-memory request carries
inline constexpr Range kCacheWays{1, 8};
inline constexpr Range kCacheLines{1, 64};           // lines = size_words / line words
inline constexpr Range kCacheHitLatency{0, 16};

constexpr bool is_data_width(uint64_t bits) { return bits == kDataWidths[0] || bits == kDataWidths[1]; }
// Ranges set by another setting: program channels by the cores, data address bits and tensor-core
// widths by the data width.
constexpr Range program_channels(unsigned cores) { return {1, cores}; }
constexpr Range data_addr_bits(unsigned data_width) { return {1, data_width}; }
// Tensor-core widths by the data width: elements are data words, TSTC stores the accumulators' low bits.
constexpr Range tc_in_bits(unsigned data_width) { return {2, data_width}; }
constexpr Range tc_acc_bits(unsigned data_width) { return {data_width, 32}; }
}  // namespace limits

// The per-core tensor core of the GPU (docs/architecture.md, "Tensor core"); rows == 0: none.
struct TensorCoreConfig {
    unsigned rows = 0;                // PE rows R (0: the GPU has no tensor core), limits::kTcRows
    unsigned cols = 0;                // PE columns C, limits::kTcCols
    std::string dataflow = "os";      // os, ws or is (is needs rows <= cols)
    unsigned in_bits = 8;             // tile element width (signed), 2..data_width (default data_width)
    unsigned acc_bits = 32;           // accumulator width (signed, wrapping), data_width..32
    bool present() const { return rows != 0; }
};

// GPU shape; the RTL parameters of `rtl/gpu/gpu.sv` come from here.
struct GpuConfig {
    unsigned cores = 2;               // compute cores, limits::kCores
    unsigned threads_per_block = 4;   // thread slots per core, limits::kThreadsPerBlock
    unsigned data_channels = 4;       // data-memory channels, limits::kDataChannels
    unsigned program_channels = 1;    // program-memory channels, 1..cores
    unsigned data_width = 8;          // bits per data word and register, limits::kDataWidths
    unsigned data_addr_bits = 8;      // data memory holds 2^data_addr_bits words, 1..data_width
    unsigned program_addr_bits = 8;   // program memory holds 2^program_addr_bits words, limits::kProgramAddrBits
    TensorCoreConfig tensor_core;     // from the config's `tensor_core:` section
    // Reconvergence stack entries per core, from the `divergence:` section (0: none, a divergent
    // branch stops the run), limits::kStackDepth.
    unsigned stack_depth = 0;
    bool divergence() const { return stack_depth != 0; }
    // Bits of a program-memory word: the instruction, and with divergence the reconvergence
    // field {exit, ipdom} of docs/architecture.md, "Branch divergence".
    unsigned program_word_bits() const { return divergence() ? 16 + program_addr_bits + 1 : 16; }
    // Resident warps per core and the warp scheduler's policy, from the `warps:` section
    // (docs/architecture.md, "Warps"): "rr" round robin or "gto" greedy-then-oldest.
    unsigned warps_per_core = 1;      // limits::kWarpsPerCore
    std::string warp_scheduler = "rr";
    bool warps() const { return warps_per_core > 1; }
    // Words of an aligned data-memory segment, from the `coalescer:` section (docs/architecture.md,
    // "Coalescer"): a warp's lanes that access one segment share one request. 0: no coalescer.
    unsigned segment_words = 0;       // limits::kSegmentWords
    bool coalescer() const { return segment_words != 0; }
    // Words one data-memory request carries.
    unsigned request_words() const { return coalescer() ? segment_words : 1; }
    // The data cache, from the `cache:` section (docs/architecture.md, "Data cache"): sets of
    // `cache_ways` lines of request_words() each. 0 sets: no cache.
    unsigned cache_sets = 0;
    unsigned cache_ways = 1;          // limits::kCacheWays
    unsigned cache_hit_latency = 0;   // limits::kCacheHitLatency
    bool cache_write_back = true;     // write-back with write-allocate, or write-through without
    bool cache() const { return cache_sets != 0; }
    unsigned cache_lines() const { return cache_sets * cache_ways; }
    // Warp contexts: context x = w * cores + c is warp w of core c.
    unsigned contexts() const { return cores * warps_per_core; }
    // Data-memory channels the harness serves: the controller's, then one tile port per tensor core.
    // With a data cache, its one channel instead of the controller's.
    unsigned data_memory_channels() const {
        return (cache() ? 1 : data_channels) + (tensor_core.present() ? cores : 0);
    }
};

struct MemoryConfig {
    unsigned latency = 0;             // extra cycles before memory answers, limits::kLatency
    int data_latency = -1;            // data memory's own latency (-1: `latency`), limits::kLatency
    unsigned data_memory_latency() const { return data_latency < 0 ? latency : static_cast<unsigned>(data_latency); }
    unsigned bandwidth = 0;           // data-memory requests answered per cycle (0: no limit), limits::kBandwidth
};

struct SimConfig {
    uint64_t max_cycles = 10000000;   // a run longer than this stops with an error, limits::kMaxCycles
};

// The tensor core; the RTL parameters of `rtl/systolic/systolic.sv` come from here.
struct SystolicConfig {
    unsigned rows = 4;                // PE rows, limits::kArrayRows
    unsigned cols = 4;                // PE columns, limits::kArrayCols
    std::string dataflow = "ws";      // os, ws or is (a run may override it)
    unsigned in_bits = 8;             // A and B element width (signed), limits::kInBits
    unsigned acc_bits = 32;           // accumulator width (signed, wrapping), limits::kAccBits
    unsigned buffer_addr_bits = 14;   // A, B and C buffers hold 2^bits words each, limits::kBufferAddrBits
    unsigned dram_lanes = 4;          // most DRAM words per cycle per interface of a streamed layer, limits::kDramLanes
};

struct Config {
    std::string path;                 // file it came from ("<defaults>" if none)
    GpuConfig gpu;
    SystolicConfig systolic;
    MemoryConfig memory;
    SimConfig sim;
};

// Throws lockstep::Error naming the file, line and key on unknown keys, wrong types,
// out-of-range values, or a missing/unreadable file.
Config load_config(const std::string& path);
Config parse_config(const std::string& yaml_text, const std::string& path);

// Every key of the schema as "section.key" ("gpu.cores", "systolic.dataflow"), in schema order.
std::vector<std::string> config_keys();

}  // namespace lockstep
