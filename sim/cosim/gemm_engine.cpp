#include "cosim/gemm_engine.h"

#include "common/error.h"
#include "cosim/rtl_cache.h"
#include "systolic/systolic_model.h"
#include "trace/pictures.h"
#include "trace/systolic_trace.h"

#include <fmt/format.h>

#include <filesystem>
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

namespace {

// One engine stepped an edge at a time.
class Harness {
public:
    Harness(SystolicDevice& device, const ArrayShape& shape) : device_(device) {
        snapshot_.resize(shape);
        previous_.resize(shape);
    }

    void edge() {
        device_.tick(inputs_);
        std::swap(previous_, snapshot_);
        device_.observe(snapshot_);
    }
    void reset() {
        inputs_ = SystolicInputs{};
        inputs_.rst_n = false;
        edge();
        inputs_.rst_n = true;
    }
    void write(unsigned sel, const std::vector<int32_t>& words) {
        inputs_.host_we = true;
        inputs_.host_sel = sel;
        for (size_t i = 0; i < words.size(); ++i) {
            inputs_.host_addr = static_cast<uint32_t>(i);
            inputs_.host_wdata = words[i];
            edge();
        }
        inputs_.host_we = false;
    }
    void start(const GemmRequest& r, bool on) {
        inputs_.start = on;
        inputs_.dataflow = r.dataflow;
        inputs_.size = r.size;
    }
    const SystolicInputs& inputs() const { return inputs_; }
    const SystolicSnapshot& snapshot() const { return snapshot_; }
    const SystolicSnapshot& previous() const { return previous_; }   // state during the cycle that ended
    SystolicDevice& device() { return device_; }
    void observe() { device_.observe(snapshot_); }   // after the device was changed behind our back

private:
    SystolicDevice& device_;
    SystolicInputs inputs_;
    SystolicSnapshot snapshot_, previous_;
};

std::string pe_name(size_t p, unsigned cols) { return fmt::format("pe({},{})", p / cols, p % cols); }

std::optional<Mismatch> compare_arrays(const SystolicSnapshot& rtl, const SystolicSnapshot& model, unsigned cols) {
    if (rtl == model) return std::nullopt;
    auto mismatch = [](std::string unit, std::string signal, auto r, auto m) {
        return Mismatch{0, std::move(unit), std::move(signal), fmt::format("{}", r), fmt::format("{}", m), "", {}};
    };
    if (rtl.state != model.state) return mismatch("controller", "state", name(rtl.state), name(model.state));
    if (rtl.fold != model.fold) return mismatch("controller", "fold", rtl.fold, model.fold);
    if (rtl.t != model.t) return mismatch("controller", "t", rtl.t, model.t);
    for (size_t p = 0; p < rtl.h.size(); ++p) {
        const std::pair<const char*, std::pair<int32_t, int32_t>> fields[] = {
            {"h", {rtl.h[p], model.h[p]}},       {"h_valid", {rtl.hv[p], model.hv[p]}},
            {"v", {rtl.v[p], model.v[p]}},       {"v_valid", {rtl.vv[p], model.vv[p]}},
            {"acc", {rtl.acc[p], model.acc[p]}}, {"w", {rtl.w[p], model.w[p]}},
            {"w_valid", {rtl.wv[p], model.wv[p]}}, {"mac", {rtl.mac[p], model.mac[p]}}};
        for (const auto& [signal, values] : fields) {
            if (values.first != values.second) return mismatch(pe_name(p, cols), signal, values.first, values.second);
        }
    }
    auto ports = [&](const char* unit, const std::vector<PortAccess>& r,
                     const std::vector<PortAccess>& m) -> std::optional<Mismatch> {
        for (size_t i = 0; i < r.size(); ++i) {
            if (r[i] == m[i]) continue;
            auto show = [](const PortAccess& a) {
                return a.valid ? fmt::format("@{} = {}", a.addr, a.data) : std::string("idle");
            };
            return mismatch(fmt::format("{}{}", unit, i), "access", show(r[i]), show(m[i]));
        }
        return std::nullopt;
    };
    if (auto m = ports("left_port", rtl.left, model.left)) return m;
    if (auto m = ports("top_port", rtl.top, model.top)) return m;
    return ports("out_port", rtl.out, model.out);
}

void inject(SystolicModel& model, const PeFault& f, unsigned cols) {
    const size_t p = static_cast<size_t>(f.row) * cols + f.col;
    PeArray& array = model.top().array;
    std::vector<int32_t>* grid = f.signal == "h" ? &array.h : f.signal == "v" ? &array.v
                                 : f.signal == "w" ? &array.w : &array.acc;
    grid->at(p) = f.value;
}

}  // namespace

