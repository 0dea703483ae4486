#include "trace/gpu_trace.h"

#include "common/error.h"
#include "common/isa.h"
#include "common/plural.h"
#include "trace/snapshot_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace lockstep::trace {

namespace {

using namespace gpu;

// From DECODE to UPDATE the fetcher's register holds the instruction being executed.
bool decoded(const CoreView& c) {
    return running(c) && c.state != CoreState::Fetch;
}


std::string request_text(const MemRequest& r, unsigned words = 1, unsigned data_bits = 8) {
    if (r.read_valid) return fmt::format("R@{}", r.read_address);
    if (r.write_valid) return fmt::format("W@{}={}", r.write_address, write_text(r, words, data_bits));
    return "-";
}

double pct(uint64_t part, uint64_t whole) {
    return whole == 0 ? 0.0 : static_cast<double>(part) * 100.0 / static_cast<double>(whole);
}

// The tensor core's fields in states.bin's header (trace_header.cpp reads them back).
nlohmann::json tensor_core_meta(const TensorCoreConfig& tc) {
    return {{"rows", tc.rows}, {"cols", tc.cols}, {"dataflow", tc.dataflow}, {"in_bits", tc.in_bits},
            {"acc_bits", tc.acc_bits}};
}

// The tile ports follow the controller's channels in data_requests.
size_t controller_channels(const GpuSnapshot& s) { return s.data_requests.size() - s.tensor.size(); }

}  // namespace

GpuTrace::GpuTrace(const std::string& dir, const GpuConfig& config, const Program& program, const std::string& engine,
                   const MemoryConfig& memory)
    : dir_(dir), config_(config), program_path_(program.path), engine_(engine), utilisation_(config) {
    previous_.resize(config);
    if (!dir_.enabled()) return;
    log_ = &dir_.open("trace.log");
    csv_ = &dir_.open("utilisation.csv");
    *log_ << fmt::format("# lockstep GPU trace: {} on {} x {}{}\n", program.path, plural(config.cores, "core"),
                        plural(config.threads_per_block, "thread"),
                        config.warps() ? fmt::format(", {} a core ({})", plural(config.warps_per_core, "warp"),
                                                     config.warp_scheduler)
                                       : "");
    nlohmann::json listing = nlohmann::json::array();
    for (size_t a = 0; a < program.code.size(); ++a) {
        listing.push_back({{"address", a}, {"word", program.code[a]}, {"text", isa::disassemble(program.code[a])},
                           {"line", a < program.code_lines.size() ? program.code_lines[a] : 0}});
    }
    nlohmann::json meta = {
        {"kind", "gpu"}, {"program", program.path}, {"threads", program.threads}, {"listing", listing},
        {"data", program.data}, {"memory_latency", memory.data_memory_latency()}, {"memory_bandwidth", memory.bandwidth},
        {"gpu", {{"cores", config.cores}, {"threads_per_block", config.threads_per_block},
                 {"data_channels", config.data_channels}, {"program_channels", config.program_channels},
                 {"data_width", config.data_width}, {"data_addr_bits", config.data_addr_bits},
                 {"program_addr_bits", config.program_addr_bits}}}};
    if (config.tensor_core.present()) meta["gpu"]["tensor_core"] = tensor_core_meta(config.tensor_core);
    if (config.divergence()) meta["gpu"]["divergence"] = {{"stack_depth", config.stack_depth}};
    if (config.warps()) meta["gpu"]["warps"] = {{"count", config.warps_per_core}, {"scheduler", config.warp_scheduler}};
    if (config.coalescer()) meta["gpu"]["coalescer"] = {{"segment_words", config.segment_words}};
    if (config.cache()) {
        meta["gpu"]["cache"] = {{"sets", config.cache_sets}, {"ways", config.cache_ways},
                                {"hit_latency", config.cache_hit_latency},
                                {"write_policy", config.cache_write_back ? "write_back" : "write_through"}};
    }
    dir_.open_states(meta, gpu_field_count(config));
    *csv_ << "cycle";
    for (unsigned c = 0; c < config.contexts(); ++c) {   // per warp; one a core without a warps: section
        const std::string w = context_name(config, c);
        *csv_ << fmt::format(",{0}_state,{0}_pc,{0}_active_threads,{0}_alu_busy,{0}_lsu_busy,{0}_fetch_stall", w);
        if (config.divergence()) *csv_ << fmt::format(",{}_simt_efficiency", w);
        *csv_ << fmt::format(",{}_stall", w);
        if (config.tensor_core.present()) *csv_ << fmt::format(",{0}_tc_state,{0}_tc_busy_pes", w);
    }
    for (unsigned ch = 0; ch < config.data_channels; ++ch) *csv_ << fmt::format(",data_ch{}_busy", ch);
    for (unsigned ch = config.data_channels; ch < config.data_memory_channels(); ++ch) {
        *csv_ << fmt::format(",tile_port{}_busy", ch - config.data_channels);
    }
    for (unsigned ch = 0; ch < config.program_channels; ++ch) *csv_ << fmt::format(",program_ch{}_busy", ch);
    *csv_ << "\n";
}

