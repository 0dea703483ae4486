#include "trace/gpu_utilisation.h"

#include "common/bits.h"
#include "gpu/gpu.h"

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

GpuUtilisation::GpuUtilisation(const GpuConfig& config)
    : config_(config), data_runs_(config.data_memory_channels()), program_runs_(config.program_channels) {
    tensor_before_.assign(config.tensor_core.present() ? config.cores : 0, TensorCoreView{});
    cache_.assign(config.cache() ? 1 : 0, CacheView{});
}

namespace {

// A snapshot as the counters read it (ModelEdge's interface).
class SnapshotEdge {
public:
    SnapshotEdge(const GpuSnapshot& s, const GpuConfig& config) : s_(s), config_(config) {}
    unsigned contexts() const { return static_cast<unsigned>(s_.cores.size()); }
    ContextEdge context(unsigned x) const { return context_edge(s_, config_, x); }
    const std::vector<MemRequest>& data_requests() const { return s_.data_requests; }
    const std::vector<MemRequest>& program_requests() const { return s_.program_requests; }
    bool data_requests_changed() const { return true; }
    bool program_requests_changed() const { return true; }
    const std::vector<TensorCoreView>& tensor() const { return s_.tensor; }
    const std::vector<CacheView>& cache() const { return s_.cache; }

private:
    const GpuSnapshot& s_;
    const GpuConfig& config_;
};

}  // namespace

ModelEdge::ModelEdge(const Gpu& gpu, const GpuConfig& config)
    : gpu_(gpu), divergence_(config.divergence()), warps_(config.warps()) {
    for (unsigned x = 0; x < config.contexts(); ++x) {   // context x = w * cores + c
        const Core& core = *gpu.cores[x % config.cores];
        core_of_.push_back(&core);
        warp_index_.push_back(x / config.cores);
        warp_of_.push_back(&core.warps[warp_index_.back()]);
    }
    // Read in place where the GPU keeps them in one vector, else gathered after each edge.
    data_ = gpu.data_requests_in_place();
    if (data_ == nullptr) {
        gathered_.assign(config.data_memory_channels(), MemRequest{});
        data_ = &gathered_;
    }
    tensor_.assign(config.tensor_core.present() ? config.cores : 0, TensorCoreView{});
    cache_.assign(config.cache() ? 1 : 0, CacheView{});
    gathers_ = !gathered_.empty() || !tensor_.empty() || !cache_.empty();
    refresh();
}

const std::vector<MemRequest>& ModelEdge::program_requests() const { return gpu_.program_controller.q.mem; }

bool ModelEdge::data_requests_changed() const { return data_ == &gathered_ || gpu_.data_controller.channels_changed(); }

bool ModelEdge::program_requests_changed() const { return gpu_.program_controller.channels_changed(); }

void ModelEdge::gather() {
    if (!gathered_.empty()) gpu_.data_requests(gathered_.data());
    for (unsigned c = 0; c < tensor_.size(); ++c) gpu_.cores[c]->tensor->observe_counted(tensor_[c]);
    if (!cache_.empty()) gpu_.dcache->observe_counters(cache_[0]);
}

ContextEdge ModelEdge::context(unsigned x) const {
    const Warp& warp = *warp_of_[x];
    const SchedulerState& s = warp.scheduler->q;
    const DispatcherState& d = gpu_.dispatcher.q;
    ContextEdge e;
    e.state = s.state;
    e.running = running(d.core_start[x], d.core_reset[x], s.state);
    e.thread_count = d.core_thread_count[x];
    if (e.running) {   // as active_lanes()
        e.lanes = divergence_ ? count_bits(warp.scheduler->active(lane_mask(e.thread_count))) : e.thread_count;
    }
    e.instruction = warp.instruction->q.instruction;
    if (warps_) {
        const WarpSchedulerState& ws = core_of_[x]->warp_scheduler.q;
        e.owns_front_end = ws.owner_valid && ws.owner == warp_index_[x];
        e.front_end_free = !ws.owner_valid;
    }
    e.lsu_busy = core_of_[x]->lsu_busy(warp_index_[x]);
    e.lsu_busy_count = core_of_[x]->lsu_busy_count(warp_index_[x]);
    e.lsu_requesting_count = core_of_[x]->lsu_requesting_count(warp_index_[x]);
    e.tensor_busy = x < tensor_.size() && tc_busy(tensor_[x].state);
    return e;
}

bool ModelEdge::done() const { return gpu_.done(); }

bool ModelEdge::needs_check() const {
    if (gpu_.stopped()) return true;
    for (const TensorCoreView& t : tensor_) {
        if (t.state == TcState::Fault) return true;
    }
    return false;
}

