#include "cosim/engine.h"

#include "common/error.h"
#include "common/isa.h"
#include "common/memory.h"
#include "cosim/rtl_cache.h"
#include "gpu/gpu_model.h"
#include "trace/pictures.h"
#include "trace/trace_writer.h"

#include <fmt/format.h>

#include <memory>

namespace lockstep::cosim {

using gpu::GpuSnapshot;

const char* name(Engine e) {
    switch (e) {
    case Engine::Model: return "model";
    case Engine::Rtl: return "rtl";
    default: return "cosim";
    }
}

std::optional<Engine> engine_from_name(const std::string& n) {
    if (n == "model") return Engine::Model;
    if (n == "rtl") return Engine::Rtl;
    if (n == "cosim") return Engine::Cosim;
    return std::nullopt;
}

namespace {

// Names the threads behind a data address the memory does not have: those whose LSU is
// loading or storing through a register that holds such an address.
std::string out_of_range_requesters(const GpuSnapshot& s, size_t words, unsigned tpb) {
    std::string who;
    for (unsigned c = 0; c < s.cores.size(); ++c) {
        const gpu::CoreView& core = s.cores[c];
        const isa::Instruction in = isa::decode(static_cast<uint16_t>(core.instruction));
        if (in.op != isa::Opcode::Ldr && in.op != isa::Opcode::Str) continue;
        for (unsigned t = 0; t < core.thread_count; ++t) {
            const gpu::ThreadView& th = s.threads[c * tpb + t];
            const bool busy = th.lsu == gpu::LsuState::Requesting || th.lsu == gpu::LsuState::Waiting;
            if (!busy || th.regs[in.rs] < words) continue;
            who += fmt::format("{}core {} thread {} (block {}) at PC {}: {} with {} = {}", who.empty() ? "" : ", ", c, t,
                               core.block_id, core.pc, isa::disassemble(static_cast<uint16_t>(core.instruction)),
                               isa::register_name(in.rs), th.regs[in.rs]);
        }
    }
    return who.empty() ? "" : "; asked by " + who;
}

// One engine with its own memories, stepped one clock edge at a time.
class Harness {
public:
    Harness(gpu::GpuDevice& device, const Config& config, const Program& program)
        : device_(device),
          data_("data", 1u << config.gpu.data_addr_bits, config.gpu.data_width, config.gpu.data_channels,
                config.memory.latency, true),
          program_("program", 1u << config.gpu.program_addr_bits, 16, config.gpu.program_channels,
                   config.memory.latency, false),
          threads_per_block_(config.gpu.threads_per_block) {
        data_.load(program.data);
        program_.load(std::vector<uint32_t>(program.code.begin(), program.code.end()));
        snapshot_.resize(config.gpu);
        inputs_.data.assign(config.gpu.data_channels, {});
        inputs_.program.assign(config.gpu.program_channels, {});
    }

    // Reset for one cycle, then one cycle writing the thread count into the DCR.
    void reset(unsigned threads) {
        inputs_.rst_n = false;
        edge(0);
        inputs_.rst_n = true;
        inputs_.dcr_we = true;
        inputs_.dcr_data = static_cast<uint8_t>(threads);
        edge(0);
        inputs_.dcr_we = false;
    }

    void set_start(bool start) { inputs_.start = start; }

    void edge(uint64_t cycle) {
        try {
            inputs_.data = data_.respond(snapshot_.data_requests, cycle);   // memory answers combinationally
        } catch (const Error& e) {
            throw Error(e.what() + out_of_range_requesters(snapshot_, data_.words().size(), threads_per_block_));
        }
        inputs_.program = program_.respond(snapshot_.program_requests, cycle);
        device_.tick(inputs_);
        data_.clock(snapshot_.data_requests);
        program_.clock(snapshot_.program_requests);
        device_.observe(snapshot_);
    }