std::string GpuTrace::cycle_line(uint64_t cycle, const GpuSnapshot& s) {
    std::string line = fmt::format("cycle {:>6}", cycle);
    const size_t cores = s.warp_schedulers.empty() ? s.cores.size() : s.warp_schedulers.size();
    for (size_t c = 0; c < s.cores.size(); ++c) {
        const CoreView& core = s.cores[c];
        const std::string who = s.warp_schedulers.empty() ? fmt::format("c{}", c) : fmt::format("c{}w{}", c % cores, c / cores);
        line += fmt::format(" | {} {:<7} pc={:<3} {:<22}", who, name(core.state), core.pc,
                            decoded(core) ? isa::disassemble(core.instruction) : "");
    }
    for (size_t c = 0; c < s.tensor.size(); ++c) line += fmt::format(" | tc{} {:<20}", c, tc_text(s.tensor[c]));
    line += " | data";
    const size_t channels = controller_channels(s);
    for (size_t ch = 0; ch < s.data_requests.size(); ++ch) {
        line += (ch == channels ? " | tile " : " ") + request_text(s.data_requests[ch], ch < channels ? s.request_words : 1, s.data_bits);
    }
    line += " | prog";
    for (const MemRequest& r : s.program_requests) line += " " + request_text(r);
    if (s.done) line += " | DONE";
    return line;
}

void GpuTrace::record(uint64_t cycle, const GpuSnapshot& s) {
    recent_.push(cycle, s);
    utilisation_.record(cycle, s);
    if (dir_.enabled()) {
        if (cycle < kLogCycles) {
            write_log(cycle, s);
        } else if (cycle == kLogCycles) {
            *log_ << fmt::format("\n# trace.log stops at cycle {} to stay small; states.bin, utilisation.csv and "
                                "`lockstep step` cover every cycle\n", kLogCycles);
        }
        write_csv(cycle, s);
        gpu_to_fields(s, fields_);
        dir_.append(fields_);
        previous_ = s;
    }
}

void GpuTrace::write_log(uint64_t cycle, const GpuSnapshot& s) {
    std::ofstream& log = *log_;
    log << "\n" << cycle_line(cycle, s) << "\n";
    const unsigned tpb = config_.threads_per_block;
    for (size_t c = 0; c < s.cores.size(); ++c) {
        const CoreView& core = s.cores[c];
        log << fmt::format("  {} block {} threads {} | {} pc {} | fetcher {} | {}",
                            context_name(config_, static_cast<unsigned>(c)), core.block_id,
                            core.thread_count, name(core.state), core.pc, name(core.fetcher),
                            isa::disassemble(core.instruction));
        if (running(core)) log << " | stall " << name(stall_reason(s, config_, static_cast<unsigned>(c)));
        log << "\n";
        if (running(core) && config_.divergence()) {
            log << "    " << stack_text(core, tpb, config_.program_addr_bits) << "\n";
        }
        if (!running(core)) continue;
        for (unsigned t = 0; t < std::min(core.thread_count, tpb); ++t) {   // a faulty RTL may say more
            const ThreadView& th = s.threads[c * tpb + t];
            const ThreadView& before = previous_.threads[c * tpb + t];
            std::string regs;
            for (unsigned r = 0; r < isa::kFirstReadOnly; ++r) {
                regs += fmt::format(" R{}={}{}", r, th.regs[r], th.regs[r] != before.regs[r] ? "*" : "");
            }
            log << fmt::format("    t{:<2}{} | blockIdx={} blockDim={} threadIdx={} | nzp={:03b} alu={} "
                                "lsu={}/{} next_pc={}\n",
                                t, regs, th.regs[isa::kBlockIdx], th.regs[isa::kBlockDim],
                                th.regs[isa::kThreadIdx], th.nzp, th.alu_out, name(th.lsu), th.lsu_out,
                                th.next_pc);
        }
        if (c < s.tensor.size()) write_tensor_log(s.tensor[c], previous_.tensor[c]);
    }
    if (!s.cache.empty()) write_cache_log(s.cache[0], previous_.cache[0]);
}

