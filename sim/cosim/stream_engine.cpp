#include "cosim/stream_engine.h"

#include "common/error.h"
#include "common/plural.h"
#include "cosim/systolic_compare.h"
#include "systolic/dram.h"
#include "systolic/systolic_model.h"
#include "systolic/tiles.h"
#include "trace/stream_trace.h"

#include <fmt/format.h>

#include <memory>
#include <stdexcept>

namespace lockstep::cosim {

using namespace systolic;

const char* name(StallReason r) {
    static const char* const names[] = {"compute", "fill", "operands", "output", "handoff", "drain"};
    return names[static_cast<unsigned>(r) % kStallReasons];
}

void check_stream_job(const ArrayShape& shape, const StreamJob& j) {
    const uint64_t half_limit = uint64_t{1} << (shape.buffer_addr_bits - 1);
    for (auto [what, half] : {std::pair{"A", j.half_a}, std::pair{"B", j.half_b}, std::pair{"C", j.half_c}}) {
        if (half < 1 || half > half_limit) {
            throw Error(fmt::format("the {} SRAM's half of {} is outside 1..{} (systolic.buffer_addr_bits = {})", what,
                                    plural(half, "word"), half_limit, shape.buffer_addr_bits));
        }
    }
    if (j.lanes < 1 || j.lanes > shape.dram_lanes) {
        throw Error(fmt::format("{} DRAM lanes asked for, the array has 1..{} (systolic.dram_lanes)", j.lanes,
                                shape.dram_lanes));
    }
    for (auto [what, tile, dim] : {std::tuple{"mt", j.mt, j.m}, std::tuple{"kt", j.kt, j.k}, std::tuple{"nt", j.nt, j.n}}) {
        if (tile < 1 || tile > dim || tile > kGemmDim.hi) {
            throw Error(fmt::format("tile size {} = {} is outside 1..{}", what, tile, std::min<uint32_t>(dim, kGemmDim.hi)));
        }
    }
    if (uint64_t{j.mt} * j.kt > j.half_a || uint64_t{j.kt} * j.nt > j.half_b || uint64_t{j.mt} * j.nt > j.half_c) {
        throw Error(fmt::format("tiles of {}x{}x{} do not fit SRAM halves of {}, {} and {} words", j.mt, j.kt, j.nt,
                                j.half_a, j.half_b, j.half_c));
    }
}

namespace {

// The sequencer's part of the state a cycle ran in, as both paths see it.
struct Stage {
    SqState sequencer = SqState::Idle;
    SaState array = SaState::Idle;
    bool cp_valid = false, ld_valid = false, storer_busy = false;
    TileOrigin cp;
};

// What a streamed layer counts per cycle, the same on the observed path (snapshots) and the
// fast path (the model's registers).
class StreamCounters {
public:
    explicit StreamCounters(const StreamJob& job) : job_(&job) {}

    // The cycle that ran in `during` and ended in array state `after`: its snapshot's port accesses and mac flags.
    void count(const Stage& during, SaState after, Dataflow df, const std::vector<PortAccess>& left,
               const std::vector<PortAccess>& top, const std::vector<PortAccess>& out, const std::vector<uint8_t>& mac,
               const MoverState& a_loader, const MoverState& b_loader, const MoverState& storer) {
        uint32_t n = 0;
        if (during.array == SaState::Run) {   // the mac flags hold outside StRun
            for (uint8_t m : mac) n += m;      // a local sum: the loop vectorises (a member could alias the flags)
        }
        count(during, after, df, valid(left), valid(top), valid(out), n, a_loader, b_loader, storer);
    }

    // The same from counts: valid left, top and out ports, and MACs.
    void count(const Stage& during, SaState after, Dataflow df, uint64_t left, uint64_t top, uint64_t out, uint32_t n,
               const MoverState& a_loader, const MoverState& b_loader, const MoverState& storer) {
        ++cycle_;
        const StallReason reason = reason_of(during);
        ++reasons[static_cast<size_t>(reason)];
        if (during.array == SaState::Idle && after == SaState::Run) ++tiles;
        computed_ |= after == SaState::Run;
        const bool a_left = df != Dataflow::Is;   // which operand enters from the left
        const uint64_t moved[2][3] = {{a_left ? left : top, a_left ? top : left, out},
                                      {valid(a_loader.lanes), valid(b_loader.lanes), valid(storer.lanes)}};
        for (size_t i = 0; i < 3; ++i) {
            sram[i].add(cycle_, moved[0][i]);
            dram[i].add(cycle_, moved[1][i]);
        }
        macs += n;
        if (!keep_last_) return;
        last.sequencer = static_cast<uint32_t>(during.sequencer);
        last.array = static_cast<uint32_t>(during.array);
        last.reason = static_cast<uint32_t>(reason);
        last.active_pes = n;
        last.tile = static_cast<uint32_t>(tiles);
        for (size_t i = 0; i < 3; ++i) {
            last.sram[i] = static_cast<uint32_t>(moved[0][i]);
            last.dram[i] = static_cast<uint32_t>(moved[1][i]);
        }
    }

