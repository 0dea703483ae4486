// GPU top: device control register, dispatcher, memory controllers, cores, and the
// register stage between the LSUs and the data-memory controller.
#pragma once

#include "common/config.h"
#include "gpu/coalescer.h"
#include "gpu/controller.h"
#include "gpu/dcache.h"
#include "gpu/core.h"
#include "gpu/dcr.h"
#include "gpu/dispatcher.h"
#include "gpu/gpu_types.h"

#include <systemc>

#include <memory>
#include <optional>
#include <vector>

namespace lockstep::gpu {

class Gpu;

// What surrounds the model in a fast run (cosim/gpu_engine.cpp: the harness's memories and
// the utilisation counters): before_edge() drives the inputs of the coming edge (false stops
// the run before it), after_edge() sees its outcome (true stops the run after it).
class EdgeHook {
public:
    virtual ~EdgeHook() = default;
    virtual bool before_edge(Gpu& gpu) = 0;
    virtual bool after_edge(Gpu& gpu) = 0;
};

class Gpu : public sc_core::sc_module {
public:
    sc_core::sc_event edge_now;                    // the clock: its state changes at each notification
    GpuInputs inputs;                              // driven by the harness before each edge
    uint64_t edges_left = 0;                       // a fast run's edges still to clock (0: one edge, a tick)
    EdgeHook* edge_hook = nullptr;                 // and the harness at each of them

    Dcr dcr;
    Dispatcher dispatcher;
    Controller data_controller;
    Controller program_controller;
    std::vector<std::unique_ptr<Core>> cores;
    std::vector<MemRequest> lsu_request_q;         // LSU port registers, towards the controller
    std::vector<MemResponse> lsu_response_q;       // and back towards the LSUs
    std::optional<Coalescer> coalescer;            // between them and the controller, with a coalescer: section
    std::unique_ptr<Dcache> dcache;                // between the controller and memory, with a cache: section

    Gpu(const sc_core::sc_module_name& name, const GpuConfig& config);

    void observe(GpuSnapshot& out) const;
    // observe(), where `out` holds the observation after the previous edge (Device::observe_next):
    // the thread views of the slots whose units did not change at the last edge are left as
    // they are.
    void observe_next(GpuSnapshot& out) const;
    // The kernel is done (GpuSnapshot::done).
    bool done() const;
    // Some warp's scheduler stopped its block after the last edge: it diverged (without
    // divergence support) or overflowed its reconvergence stack.
    bool stopped() const { return stopped_; }
    // The requests towards data memory (GpuSnapshot::data_requests: per data channel, then per
    // tile port) into out[0 .. data_memory_channels).
    void data_requests(MemRequest* out) const;
    // The same requests where they are kept, when they are all in one vector (the data
    // controller's channel registers: no cache, no tensor cores), else null.
    const std::vector<MemRequest>* data_requests_in_place() const {
        return dcache || config_.tensor_core.present() ? nullptr : &data_controller.q.mem;
    }

private:
    void on_clock();
    void edge();
    void observe_parts(GpuSnapshot& out, bool next) const;   // next: observe_next()
    void observe_warp(const Core& core, unsigned w, GpuSnapshot& out, bool next) const;

    GpuConfig config_;
    Flags core_done_;                              // scratch for the dispatcher
    std::vector<MemRequest> fetch_requests_;       // scratch for the program controller
    bool ports_changed_ = true;                    // the last edge wrote an LSU port register
    bool stopped_ = false;                         // stopped()
};

}  // namespace lockstep::gpu
