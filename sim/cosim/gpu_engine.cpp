#include "cosim/gpu_engine.h"

#include "common/error.h"
#include "common/isa.h"
#include "common/memory.h"
#include "common/plural.h"
#include "common/reconvergence.h"
#include "cosim/gpu_compare.h"
#include "gpu/gpu_model.h"
#include "systolic/systolic_types.h"
#include "trace/gpu_trace.h"

#include <fmt/format.h>

#include <exception>
#include <limits>
#include <memory>

namespace lockstep::cosim {

using gpu::GpuSnapshot;

namespace {

// The RTL's TcDataflow: 0 os, 1 ws, 2 is (the loader has checked the name).
unsigned tc_dataflow(const TensorCoreConfig& tc) {
    return tc.present() ? static_cast<unsigned>(systolic::dataflow_from_name(tc.dataflow).value_or(systolic::Dataflow::Os))
                        : 0;
}

}  // namespace

RtlDesign gpu_design(const GpuConfig& c) {
    RtlDesign design{"gpu", "gpu-" + gpu::shape_key(c),
                     {{"NumCores", c.cores}, {"ThreadsPerBlock", c.threads_per_block}, {"DataChannels", c.data_channels},
                      {"ProgramChannels", c.program_channels}, {"DataBits", c.data_width},
                      {"ProgramAddrBits", c.program_addr_bits}, {"DataAddrBits", c.data_addr_bits},
                      {"TcRows", c.tensor_core.rows}, {"TcCols", c.tensor_core.present() ? c.tensor_core.cols : 0},
                      {"TcDataflow", tc_dataflow(c.tensor_core)}, {"TcInBits", c.tensor_core.in_bits},
                      {"TcAccBits", c.tensor_core.acc_bits}, {"StackDepth", c.stack_depth},
                      {"WarpsPerCore", c.warps_per_core}, {"WarpScheduler", c.warp_scheduler == "gto" ? 1u : 0u},
                     {"SegmentWords", c.segment_words}},
                     "gpu_rtl_adapter.cpp",
                     {"gpu/gpu_types.h", "common/memory.h", "common/config.h"}};
    if (c.cache()) {   // without one the RTL's defaults (no cache) hold
        design.params.insert(design.params.end(), {{"CacheSets", c.cache_sets}, {"CacheWays", c.cache_ways},
                                                   {"CacheHitLatency", c.cache_hit_latency},
                                                   {"CacheWriteBack", c.cache_write_back ? 1u : 0u}});
    }
    return design;
}

namespace {

// Names the threads behind a data address the memory does not have: those whose LSU is
// loading or storing through a register that holds such an address.
std::string out_of_range_requesters(const GpuSnapshot& s, size_t words, const GpuConfig& config) {
    const unsigned tpb = config.threads_per_block;
    std::string who;
    for (unsigned c = 0; c < s.cores.size(); ++c) {
        const gpu::CoreView& core = s.cores[c];
        const isa::Instruction in = isa::decode(static_cast<uint16_t>(core.instruction));
        if (in.op != isa::Opcode::Ldr && in.op != isa::Opcode::Str) continue;
        for (unsigned t = 0; t < core.thread_count; ++t) {
            const gpu::ThreadView& th = s.threads[c * tpb + t];
            if (!gpu::lsu_busy(th.lsu) || th.regs[in.rs] < words) continue;
            who += fmt::format("{}{} thread {} (block {}) at PC {}: {} with {} = {}", who.empty() ? "" : ", ",
                               gpu::context_words(config, c), t,
                               core.block_id, core.pc, isa::disassemble(static_cast<uint16_t>(core.instruction)),
                               isa::register_name(in.rs), th.regs[in.rs]);
        }
    }
    return who.empty() ? "" : "; asked by " + who;
}

std::string divergence_message(uint64_t cycle, unsigned core, const GpuSnapshot& s, const GpuConfig& config) {
    const unsigned tpb = config.threads_per_block;
    const gpu::CoreView& c = s.cores[core];
    std::string threads;
    for (unsigned t = 0; t < c.thread_count; ++t) {
        threads += fmt::format("{}thread {} -> PC {}", t ? ", " : "", t, s.threads[core * tpb + t].next_pc);
    }
    return fmt::format("cycle {}: divergent branch on {} (block {}) at PC {} ({}): {}; "
                       "threads of one block must take the same branch (or give the config a divergence: section)",
                       cycle, gpu::context_words(config, core), c.block_id, c.pc, isa::disassemble(c.instruction), threads);
}

std::string overflow_message(uint64_t cycle, unsigned core, const GpuSnapshot& s, const GpuConfig& config) {
    const gpu::CoreView& c = s.cores[core];
    return fmt::format("cycle {}: reconvergence stack overflow on {} (block {}) at PC {} ({}): the divergent "
                       "branch needs more than the {} entries of divergence.stack_depth; raise it (up to {}) or nest "
                       "fewer divergent branches",
                       cycle, gpu::context_words(config, core), c.block_id, c.pc, isa::disassemble(c.instruction), config.stack_depth,
                       limits::kStackDepth.hi);
}

// A tensor core stopped in TcFault: what was wrong, where, and for which thread.
std::string tensor_fault_message(uint64_t cycle, unsigned core, const GpuSnapshot& s, const GpuConfig& config) {
    const gpu::CoreView& c = s.cores[core];
    const gpu::TensorCoreView& tc = s.tensor[core];
    const unsigned tpb = config.threads_per_block;
    const isa::Instruction in = isa::decode(c.instruction);
    const gpu::ThreadView& first = s.threads[core * tpb];
    const uint32_t base = first.regs[in.rs], stride = first.regs[in.rt];
    const unsigned rows = config.tensor_core.rows;
    const unsigned width = tc.op == gpu::TcOp::Lda ? rows : config.tensor_core.cols;
    const std::string where = fmt::format("cycle {}: core {} (block {}) at PC {} ({})", cycle, core, c.block_id, c.pc,
                                          isa::disassemble(c.instruction));
    const std::string base_reg = isa::register_name(in.rs), stride_reg = isa::register_name(in.rt);
    switch (tc.fault) {
    case gpu::TcFault::Operands: {
        const gpu::ThreadView& other = s.threads[core * tpb + tc.fault_thread];
        return fmt::format("{}: thread {} gives base {} = {} and stride {} = {}, thread 0 gives {} and {}; a tile "
                           "instruction is issued once for the block, so every thread must pass the same base and "
                           "stride", where, tc.fault_thread, base_reg, other.regs[in.rs], stride_reg, other.regs[in.rt],
                           base, stride);
    }
    case gpu::TcFault::Stride:
        return fmt::format("{}: thread 0's stride {} = {} is less than the tile's {} words per row; rows of a tile "
                           "must not overlap", where, stride_reg, stride, width);
    case gpu::TcFault::Range: {
        const uint64_t last = base + static_cast<uint64_t>(rows - 1) * stride + width - 1;
        return fmt::format("{}: the {}x{} tile at base {} = {} with stride {} = {} runs outside data memory: its last "
                           "word is {}, data memory holds {} (0..{}) (thread 0)", where, rows, width, base_reg, base,
                           stride_reg, stride, last, 1u << config.data_addr_bits, (1u << config.data_addr_bits) - 1);
    }
    case gpu::TcFault::None: break;
    }
    return where + ": tensor core fault";
}

// Without a tensor core, tile instructions would silently do nothing: refuse the program.
void check_tensor_instructions(const Program& program, const Config& config) {
    if (config.gpu.tensor_core.present()) return;
    for (size_t pc = 0; pc < program.code.size(); ++pc) {
        const isa::Instruction in = isa::decode(program.code[pc]);
        if (!isa::is_tensor_op(in.op)) continue;
        const int line = pc < program.code_lines.size() ? program.code_lines[pc] : 0;
        throw error_at(program.path, line,
                       fmt::format("{} (PC {}) is a tensor-core instruction, and {} has no tensor_core section "
                                   "(configs/gpu-tc.yaml has one)", isa::disassemble(program.code[pc]), pc,
                                   config.path));
    }
}

// The GPU plugged into the lock-step driver (cosim/driver.h lists what a design provides).
class GpuDesign {
public:
    using Device = gpu::GpuDevice;
    using Snapshot = GpuSnapshot;
    using Trace = trace::GpuTrace;

