#include "cosim/stream_engine.h"

#include "common/error.h"
#include "common/plural.h"
#include "cosim/systolic_compare.h"
#include "systolic/dram.h"
#include "systolic/systolic_model.h"
#include "systolic/tiles.h"
#include "trace/systolic_trace.h"

#include <fmt/format.h>

#include <memory>

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

// The streamed layer plugged into the lock-step driver (cosim/driver.h lists what a design provides).
class StreamDesign {
public:
    using Device = SystolicDevice;
    using Trace = trace::SystolicTrace;

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

        void edge(uint64_t = 0) {
            dram_.respond(edges_, inputs_.a_rsp, inputs_.b_rsp);
            device_.tick(inputs_);
            std::swap(previous_, snapshot_);
            device_.observe(snapshot_);
            const StreamSnapshot& s = snapshot_.stream;
            dram_.accept(edges_, s.a_loader, s.b_loader, s.storer);
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
        for (auto* buffer : {&model.top().a, &model.top().b, &model.top().c}) std::fill(buffer->begin(), buffer->end(), 0);
        return model;
    }
    std::unique_ptr<Device> rtl(const std::string& vcd) { return make_rtl<Device>(systolic_design(shape_), vcd); }
    const char* vcd_name() const { return "systolic.vcd"; }
    std::unique_ptr<Trace> trace(const std::string& dir) const {
        if (!dir.empty()) throw Error("traces of streamed layers are not written yet");
        const TileOrigin first{};
        return std::make_unique<Trace>(dir, shape_, request_.job.dataflow, tile_extent(request_.job, first));
    }
    void record(Trace& trace, uint64_t cycle, const Bench& b) const { trace.record(cycle, b.previous(), b.snapshot()); }

    // A reset edge; the job's start is then held until the end.
    bool setup_step(Bench& b, unsigned, size_t step) {
        if (step > 0) return false;
        b.inputs().rst_n = false;
        b.edge();
        b.inputs().rst_n = true;
        b.inputs().job_start = true;
        b.inputs().job = request_.job;
        reasons_.fill(0);
        tiles_ = sram_a_ = sram_b_ = sram_c_ = macs_ = 0;
        computed_ = false;
        return true;
    }
    bool run_fast(Bench&) { return false; }
    unsigned launches() const { return 1; }
    bool records_start_state() const { return false; }
    bool finished(const Bench& main) const { return main.snapshot().stream.state == SqState::Done; }

    // Counts the cycle that ended (its state is `previous`, its accesses in `snapshot`).
    void after_edge(uint64_t, const Bench& main) {
        const SystolicSnapshot& during = main.previous();
        const SystolicSnapshot& after = main.snapshot();
        const StallReason reason = reason_of(during);
        ++reasons_[static_cast<size_t>(reason)];
        if (during.state == SaState::Idle && after.state == SaState::Run) ++tiles_;
        computed_ |= after.state == SaState::Run;
        const bool a_left = request_.job.dataflow != Dataflow::Is;   // which operand enters from the left
        for (const PortAccess& p : after.left) (a_left ? sram_a_ : sram_b_) += p.valid;
        for (const PortAccess& p : after.top) (a_left ? sram_b_ : sram_a_) += p.valid;
        for (const PortAccess& p : after.out) sram_c_ += p.valid;
        if (during.state == SaState::Run) {   // mac flags hold outside StRun
            for (uint8_t m : after.mac) macs_ += m;
        }
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

    StreamResult finish(const Outcome& outcome, Bench& main, Trace&) const {
        StreamResult r;
        r.engine = outcome.engine;
        r.cycles = outcome.cycles;
        r.reason_cycles = reasons_;
        r.tiles = tiles_;
        r.dram_reads_a = main.dram().reads_a;
        r.dram_reads_b = main.dram().reads_b;
        r.dram_writes = main.dram().writes;
        r.sram_reads_a = sram_a_;
        r.sram_reads_b = sram_b_;
        r.sram_writes_c = sram_c_;
        r.mac_count = macs_;
        r.dram = main.dram().words;
        r.stopped = outcome.stopped;
        r.first_mismatch = outcome.first_mismatch;
        r.mismatches = outcome.first_mismatch ? 1 : 0;
        return r;
    }

private:
    // The reason of a cycle from the state it ran in (docs/systolic.md, "Figures").
    StallReason reason_of(const SystolicSnapshot& during) const {
        if (during.state == SaState::Run || during.state == SaState::Drain) return StallReason::Compute;
        const StreamSnapshot& s = during.stream;
        if (!computed_) return StallReason::Fill;
        if (s.cp_valid && during.state == SaState::Done && stores(request_.job, s.cp) && s.storer.busy) {
            return StallReason::Output;
        }
        if (s.cp_valid) return StallReason::Handoff;
        return s.ld_valid ? StallReason::Operands : StallReason::Drain;
    }

    const Config& config_;
    const StreamRequest& request_;
    const StreamOptions& options_;
    ArrayShape shape_;
    std::array<uint64_t, kStallReasons> reasons_{};
    uint64_t tiles_ = 0, sram_a_ = 0, sram_b_ = 0, sram_c_ = 0, macs_ = 0;
    bool computed_ = false;           // a tile has started computing
};

}  // namespace

StreamResult run_stream(const Config& config, const StreamRequest& request, const StreamOptions& options) {
    check_stream_job(ArrayShape::from(config.systolic), request.job);
    StreamOptions run = options;
    if (!run.max_cycles) run.max_cycles = config.sim.max_cycles;
    StreamDesign design(config, request, run);
    return Driver<StreamDesign>::run(design, run);
}

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
        {"dram_reads_a", r.dram_reads_a},
        {"dram_reads_b", r.dram_reads_b},
        {"dram_writes", r.dram_writes},
        {"sram_reads_a", r.sram_reads_a},
        {"sram_reads_b", r.sram_reads_b},
        {"sram_writes_c", r.sram_writes_c},
        {"mac_count", r.mac_count},
        {"mismatches", r.mismatches},
        {"first_mismatch", to_json(r.first_mismatch)},
    };
}

}  // namespace lockstep::cosim
