// The one lock-step driver. A design plugs in by providing a Design type (gpu_engine.cpp
// and systolic_engine.cpp are the two today); the driver runs it on the model, the RTL or
// both, clocks every engine one edge at a time, injects a fault, stops on a failed RTL
// assertion, compares the snapshots after every edge, records the trace, and reports the
// first difference. Adding a design adds a Design type, never an edit here.
//
// A Design provides (see GpuDesign for a complete one):
//   Device, Bench, Trace                      types (a Fault type for DriverOptions)
//   Bench(Device&, const Design&)             one engine and what surrounds it (memories, host port),
//                                             with edge(cycle), device(), observe()
//   Device& model()                           the SystemC model (one per shape and process)
//   std::unique_ptr<Device> rtl(vcd_path)     a fresh Verilated model; vcd_name() names its VCD
//   bool setup_step(Bench&, launch, step)     step `step` of what comes before launch `launch`
//                                             (reset, loads, start), at most one edge; false
//                                             when the set-up is done. Compared edge by edge too.
//   bool run_fast(Bench& model)               optional: the whole untraced model run, set-up included
//   bool run_edges(Bench& model, const BeforeEdge& before, const AfterEdge& after)
//                                             optional (the driver detects it): clocks the model's
//                                             edges while before() gives their cycles, calling
//                                             after() after each, inside the model's SystemC
//                                             process; false when it does not (the driver then
//                                             clocks edge by edge)
//   unsigned launches()                       how many times the work is started
//   bool records_start_state()                whether cycle 0 is the state before the first edge
//   bool finished(const Bench&)               the launch is over
//   void after_edge(uint64_t cycle, Bench&)   count what the design counts
//   void check(uint64_t cycle, const Bench&)  throw lockstep::Error on a failed run (divergence)
//   void epilogue(Bench&)                     after the last launch (read-back preparations)
//   std::optional<Mismatch> compare(const Bench& rtl, const Bench& model)
//   std::optional<Mismatch> compare_final(Bench& rtl, Bench& model)   memories, buffers
//   std::string in_flight(const Bench&)       for a failed assertion
//   void inject(Device& model, const Fault&)  and a Fault has `cycle`
//   std::string runaway(uint64_t max_cycles, const Bench&)   the error when max_cycles is hit
//   std::unique_ptr<Trace> trace(dir)         the trace writer ("" : no files), with recent_lines(),
//                                             records(), finish(json); record(Trace&, cycle, const Bench&)
//   Result finish(const Outcome&, Bench& main, Trace&): the design's result, and its summary
#pragma once

#include "common/error.h"
#include "common/status_line.h"
#include "cosim/compare.h"
#include "trace/pictures.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::cosim {

enum class Engine { Model, Rtl, Cosim };
const char* name(Engine e);
std::optional<Engine> engine_from_name(const std::string& name);

// The driver's loop around the model's edges, for a design that clocks them itself
// (Design::run_edges): before an edge, the cycle it ends, or nothing to stop before it; after
// it, the rest of the cycle.
using BeforeEdge = std::function<std::optional<uint64_t>()>;
using AfterEdge = std::function<void()>;

// A run's progress line on a terminal: after a second or so of running, the cycles so far,
// the limit and the rate (the driver's loop and a design's fast path alike). tick() is cheap.
class RunProgress {
public:
    RunProgress(bool enabled, uint64_t limit) : line_(enabled), limit_(limit) {}
    void tick(uint64_t cycles) {   // (small, to be inlined: fast runs tick every edge)
        if (cycles % 4096 == 0 && line_.active()) show(cycles);
    }
    void clear() { line_.clear(); }

private:
    void show(uint64_t cycles) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
        if (seconds < 1.5) return;
        line_.show(fmt::format("  cycle {} of at most {} ({:.0f} k cycles/s, {})", thousands(cycles),
                               thousands(limit_), cycles / seconds / 1000, duration_text(seconds)));
    }
    StatusLine line_;
    uint64_t limit_;
    std::chrono::steady_clock::time_point begin_ = std::chrono::steady_clock::now();
};