    // The memories' answers into an engine's inputs: a plain copy when the sizes agree, as
    // they always do but before a first edge (vector::operator= costs a call an edge).
    static void copy_into(std::vector<MemResponse>& to, const std::vector<MemResponse>& from) {
        if (to.size() == from.size()) {
            std::copy(from.begin(), from.end(), to.begin());
        } else {
            to = from;
        }
    }

    // One engine with its own data and program memories, stepped one clock edge at a time.
    class Bench {
    public:
        Bench(Device& device, const GpuDesign& design)
            : device_(device),
              data_("data", 1u << design.shape().data_addr_bits, design.shape().data_width,
                    design.shape().data_memory_channels(), design.config_.memory.data_memory_latency(), true,
                    design.config_.memory.bandwidth, design.shape().request_words()),
              program_("program", 1u << design.shape().program_addr_bits, design.shape().program_word_bits(),
                       design.shape().program_channels,
                       design.config_.memory.latency, false),
              shape_(design.shape()) {
            data_.load(design.program_.data);
            initial_ = data_.words();
            program_.load(program_image(design.program_.code, design.shape()));
            snapshot_.resize(design.shape());
            inputs_.data.assign(design.shape().data_memory_channels(), {});
            inputs_.program.assign(design.shape().program_channels, {});
        }

