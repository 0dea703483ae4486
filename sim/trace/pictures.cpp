#include "trace/pictures.h"

#include "common/error.h"
#include "common/isa.h"
#include "common/plural.h"
#include "trace/gpu_trace.h"
#include "trace/gtkwave.h"
#include "trace/perfetto.h"
#include "trace/snapshot_fields.h"
#include "trace/state_file.h"
#include "trace/svg_charts.h"
#include "trace/stream_trace.h"
#include "trace/systolic_trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace lockstep::trace {

namespace {

// The per-state and per-thread tracks of perfetto.json stop here (the per-instruction track
// and the counters go on), so a long run's file stays a size the UI opens.
constexpr uint64_t kPerfettoDetailCycles = 50000;

void save(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out) throw Error(path + ": cannot write file");
}

// "cycles 0..L": the range every picture, the stepper and view.html show (docs/traces.md).
std::string cycle_range(uint64_t records) { return fmt::format("cycles 0..{}", records ? records - 1 : 0); }

// What a thread slot does in a cycle, for the heatmap (the order of ActivityMap's kinds).
enum ThreadActivity : size_t { kAlu, kLsu, kFetch, kOtherRunning, kNoBlock };

void gpu_pictures(const std::string& dir, StateReader& reader) {
    const nlohmann::json& m = reader.meta();
    const std::string program = m.value("program", "");
    const GpuConfig g = gpu_config_of(reader);
    const unsigned tpb = g.threads_per_block;
    gpu::GpuSnapshot s, before;
    s.resize(g);
    const uint64_t records = reader.cycles();
    const unsigned contexts = g.contexts();   // warps; one a core without a warps: section
    const double slots = static_cast<double>(contexts) * tpb;
    const bool tensor = g.tensor_core.present();
    const double tc_pes = static_cast<double>(g.cores) * g.tensor_core.rows * g.tensor_core.cols;
    Series active{"threads running a block", "#1f77b4", {}}, lsu{"LSUs requesting or waiting for memory", "#d62728", {}},
        channels{"data channels busy", "#2ca02c", {}}, fetch{"cores fetching an instruction", "#9467bd", {}},
        tc_busy_series{"tensor cores busy (load, compute, store)", "#8c564b", {}},
        tc_mac_series{"tensor-core PEs multiplying", "#e377c2", {}};
    std::vector<std::string> rows;
    for (unsigned c = 0; c < contexts; ++c) {
        for (unsigned t = 0; t < tpb; ++t) rows.push_back(fmt::format("{} t{}", gpu::context_name(g, c), t));
    }
    ActivityMap activity(rows, {{"ALU", "#ff7f0e"}, {"LSU", "#d62728"}, {"fetch", "#c6dbef"},
                                {"other running", "#6baed6"}, {"no block", "#f4f4f4"}}, records);

    // perfetto.json: counters in process 1; per core a process with an instruction track,
    // a scheduler-state track, a tensor-core track (when there is one) and a track per
    // thread slot (ALU operations, LSU states).
    PerfettoWriter perfetto;
    perfetto.process(1, "GPU: " + program, 0);
    std::vector<SliceTrack> instructions, states, threads, tensors;
    for (unsigned c = 0; c < contexts; ++c) {
        perfetto.process(2 + c, gpu::context_words(g, c), 1 + static_cast<int>(c));
        perfetto.track(2 + c, 1, "instructions", 0);
        perfetto.track(2 + c, 2, "scheduler state", 1);
        instructions.emplace_back(perfetto, 2 + c, 1);
        states.emplace_back(perfetto, 2 + c, 2);
        if (tensor) {
            perfetto.track(2 + c, 3, "tensor core", 2);
            tensors.emplace_back(perfetto, 2 + c, 3);
        }
        for (unsigned t = 0; t < tpb; ++t) {
            perfetto.track(2 + c, 10 + t, fmt::format("thread {}", t), 2 + (tensor ? 1 : 0) + static_cast<int>(t));
            threads.emplace_back(perfetto, 2 + c, 10 + t);
        }
    }
    std::vector<std::string> texts(1u << 16);   // disassembly by instruction word, filled as met
    auto text = [&](uint16_t word) -> const std::string& {
        if (texts[word].empty()) texts[word] = isa::disassemble(word);
        return texts[word];
    };
    const uint64_t detail = std::min(records, kPerfettoDetailCycles);

    for (uint64_t c = 0; c < records; ++c) {
        gpu_from_fields(reader.at(c), s);
        if (c == 0) before = s;
        double run = 0, waiting = 0, fetching = 0, used = 0, tc_working = 0, tc_macs = 0;
        for (unsigned k = 0; k < contexts; ++k) {
            const gpu::CoreView& core = s.cores[k];
            const bool on = running(core);
            const bool decoded = on && core.state != gpu::CoreState::Fetch;
            const bool alu = on && core.state == gpu::CoreState::Execute && is_alu_op(core.instruction);
            if (on) run += core.thread_count;
            fetching += on && core.state == gpu::CoreState::Fetch;
            // One slice per instruction, from its fetch to the next, named once it is decoded.
            if (decoded && instructions[k].open()) {
                instructions[k].rename(text(core.instruction));
            } else if (nlohmann::json* args = instructions[k].at(c, on ? (decoded ? text(core.instruction) : "fetch") : "",
                                                                 core.pc)) {
                *args = {{"pc", core.pc}, {"block", core.block_id}};
            }
            if (c < detail) {
                if (nlohmann::json* args = states[k].at(c, on ? gpu::name(core.state) : "", core.pc)) {
                    *args = {{"pc", core.pc}, {"block", core.block_id}};
                    if (decoded) (*args)["instruction"] = text(core.instruction);
                }
            }
            if (tensor) {
                const gpu::TensorCoreView& tc = s.tensor[k];
                tc_working += tc_busy(tc.state);
                tc_macs += tc_busy_pes(tc, before.tensor[k]);
                // A slice per phase of each tile instruction, named by both.
                const std::string phase = tc.state == gpu::TcState::Idle ? "" : fmt::format("{} {}", gpu::name(tc.state),
                                                                                             text(core.instruction));
                nlohmann::json* args = c < detail ? tensors[k].at(c, phase, static_cast<unsigned>(tc.state)) : nullptr;
                if (args != nullptr) *args = {{"pc", core.pc}, {"block", core.block_id}, {"base", tc.base}, {"stride", tc.stride}};
            }
            const isa::Instruction in = isa::decode(core.instruction);
            for (unsigned t = 0; t < tpb; ++t) {
                const gpu::ThreadView& th = s.threads[k * tpb + t];
                const bool enabled = on && t < core.thread_count;
                const bool memory = gpu::lsu_busy(th.lsu);
                waiting += memory;
                activity.add(k * tpb + t, c,
                             !enabled ? kNoBlock : alu ? kAlu : memory ? kLsu
                                                    : core.state == gpu::CoreState::Fetch ? kFetch : kOtherRunning);
                if (c >= detail) continue;
                const std::string name = !enabled ? "" : alu ? isa::mnemonic(in.op) : memory ? fmt::format("LSU {}", gpu::name(th.lsu)) : "";
                if (nlohmann::json* args = threads[k * tpb + t].at(c, name, uint64_t{core.pc} << 2 | static_cast<unsigned>(th.lsu))) {
                    *args = {{"instruction", text(core.instruction)}, {"pc", core.pc}, {"block", core.block_id}};
                    if (memory) (*args)["address"] = th.regs[in.rs];
                    if (memory && in.op == isa::Opcode::Str) (*args)["value"] = th.regs[in.rt];
                }
            }
        }
        for (unsigned ch = 0; ch < g.data_channels; ++ch) used += s.data_requests[ch].read_valid || s.data_requests[ch].write_valid;
        active.values.push_back(run / slots);
        lsu.values.push_back(waiting / slots);
        channels.values.push_back(used / g.data_channels);
        fetch.values.push_back(fetching / g.cores);   // the cores' shared fetchers
        perfetto.counter(1, "active threads", c, run);
        perfetto.counter(1, "LSUs waiting", c, waiting);
        perfetto.counter(1, "data channels busy", c, used);
        if (tensor) {
            tc_busy_series.values.push_back(tc_working / g.cores);
            tc_mac_series.values.push_back(tc_macs / tc_pes);
            perfetto.counter(1, "tensor-core PEs multiplying", c, tc_macs);
        }
        if (c + 1 == detail) {
            for (auto* tracks : {&states, &threads, &tensors}) {
                for (SliceTrack& track : *tracks) track.close(detail);
            }
        }
        std::swap(before, s);
    }
    for (SliceTrack& track : instructions) track.close(records);
    std::vector<Series> lanes = {active, lsu, channels, fetch};
    if (tensor) lanes.insert(lanes.end(), {tc_busy_series, tc_mac_series});
    save(dir + "/utilisation.svg",
         utilisation_svg(fmt::format("{}: GPU utilisation, {}", program, cycle_range(records)), lanes, records, {}));
    save(dir + "/heatmap.svg", activity.svg(fmt::format("{}: what each thread slot did, {}", program, cycle_range(records))));
    perfetto.write(dir + "/perfetto.json", {{"time_unit", "1 us = 1 clock cycle"}, {"program", program},
                                            {"detail_cycles", detail}});
    if (std::filesystem::exists(dir + "/gpu.vcd")) write_gpu_gtkw(dir, g);   // the RTL ran
}