template <typename Edge>
void GpuUtilisation::record_edge(uint64_t cycle, const Edge& e) {
    if (cycle > 0) {
        count(e);   // (which follows the channels' runs too)
    } else {
        const std::vector<MemRequest>& data = e.data_requests();
        for (size_t ch = 0; ch < data.size(); ++ch) data_runs_.restart(ch, valid_bits(data[ch]), counters_.cycles);
        const std::vector<MemRequest>& program = e.program_requests();
        for (size_t ch = 0; ch < program.size(); ++ch) program_runs_.restart(ch, program[ch].read_valid, counters_.cycles);
    }
    const std::vector<TensorCoreView>& tensor = e.tensor();
    for (size_t c = 0; c < tensor.size(); ++c) {   // what the next count compares with, not the grids
        const TensorCoreView& now = tensor[c];
        TensorCoreView& before = tensor_before_[c];
        before.state = now.state;
        before.op = now.op;
        before.row = now.row;
        before.col = now.col;
    }
    if (!e.cache().empty()) {
        const CacheView& now = e.cache()[0];
        CacheView& last = cache_[0];
        last.hits = now.hits;
        last.misses = now.misses;
        last.evictions = now.evictions;
        last.writebacks = now.writebacks;
    }
}

template <typename Edge>
void GpuUtilisation::count(const Edge& e) {
    GpuCounters& k = counters_;
    ++k.cycles;
    for (unsigned x = 0; x < e.contexts(); ++x) {
        const ContextEdge c = e.context(x);
        ++k.stall_cycles[static_cast<unsigned>(stall_reason(c, config_.threads_per_block))];
        ++k.state_cycles[static_cast<unsigned>(c.state)];
        k.lsu_busy += c.lsu_busy_count;
        k.lane_accesses += c.lsu_requesting_count;
        if (!c.running) continue;
        ++k.active_core_cycles;
        if (c.state == CoreState::Execute) {
            ++k.instructions_issued;
            k.thread_instructions += c.lanes;
            k.resident_thread_instructions += c.thread_count;
            if (is_alu_op(c.instruction)) k.alu_busy += c.lanes;
        }
        k.fetch_stall += c.state == CoreState::Fetch && c.owns_front_end;
    }
    // Where no channel's request changed at the edge, none starts and no run ends.
    const uint64_t n = k.cycles;
    if (e.data_requests_changed()) {
        const std::vector<MemRequest>& data = e.data_requests();
        const unsigned data_channels = config_.data_channels;
        uint64_t requests = 0;
        for (size_t ch = 0; ch < data.size(); ++ch) {
            // A channel drops its request for at least a cycle after each answer, so a request
            // starts where valid rises (the tile ports' words are counted apart).
            const unsigned rising = data_runs_.update(ch, valid_bits(data[ch]), n);
            requests += ch < data_channels ? (rising & 1) + (rising >> 1) : 0;
        }
        k.data_requests += requests;
    }
    if (e.program_requests_changed()) {
        const std::vector<MemRequest>& program = e.program_requests();
        for (size_t ch = 0; ch < program.size(); ++ch) program_runs_.update(ch, program[ch].read_valid, n);
    }
    const std::vector<TensorCoreView>& tensor = e.tensor();
    for (size_t c = 0; c < tensor.size(); ++c) {
        const TensorCoreView& now = tensor[c];
        const TensorCoreView& before = tensor_before_[c];
        ++k.tc_state_cycles[static_cast<unsigned>(now.state) % k.tc_state_cycles.size()];
        k.tc_macs += tc_busy_pes(now, before);
        (before.op == TcOp::Stc ? k.tc_words_stored : k.tc_words_loaded) += tc_word_moved(now, before);
    }
}

void GpuUtilisation::record(uint64_t cycle, const GpuSnapshot& s) { record_edge(cycle, SnapshotEdge(s, config_)); }

GpuCounters GpuUtilisation::counters() const {
    GpuCounters k = counters_;
    k.data_channel_busy.resize(data_runs_.size());
    for (size_t ch = 0; ch < data_runs_.size(); ++ch) k.data_channel_busy[ch] = data_runs_.busy(ch, k.cycles);
    k.program_channel_busy.resize(program_runs_.size());
    for (size_t ch = 0; ch < program_runs_.size(); ++ch) k.program_channel_busy[ch] = program_runs_.busy(ch, k.cycles);
    return k;
}

void GpuUtilisation::record(uint64_t cycle, const ModelEdge& e) { record_edge(cycle, e); }

nlohmann::json GpuUtilisation::summary() const {
    const GpuCounters k = counters();
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
