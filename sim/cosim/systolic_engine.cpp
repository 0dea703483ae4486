#include "cosim/systolic_engine.h"

#include "common/error.h"
#include "cosim/systolic_compare.h"
#include "systolic/systolic_model.h"
#include "trace/systolic_trace.h"

#include <fmt/format.h>

#include <memory>

namespace lockstep::cosim {

using namespace systolic;

void check_gemm(const SystolicConfig& config, const GemmSize& g) {
    for (auto [name, value] : {std::pair{"M", g.m}, std::pair{"K", g.k}, std::pair{"N", g.n}}) {
        if (value < 1 || value > 65535) {
            throw Error(fmt::format("GEMM size {} = {} out of range 1..65535", name, value));
        }
    }
    const uint64_t words = uint64_t{1} << config.buffer_addr_bits;
    const std::pair<const char*, uint64_t> needs[] = {{"A (M*K)", uint64_t{g.m} * g.k},
                                                      {"B (K*N)", uint64_t{g.k} * g.n},
                                                      {"C (M*N)", uint64_t{g.m} * g.n}};
    for (const auto& [what, count] : needs) {
        if (count > words) {
            throw Error(fmt::format("GEMM M={} K={} N={}: {} needs {} words, the buffers hold {} "
                                    "(systolic.buffer_addr_bits = {})",
                                    g.m, g.k, g.n, what, count, words, config.buffer_addr_bits));
        }
    }
}

std::vector<int32_t> reference_gemm(const GemmRequest& r, unsigned acc_bits) {
    const GemmSize& g = r.size;
    std::vector<int32_t> c(static_cast<size_t>(g.m) * g.n, 0);
    for (uint32_t m = 0; m < g.m; ++m) {
        for (uint32_t n = 0; n < g.n; ++n) {
            uint32_t sum = 0;
            for (uint32_t k = 0; k < g.k; ++k) {
                sum += static_cast<uint32_t>(r.a[m * g.k + k]) * static_cast<uint32_t>(r.b[k * g.n + n]);
            }
            c[m * g.n + n] = sign_extend(sum, acc_bits);
        }
    }
    return c;
}

RtlDesign systolic_design(const ArrayShape& s) {
    return RtlDesign{"systolic", "systolic-" + s.key(),
                     {{"Rows", s.rows}, {"Cols", s.cols}, {"InBits", s.in_bits}, {"AccBits", s.acc_bits},
                      {"BufAddrBits", s.buffer_addr_bits}},
                     "systolic_rtl_adapter.cpp",
                     {"systolic/systolic_types.h", "common/config.h"}};
}

namespace {

// The array plugged into the lock-step driver (cosim/driver.h lists what a design provides).
class SystolicDesign {
public:
    using Device = SystolicDevice;
    using Trace = trace::SystolicTrace;

    // One engine behind its host port, stepped one clock edge at a time.
    class Bench {
    public:
        Bench(Device& device, const SystolicDesign& design) : device_(device) {
            snapshot_.resize(design.shape_);
            previous_.resize(design.shape_);
        }

        void edge(uint64_t = 0) {
            device_.tick(inputs_);
            std::swap(previous_, snapshot_);
            device_.observe(snapshot_);
        }
        void write(HostSel sel, const std::vector<int32_t>& words) {
            inputs_.host_we = true;
            inputs_.host_sel = sel;
            for (size_t i = 0; i < words.size(); ++i) {
                inputs_.host_addr = static_cast<uint32_t>(i);
                inputs_.host_wdata = words[i];
                edge();
            }
            inputs_.host_we = false;
        }
        SystolicInputs& inputs() { return inputs_; }
        const SystolicSnapshot& snapshot() const { return snapshot_; }
        const SystolicSnapshot& previous() const { return previous_; }   // state during the cycle that ended
        Device& device() { return device_; }
        void observe() { device_.observe(snapshot_); }   // after the device was changed behind our back

    private:
        Device& device_;
        SystolicInputs inputs_;
        SystolicSnapshot snapshot_, previous_;
    };

