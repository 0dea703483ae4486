#include "gpu/gpu.h"

#include <string>

namespace lockstep::gpu {

Gpu::Gpu(const sc_core::sc_module_name& name, const GpuConfig& config)
    : sc_core::sc_module(name),
      dcr("dcr"),
      dispatcher("dispatcher", config.contexts(), config.threads_per_block),
      data_controller("data_controller", config.contexts() * config.threads_per_block,
                      config.data_channels, true),
      program_controller("program_controller", config.cores, config.program_channels, false),
      config_(config) {
    for (unsigned c = 0; c < config.cores; ++c) {
        cores.push_back(std::make_unique<Core>(("core" + std::to_string(c)).c_str(), config, c));
    }
    if (config.coalescer()) {
        coalescer.emplace(config.contexts(), config.threads_per_block, config.data_width, config.segment_words);
    }
    if (config.cache()) dcache = std::make_unique<Dcache>("dcache", config);
    const unsigned slots = config.contexts() * config.threads_per_block;
    lsu_request_q.assign(slots, MemRequest{});
    lsu_response_q.assign(slots, MemResponse{});
    core_done_.assign(config.contexts(), false);
    fetch_requests_.assign(config.cores, MemRequest{});
    inputs.data.assign(config.data_memory_channels(), MemResponse{});
    inputs.program.assign(config.program_channels, MemResponse{});
    SC_HAS_PROCESS(Gpu);
    SC_METHOD(on_clock);
    sensitive << edge_now;
    dont_initialize();
}

namespace {
const MemResponse kNoResponse{};
}  // namespace

namespace {
constexpr unsigned kQuantum = 1024;   // edges a fast run clocks in one activation of on_clock()
}  // namespace

void Gpu::on_clock() {
    if (edges_left == 0) {   // a tick
        edge();
        return;
    }
    // A fast run: a quantum of edges an activation, the kernel activating the process again
    // in the next delta cycle until the hook stops it or its edges are spent (temporal
    // decoupling, as with TLM-2.0's quantum keeper; common/clocked_model.h).
    for (unsigned i = 0; i < kQuantum && edges_left > 0; ++i) {
        if (!edge_hook->before_edge(*this)) {
            edges_left = 0;
            return;
        }
        edge();
        --edges_left;
        if (edge_hook->after_edge(*this)) {
            edges_left = 0;
            return;
        }
    }
    if (edges_left > 0) next_trigger(sc_core::SC_ZERO_TIME);
}

void Gpu::edge() {
    const bool reset = !inputs.rst_n;
    const unsigned tpb = config_.threads_per_block;
    const DispatcherState& dispatch = dispatcher.q;
    bool any_done = false, fetches_changed = false;
    for (unsigned c = 0; c < cores.size(); ++c) {
        const Core& core = *cores[c];
        for (unsigned w = 0; w < core.warp_count(); ++w) {
            const bool done = core.warps[w].scheduler->q.done;
            core_done_[core.context(w)] = done;
            any_done = any_done || done;
        }
        MemRequest& fetch = fetch_requests_[c];
        fetches_changed = fetches_changed || fetch.read_valid != core.fetcher.q.read_valid ||
                          fetch.read_address != core.fetcher.q.read_address;
        fetch.read_valid = core.fetcher.q.read_valid;
        fetch.read_address = core.fetcher.q.read_address;
    }
    // Every unit computes its next state from current state only ...
    const bool dcr_clocked = !Dcr::holds(reset, inputs.dcr_we);
    if (dcr_clocked) dcr.evaluate(reset, inputs.dcr_we, inputs.dcr_data);
    dispatcher.evaluate(reset, inputs.start, dcr.q.thread_count, core_done_, any_done);
    for (unsigned c = 0; c < cores.size(); ++c) {
        cores[c]->evaluate(reset, dispatch, program_controller.q.consumer[c], lsu_response_q.data(),
                           cores[c]->tensor ? inputs.data[config_.data_channels + c] : kNoResponse);
    }
    data_controller.evaluate(reset, coalescer ? coalescer->requests(lsu_request_q) : lsu_request_q,
                             dcache ? dcache->q.channel : inputs.data, ports_changed_);
    if (dcache) dcache->evaluate(reset, data_controller.q.mem, dispatcher.q.done, inputs.data[0]);
    program_controller.evaluate(reset, fetch_requests_, inputs.program, fetches_changed);
    // ... and then all of it changes at once, as flops do on the edge (the answers first: the
    // coalescer picks each lane's word by the address it holds before the edge).
    // (Plain assignments: a conditional's temporary made these copies an edge's slowest part.)
    if (reset) {
        std::fill(lsu_response_q.begin(), lsu_response_q.end(), MemResponse{});
    } else if (coalescer) {
        for (unsigned i = 0; i < lsu_response_q.size(); ++i) {
            lsu_response_q[i] = coalescer->response(i, lsu_request_q, data_controller.q.consumer);
        }
    } else if (data_controller.consumers_changed()) {   // else they hold what they would copy
        std::copy(data_controller.q.consumer.begin(), data_controller.q.consumer.end(), lsu_response_q.begin());
    }
    if (reset) {
        std::fill(lsu_request_q.begin(), lsu_request_q.end(), MemRequest{});
        ports_changed_ = true;
    } else {
        // A port register already holds the request of an LSU that did not change at the last
        // edge (it copied it then): only the LSUs that changed are copied.
        ports_changed_ = false;
        for (const auto& core : cores) {
            for (unsigned w = 0; w < core->warp_count(); ++w) {
                MemRequest* port = &lsu_request_q[core->context(w) * tpb];
                const std::vector<ThreadSlot>& slots = core->warps[w].threads;
                const uint32_t changed = core->lsus_changed(w);
                ports_changed_ = ports_changed_ || changed != 0;
                for (uint32_t rest = changed; rest != 0; rest &= rest - 1) {
                    const unsigned t = static_cast<unsigned>(__builtin_ctz(rest));
                    port[t] = slots[t].lsu->q.request;
                }
            }
        }
    }
    if (dcr_clocked) dcr.commit();
    dispatcher.commit();
    bool stopped = false;
    for (auto& core : cores) {
        core->commit();
        stopped = stopped || core->stopped();
    }
    stopped_ = stopped;
    data_controller.commit();
    program_controller.commit();
    if (dcache) dcache->commit();
}

void Gpu::observe(GpuSnapshot& out) const { observe_parts(out, false); }

void Gpu::observe_next(GpuSnapshot& out) const { observe_parts(out, true); }

// With a cache a kernel ends once its dirty lines are in memory.
bool Gpu::done() const { return dispatcher.q.done && (!dcache || dcache->q.state == CacheState::Done); }

void Gpu::data_requests(MemRequest* out) const {
    if (dcache) {
        out[0] = dcache->q.mem;
    } else {
        std::copy(data_controller.q.mem.begin(), data_controller.q.mem.end(), out);
    }
    for (unsigned c = 0; c < cores.size(); ++c) {
        if (cores[c]->tensor) out[config_.data_channels + c] = cores[c]->tensor->request();
    }
}

void Gpu::observe_parts(GpuSnapshot& out, bool next) const {
    out.done = done();
    for (unsigned c = 0; c < cores.size(); ++c) {
        const Core& core = *cores[c];
        if (config_.warps()) {
            const WarpSchedulerState& ws = core.warp_scheduler.q;
            out.warp_schedulers[c] = {ws.owner_valid, ws.owner, ws.last};
        }
        for (unsigned w = 0; w < core.warp_count(); ++w) observe_warp(core, w, out, next);
    }
    data_requests(out.data_requests.data());
    if (dcache) dcache->observe(out.cache[0]);
    std::copy(program_controller.q.mem.begin(), program_controller.q.mem.end(), out.program_requests.begin());
    for (unsigned c = 0; c < out.tensor.size(); ++c) cores[c]->tensor->observe(out.tensor[c]);
}

void Gpu::observe_warp(const Core& core, unsigned w, GpuSnapshot& out, bool next) const {
    const unsigned tpb = config_.threads_per_block;
    const Warp& warp = core.warps[w];
    const unsigned x = core.context(w);
    const SchedulerState& s = warp.scheduler->q;
    CoreView& view = out.cores[x];
    view.state = s.state;
    view.instruction = warp.instruction->q.instruction;
    view.start = dispatcher.q.core_start[x];
    view.reset = dispatcher.q.core_reset[x];
    view.diverged = s.diverged;
    view.overflow = s.overflow;
    view.thread_count = dispatcher.q.core_thread_count[x];
    view.fetcher = core.fetcher.q.state;
    view.pc = s.pc;
    view.block_id = dispatcher.q.core_block_id[x];
    if (config_.divergence()) {
        view.active = warp.scheduler->active(lane_mask(view.thread_count));
        view.reconv = warp.instruction->q.reconv;
        view.sp = s.sp;
        view.stack = s.stack;
    }
    // A slot none of whose units changed at the last edge still shows what `out` holds.
    const uint32_t slots = next ? core.slots_changed(w) : lane_mask(tpb);
    for (uint32_t rest = slots; rest != 0; rest &= rest - 1) {
        const unsigned t = static_cast<unsigned>(__builtin_ctz(rest));
        const ThreadSlot& slot = warp.threads[t];
        ThreadView& thread = out.threads[x * tpb + t];
        thread.lsu = slot.lsu->q.state;
        thread.regs = slot.registers->q.regs;
        thread.lsu_out = slot.lsu->q.out;
        thread.alu_out = slot.alu->q.out;
        thread.nzp = slot.pc->q.nzp;
        thread.next_pc = slot.pc->q.next_pc;
    }
}

}  // namespace lockstep::gpu