        void edge(uint64_t cycle) {
            answer(inputs_, cycle);
            device_.tick(inputs_);
            settle();
        }

        // The driver's edges of the model (GpuDesign::run_edges): the SystemC kernel activates
        // the model's process once for a quantum of edges, and each is edge() with the driver's
        // steps around it. An error thrown inside the process (by the driver's steps or the
        // memories) is carried out of the kernel and thrown again here.
        void run_edges(const BeforeEdge& before, const AfterEdge& after) {
            DriverEdges hook(*this, before, after);
            answered_into_ = nullptr;   // the model's inputs are set from inputs_ first
            static_cast<gpu::GpuModel&>(device_).run_with_hook(inputs_, hook, std::numeric_limits<uint64_t>::max());
            if (hook.error) std::rethrow_exception(hook.error);
        }

        // A fast run of the model (GpuDesign::run_fast): the SystemC kernel clocks it, and at
        // each edge the memories answer and the edge is counted from the model's registers. Returns
        // the edges clocked; stops after the one that finishes the launch or needs a check(),
        // or before one whose memory access fails (edge() then says why). `progress` sees each edge.
        uint64_t run_fast(trace::GpuUtilisation& counted, uint64_t max_cycles, RunProgress& progress) {
            FastEdges hook(*this, counted, progress);
            observed_ = false;   // snapshot_ stays as it was before the run
            answered_into_ = nullptr;   // the model's inputs are set from inputs_ first
            static_cast<gpu::GpuModel&>(device_).run_with_hook(inputs_, hook, max_cycles);
            return hook.cycle;
        }

        gpu::GpuInputs& inputs() { return inputs_; }
        const Snapshot& snapshot() const { return snapshot_; }
        const Memory& data() const { return data_; }
        const std::vector<uint32_t>& initial_data() const { return initial_; }   // before the run
        Device& device() { return device_; }
        // After the device was changed behind our back, or after a fast run.
        void observe() {
            device_.observe(snapshot_);
            observed_ = true;
        }