    SystolicDesign(const Config& config, const GemmRequest& request, const GemmOptions& options)
        : config_(config), request_(request), options_(options), shape_(ArrayShape::from(config.systolic)),
          map_(request.dataflow, request.size, shape_.rows, shape_.cols) {}

    Device& model() { return SystolicModel::instance(shape_); }
    std::unique_ptr<Device> rtl(const std::string& vcd) { return make_rtl<Device>(systolic_design(shape_), vcd); }
    const char* vcd_name() const { return "systolic.vcd"; }
    std::unique_ptr<Trace> trace(const std::string& dir) const {
        return std::make_unique<Trace>(dir, shape_, request_.dataflow, request_.size);
    }
    void record(Trace& trace, uint64_t cycle, const Bench& b) const { trace.record(cycle, b.previous(), b.snapshot()); }

    // Reset, then A and B through the host port, one word a cycle.
    void prologue(Bench& b) const {
        b.inputs() = SystolicInputs{};
        b.inputs().rst_n = false;
        b.edge();
        b.inputs().rst_n = true;
        if (fast()) {   // the host port's words land in the buffers directly
            Systolic& top = static_cast<SystolicModel&>(b.device()).top();
            std::copy(request_.a.begin(), request_.a.end(), top.a.begin());
            std::copy(request_.b.begin(), request_.b.end(), top.b.begin());
            return;
        }
        b.write(HostSel::A, request_.a);
        b.write(HostSel::B, request_.b);
    }
    void set_start(Bench& b, bool on) const {
        b.inputs().start = on;
        b.inputs().dataflow = request_.dataflow;
        b.inputs().size = request_.size;
    }
    // The model alone, untraced and unchanged, one launch: the SystemC kernel clocks it until done.
    bool run_fast(Bench& b) {
        if (options_.launches != 1) return false;
        set_start(b, true);
        Systolic& top = static_cast<SystolicModel&>(b.device()).top();
        top.run_cycles = top.drain_cycles = 0;
        static_cast<SystolicModel&>(b.device()).run_until_done(b.inputs(), options_.max_cycles + 1);   // +1: the edge that samples start
        if (top.controller.q.state != SaState::Done) {
            throw Error(fmt::format("GEMM did not finish within {} cycles (raise --max-cycles or sim.max_cycles)",
                                    options_.max_cycles));
        }
        run_cycles_ = top.run_cycles;
        drain_cycles_ = top.drain_cycles;
        return true;
    }
    unsigned launches() const { return options_.launches; }
    void begin_launch(Bench& b, unsigned launch) {
        if (launch > 0) {   // drop start: DONE -> IDLE, the buffers and PEs as they are
            set_start(b, false);
            b.edge();
        }
        run_cycles_ = drain_cycles_ = 0;   // count the last launch
        set_start(b, true);
        b.edge();   // the edge that samples start
    }
    bool records_start_state() const { return false; }
    bool finished(const Bench& main) const { return main.snapshot().state == SaState::Done; }
    void after_edge(uint64_t, const Bench& main) {
        if (main.previous().state == SaState::Run) ++run_cycles_;
        if (main.previous().state == SaState::Drain) ++drain_cycles_;
    }
    void check(uint64_t, const Bench&) const {}
    // Drop start (back to StIdle) so that C can be read through the host port.
    void epilogue(Bench& b) const {
        set_start(b, false);
        b.edge();
    }

    std::optional<Mismatch> compare(const Bench& rtl, const Bench& model) const {
        auto m = compare_systolic(rtl.snapshot(), model.snapshot(), shape_.cols);
        if (m) m->in_flight = in_flight(rtl);
        return m;
    }
    std::optional<Mismatch> compare_final(Bench& rtl, Bench& model) const {
        for (uint32_t i = 0; i < words(); ++i) {
            const int32_t r = rtl.device().host_read(HostSel::C, i), m = model.device().host_read(HostSel::C, i);
            if (r != m) return difference("c_buffer", fmt::format("[{}]", i), std::to_string(r), std::to_string(m), "after the run");
        }
        return std::nullopt;
    }
    std::string in_flight(const Bench& b) const {
        const SystolicSnapshot& during = b.previous();
        return fmt::format("fold {} cycle {} of {} ({})", during.fold, during.t, map_.fold_length,
                           trace::phase_name(trace::phase_of(during, map_)));
    }
    void inject(Device& model, const PeFault& f) const {
        const size_t p = static_cast<size_t>(f.row) * shape_.cols + f.col;
        PeArray& array = static_cast<SystolicModel&>(model).top().array;
        std::vector<int32_t>* grid = f.signal == "h" ? &array.h : f.signal == "v" ? &array.v
                                     : f.signal == "w" ? &array.w : &array.acc;
        grid->at(p) = f.value;
    }
    std::string runaway(uint64_t max_cycles, const Bench&) const {
        return fmt::format("GEMM did not finish within {} cycles (raise --max-cycles or sim.max_cycles)", max_cycles);
    }