void GpuTrace::write_cache_log(const CacheView& c, const CacheView& before) {
    *log_ << "  " << cache_text(c, before, config_) << "\n";
}


void GpuTrace::write_tensor_log(const TensorCoreView& t, const TensorCoreView& before) {
    const unsigned cols = config_.tensor_core.cols;
    std::string glyphs, acc;
    for (size_t p = 0; p < t.acc.size(); ++p) {
        const bool row = p > 0 && p % cols == 0;
        glyphs += std::string(row ? "/" : "") + tc_pe_glyph(t, before, p);
        acc += (p == 0 ? "" : row ? "/" : " ") + std::to_string(t.acc[p]);
    }
    *log_ << fmt::format("    tensor {} | base {} stride {} | PEs {} ({} multiplied) | acc {}\n", tc_text(t), t.base,
                         t.stride, glyphs, tc_busy_pes(t, before), acc);
}

void GpuTrace::write_csv(uint64_t cycle, const GpuSnapshot& s) {
    const unsigned tpb = config_.threads_per_block;
    std::ofstream& csv = *csv_;
    csv << cycle;
    for (size_t c = 0; c < s.cores.size(); ++c) {
        const CoreView& core = s.cores[c];
        unsigned lsu_busy = 0;
        for (unsigned t = 0; t < tpb; ++t) {
            lsu_busy += gpu::lsu_busy(s.threads[c * tpb + t].lsu);
        }
        const unsigned active = active_lanes(core);
        const bool executing_alu = core.state == CoreState::Execute && is_alu_op(core.instruction);
        csv << fmt::format(",{},{},{},{},{},{}", name(core.state), core.pc, active, executing_alu ? active : 0,
                            lsu_busy,
                            running(core) && core.state == CoreState::Fetch &&
                                owns_front_end(s, config_, static_cast<unsigned>(c)) ? 1 : 0);
        if (config_.divergence()) {
            csv << ",";
            if (running(core) && core.thread_count != 0) csv << fmt::format("{:.1f}", pct(active, core.thread_count));
        }
        csv << "," << name(stall_reason(s, config_, static_cast<unsigned>(c)));
        if (c < s.tensor.size()) {
            csv << fmt::format(",{},{}", name(s.tensor[c].state), tc_busy_pes(s.tensor[c], previous_.tensor[c]));
        }
    }
    for (const MemRequest& r : s.data_requests) csv << "," << (r.read_valid || r.write_valid ? 1 : 0);
    for (const MemRequest& r : s.program_requests) csv << "," << (r.read_valid ? 1 : 0);
    csv << "\n";
}

std::vector<std::string> GpuTrace::recent_lines() const { return recent_.lines(cycle_line); }

void GpuTrace::finish(const nlohmann::json& extra) {
    nlohmann::json summary = {{"program", program_path_}, {"engine", engine_}, {"utilisation", utilisation()}};
    summary.update(extra);
    summary["last_cycle"] = records() ? records() - 1 : 0;   // records are cycles 0..last_cycle
    dir_.finish(summary);
}

}  // namespace lockstep::trace
