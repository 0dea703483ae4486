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

// Each reason's share of the warp-cycles with a resident block (idle ones are not sampled).
nlohmann::json stall_reasons_pct(const std::vector<uint64_t>& cycles) {
    uint64_t resident = 0;
    for (unsigned r = 1; r < kStallReasons; ++r) resident += cycles[r];
    nlohmann::json out = nlohmann::json::object();
    for (unsigned r = 1; r < kStallReasons; ++r) out[name(static_cast<StallReason>(r))] = pct(cycles[r], resident);
    return out;
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
    : dir_(dir), config_(config), program_path_(program.path), engine_(engine) {
    counters_.data_channel_busy.assign(config.data_memory_channels(), 0);
    counters_.program_channel_busy.assign(config.program_channels, 0);
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
    if (cycle > 0) count(s);
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
    }
    previous_ = s;
}

void GpuTrace::count(const GpuSnapshot& s) {
    GpuCounters& k = counters_;
    ++k.cycles;
    for (unsigned core = 0; core < s.cores.size(); ++core) {
        ++k.stall_cycles[static_cast<unsigned>(stall_reason(s, config_, core))];
    }
    for (const CoreView& c : s.cores) {
        ++k.state_cycles[static_cast<unsigned>(c.state)];
        if (!running(c)) continue;
        ++k.active_core_cycles;
        if (c.state == CoreState::Execute) {
            ++k.instructions_issued;
            k.thread_instructions += active_lanes(c);
            k.resident_thread_instructions += c.thread_count;
            if (is_alu_op(c.instruction)) k.alu_busy += active_lanes(c);
        }
    }
    for (unsigned x = 0; x < s.cores.size(); ++x) {
        k.fetch_stall += running(s.cores[x]) && s.cores[x].state == CoreState::Fetch && owns_front_end(s, config_, x);
    }
    for (const ThreadView& t : s.threads) {
        k.lsu_busy += t.lsu == LsuState::Requesting || t.lsu == LsuState::Waiting;
        k.lane_accesses += t.lsu == LsuState::Requesting;
    }
    for (size_t ch = 0; ch < s.data_requests.size(); ++ch) {
        const MemRequest& now = s.data_requests[ch];
        k.data_channel_busy[ch] += now.read_valid || now.write_valid;
        // A channel drops its request for at least a cycle after each answer, so a request
        // starts where valid rises.
        const MemRequest& before = previous_.data_requests[ch];
        if (ch < config_.data_channels) {
            k.data_requests += (now.read_valid && !before.read_valid) + (now.write_valid && !before.write_valid);
        }
    }
    for (size_t ch = 0; ch < s.program_requests.size(); ++ch) {
        k.program_channel_busy[ch] += s.program_requests[ch].read_valid;
    }
    for (size_t c = 0; c < s.tensor.size(); ++c) {
        const TensorCoreView& now = s.tensor[c];
        const TensorCoreView& before = previous_.tensor[c];
        ++k.tc_state_cycles[static_cast<unsigned>(now.state) % k.tc_state_cycles.size()];
        k.tc_macs += tc_busy_pes(now, before);
        (before.op == TcOp::Stc ? k.tc_words_stored : k.tc_words_loaded) += tc_word_moved(now, before);
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
            const LsuState l = s.threads[c * tpb + t].lsu;
            lsu_busy += l == LsuState::Requesting || l == LsuState::Waiting;
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

nlohmann::json GpuTrace::utilisation() const {
    const GpuCounters& k = counters_;
    const uint64_t slots = static_cast<uint64_t>(config_.contexts()) * config_.threads_per_block;
    nlohmann::json states = nlohmann::json::object();
    for (unsigned i = 0; i < 8; ++i) states[name(static_cast<CoreState>(i))] = k.state_cycles[i];
    nlohmann::json data = nlohmann::json::array(), tile = nlohmann::json::array(), program = nlohmann::json::array();
    for (size_t ch = 0; ch < k.data_channel_busy.size(); ++ch) {
        (ch < config_.data_channels ? data : tile).push_back(pct(k.data_channel_busy[ch], k.cycles));
    }
    for (uint64_t busy : k.program_channel_busy) program.push_back(pct(busy, k.cycles));
    nlohmann::json u = {
        {"cycles", k.cycles},
        {"instructions_issued", k.instructions_issued},
        {"thread_instructions", k.thread_instructions},
        {"core_state_cycles", states},
        {"core_active_pct", pct(k.active_core_cycles, k.cycles * config_.contexts())},
        {"simt_efficiency_pct", pct(k.thread_instructions, k.resident_thread_instructions)},
        {"slot_occupancy_pct", pct(k.resident_thread_instructions, k.instructions_issued * config_.threads_per_block)},
        {"alu_busy_pct", pct(k.alu_busy, k.cycles * slots)},
        {"lsu_busy_pct", pct(k.lsu_busy, k.cycles * slots)},
        {"fetch_stall_pct", pct(k.fetch_stall, k.cycles * config_.cores)},   // a fetcher a core
        {"lane_memory_accesses", k.lane_accesses},
        {"data_requests", k.data_requests},
        {"data_channel_busy_pct", data},
        {"program_channel_busy_pct", program},
        {"stall_reasons_pct", stall_reasons_pct(k.stall_cycles)},
    };
    if (!previous_.cache.empty()) {   // the counters as the last cycle recorded left them
        const CacheView& c = previous_.cache[0];
        u["cache"] = {{"hits", c.hits}, {"misses", c.misses}, {"evictions", c.evictions},
                      {"writebacks", c.writebacks}, {"hit_rate_pct", pct(c.hits, c.hits + c.misses)}};
    }
    if (!config_.tensor_core.present()) return u;
    const TensorCoreConfig& tc = config_.tensor_core;
    const uint64_t core_cycles = k.cycles * config_.cores;
    nlohmann::json tc_states = nlohmann::json::object(), phases = nlohmann::json::object();
    uint64_t busy = 0;
    for (unsigned i = 0; i < k.tc_state_cycles.size(); ++i) {
        const auto state = static_cast<TcState>(i);
        tc_states[name(state)] = k.tc_state_cycles[i];
        if (tc_busy(state)) busy += k.tc_state_cycles[i];
    }
    for (TcState phase : {TcState::Load, TcState::Compute, TcState::Store}) {
        phases[name(phase)] = pct(k.tc_state_cycles[static_cast<unsigned>(phase)], core_cycles);
    }
    u["tile_port_busy_pct"] = tile;
    u["tensor_core"] = {
        {"macs", k.tc_macs},
        {"mac_utilisation_pct", pct(k.tc_macs, core_cycles * tc.rows * tc.cols)},
        {"busy_pct", pct(busy, core_cycles)},
        {"phase_pct", phases},
        {"state_cycles", tc_states},
        {"tile_words_loaded", k.tc_words_loaded},
        {"tile_words_stored", k.tc_words_stored},
    };
    return u;
}

std::vector<std::string> GpuTrace::recent_lines() const { return recent_.lines(cycle_line); }

void GpuTrace::finish(const nlohmann::json& extra) {
    nlohmann::json summary = {{"program", program_path_}, {"engine", engine_}, {"utilisation", utilisation()}};
    summary.update(extra);
    summary["last_cycle"] = records() ? records() - 1 : 0;   // records are cycles 0..last_cycle
    dir_.finish(summary);
}

}  // namespace lockstep::trace