GemmResult run_gemm(const Config& config, const GemmRequest& request, const GemmOptions& options) {
    const SystolicConfig& sa = config.systolic;
    check_gemm(sa, request.size);
    const ArrayShape shape = ArrayShape::from(sa);
    const Mapping map(request.dataflow, request.size, shape.rows, shape.cols);
    const uint64_t max_cycles = options.max_cycles ? options.max_cycles : config.sim.max_cycles;
    const bool use_model = options.engine != Engine::Rtl, use_rtl = options.engine != Engine::Model;

    SystolicModel* model = use_model ? &SystolicModel::instance(shape) : nullptr;
    if (!options.trace_dir.empty()) trace::prepare_trace_dir(options.trace_dir);
    std::unique_ptr<SystolicDevice> rtl;
    if (use_rtl) rtl = make_rtl_systolic(shape, options.trace_dir.empty() ? "" : options.trace_dir + "/systolic.vcd");
    std::unique_ptr<Harness> model_h, rtl_h;
    if (model) model_h = std::make_unique<Harness>(*model, shape);
    if (rtl) rtl_h = std::make_unique<Harness>(*rtl, shape);
    Harness& main = model_h ? *model_h : *rtl_h;
    std::vector<Harness*> all;
    for (Harness* h : {model_h.get(), rtl_h.get()}) {
        if (h) all.push_back(h);
    }

    GemmResult result;
    result.engine = options.engine;
    result.folds = map.folds();
    result.cycles_per_fold = map.fold_length;
    result.mapping_efficiency = map.mapping_efficiency(shape.rows, shape.cols);
    result.load_cycles = request.a.size() + request.b.size();
    result.unload_cycles = static_cast<uint64_t>(request.size.m) * request.size.n;

    std::optional<trace::SystolicTrace> tracer;
    for (Harness* h : all) h->reset();
    const bool fast = model && !rtl && options.trace_dir.empty() && !options.fault;
    if (fast) {   // the host port's words land in the buffers directly
        std::copy(request.a.begin(), request.a.end(), model->top().a.begin());
        std::copy(request.b.begin(), request.b.end(), model->top().b.begin());
    } else {
        for (Harness* h : all) {
            h->write(0, request.a);
            h->write(1, request.b);
        }
    }
    for (Harness* h : all) h->start(request, true);

    if (fast) {
        model->top().run_cycles = model->top().drain_cycles = 0;
        model->run_until_done(model_h->inputs(), max_cycles + 1);   // +1: the edge that samples start
        if (model->top().controller.q.state != SaState::Done) {
            throw Error(fmt::format("GEMM did not finish within {} cycles (raise --max-cycles or sim.max_cycles)",
                                    max_cycles));
        }
        result.cycles = model->top().run_cycles;
        result.drain_cycles = model->top().drain_cycles;
    } else {
        tracer.emplace(options.trace_dir, shape, request.dataflow, request.size);
        for (Harness* h : all) h->edge();   // the edge that samples start
        uint64_t cycle = 0;
        while (main.snapshot().state != SaState::Done) {
            if (cycle >= max_cycles) {
                const std::string what = fmt::format(
                    "GEMM did not finish within {} cycles (raise --max-cycles or sim.max_cycles)", max_cycles);
                if (options.trace_dir.empty()) throw Error(what);
                // The trace up to here stays complete, to step to where the run stopped.
                tracer->finish({{"cycles", result.cycles}, {"mismatches", 0}, {"first_mismatch", nullptr}, {"error", what}});
                trace::write_pictures(options.trace_dir);
                throw Error(fmt::format("{}\nThe trace up to there is in {}/ (lockstep step {})", what, options.trace_dir,
                                        options.trace_dir));
            }
            for (Harness* h : all) h->edge();
            if (options.fault && options.fault->cycle == cycle && model) {
                inject(*model, *options.fault, shape.cols);
                model_h->observe();
            }
            const SystolicSnapshot& during = main.previous();
            if (during.state == SaState::Run) ++result.cycles;
            if (during.state == SaState::Drain) ++result.drain_cycles;
            if (model_h && rtl_h) {
                if (auto m = compare_arrays(rtl_h->snapshot(), model_h->snapshot(), shape.cols)) {
                    m->cycle = cycle;
                    m->in_flight = fmt::format("fold {} cycle {} of {} ({})", during.fold, during.t, map.fold_length,
                                               trace::phase_name(trace::phase_of(during, map)));
                    m->recent_trace = tracer->recent_lines();
                    result.first_mismatch = m;
                    result.mismatches = 1;
                }
            }
            tracer->record(cycle, during, main.snapshot());   // the mismatching cycle too
            if (result.first_mismatch) break;
            ++cycle;
        }
        result.mac_count = tracer->mac_count();
    }
    // Drop start (back to StIdle) and read C through the host port.
    for (Harness* h : all) {
        h->start(request, false);
        h->edge();
    }
    const size_t words = options.read_back ? static_cast<size_t>(request.size.m) * request.size.n : 0;
    result.c.resize(words);
    for (size_t i = 0; i < words; ++i) result.c[i] = main.device().host_read(2, static_cast<uint32_t>(i));
    if (model_h && rtl_h && !result.first_mismatch) {
        for (size_t i = 0; i < words; ++i) {
            const int32_t r = rtl_h->device().host_read(2, static_cast<uint32_t>(i));
            if (r == result.c[i]) continue;
            result.first_mismatch = Mismatch{result.cycles, "c_buffer", fmt::format("[{}]", i), std::to_string(r),
                                             std::to_string(result.c[i]), "after the run", {}};
            result.mismatches = 1;
            break;
        }
    }
    result.result_ok = options.check_result && result.c == reference_gemm(request, sa.acc_bits);
    const double pe_cycles = static_cast<double>(result.cycles) * shape.rows * shape.cols;
    result.utilisation = pe_cycles > 0 ? static_cast<double>(request.size.m) * request.size.n * request.size.k / pe_cycles : 0;
    if (tracer) {
        nlohmann::json summary = to_json(result, sa, request);
        if (result.first_mismatch) {   // the stepper's mismatch breakpoint: a C difference shows at the end
            summary["first_mismatch"]["record"] =
                result.first_mismatch->unit == "c_buffer" ? tracer->records() - 1 : result.first_mismatch->cycle;
        }
        tracer->finish(summary);
    }
    if (tracer && !options.trace_dir.empty()) trace::write_pictures(options.trace_dir);
    return result;
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
