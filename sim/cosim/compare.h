// What lock-step reports when the two engines part: the first observable difference, or an
// RTL assertion that failed. Each design's comparator (gpu_compare.h, systolic_compare.h)
// builds a Mismatch with the Checker below.
#pragma once

#include "common/device.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::cosim {

struct Mismatch {
    uint64_t cycle = 0;            // cycles since start was raised (0 = before the first edge)
    std::string unit;              // "core1.thread2.registers", "data_controller.channel0", "gpu"
    std::string signal;            // "R4", "state", "read_address", ...
    std::string rtl;               // value in the RTL (expected)
    std::string model;             // value in the model (got)
    std::string in_flight;         // the instruction (PC and disassembly) or fold concerned
    std::vector<std::string> recent_trace;   // the last trace lines before the difference
    std::string kind = "mismatch"; // or "assertion": the RTL stopped itself (signal = its label)
    std::string where;             // assertion: "rtl/gpu/decoder.sv:88"
};

// A difference in `unit`'s `signal`: the RTL shows `rtl`, the model `model`.
inline Mismatch difference(std::string unit, std::string signal, std::string rtl, std::string model,
                           std::string in_flight = "") {
    Mismatch m;
    m.unit = std::move(unit);
    m.signal = std::move(signal);
    m.rtl = std::move(rtl);
    m.model = std::move(model);
    m.in_flight = std::move(in_flight);
    return m;
}

// A failed RTL assertion (or a Verilator fatal error) as the run's first difference.
Mismatch assertion_mismatch(const RtlStop& stop);

// The mismatch as JSON (null when there is none), for --json and summary.json.
nlohmann::json to_json(const std::optional<Mismatch>& m);

// The one-screen report printed when a run stops on a mismatch or a failed assertion.
std::string format_report(const Mismatch& mismatch);

// Collects the first difference between two snapshots; later checks are skipped once one
// is found. Values are shown with fmt unless a `show` function is given.
class Checker {
public:
    template <typename T, typename Show>
    void check(const std::string& unit, const std::string& signal, const T& rtl, const T& model,
               const std::string& flight, Show show) {
        if (found || rtl == model) return;
        found = difference(unit, signal, show(rtl), show(model), flight);
    }
    template <typename T>
    void check(const std::string& unit, const std::string& signal, const T& rtl, const T& model,
               const std::string& flight = "") {
        check(unit, signal, rtl, model, flight, [](const T& v) { return fmt::format("{}", v); });
    }
    bool done() const { return found.has_value(); }
    std::optional<Mismatch> found;
};

// One engine's PE registers, grid-wide (PE p = i * cols + j), as the array and the GPU's
// tensor cores both keep them.
struct PeGridView {
    const std::vector<int32_t>& h;
    const std::vector<uint8_t>& hv;
    const std::vector<int32_t>& v;
    const std::vector<uint8_t>& vv;
    const std::vector<int32_t>& acc;
    const std::vector<int32_t>& w;
    const std::vector<uint8_t>& wv;
    const std::vector<uint8_t>& mac;
};

// Every PE's registers, PE by PE, each named "<prefix>pe(i,j)" ("pe(1,0)", or
// "core0.tensor_core.pe(1,2)") with the signals h, h_valid, v, v_valid, acc, w, w_valid, mac.
void check_pe_grid(Checker& c, const std::string& prefix, const PeGridView& rtl, const PeGridView& model,
                   unsigned cols, const std::string& flight = "");

}  // namespace lockstep::cosim