    trace::StreamCycle last;          // the cycle counted last, when kept (a trace records it)
    void keep_last() { keep_last_ = true; }

    std::array<uint64_t, kStallReasons> reasons{};
    uint64_t tiles = 0, macs = 0;
    std::array<AccessSpan, 3> sram, dram;

private:
    template <typename Port>
    static uint64_t valid(const std::vector<Port>& ports) {
        uint64_t n = 0;
        for (const Port& p : ports) n += p.valid;
        return n;
    }
    // The reason of a cycle from the state it ran in (docs/systolic.md, "Figures").
    StallReason reason_of(const Stage& s) const {
        if (s.array == SaState::Run || s.array == SaState::Drain) return StallReason::Compute;
        if (!computed_) return StallReason::Fill;
        if (s.cp_valid && s.array == SaState::Done && stores(*job_, s.cp) && s.storer_busy) return StallReason::Output;
        if (s.cp_valid) return StallReason::Handoff;
        return s.ld_valid ? StallReason::Operands : StallReason::Drain;
    }

    const StreamJob* job_;
    bool keep_last_ = false;
    uint64_t cycle_ = 0;              // cycles counted
    bool computed_ = false;           // a tile has started computing
};

Stage stage_of(const SystolicSnapshot& s) {
    return Stage{s.stream.state, s.state, s.stream.cp_valid, s.stream.ld_valid, s.stream.storer.busy, s.stream.cp};
}

Stage stage_of(const Systolic& top) {
    const SequencerRegs& q = top.sequencer.q;
    return Stage{q.state, top.controller.q.state, q.cp_valid, q.ld_valid, top.storer.q.mover.busy, q.cp};
}

// The fast path's surroundings of the model: the DRAM served and the counters kept at every edge.
class FastHook final : public EdgeHook {
public:
    FastHook(Dram& dram, uint64_t edge, const StreamJob& job, const Systolic& top,
             const std::function<void(uint64_t, uint64_t)>& progress)
        : dram_(dram), edge_(edge), first_edge_(edge), progress_(progress), counters(job), during_(stage_of(top)) {}

    bool after_edge(Systolic& top) override {
        const StreamJob& job = top.sequencer.q.job;
        counters.count(during_, top.controller.q.state, job.dataflow, top.left_valid, top.top_valid, top.out_valid,
                       top.array.macs_now(), top.a_loader.q.mover, top.b_loader.q.mover, top.storer.q.mover);
        dram_.accept(edge_, top.a_loader.q.mover, top.b_loader.q.mover, top.storer.q.mover);
        ++edge_;
        dram_.respond(edge_, top.inputs.a_rsp, top.inputs.b_rsp);
        during_ = stage_of(top);
        if (progress_ && (edge_ - first_edge_) % 65536 == 0) progress_(edge_ - first_edge_, counters.tiles);
        return top.sequencer.q.state == SqState::Done;
    }

private:
    Dram& dram_;
    uint64_t edge_, first_edge_;
    const std::function<void(uint64_t, uint64_t)>& progress_;

public:
    StreamCounters counters;

private:
    Stage during_;
};

// The streamed layer plugged into the lock-step driver (cosim/driver.h lists what a design provides).
class StreamDesign {
public:
    using Device = SystolicDevice;
    using Trace = trace::StreamTrace;

    // One engine with its own DRAM: until the engines part, both DRAMs see the same requests.
    class Bench {
    public:
        Bench(Device& device, const StreamDesign& design)
            : device_(device), dram_(design.request_.dram.size(), design.request_.dram_latency, design.shape_.dram_lanes) {
            dram_.words = design.request_.dram;
            snapshot_.resize(design.shape_);
            previous_.resize(design.shape_);
            inputs_.a_rsp.assign(design.shape_.dram_lanes, DramLane{});
            inputs_.b_rsp.assign(design.shape_.dram_lanes, DramLane{});
        }

        uint64_t edges() const { return edges_; }
        void edge(uint64_t = 0) {
            dram_.respond(edges_, inputs_.a_rsp, inputs_.b_rsp);
            device_.tick(inputs_);
            std::swap(previous_, snapshot_);
            device_.observe(snapshot_);
            const StreamSnapshot& s = snapshot_.stream;
            // An RTL that stopped on a failed assertion reports that, not what its requests would do.
            if (device_.stopped() == nullptr) dram_.accept(edges_, s.a_loader, s.b_loader, s.storer);
            ++edges_;
        }
        SystolicInputs& inputs() { return inputs_; }
        const SystolicSnapshot& snapshot() const { return snapshot_; }
        const SystolicSnapshot& previous() const { return previous_; }
        Device& device() { return device_; }
        Dram& dram() { return dram_; }
        const Dram& dram() const { return dram_; }
        void observe() { device_.observe(snapshot_); }

