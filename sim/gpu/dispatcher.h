// Dispatcher: hands blocks of threads to free cores in order; done when all blocks are.
#pragma once

#include "common/unit.h"
#include "gpu/gpu_types.h"

#include <cstdint>
#include <vector>

namespace lockstep::gpu {

struct DispatcherState {
    Flags core_start;                       // core c runs a block
    Flags core_reset;                       // core c is held in reset
    std::vector<uint32_t> core_block_id;    // block given to core c
    std::vector<uint32_t> core_thread_count;// threads of that block
    uint32_t blocks_dispatched = 0;
    uint32_t blocks_done = 0;
    bool done = false;
};

class Dispatcher : public Unit<DispatcherState> {
public:
    Dispatcher(const sc_core::sc_module_name& name, unsigned cores, unsigned threads_per_block);
    // `any_done` false: no core_done flag is set (the cores are not looked at for one).
    void evaluate(bool reset, bool start, uint32_t thread_count, const Flags& core_done, bool any_done = true);
    // The edge: copies the next state only when evaluate() changed it (most edges it does not;
    // between edges d_ equals q).
    void commit() {
        if (changed_) {
            q = d_;
            held_ = 0;
            for (uint8_t r : q.core_reset) held_ += r != 0;
        }
        changed_ = false;
    }

private:
    DispatcherState reset_state() const;
    uint32_t blocks(uint32_t thread_count);   // the blocks of a launch of thread_count threads
    bool changed_ = false;
    unsigned held_ = 0;               // cores held in reset in q (kept at each commit; all after reset)
    uint32_t blocks_of_ = 0, blocks_ = 0;   // blocks() last computed: for blocks_of_ threads, blocks_
    unsigned cores_;
    unsigned threads_per_block_;
};

}  // namespace lockstep::gpu
