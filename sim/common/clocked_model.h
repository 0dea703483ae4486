// A design's SystemC model as a Device: its top module clocked one edge per tick(), and the
// one-model-per-shape rule SystemC imposes on a process. The GPU's and the array's models
// (gpu_model.h, systolic_model.h) are both this.
//
// The clock is an event, not an sc_clock: an edge is one activation of the top's clocked
// process, in one delta cycle of the kernel (sc_start(SC_ZERO_TIME) after an immediate
// notification of `edge_now`). A rising edge of an sc_clock (sc_start of a period) costs the
// kernel about three times as much: the clock's own processes for both of its edges, its
// signal's update and two time steps, which was most of what a lock-step run added to the
// RTL's own time (docs/performance.md). A run of many edges (a fast path) is a quantum of
// edges an activation, the process asking for its next activation in the next delta cycle
// (temporal decoupling, as TLM-2.0's quantum keeper). SystemC's time stays at zero: a run's
// cycles are the edges it clocked, counted by the driver.
#pragma once

#include "common/error.h"

#include <fmt/format.h>
#include <systemc>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace lockstep {

// `Top` is an sc_module with `edge_now`, an sc_event its clocked process is sensitive to;
// `edges_left`, the edges a run may still clock (0: the activation is one edge, a tick);
// an `inputs` member the tick sets; and observe().
template <typename Top, typename DeviceBase>
class ClockedModel : public DeviceBase {
public:
    using Inputs = typename DeviceBase::InputsType;
    using Snapshot = typename DeviceBase::SnapshotType;

    void tick(const Inputs& inputs) override {
        top_.inputs = inputs;
        activate(0);
    }
    void observe(Snapshot& out) const override { top_.observe(out); }
    Top& top() { return top_; }

protected:
    // One edge (`run` 0), or a run of at most `run` edges, which the top's process clocks a
    // quantum at a time until it has clocked them all or ends the run early by setting
    // edges_left to 0.
    void activate(uint64_t run) {
        if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) {
            sc_core::sc_start(sc_core::SC_ZERO_TIME);   // an immediate notification needs a started kernel
        }
        top_.edges_left = run;
        top_.edge_now.notify();
        do {
            sc_core::sc_start(sc_core::SC_ZERO_TIME);   // one delta cycle: one activation
        } while (top_.edges_left > 0 && sc_core::sc_pending_activity_at_current_time());
        top_.edges_left = 0;   // a process that did not ask for its next activation ended the run
    }

    template <typename Shape>
    ClockedModel(const std::string& name, const Shape& shape) : top_(name.c_str(), shape) {}

    // SystemC cannot add modules once simulation has started, so a process holds one model
    // per shape (`key`), made before the first run; runs start with a reset.
    template <typename Model, typename Make>
    static Model& for_shape(const char* design, const std::string& key, Make make) {
        static std::map<std::string, std::unique_ptr<Model>> models;
        auto found = models.find(key);
        if (found != models.end()) return *found->second;
        if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
            throw Error(fmt::format("the SystemC model of {} shape {} must be built before the first run "
                                    "in this process (SystemC cannot add modules after simulation starts)",
                                    design, key));
        }
        return *models.emplace(key, std::unique_ptr<Model>(make())).first->second;
    }

    Top top_;
};

}  // namespace lockstep
