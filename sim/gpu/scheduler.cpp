#include "gpu/scheduler.h"

namespace lockstep::gpu {
namespace {

unsigned lowest_lane(uint32_t mask) { return static_cast<unsigned>(__builtin_ctz(mask)); }

}  // namespace

Scheduler::Scheduler(const sc_core::sc_module_name& name, unsigned stack_depth, unsigned program_addr_bits)
    : Unit(name), depth_(stack_depth), pc_mask_((1u << program_addr_bits) - 1) {
    q.stack.assign(depth_, StackEntry{});
    d_ = q;
}

void Scheduler::evaluate(bool reset, bool start, FetcherState fetcher, bool ret, bool lsu_busy, bool may_issue,
                         uint32_t enabled, const std::vector<uint32_t>& next_pcs, uint32_t reconv) {
    if (stack_changed_) {   // an evaluation earlier in this edge changed it (the granted warp's second)
        d_.stack = q.stack;
        stack_changed_ = false;
    }
    static_cast<SchedulerFlops&>(d_) = q;
    if (reset) {
        static_cast<SchedulerFlops&>(d_) = SchedulerFlops{};
        next_stack().assign(depth_, StackEntry{});
        return;
    }
    switch (q.state) {
    case CoreState::Idle:
        if (start) {
            d_.state = CoreState::Fetch;
            if (depth_ != 0) {
                next_stack()[0] = StackEntry{0, pc_mask_ + 1, enabled};   // the base entry reconverges at exit
                d_.sp = 1;
            }
        }
        break;
    case CoreState::Fetch:
        if (fetcher == FetcherState::Fetched) d_.state = CoreState::Decode;
        break;
    case CoreState::Decode: d_.state = CoreState::Request; break;
    case CoreState::Request: d_.state = CoreState::Wait; break;
    case CoreState::Wait:
        if (!lsu_busy && may_issue) d_.state = CoreState::Execute;
        break;
    case CoreState::Execute: d_.state = CoreState::Update; break;
    case CoreState::Update:
        if (depth_ != 0) {
            update_stack(ret, next_pcs, reconv);
        } else if (ret) {
            d_.done = true;
            d_.state = CoreState::Done;
        } else {
            update_uniform(enabled, next_pcs);
        }
        break;
    case CoreState::Done: break;
    }
}

// Without divergence: every enabled thread must agree with slot 0 (docs/architecture.md, `scheduler`).
void Scheduler::update_uniform(uint32_t enabled, const std::vector<uint32_t>& next_pcs) {
    for (unsigned t = 0; t < next_pcs.size(); ++t) {
        if ((enabled >> t & 1) != 0 && next_pcs[t] != next_pcs[0]) {
            d_.diverged = true;
            d_.state = CoreState::Done;
            return;
        }
    }
    d_.pc = next_pcs[0];
    d_.state = CoreState::Fetch;
}

void Scheduler::push(const StackEntry& entry) { next_stack()[d_.sp++] = entry; }

void Scheduler::settle() {
    for (unsigned i = 0; i < depth_ && d_.sp > 0; ++i) {
        const StackEntry& top = d_.stack[d_.sp - 1];
        if (top.mask != 0 && top.pc != top.rpc) break;
        --d_.sp;
    }
}

// With divergence (docs/architecture.md, "Branch divergence", StUpdate).
void Scheduler::update_stack(bool ret, const std::vector<uint32_t>& next_pcs, uint32_t reconv) {
    const unsigned top = q.sp - 1;
    const uint32_t lanes = q.stack[top].mask;
    if (ret) {
        std::vector<StackEntry>& stack = next_stack();
        for (unsigned i = 0; i < q.sp; ++i) stack[i].mask &= ~lanes;
        d_.sp = top;
        settle();
        if (d_.sp == 0) {
            d_.done = true;
            d_.state = CoreState::Done;
            return;
        }
    } else {
        const uint32_t first = next_pcs[lowest_lane(lanes)];
        const uint32_t fall = (q.pc + 1) & pc_mask_;
        uint32_t fallers = 0, differ = 0;
        for (uint32_t rest = lanes; rest != 0; rest &= rest - 1) {
            const unsigned t = lowest_lane(rest);
            if (next_pcs[t] == fall) fallers |= 1u << t;
            if (next_pcs[t] != first) differ |= 1u << t;
        }
        if (differ == 0) {
            next_stack()[top].pc = first;
        } else {
            const uint32_t takers = lanes & ~fallers;
            const uint32_t target = next_pcs[lowest_lane(takers)];
            if (reconv == q.stack[top].rpc) {
                d_.sp = top;                           // its lanes that reach reconv are in the entry below
            } else {
                next_stack()[top].pc = reconv & pc_mask_;  // the entry waits at the reconvergence point
            }
            const unsigned needed = d_.sp + (target != reconv) + (fall != reconv);
            if (needed > depth_) {
                next_stack() = q.stack;
                d_.sp = q.sp;
                d_.overflow = true;
                d_.state = CoreState::Done;
                return;
            }
            if (target != reconv) push({target, reconv, takers});
            if (fall != reconv) push({fall, reconv, fallers});   // the fall-through path runs first
        }
        settle();
    }
    d_.pc = d_.stack[d_.sp - 1].pc;
    d_.state = CoreState::Fetch;
}

}  // namespace lockstep::gpu