    private:
        // The memories answer the requests of the cycle before the edge of `cycle` into `in`,
        // combinationally, and then clock that cycle's end (answered writes land, waiting
        // requests age), which nothing the device does at its edge reads: snapshot_'s requests,
        // or on a fast run the model's (whose errors edge() reports again, with the requesters).
        void answer(gpu::GpuInputs& in, uint64_t cycle) {
            try {
                answer(in, cycle, snapshot_.data_requests, snapshot_.program_requests);
            } catch (const Error& e) {
                throw Error(e.what() + out_of_range_requesters(snapshot_, data_.words().size(), shape_));
            }
        }
        void answer(gpu::GpuInputs& in, uint64_t cycle, const std::vector<MemRequest>& data,
                    const std::vector<MemRequest>& program) {
            // Answers the same as the last ones are in `in` already when it took those (only
            // this writes the answers into inputs).
            const bool same_inputs = &in == answered_into_;
            answered_into_ = nullptr;   // until both copies are made
            const std::vector<MemResponse>& data_answers = data_.respond(data, cycle);
            if (!same_inputs || !data_.same_answers()) copy_into(in.data, data_answers);
            const std::vector<MemResponse>& program_answers = program_.respond(program, cycle);
            if (!same_inputs || !program_.same_answers()) copy_into(in.program, program_answers);
            answered_into_ = &in;
            data_.clock(data);
            program_.clock(program);
        }

        // After the edge: snapshot_ shows the device.
        void settle() {
            if (observed_) {
                device_.observe_next(snapshot_);
            } else {
                observe();
            }
        }

        class DriverEdges : public gpu::EdgeHook {
        public:
            DriverEdges(Bench& bench, const BeforeEdge& before, const AfterEdge& after)
                : bench_(bench), before_(before), after_(after) {}
            bool before_edge(gpu::Gpu& gpu) override {
                try {
                    const std::optional<uint64_t> cycle = before_();
                    if (!cycle) return false;
                    bench_.answer(gpu.inputs, *cycle);
                    return true;
                } catch (...) {
                    error = std::current_exception();
                    return false;
                }
            }
            bool after_edge(gpu::Gpu&) override {
                try {
                    bench_.settle();
                    after_();
                    return false;
                } catch (...) {
                    error = std::current_exception();
                    return true;
                }
            }
            std::exception_ptr error;

        private:
            Bench& bench_;
            const BeforeEdge& before_;
            const AfterEdge& after_;
        };

        // Bench::edge() without a snapshot: the memories and the counters read the model's
        // registers (trace::ModelEdge).
        class FastEdges : public gpu::EdgeHook {
        public:
            FastEdges(Bench& bench, trace::GpuUtilisation& counted, RunProgress& progress)
                : bench_(bench), counted_(counted), progress_(progress),
                  edge_(static_cast<gpu::GpuModel&>(bench.device_).gpu(), bench.shape_) {}
            bool before_edge(gpu::Gpu& gpu) override {
                try {
                    bench_.answer(gpu.inputs, cycle + 1, edge_.data_requests(), edge_.program_requests());
                } catch (const Error&) {
                    return false;   // edge() reports it, with the requesters
                }
                return true;
            }
            bool after_edge(gpu::Gpu&) override {
                ++cycle;
                edge_.refresh();
                counted_.record(cycle, edge_);
                progress_.tick(cycle);
                return edge_.done() || edge_.needs_check();   // needs_check(): what GpuDesign::check() throws for
            }
            uint64_t cycle = 0;   // edges clocked

        private:
            Bench& bench_;
            trace::GpuUtilisation& counted_;
            RunProgress& progress_;
            trace::ModelEdge edge_;
        };