    GemmResult finish(const Outcome& outcome, Bench& main, Trace& trace) const {
        GemmResult result;
        result.engine = outcome.engine;
        result.folds = map_.folds();
        result.cycles_per_fold = map_.fold_length;
        result.mapping_efficiency = map_.mapping_efficiency(shape_.rows, shape_.cols);
        result.load_cycles = request_.a.size() + request_.b.size();
        result.unload_cycles = static_cast<uint64_t>(request_.size.m) * request_.size.n;
        result.cycles = run_cycles_;
        result.drain_cycles = drain_cycles_;
        result.first_mismatch = outcome.first_mismatch;
        result.mismatches = outcome.first_mismatch ? 1 : 0;
        result.mac_count = outcome.fast ? 0 : trace.mac_count();
        result.c.resize(options_.read_back ? words() : 0);
        for (uint32_t i = 0; i < result.c.size(); ++i) result.c[i] = main.device().host_read(HostSel::C, i);
        result.result_ok = options_.check_result && result.c == reference_gemm(request_, shape_.acc_bits);
        const double pe_cycles = static_cast<double>(result.cycles) * shape_.rows * shape_.cols;
        const GemmSize& g = request_.size;
        result.utilisation = pe_cycles > 0 ? static_cast<double>(g.m) * g.n * g.k / pe_cycles : 0;
        if (!outcome.fast) {
            nlohmann::json summary = to_json(result, config_.systolic, request_);
            if (result.first_mismatch) summary["first_mismatch"]["record"] = outcome.mismatch_record;
            trace.finish(summary);
        }
        return result;
    }

private:
    bool fast() const {
        return options_.engine == Engine::Model && options_.trace_dir.empty() && !options_.fault && options_.launches == 1;
    }
    uint32_t words() const { return request_.size.m * request_.size.n; }

    const Config& config_;
    const GemmRequest& request_;
    const GemmOptions& options_;
    ArrayShape shape_;
    Mapping map_;
    uint64_t run_cycles_ = 0, drain_cycles_ = 0;
};

}  // namespace

GemmResult run_gemm(const Config& config, const GemmRequest& request, const GemmOptions& options) {
    check_gemm(config.systolic, request.size);
    GemmOptions run = options;
    if (!run.max_cycles) run.max_cycles = config.sim.max_cycles;
    SystolicDesign design(config, request, run);
    return Driver<SystolicDesign>::run(design, run);
}

nlohmann::json to_json(const GemmResult& r, const SystolicConfig& array, const GemmRequest& request) {
    const nlohmann::json mismatch = to_json(r.first_mismatch);
    return {
        {"engine", name(r.engine)},
        {"rows", array.rows},
        {"cols", array.cols},
        {"dataflow", name(request.dataflow)},
        {"m", request.size.m},
        {"k", request.size.k},
        {"n", request.size.n},
        {"cycles", r.cycles},
        {"folds", r.folds},
        {"cycles_per_fold", r.cycles_per_fold},
        {"drain_cycles", r.drain_cycles},
        {"load_cycles", r.load_cycles},
        {"unload_cycles", r.unload_cycles},
        {"utilisation", r.utilisation},
        {"mapping_efficiency", r.mapping_efficiency},
        {"result_ok", r.result_ok},
        {"mismatches", r.mismatches},
        {"first_mismatch", mismatch},
    };
}

}  // namespace lockstep::cosim
