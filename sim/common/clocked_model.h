// A design's SystemC model as a Device: its top module on its own clock, one rising edge
// per tick(), and the one-model-per-shape rule SystemC imposes on a process. The GPU's and
// the array's models (gpu_model.h, systolic_model.h) are both this.
#pragma once

#include "common/clock.h"
#include "common/error.h"

#include <fmt/format.h>
#include <systemc>

#include <map>
#include <memory>
#include <string>

namespace lockstep {

// `Top` is an sc_module with `clk_i`, an `inputs` member the tick sets, and observe().
template <typename Top, typename DeviceBase>
class ClockedModel : public DeviceBase {
public:
    using Inputs = typename DeviceBase::InputsType;
    using Snapshot = typename DeviceBase::SnapshotType;

    void tick(const Inputs& inputs) override {
        top_.inputs = inputs;
        Clocked clocked(top_);
        sc_core::sc_start(clock_period());   // exactly one rising edge per period
    }
    void observe(Snapshot& out) const override { top_.observe(out); }
    Top& top() { return top_; }

protected:
    // SystemC runs every model of the process on every edge, each on its own clock; a top's
    // edge counts only while this is alive (a tick, or a run of many), so a model changes only
    // when its own device is ticked, and idle models cost next to nothing.
    class Clocked {
    public:
        explicit Clocked(Top& top) : top_(top) { top_.clocked = true; }
        ~Clocked() { top_.clocked = false; }
        Clocked(const Clocked&) = delete;
        Clocked& operator=(const Clocked&) = delete;

    private:
        Top& top_;
    };

    template <typename Shape>
    ClockedModel(const std::string& name, const Shape& shape)
        : clock_((name + "_clk").c_str(), clock_period()), top_(name.c_str(), shape) {
        top_.clk_i(clock_);
    }

    // SystemC cannot add modules once simulation has started, so a process holds one model
    // per shape (`key`), made before the first run; runs start with a reset.
    template <typename Model, typename Make>
    static Model& for_shape(const char* design, const std::string& key, Make make) {
        static std::map<std::string, std::unique_ptr<Model>> models;
        auto found = models.find(key);
        if (found != models.end()) return *found->second;
        if (elaboration_closed()) {
            throw Error(fmt::format("the SystemC model of {} shape {} must be built before the first run "
                                    "in this process (SystemC cannot add modules after simulation starts)",
                                    design, key));
        }
        return *models.emplace(key, std::unique_ptr<Model>(make())).first->second;
    }

    sc_core::sc_clock clock_;
    Top top_;
};

}  // namespace lockstep