    const GpuSnapshot& snapshot() const { return snapshot_; }
    const Memory& data() const { return data_; }
    void observe() { device_.observe(snapshot_); }   // after the device was changed behind our back

private:
    gpu::GpuDevice& device_;
    Memory data_, program_;
    unsigned threads_per_block_;
    GpuSnapshot snapshot_;
    gpu::GpuInputs inputs_;
};

std::string divergence_message(uint64_t cycle, unsigned core, const GpuSnapshot& s, unsigned tpb) {
    const gpu::CoreView& c = s.cores[core];
    std::string threads;
    for (unsigned t = 0; t < c.thread_count; ++t) {
        threads += fmt::format("{}thread {} -> PC {}", t ? ", " : "", t, s.threads[core * tpb + t].next_pc);
    }
    return fmt::format("cycle {}: divergent branch on core {} (block {}) at PC {} ({}): {}; "
                       "threads of one block must take the same branch",
                       cycle, core, c.block_id, c.pc, isa::disassemble(c.instruction), threads);
}

void check_progress(uint64_t cycle, const GpuSnapshot& s, unsigned tpb) {
    for (unsigned c = 0; c < s.cores.size(); ++c) {
        if (s.cores[c].diverged) throw Error(divergence_message(cycle, c, s, tpb));
    }
}

void inject(gpu::GpuModel& model, const Fault& f) {
    model.gpu().cores.at(f.core)->threads.at(f.thread).registers->q.regs.at(f.reg) = f.value;
}

}  // namespace

RunResult run_gpu(const Config& config, const Program& program, const RunOptions& options) {
    const GpuConfig& shape = config.gpu;
    const uint64_t max_cycles = options.max_cycles ? options.max_cycles : config.sim.max_cycles;
    const bool use_model = options.engine != Engine::Rtl;
    const bool use_rtl = options.engine != Engine::Model;

    gpu::GpuDevice* model = use_model ? &gpu::GpuModel::instance(shape) : nullptr;
    if (!options.trace_dir.empty()) trace::prepare_trace_dir(options.trace_dir);
    std::unique_ptr<gpu::GpuDevice> rtl;
    if (use_rtl) rtl = make_rtl_gpu(shape, options.trace_dir.empty() ? "" : options.trace_dir + "/gpu.vcd");
    std::unique_ptr<Harness> model_h, rtl_h;
    if (model) model_h = std::make_unique<Harness>(*model, config, program);
    if (rtl) rtl_h = std::make_unique<Harness>(*rtl, config, program);
    Harness& main = model_h ? *model_h : *rtl_h;   // whose state is traced and reported

    RunResult result;
    result.engine = options.engine;
    result.initial_memory = main.data().words();
    trace::TraceWriter trace(options.trace_dir, shape, program);

    uint64_t mismatch_record = 0;   // its index in states.bin, which numbers every launch's cycles on
    auto compare_now = [&](uint64_t cycle) {
        if (!model_h || !rtl_h || result.first_mismatch) return;
        if (auto m = compare(rtl_h->snapshot(), model_h->snapshot(), shape.threads_per_block)) {
            m->cycle = cycle;
            m->recent_trace = trace.recent_lines();
            result.first_mismatch = m;
            result.mismatches = 1;
            mismatch_record = trace.records();   // the record about to be written
        }
    };
    // A run that stops with an error still leaves a complete trace, to step to where it stopped.
    auto finish_trace = [&](nlohmann::json extra) {
        trace.finish(name(options.engine), extra);
        if (!options.trace_dir.empty()) trace::write_pictures(options.trace_dir);
    };

    for (Harness* h : {model_h.get(), rtl_h.get()}) {
        if (h) h->reset(program.threads);
    }
    uint64_t cycle = 0;
    try {
        for (unsigned launch = 0; launch < options.launches && !result.first_mismatch; ++launch) {
            if (launch > 0) {   // drop start for one cycle to re-arm the dispatcher
                for (Harness* h : {model_h.get(), rtl_h.get()}) {
                    if (!h) continue;
                    h->set_start(false);
                    h->edge(0);
                }
            }
            for (Harness* h : {model_h.get(), rtl_h.get()}) {
                if (h) h->set_start(true);
            }
            compare_now(0);   // before recording: the mismatch's record is the one written next
            trace.record(0, main.snapshot());
            cycle = 0;
            while (!result.first_mismatch) {
                if (cycle >= max_cycles) {
                    throw Error(fmt::format("{}: did not finish within {} cycles (raise --max-cycles or sim.max_cycles "
                                            "in {}); last state: {}",
                                            program.path, max_cycles, config.path,
                                            trace::TraceWriter::cycle_line(cycle, main.snapshot())));
                }
                ++cycle;
                for (Harness* h : {model_h.get(), rtl_h.get()}) {
                    if (h) h->edge(cycle);
                }
                if (options.fault && options.fault->cycle == cycle && model_h) {
                    inject(static_cast<gpu::GpuModel&>(*model), *options.fault);
                    model_h->observe();
                }
                compare_now(cycle);
                trace.record(cycle, main.snapshot());   // the mismatching cycle too: the stepper shows it
                if (result.first_mismatch) break;
                check_progress(cycle, main.snapshot(), shape.threads_per_block);
                if (main.snapshot().done) break;
            }
            result.launch_cycles.push_back(cycle);
            result.cycles = cycle;
        }
    } catch (const Error& e) {
        if (options.trace_dir.empty()) throw;
        finish_trace({{"cycles", cycle}, {"mismatches", 0}, {"first_mismatch", nullptr}, {"error", e.what()}});
        throw Error(fmt::format("{}\nThe trace up to there is in {}/ (lockstep step {})", e.what(), options.trace_dir,
                                options.trace_dir));
    }
    result.memory = main.data().words();
    if (model_h && rtl_h && !result.first_mismatch && model_h->data().words() != rtl_h->data().words()) {
        const auto& r = rtl_h->data().words();
        const auto& m = model_h->data().words();
        for (size_t a = 0; a < r.size(); ++a) {
            if (r[a] == m[a]) continue;
            result.first_mismatch = Mismatch{result.cycles, "data_memory", fmt::format("[{}]", a),
                                             std::to_string(r[a]), std::to_string(m[a]), "", trace.recent_lines()};
            result.mismatches = 1;
            break;
        }
    }
    result.utilisation = trace.utilisation();
    result.trace_dir = options.trace_dir;
    nlohmann::json mismatch = to_json(result)["first_mismatch"];
    if (mismatch.is_object()) mismatch["record"] = result.first_mismatch->unit == "data_memory" ? trace.records() - 1 : mismatch_record;
    finish_trace({{"cycles", result.cycles}, {"mismatches", result.mismatches}, {"first_mismatch", mismatch}});
    return result;
}

nlohmann::json to_json(const RunResult& r) {
    const nlohmann::json mismatch = to_json(r.first_mismatch);
    return {
        {"cycles", r.cycles},
        {"launch_cycles", r.launch_cycles},
        {"engine", name(r.engine)},
        {"memory", r.memory},
        {"mismatches", r.mismatches},
        {"first_mismatch", mismatch},
        {"utilisation", r.utilisation},
        {"trace_dir", r.trace_dir.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.trace_dir)},
    };
}

}  // namespace lockstep::cosim
