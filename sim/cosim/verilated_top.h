// A Verilated design clocked by `clk_i`, with its context and an optional VCD: what the RTL
// adapters share. Set inputs through ->, then edge() settles them and runs one clock edge.
// Once an assertion fails (or Verilator hits a fatal error) the design is not clocked again.
#pragma once

#include "cosim/verilated_hooks.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

#include <memory>
#include <stdexcept>

namespace lockstep::cosim {

template <typename Top>
class VerilatedTop {
public:
    // `vcd_path` null: no waveform.
    VerilatedTop(const char* name, const char* vcd_path) {
        clear_rtl_stop();
        context_->traceEverOn(vcd_path != nullptr);
        top_ = std::make_unique<Top>(context_.get(), name);
        if (vcd_path != nullptr) {
            vcd_ = std::make_unique<VerilatedVcdC>();
            top_->trace(vcd_.get(), 99);
            vcd_->open(vcd_path);
        }
        top_->clk_i = 0;
        top_->eval();
    }
    ~VerilatedTop() {
        if (vcd_) vcd_->close();
        top_->final();
    }
    VerilatedTop(const VerilatedTop&) = delete;
    VerilatedTop& operator=(const VerilatedTop&) = delete;

    Top* operator->() { return top_.get(); }
    const Top& operator*() const { return *top_; }

    // Inputs settle before the edge; the VCD gets both clock levels (1 ns period at 1 ps).
    void edge() {
        if (rtl_stop() != nullptr) return;
        try {
            top_->eval();
            dump();
            top_->clk_i = 1;
            top_->eval();
            dump();
            top_->clk_i = 0;
            top_->eval();
        } catch (const std::runtime_error&) {   // a fatal error, kept in rtl_stop()
        }
        if (rtl_stop() != nullptr && vcd_) vcd_->flush();
    }

    const RtlStop* stopped() const { return rtl_stop(); }

private:
    void dump() {
        if (vcd_) vcd_->dump(static_cast<uint64_t>(context_->time()));
        context_->timeInc(500);
    }

    std::unique_ptr<VerilatedContext> context_ = std::make_unique<VerilatedContext>();
    std::unique_ptr<Top> top_;
    std::unique_ptr<VerilatedVcdC> vcd_;
};

}  // namespace lockstep::cosim
