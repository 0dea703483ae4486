// The stepper behind `lockstep step`: a recorded run (states.bin), a current cycle, and
// breakpoints. Both front ends (line mode and the full-screen terminal) drive it with the
// same commands, so everything a person can do on screen can be scripted and tested.
#pragma once

#include "common/config.h"
#include "gpu/gpu_types.h"
#include "systolic/systolic_types.h"
#include "trace/data_memory.h"
#include "trace/state_file.h"
#include "trace/systolic_trace.h"

#include <cstdint>
#include <functional>
#include <memory>
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
    // The data memory at the current cycle (GPU traces that record its image): the range set
    // by `mem`, else every word the run starts with or writes.
    void show_memory(std::ostream& out);
    bool memory_recorded() const { return memory_ != nullptr; }
    bool memory_shown() const { return mem_shown_; }   // `mem` made it part of every view

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
    void show_tensor(unsigned core, std::ostream& out) const;
    void show_systolic(std::ostream& out);
    void memory_command(const std::string& arg, std::ostream& out);

    trace::StateReader reader_;
    std::string kind_;                       // "gpu" or "systolic"
    uint64_t cycle_ = 0;
    GpuConfig gpu_;
    gpu::GpuSnapshot now_, before_;          // this cycle and the one before (for change marks)
    systolic::ArrayShape shape_;
    trace::SystolicCycle sa_;
    std::vector<Break> breaks_;
    std::unique_ptr<trace::DataMemoryLog> memory_;   // GPU traces with the initial image
    bool mem_shown_ = false, mem_signed_ = false;
    uint64_t mem_from_ = 0, mem_to_ = 0;             // the words `mem` shows; to 0: the default
};

}  // namespace lockstep
