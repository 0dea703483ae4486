#include "gpu/dispatcher.h"

namespace lockstep::gpu {

Dispatcher::Dispatcher(const sc_core::sc_module_name& name, unsigned cores, unsigned threads_per_block)
    : Unit(name), cores_(cores), threads_per_block_(threads_per_block) {
    q = d_ = reset_state();
    held_ = cores;
}

uint32_t Dispatcher::blocks(uint32_t thread_count) {
    if (thread_count != blocks_of_) {   // (the count changes once a launch at most: no division an edge)
        blocks_of_ = thread_count;
        blocks_ = (thread_count + threads_per_block_ - 1) / threads_per_block_;
    }
    return blocks_;
}

DispatcherState Dispatcher::reset_state() const {
    DispatcherState s;
    s.core_start.assign(cores_, false);
    s.core_reset.assign(cores_, true);
    s.core_block_id.assign(cores_, 0);
    s.core_thread_count.assign(cores_, threads_per_block_);
    return s;
}

void Dispatcher::evaluate(bool reset, bool start, uint32_t thread_count, const Flags& core_done, bool any_done) {
    // d_ equals q here (commit()); what changes below sets changed_.
    if (reset || !start) changed_ = true;
    if (reset) {
        d_ = reset_state();
        return;
    }
    if (!start) {   // re-arm for the next launch (the reference never clears done)
        d_.done = false;
        d_.blocks_dispatched = 0;
        d_.blocks_done = 0;
        d_.core_reset.assign(cores_, true);
        d_.core_start.assign(cores_, false);
        return;
    }
    const uint32_t total_blocks = blocks(thread_count);
    uint32_t dispatched = q.blocks_dispatched;
    uint32_t finished = q.blocks_done;
    if (q.blocks_done == total_blocks && !q.done) {
        d_.done = true;
        changed_ = true;
    }
    for (unsigned c = 0; c < cores_ && held_ != 0; ++c) {
        if (!q.core_reset[c]) continue;
        changed_ = true;
        d_.core_reset[c] = false;
        if (dispatched < total_blocks) {
            d_.core_start[c] = true;
            d_.core_block_id[c] = dispatched;
            d_.core_thread_count[c] = dispatched == total_blocks - 1
                                          ? thread_count - dispatched * threads_per_block_
                                          : threads_per_block_;
            dispatched = (dispatched + 1) & 0xFF;
        }
    }
    for (unsigned c = 0; c < cores_ && any_done; ++c) {
        if (q.core_start[c] && core_done[c]) {
            changed_ = true;
            d_.core_reset[c] = true;
            d_.core_start[c] = false;
            finished = (finished + 1) & 0xFF;
        }
    }
    d_.blocks_dispatched = dispatched;
    d_.blocks_done = finished;
}

}  // namespace lockstep::gpu