        Device& device_;
        Memory data_, program_;
        GpuConfig shape_;
        std::vector<uint32_t> initial_;
        Snapshot snapshot_;
        bool observed_ = false;   // snapshot_ holds the device's observation after the last edge
        const gpu::GpuInputs* answered_into_ = nullptr;   // the inputs the memories answered into last
        gpu::GpuInputs inputs_;
    };

    GpuDesign(const Config& config, const Program& program, const RunOptions& options)
        : config_(config), program_(program), options_(options) {}

    const GpuConfig& shape() const { return config_.gpu; }
    Device& model() { return gpu::GpuModel::instance(shape()); }
    std::unique_ptr<Device> rtl(const std::string& vcd) { return make_rtl<Device>(gpu_design(shape()), vcd); }
    const char* vcd_name() const { return "gpu.vcd"; }
    std::unique_ptr<Trace> trace(const std::string& dir) const {
        return std::make_unique<Trace>(dir, shape(), program_, name(options_.engine), config_.memory);
    }
    void record(Trace& trace, uint64_t cycle, const Bench& bench) const { trace.record(cycle, bench.snapshot()); }

    // First launch: reset for one cycle, then one cycle writing the thread count into the
    // DCR, then start. A later one: start dropped for one cycle (re-arms the dispatcher).
    bool setup_step(Bench& b, unsigned launch, size_t step) const {
        gpu::GpuInputs& in = b.inputs();
        in.rst_n = !(launch == 0 && step == 0);
        in.dcr_we = launch == 0 && step == 1;
        in.dcr_data = static_cast<uint8_t>(program_.threads);
        in.start = false;
        if (step == (launch == 0 ? 2 : 1)) {
            in.start = true;
            return false;
        }
        b.edge(0);
        return true;
    }
    // An untraced model run: the set-up edge by edge as in the driver, then each launch in one
    // sc_start with the memories served at the edge (Bench::run_fast); cycles, memory,
    // utilisation, errors and the progress line on a terminal are those of the observed run.
    bool run_fast(Bench& b) {
        fast_counted_.emplace(shape());
        fast_launch_cycles_.clear();
        RunProgress progress(options_.progress, options_.max_cycles);   // one for the run, as the driver's
        for (unsigned launch = 0; launch < launches(); ++launch) {
            for (size_t step = 0; setup_step(b, launch, step); ++step) {}
            fast_counted_->record(0, b.snapshot());
            const uint64_t cycles = b.run_fast(*fast_counted_, options_.max_cycles, progress);
            b.observe();
            check(cycles, b);
            if (!finished(b)) {
                if (cycles < options_.max_cycles) b.edge(cycles + 1);   // a memory access out of range throws
                throw Error(runaway(options_.max_cycles, b));
            }
            fast_launch_cycles_.push_back(cycles);
        }
        progress.clear();
        return true;
    }
    // The driver's edges of a lock-step or traced run, clocked by the model (Bench::run_edges):
    // the SystemC kernel then costs an activation a quantum of edges, not one each.
    bool run_edges(Bench& model, const BeforeEdge& before, const AfterEdge& after) const {
        model.run_edges(before, after);
        return true;
    }
    unsigned launches() const { return options_.launches; }
    bool records_start_state() const { return true; }
    bool finished(const Bench& main) const { return main.snapshot().done; }
    void after_edge(uint64_t, const Bench&) const {}
    void check(uint64_t cycle, const Bench& main) const {
        const Snapshot& s = main.snapshot();
        for (unsigned c = 0; c < s.cores.size(); ++c) {
            if (s.cores[c].diverged) throw Error(divergence_message(cycle, c, s, shape()));
            if (s.cores[c].overflow) throw Error(overflow_message(cycle, c, s, shape()));
        }
        for (unsigned c = 0; c < s.tensor.size(); ++c) {
            if (s.tensor[c].state == gpu::TcState::Fault) throw Error(tensor_fault_message(cycle, c, s, shape()));
        }
    }
    void epilogue(Bench&) const {}

