// Data cache: a blocking, set-associative cache of segments between the data controller's
// channels and data memory, write-back with write-allocate or write-through without, LRU
// replacement, flushed before the GPU reports done (docs/architecture.md, "Data cache").
#pragma once

#include "common/config.h"
#include "common/memory.h"
#include "common/unit.h"
#include "gpu/gpu_types.h"

#include <cstdint>
#include <vector>

namespace lockstep::gpu {

struct CacheLine {
    bool valid = false, dirty = false;
    uint32_t tag = 0;              // the segment address it holds
    uint64_t data = 0;             // its words, packed as in MemRequest
    uint32_t age = 0;              // 0 = most recently used in its set
};

struct DcacheState {
    CacheState state = CacheState::Idle;
    unsigned port = 0;             // the controller channel being served
    uint32_t addr = 0;             // its segment address (while flushing: the line written back)
    bool write = false;
    uint64_t wdata = 0;
    uint32_t wmask = 0;
    unsigned way = 0;
    bool hit = false;
    unsigned count = 0;            // hit-latency cycles left
    MemRequest mem;                // towards memory (one address for reads and writes)
    std::vector<MemResponse> channel;   // back to each controller channel
    std::vector<CacheLine> lines;  // line k = set * ways + way
    uint32_t hits = 0, misses = 0, evictions = 0, writebacks = 0;
};

class Dcache : public Unit<DcacheState> {
public:
    Dcache(const sc_core::sc_module_name& name, const GpuConfig& config);

    // requests: the controller's channels; flush: the dispatcher's done; memory: the answer on
    // the cache's memory channel.
    void evaluate(bool reset, const std::vector<MemRequest>& requests, bool flush, const MemResponse& memory);
    void observe(CacheView& out) const;
    void observe_counters(CacheView& out) const;   // state and counters only (fast runs)

private:
    DcacheState reset_state() const;
    unsigned set_of(uint32_t address) const { return (address / words_) % sets_; }
    CacheLine& line(unsigned set, unsigned way) { return d_.lines[set * ways_ + way]; }
    void idle(const std::vector<MemRequest>& requests);
    void memory_write(uint32_t address, uint64_t data, uint32_t mask);
    void memory_read(uint32_t address);
    void touch(unsigned set, unsigned way);
    uint64_t merge(uint64_t line, uint64_t data, uint32_t mask) const;

    unsigned channels_, sets_, ways_, words_, data_bits_, hit_latency_;
    bool write_back_;
};

}  // namespace lockstep::gpu