// How to run, for every design.
template <typename Fault>
struct DriverOptions {
    Engine engine = Engine::Cosim;
    uint64_t max_cycles = 0;          // per launch; 0: the config's sim.max_cycles
    std::string trace_dir;            // empty: no trace files
    std::optional<Fault> fault;       // changes the model after fault->cycle
    unsigned launches = 1;            // >1: start again after done, without a reset
    uint64_t reset_at = 0;            // >0: reset the design after this many cycles of a first,
                                      // abandoned launch, then run as usual (a reset mid-run
                                      // must leave no trace)
    bool progress = false;            // a line on a terminal (stderr) while a long run goes on
};

// What the driver found, for the design to turn into its result.
struct Outcome {
    Engine engine = Engine::Cosim;
    uint64_t cycles = 0;                       // counted edges of the last launch
    std::vector<uint64_t> launch_cycles;       // per launch
    bool fast = false;                         // run_fast() ran it: no per-cycle record
    std::optional<Mismatch> first_mismatch;    // a difference or a failed assertion
    uint64_t mismatch_record = 0;              // its record in states.bin (the stepper's breakpoint)
    bool stopped = false;                      // the mismatch ended the work early: the counts are of what ran
};

template <typename Design>
class Driver {
public:
    using Bench = typename Design::Bench;
    using Device = typename Design::Device;

    template <typename Options>
    static auto run(Design& design, const Options& options) {
        Driver driver(design, options.engine, options.trace_dir);
        driver.progress_ = options.progress;
        return driver.execute(options.max_cycles, options.fault, options.reset_at);
    }

private:
    Driver(Design& design, Engine engine, const std::string& trace_dir)
        : design_(design), trace_dir_(trace_dir) {
        outcome_.engine = engine;
        if (engine != Engine::Rtl) model_ = std::make_unique<Bench>(design.model(), design);
        if (!trace_dir.empty()) trace::prepare_trace_dir(trace_dir);
        if (engine != Engine::Model) {
            rtl_device_ = design.rtl(trace_dir.empty() ? "" : trace_dir + "/" + design.vcd_name());
            rtl_ = std::make_unique<Bench>(*rtl_device_, design);
        }
        for (Bench* b : {model_.get(), rtl_.get()}) {
            if (b) benches_.push_back(b);
        }
    }

    Bench& main() { return model_ ? *model_ : *rtl_; }   // whose state is traced and reported

    template <typename Fault>
    auto execute(uint64_t max_cycles, const std::optional<Fault>& fault, uint64_t reset_at) {
        if (!rtl_ && trace_dir_.empty() && !fault && !reset_at && design_.run_fast(*model_)) {
            outcome_.fast = true;
            design_.epilogue(*model_);
            return design_.finish(outcome_, main(), *design_.trace(""));
        }
        const auto trace_owner = design_.trace(trace_dir_);
        auto& trace = *trace_owner;
        uint64_t cycle = 0;
        RunProgress progress(progress_, max_cycles);
        try {
            // With reset_at, a first pass of launch 0 is cut short; the real launch 0 after it
            // starts from its reset again.
            for (unsigned pass = reset_at ? 0 : 1; pass <= design_.launches() && !outcome_.first_mismatch; ++pass) {
                const unsigned launch = pass == 0 ? 0 : pass - 1;
                set_up(launch, trace);
                if (outcome_.first_mismatch) {   // stopped before this launch's first counted edge
                    if (pass > 0) outcome_.launch_cycles.push_back(0);
                    outcome_.cycles = 0;
                    break;
                }
                cycle = 0;
                uint64_t counted = 0;   // edges clocked in this launch
                if (design_.records_start_state()) observe(0, trace);
                // Whether another edge is clocked (it counts it), and what follows the model's
                // edge: the RTL's, then the comparison, the record and the checks.
                const BeforeEdge before = [&]() -> std::optional<uint64_t> {
                    if (outcome_.first_mismatch || design_.finished(main())) return std::nullopt;
                    if (pass == 0 && counted == reset_at) return std::nullopt;
                    if (counted >= max_cycles) throw Error(design_.runaway(max_cycles, main()));
                    if (design_.records_start_state() || counted > 0) ++cycle;
                    ++counted;
                    progress.tick(counted);
                    return cycle;
                };
                const AfterEdge after = [&] {
                    if (rtl_) rtl_->edge(cycle);
                    if (fault && fault->cycle == cycle && model_) {
                        design_.inject(model_->device(), *fault);
                        model_->observe();
                    }
                    design_.after_edge(cycle, main());
                    observe(cycle, trace);
                    if (!outcome_.first_mismatch) design_.check(cycle, main());
                };
                if (!model_ || !run_model_edges(0, before, after)) {
                    while (const std::optional<uint64_t> next = before()) {
                        if (model_) model_->edge(*next);
                        after();
                    }
                }
                if (pass == 0) continue;   // the abandoned launch counts for nothing
                outcome_.launch_cycles.push_back(counted);
                outcome_.cycles = counted;
            }
        } catch (const Error& e) {
            progress.clear();
            if (trace_dir_.empty()) throw;
            // A run that stops with an error still leaves a complete trace, to step to where it stopped.
            trace.finish({{"cycles", cycle}, {"mismatches", 0}, {"first_mismatch", nullptr}, {"error", e.what()}});
            trace::write_pictures(trace_dir_);
            throw Error(fmt::format("{}\nThe trace up to there is in {}/ (lockstep step {})", e.what(), trace_dir_,
                                    trace_dir_));
        }
        progress.clear();
        outcome_.stopped = outcome_.first_mismatch.has_value();   // compare_final's comes after a complete run
        for (Bench* b : benches_) design_.epilogue(*b);
        if (model_ && rtl_ && !outcome_.first_mismatch) {
            if (auto m = design_.compare_final(*rtl_, *model_)) {   // shows on the last record
                m->cycle = outcome_.cycles;
                m->recent_trace = trace.recent_lines();
                outcome_.first_mismatch = m;
                outcome_.mismatch_record = trace.records() ? trace.records() - 1 : 0;
            }
        }
        auto result = design_.finish(outcome_, main(), trace);
        if (!trace_dir_.empty()) trace::write_pictures(trace_dir_);
        return result;
    }

