#include "trace/gpu_utilisation.h"

namespace lockstep::trace {

namespace {

using namespace gpu;

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

}  // namespace

GpuUtilisation::GpuUtilisation(const GpuConfig& config) : config_(config) {
    counters_.data_channel_busy.assign(config.data_memory_channels(), 0);
    counters_.program_channel_busy.assign(config.program_channels, 0);
    data_before_.assign(config.data_memory_channels(), MemRequest{});
    tensor_before_.assign(config.tensor_core.present() ? config.cores : 0, TensorCoreView{});
    cache_.assign(config.cache() ? 1 : 0, CacheView{});
}

void GpuUtilisation::record(uint64_t cycle, const GpuSnapshot& s) {
    if (cycle > 0) count(s);
    std::copy(s.data_requests.begin(), s.data_requests.end(), data_before_.begin());
    for (size_t c = 0; c < s.tensor.size(); ++c) {   // what the next count compares with, not the grids
        const TensorCoreView& now = s.tensor[c];
        TensorCoreView& before = tensor_before_[c];
        before.state = now.state;
        before.op = now.op;
        before.row = now.row;
        before.col = now.col;
    }
    if (!s.cache.empty()) {
        const CacheView& now = s.cache[0];
        CacheView& last = cache_[0];
        last.hits = now.hits;
        last.misses = now.misses;
        last.evictions = now.evictions;
        last.writebacks = now.writebacks;
    }
}

void GpuUtilisation::count(const GpuSnapshot& s) {
    GpuCounters& k = counters_;
    ++k.cycles;
    for (unsigned x = 0; x < s.cores.size(); ++x) {
        const CoreView& c = s.cores[x];
        ++k.stall_cycles[static_cast<unsigned>(stall_reason(s, config_, x))];
        ++k.state_cycles[static_cast<unsigned>(c.state)];
        if (!running(c)) continue;
        ++k.active_core_cycles;
        if (c.state == CoreState::Execute) {
            const unsigned lanes = active_lanes(c);
            ++k.instructions_issued;
            k.thread_instructions += lanes;
            k.resident_thread_instructions += c.thread_count;
            if (is_alu_op(c.instruction)) k.alu_busy += lanes;
        }
        k.fetch_stall += c.state == CoreState::Fetch && owns_front_end(s, config_, x);
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
        const MemRequest& before = data_before_[ch];
        if (ch < config_.data_channels) {
            k.data_requests += (now.read_valid && !before.read_valid) + (now.write_valid && !before.write_valid);
        }
    }
    for (size_t ch = 0; ch < s.program_requests.size(); ++ch) {
        k.program_channel_busy[ch] += s.program_requests[ch].read_valid;
    }
    for (size_t c = 0; c < s.tensor.size(); ++c) {
        const TensorCoreView& now = s.tensor[c];
        const TensorCoreView& before = tensor_before_[c];
        ++k.tc_state_cycles[static_cast<unsigned>(now.state) % k.tc_state_cycles.size()];
        k.tc_macs += tc_busy_pes(now, before);
        (before.op == TcOp::Stc ? k.tc_words_stored : k.tc_words_loaded) += tc_word_moved(now, before);
    }
}

nlohmann::json GpuUtilisation::summary() const {
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
    if (!cache_.empty()) {   // the counters as the last cycle recorded left them
        const CacheView& c = cache_[0];
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

}  // namespace lockstep::trace
