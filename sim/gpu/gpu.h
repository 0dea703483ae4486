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

class Gpu : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk_i;                    // state changes on its rising edge
    GpuInputs inputs;                              // driven by the harness before each edge
    bool clocked = false;                          // its edges count only while its device is ticked

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

private:
    void on_clock();
    void observe_warp(const Core& core, unsigned w, GpuSnapshot& out) const;

    GpuConfig config_;
    std::vector<bool> core_done_;                  // scratch for the dispatcher
    std::vector<MemRequest> fetch_requests_;       // scratch for the program controller
};

}  // namespace lockstep::gpu