void systolic_pictures(const std::string& dir, StateReader& reader) {
    const nlohmann::json& m = reader.meta();
    const systolic::ArrayShape shape = array_shape_of(reader);
    SystolicCycle cycle;
    cycle.after.resize(shape);
    const uint64_t records = reader.cycles();
    const double pes = static_cast<double>(shape.rows) * shape.cols;
    Series active{"PEs multiplying", "#1f77b4", {}}, moving{"PEs holding a moving operand", "#ff7f0e", {}};
    std::vector<std::vector<double>> macs(shape.rows, std::vector<double>(shape.cols, 0));
    std::vector<CycleMark> folds;
    const std::string what = fmt::format("{}x{} {} array, M={} K={} N={}", shape.rows, shape.cols,
                                         m.value("dataflow", ""), m.value("m", 0), m.value("k", 0), m.value("n", 0));
    PerfettoWriter perfetto;
    perfetto.process(1, "systolic array: " + what, 0);
    perfetto.track(1, 1, "folds", 0);
    perfetto.track(1, 2, "phases", 1);
    SliceTrack fold_track(perfetto, 1, 1), phase_track(perfetto, 1, 2);
    for (uint64_t c = 0; c < records; ++c) {
        systolic_from_fields(reader.at(c), cycle);
        double n = 0, holding = 0;
        const bool ran = cycle.state == systolic::SaState::Run;   // the mac flags hold outside StRun
        for (size_t p = 0; p < cycle.after.mac.size(); ++p) {
            n += ran && cycle.after.mac[p];
            holding += cycle.after.hv[p] || cycle.after.vv[p];
            macs[p / shape.cols][p % shape.cols] += ran && cycle.after.mac[p];
        }
        active.values.push_back(n / pes);
        moving.values.push_back(holding / pes);
        perfetto.counter(1, "PEs multiplying", c, n);
        const bool drain = cycle.state == systolic::SaState::Drain;
        const std::string fold_name = drain ? "output drain" : fmt::format("fold {}", cycle.fold);
        if (nlohmann::json* args = fold_track.at(c, fold_name, drain ? UINT64_MAX : cycle.fold)) {
            if (!drain) *args = {{"fold", cycle.fold}, {"folds", m.value("folds", 0)}};
            folds.push_back({c, drain ? "drain" : fmt::format("fold {}", cycle.fold)});
        }
        if (nlohmann::json* args = phase_track.at(c, phase_name(static_cast<Phase>(cycle.phase)),
                                                  static_cast<uint64_t>(cycle.fold) << 8 | cycle.phase)) {
            *args = {{"fold", cycle.fold}};
        }
    }
    fold_track.close(records);
    phase_track.close(records);
    for (auto& row : macs) {
        for (double& v : row) v /= static_cast<double>(std::max<uint64_t>(records, 1));
    }
    save(dir + "/utilisation.svg",
         utilisation_svg(fmt::format("{}: utilisation, {} (dashed: a fold starts)", what, cycle_range(records)),
                         {active, moving}, records, folds));
    save(dir + "/heatmap.svg", heatmap_svg("Share of cycles each PE multiplied, % (" + what + ")", "row", "column", macs));
    perfetto.write(dir + "/perfetto.json", {{"time_unit", "1 us = 1 clock cycle"}, {"array", what}});
    if (std::filesystem::exists(dir + "/systolic.vcd")) write_systolic_gtkw(dir, shape, m.value("load_cycles", uint64_t{0}));
}

}  // namespace

void write_pictures(const std::string& dir) {
    StateReader reader(dir + "/states.bin");
    const std::string kind = reader.meta().value("kind", "");
    if (kind == "gpu") {
        gpu_pictures(dir, reader);
    } else if (kind == "systolic") {
        systolic_pictures(dir, reader);
    } else if (kind == "stream") {
        stream_pictures(dir, reader);
    } else {
        throw Error(dir + "/states.bin: unknown trace kind '" + kind + "'");
    }
}

}  // namespace lockstep::trace