    // The set-up before a launch, one step (edge) at a time on every engine, each compared:
    // a reset or a load that goes wrong shows where it happens, not cycles later.
    template <typename Trace>
    void set_up(unsigned launch, Trace& trace) {
        for (size_t step = 0;; ++step) {
            bool more = false;
            for (Bench* b : benches_) more = design_.setup_step(*b, launch, step);
            if (!more) return;
            std::optional<Mismatch> found = stopped_rtl();
            if (!found && model_ && rtl_) found = design_.compare(*rtl_, *model_);
            if (found) {
                found->in_flight = fmt::format("set-up edge {} before launch {} (reset, loads, start)", step, launch);
                found->recent_trace = trace.recent_lines();
                outcome_.mismatch_record = trace.records();
                outcome_.first_mismatch = found;
                return;
            }
        }
    }

    // The model clocks the edges itself when its design can (run_edges), a quantum of them an
    // activation of its SystemC process instead of one each; else false.
    template <typename D = Design>
    auto run_model_edges(int, const BeforeEdge& before, const AfterEdge& after)
        -> decltype(std::declval<D&>().run_edges(std::declval<Bench&>(), before, after)) {
        return design_.run_edges(*model_, before, after);
    }
    bool run_model_edges(long, const BeforeEdge&, const AfterEdge&) { return false; }

    std::optional<Mismatch> stopped_rtl() const {
        if (!rtl_) return std::nullopt;
        const RtlStop* stop = rtl_device_->stopped();
        if (!stop) return std::nullopt;
        return assertion_mismatch(*stop);
    }

    // After the edge of `cycle`: a failed assertion, else the comparison; then the record
    // (of the failing cycle too: the stepper shows it; the report's lines end before it).
    template <typename Trace>
    void observe(uint64_t cycle, Trace& trace) {
        std::optional<Mismatch> found = stopped_rtl();
        if (found) found->in_flight = design_.in_flight(*rtl_);
        if (!found && model_ && rtl_) found = design_.compare(*rtl_, *model_);
        if (found) {
            found->cycle = cycle;
            found->recent_trace = trace.recent_lines();
            outcome_.mismatch_record = trace.records();   // the record about to be written
            outcome_.first_mismatch = found;
        }
        design_.record(trace, cycle, main());
    }

    Design& design_;
    std::string trace_dir_;
    bool progress_ = false;
    Outcome outcome_;
    std::unique_ptr<Device> rtl_device_;
    std::unique_ptr<Bench> model_, rtl_;
    std::vector<Bench*> benches_;
};

}  // namespace lockstep::cosim
