// Feeder: the skewed edge feeds of one cycle: which buffer word enters each row from the
// left and each column from the top (combinational, docs/systolic.md "Edge feeds").
#pragma once

#include "systolic/array_controller.h"

#include <cstddef>
#include <vector>

namespace lockstep::systolic {

struct EdgePort {
    bool valid = false;
    uint32_t addr = 0;
    int32_t data = 0;                 // the word read, sign-extended; 0 when not valid
};

class Feeder : public sc_core::sc_module {
public:
    std::vector<EdgePort> left, top;  // this cycle's feeds, per row and per column
    uint32_t left_valid = 0, top_valid = 0;   // how many of them are valid

    Feeder(const sc_core::sc_module_name& name, const ArrayShape& shape);

    // `a`, `b`: the A and B buffers, read at `window`'s bases. Leaves every port invalid outside StRun.
    // (Words: the array's SRAMs, or the tensor core's operand registers.)
    template <typename Words>
    void evaluate(const ControllerRegs& c, const Mapping& map, const Words& a, const Words& b,
                  const ArrayWindow& window = {}) {
        evaluate_words(c, map, a.data(), b.data(), window);
    }

    // A burst's left feeds (Systolic::burst), the streaming cycles c.t .. c.t + cycles - 1 of a
    // fold: the data and valid bit that evaluate() gives row i in cycle c.t + k go to
    // values[i * stride - k] and valid[i * stride - k] (the PE array's h rings). The ports are
    // left as they were.
    template <typename Words>
    void left_burst(const ControllerRegs& c, const Mapping& map, const Words& a, const Words& b, unsigned cycles,
                    int32_t* values, uint8_t* valid, size_t stride, const ArrayWindow& window = {}) const {
        left_burst_words(c, map, a.data(), b.data(), cycles, values, valid, stride, window);
    }

    // The top feeds of a burst, column j's in the burst's cycle k to values[j - k * stride] and
    // valid[j - k * stride]: os streams B into the v ring's rows; ws and is preload their
    // stationary operand (a burst inside the preload), a row of it a cycle.
    template <typename Words>
    void top_burst(const ControllerRegs& c, const Mapping& map, const Words& a, const Words& b, unsigned cycles,
                   int32_t* values, uint8_t* valid, size_t stride, const ArrayWindow& window = {}) const {
        top_burst_words(c, map, a.data(), b.data(), cycles, values, valid, stride, window);
    }

private:
    struct Band {                     // what the ports along one edge read over a burst (band())
        const int32_t* words;
        uint32_t base, across, along;
        int64_t first;                // the vector port 0 reads in the burst's first cycle
        int64_t vectors;              // vectors a port reads in all
        int64_t live;                 // ports inside the GEMM
    };
    void band(const Band& g, unsigned ports, unsigned cycles, int32_t* values, uint8_t* valid, ptrdiff_t port_stride,
              ptrdiff_t cycle_stride) const;
    // Where each dataflow's operands sit, once for a cycle and a burst: the band the left edge
    // reads from cycle c.t on while streaming, and the top edge in os.
    Band left_band(const ControllerRegs& c, const Mapping& map, const int32_t* a, const int32_t* b,
                   const ArrayWindow& window) const;
    Band top_band_os(const ControllerRegs& c, const int32_t* b, const ArrayWindow& window) const;
    uint32_t feed(std::vector<EdgePort>& ports, const Band& g) const;   // one cycle: the band's first
    struct Row {                      // column j of the top edge reads words[at + j * step]
        const int32_t* words;
        uint32_t at, step;
    };
    // The preload (ws, is): stationary row kk enters at the top of each mapped column.
    static Row preload_row(const ControllerRegs& c, uint32_t kk, const int32_t* a, const int32_t* b,
                           const ArrayWindow& window);
    void top_burst_words(const ControllerRegs& c, const Mapping& map, const int32_t* a, const int32_t* b,
                         unsigned cycles, int32_t* values, uint8_t* valid, size_t stride,
                         const ArrayWindow& window) const;
    void left_burst_words(const ControllerRegs& c, const Mapping& map, const int32_t* a, const int32_t* b,
                          unsigned cycles, int32_t* values, uint8_t* valid, size_t stride,
                          const ArrayWindow& window) const;
    void evaluate_words(const ControllerRegs& c, const Mapping& map, const int32_t* a, const int32_t* b,
                        const ArrayWindow& window);
    uint32_t feed(std::vector<EdgePort>& ports, uint32_t lo, uint32_t hi, uint32_t start, uint32_t stride,
                  const int32_t* words) const;   // returns the valid ports
    static uint32_t idle(std::vector<EdgePort>& ports);   // every port idle; returns 0

    unsigned rows_, cols_;
    uint32_t addr_mask_;
};

}  // namespace lockstep::systolic