    private:
        Device& device_;
        Dram dram_;
        SystolicInputs inputs_;
        SystolicSnapshot snapshot_, previous_;
        uint64_t edges_ = 0;
    };

    StreamDesign(const Config& config, const StreamRequest& request, const StreamOptions& options)
        : config_(config), request_(request), options_(options), shape_(ArrayShape::from(config.systolic)) {}

    // The model's SRAMs start zeroed, as a fresh RTL's are compared word for word at the end.
    Device& model() {
        SystolicModel& model = SystolicModel::instance(shape_);
        for (auto* buffer : {&model.top().a, &model.top().b, &model.top().c}) *buffer = ZeroedWords(buffer->size());
        return model;
    }
    std::unique_ptr<Device> rtl(const std::string& vcd) { return make_rtl<Device>(systolic_design(shape_), vcd); }
    const char* vcd_name() const { return "systolic.vcd"; }
    std::unique_ptr<Trace> trace(const std::string& dir) const {
        std::vector<std::string> reasons;
        for (size_t i = 0; i < kStallReasons; ++i) reasons.push_back(name(static_cast<StallReason>(i)));
        return std::make_unique<Trace>(dir, shape_, request_.job, reasons);
    }
    void record(Trace& trace, uint64_t cycle, const Bench&) const { trace.record(cycle, counters_.last); }

    // A reset edge; the job's start is then held until the end. A later launch (the same job
    // again, without a reset) first drops the start for an edge: SqDone -> SqIdle.
    bool setup_step(Bench& b, unsigned launch, size_t step) {
        if (launch > 0) {
            b.inputs().job_start = step > 0;
            if (step > 0) return false;
            b.edge();
            counters_ = StreamCounters(request_.job);
            counters_.keep_last();
            return true;
        }
        if (step > 0) return false;
        b.inputs().rst_n = false;
        b.edge();
        b.inputs().rst_n = true;
        b.inputs().job_start = true;
        b.inputs().job = request_.job;
        counters_ = StreamCounters(request_.job);
        counters_.keep_last();   // the observed path records every cycle
        return true;
    }
    // The model alone, untraced: the SystemC kernel clocks it until SqDone, the DRAM served from
    // an edge hook.
    bool run_fast(Bench& b) {
        if (!options_.fast || options_.launches != 1) return false;
        setup_step(b, 0, 0);
        SystolicModel& model = static_cast<SystolicModel&>(b.device());
        FastHook hook(b.dram(), b.edges(), request_.job, model.top(), options_.on_progress);
        fast_cycles_ = model.run_with_hook(b.inputs(), hook, options_.max_cycles);
        if (model.top().sequencer.q.state != SqState::Done) throw Error(runaway(options_.max_cycles, b));
        counters_ = hook.counters;
        // Each multiply of the layer's GEMM happens once, on one PE: a count that differs means
        // the fast path's counters (top.array.macs_now()) missed or invented some.
        const StreamJob& job = request_.job;
        const uint64_t expected = static_cast<uint64_t>(job.m) * job.k * job.n;
        if (counters_.macs != expected) {
            throw std::logic_error(fmt::format("the fast path counted {} MACs for a {}x{}x{} GEMM, which has {}",
                                               counters_.macs, job.m, job.k, job.n, expected));
        }
        return true;
    }
    unsigned launches() const { return options_.launches; }
    bool records_start_state() const { return false; }
    bool finished(const Bench& main) const { return main.snapshot().stream.state == SqState::Done; }

    // Counts the cycle that ended (its state is `previous`, its accesses in `snapshot`).
    void after_edge(uint64_t, const Bench& main) {
        const SystolicSnapshot& after = main.snapshot();
        counters_.count(stage_of(main.previous()), after.state, request_.job.dataflow, after.left, after.top, after.out,
                        after.mac, after.stream.a_loader, after.stream.b_loader, after.stream.storer);
    }
    void check(uint64_t, const Bench&) const {}
    void epilogue(Bench&) const {}

