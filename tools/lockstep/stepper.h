// The stepper behind `lockstep step`: a recorded run (states.bin), a current cycle, and
// breakpoints. Both front ends (line mode and the full-screen terminal) drive it with the
// same commands, so everything a person can do on screen can be scripted and tested.
#pragma once

#include "common/config.h"
#include "gpu/gpu_types.h"
#include "systolic/systolic_types.h"
#include "trace/state_file.h"
#include "trace/systolic_trace.h"

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace lockstep {

extern const char* const kStepperHelp;

class Stepper {
public:
    explicit Stepper(const std::string& dir);   // throws Error naming the file on a bad trace

    // Runs one command line; returns false on quit. Moves print the new view to `out`
    // unless print_views is off (the full-screen front end draws the view itself).
    bool execute(const std::string& line, std::ostream& out);
    void show(std::ostream& out);            // the view at the current cycle

    uint64_t cycle() const { return cycle_; }
    uint64_t last() const { return reader_.cycles() - 1; }
    size_t breakpoints() const { return breaks_.size(); }
    const std::string& kind() const { return kind_; }   // "gpu" or "systolic"
    bool print_views = true;

private:
    struct Break {
        std::string text;
        std::function<bool(uint64_t)> hit;   // at this cycle
    };

    void move(uint64_t cycle, std::ostream& out);
    void load(uint64_t cycle);
    void run(int direction, std::ostream& out);
    void add_break(const std::string& text, std::ostream& out);
    bool any_core(uint64_t c, const std::function<bool(const gpu::CoreView&)>& test);
    void show_gpu(std::ostream& out);
    void show_systolic(std::ostream& out);

    trace::StateReader reader_;
    std::string kind_;                       // "gpu" or "systolic"
    uint64_t cycle_ = 0;
    GpuConfig gpu_;
    gpu::GpuSnapshot now_, before_;          // this cycle and the one before (for change marks)
    systolic::ArrayShape shape_;
    trace::SystolicCycle sa_;
    std::vector<Break> breaks_;
};

}  // namespace lockstep