    std::optional<Mismatch> compare(const Bench& rtl, const Bench& model) const {
        return compare_gpu(rtl.snapshot(), model.snapshot(), shape());
    }
    std::optional<Mismatch> compare_final(Bench& rtl, Bench& model) const {
        const auto& r = rtl.data().words();
        const auto& m = model.data().words();
        for (size_t a = 0; a < r.size(); ++a) {
            if (r[a] != m[a]) {
                return difference("data_memory", fmt::format("[{}]", a), std::to_string(r[a]), std::to_string(m[a]));
            }
        }
        return std::nullopt;
    }
    std::string in_flight(const Bench& b) const {
        std::string flight;
        const Snapshot& s = b.snapshot();
        for (size_t c = 0; c < s.cores.size(); ++c) {
            flight += (c ? "; " : "") + gpu_in_flight(gpu::context_name(shape(), static_cast<unsigned>(c)), s.cores[c]);
        }
        return flight;
    }
    void inject(Device& model, const Fault& f) const {
        auto& gpu = static_cast<gpu::GpuModel&>(model).gpu();
        gpu::Core& core = *gpu.cores.at(f.core);
        if (f.pe) {
            core.tensor->pes().overwrite(f.pe->row, f.pe->col, f.pe->signal, f.pe->value);
        } else {
            core.overwrite_register(f.warp, f.thread, f.reg, f.value);
        }
    }
    std::string runaway(uint64_t max_cycles, const Bench& main) const {
        return fmt::format("{}: did not finish within {} (raise --max-cycles or sim.max_cycles in {}); last state: {}",
                           program_.path, plural(max_cycles, "cycle"), config_.path, Trace::cycle_line(max_cycles, main.snapshot()));
    }
    RunResult finish(const Outcome& outcome, Bench& main, Trace& trace) const {
        RunResult result;
        result.engine = outcome.engine;
        result.cycles = outcome.fast ? fast_launch_cycles_.back() : outcome.cycles;
        result.launch_cycles = outcome.fast ? fast_launch_cycles_ : outcome.launch_cycles;
        result.stopped = outcome.stopped;
        result.initial_memory = main.initial_data();
        result.memory = main.data().words();
        result.first_mismatch = outcome.first_mismatch;
        result.mismatches = outcome.first_mismatch ? 1 : 0;
        result.utilisation = outcome.fast ? fast_counted_->summary() : trace.utilisation();
        result.trace_dir = options_.trace_dir;
        nlohmann::json mismatch = to_json(result)["first_mismatch"];
        if (mismatch.is_object()) mismatch["record"] = outcome.mismatch_record;
        trace.finish({{"cycles", result.cycles}, {"mismatches", result.mismatches}, {"first_mismatch", mismatch}});
        return result;
    }

private:
    const Config& config_;
    const Program& program_;
    const RunOptions& options_;
    std::optional<trace::GpuUtilisation> fast_counted_;   // a fast run's counters
    std::vector<uint64_t> fast_launch_cycles_;            // and its edges per launch
};

}  // namespace

RunResult run_gpu(const Config& config, const Program& program, const RunOptions& options) {
    check_tensor_instructions(program, config);
    RunOptions run = options;
    if (!run.max_cycles) run.max_cycles = config.sim.max_cycles;
    GpuDesign design(config, program, run);
    return Driver<GpuDesign>::run(design, run);
}

nlohmann::json to_json(const RunResult& r) {
    const nlohmann::json mismatch = to_json(r.first_mismatch);
    return {
        {"cycles", r.cycles},
        {"launch_cycles", r.launch_cycles},
        {"stopped", r.stopped},
        {"engine", name(r.engine)},
        {"memory", r.memory},
        {"mismatches", r.mismatches},
        {"first_mismatch", mismatch},
        {"utilisation", r.utilisation},
        {"trace_dir", r.trace_dir.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.trace_dir)},
    };
}

}  // namespace lockstep::cosim