    std::optional<Mismatch> compare(const Bench& rtl, const Bench& model) const {
        auto m = compare_systolic(rtl.snapshot(), model.snapshot(), shape_.cols);
        if (m) m->in_flight = in_flight(rtl);
        return m;
    }
    // Both DRAMs, then every SRAM word.
    std::optional<Mismatch> compare_final(Bench& rtl, Bench& model) const {
        const auto& r = rtl.dram().words;
        const auto& m = model.dram().words;
        for (size_t i = 0; i < r.size(); ++i) {
            if (r[i] != m[i]) return difference("dram", fmt::format("[{}]", i), std::to_string(r[i]), std::to_string(m[i]), "after the run");
        }
        const uint32_t size = uint32_t{1} << shape_.buffer_addr_bits;
        for (const auto& [sel, unit] : {std::pair{HostSel::C, "c_buffer"}, {HostSel::A, "a_buffer"}, {HostSel::B, "b_buffer"}}) {
            for (uint32_t i = 0; i < size; ++i) {
                const int32_t rv = rtl.device().host_read(sel, i), mv = model.device().host_read(sel, i);
                if (rv != mv) return difference(unit, fmt::format("[{}]", i), std::to_string(rv), std::to_string(mv), "after the run");
            }
        }
        return std::nullopt;
    }
    std::string in_flight(const Bench& b) const {
        const StreamSnapshot& s = b.previous().stream;
        if (!s.cp_valid) return fmt::format("no tile computing; loading m0 {} k0 {} n0 {}", s.ld.m0, s.ld.k0, s.ld.n0);
        return fmt::format("tile m0 {} k0 {} n0 {}, fold {} cycle {}", s.cp.m0, s.cp.k0, s.cp.n0, b.previous().fold,
                           b.previous().t);
    }
    void inject(Device& model, const PeFault& f) const {
        static_cast<SystolicModel&>(model).top().array.overwrite(f.row, f.col, f.signal, f.value);
    }
    std::string runaway(uint64_t max_cycles, const Bench&) const {
        return fmt::format("streamed layer did not finish within {} (raise --max-cycles or sim.max_cycles)",
                           plural(max_cycles, "cycle"));
    }

    StreamResult finish(const Outcome& outcome, Bench& main, Trace& trace) const {
        StreamResult r;
        r.engine = outcome.engine;
        r.cycles = outcome.fast ? fast_cycles_ : outcome.cycles;   // of the last launch
        r.launch_cycles = outcome.fast ? std::vector<uint64_t>{fast_cycles_} : outcome.launch_cycles;
        r.reason_cycles = counters_.reasons;
        r.tiles = counters_.tiles;
        r.sram = counters_.sram;
        r.dram = counters_.dram;
        r.mac_count = counters_.macs;
        r.dram_words = main.dram().words;
        r.stopped = outcome.stopped;
        r.first_mismatch = outcome.first_mismatch;
        r.mismatches = outcome.first_mismatch ? 1 : 0;
        if (!outcome.fast) {
            nlohmann::json summary = to_json(r);
            if (r.first_mismatch) summary["first_mismatch"]["record"] = outcome.mismatch_record;
            trace.finish(summary);
        }
        return r;
    }

private:
    const Config& config_;
    const StreamRequest& request_;
    const StreamOptions& options_;
    ArrayShape shape_;
    StreamCounters counters_{request_.job};
    uint64_t fast_cycles_ = 0;
};

}  // namespace

StreamResult run_stream(const Config& config, const StreamRequest& request, const StreamOptions& options) {
    check_stream_job(ArrayShape::from(config.systolic), request.job);
    StreamOptions run = options;
    if (!run.max_cycles) run.max_cycles = config.sim.max_cycles;
    StreamDesign design(config, request, run);
    return Driver<StreamDesign>::run(design, run);
}

namespace {

nlohmann::json spans(const std::array<AccessSpan, 3>& s) {
    nlohmann::json out;
    for (size_t i = 0; i < s.size(); ++i) {
        out[i == kIfmap ? "ifmap" : i == kFilter ? "filter" : "ofmap"] = {
            {"first_cycle", s[i].first}, {"last_cycle", s[i].last}, {"words", s[i].words}};
    }
    return out;
}

}  // namespace

nlohmann::json to_json(const StreamResult& r) {
    nlohmann::json reasons;
    for (size_t i = 0; i < kStallReasons; ++i) reasons[name(static_cast<StallReason>(i))] = r.reason_cycles[i];
    return {
        {"engine", name(r.engine)},
        {"cycles", r.cycles},
        {"compute_cycles", r.reason_cycles[0]},
        {"stall_cycles", r.stall_cycles()},
        {"cycles_by_reason", reasons},
        {"tiles", r.tiles},
        {"sram", spans(r.sram)},
        {"dram", spans(r.dram)},
        {"mac_count", r.mac_count},
        {"mismatches", r.mismatches},
        {"first_mismatch", to_json(r.first_mismatch)},
    };
}

}  // namespace lockstep::cosim
