#include "trace/gpu_activity.h"

#include "common/isa.h"
#include "trace/systolic_trace.h"

#include <fmt/format.h>

#include <algorithm>

namespace lockstep::trace {

using namespace gpu;

unsigned tc_busy_pes(const TensorCoreView& now, const TensorCoreView& before) {
    if (before.state != TcState::Compute) return 0;
    return static_cast<unsigned>(std::count_if(now.mac.begin(), now.mac.end(), [](uint8_t m) { return m != 0; }));
}

unsigned tc_word_moved(const TensorCoreView& now, const TensorCoreView& before) {
    if (before.state != TcState::Load && before.state != TcState::Store) return 0;
    if (now.state == TcState::Done) return 1;   // the last word
    return now.state == before.state && (now.row != before.row || now.col != before.col);
}

std::string tc_text(const TensorCoreView& t) {
    switch (t.state) {
    case TcState::Idle: return "IDLE";
    case TcState::Load:
    case TcState::Store: return fmt::format("{} {} word {},{}", name(t.state), name(t.op), t.row, t.col);
    case TcState::Compute: return fmt::format("COMPUTE {} t={}", name(t.op), t.t);
    case TcState::Fault: return fmt::format("FAULT {}: {} (thread {})", name(t.op), name(t.fault), t.fault_thread);
    default: return fmt::format("{} {}", name(t.state), name(t.op));
    }
}

char tc_pe_glyph(const TensorCoreView& now, const TensorCoreView& before, size_t p) {
    const bool multiplied = before.state == TcState::Compute && now.mac[p];
    return SystolicTrace::pe_glyph(multiplied, now.hv[p] || now.vv[p], now.wv[p] != 0);
}

std::string stack_text(const CoreView& c, unsigned threads_per_block, unsigned program_addr_bits) {
    if (c.stack.empty()) return "";
    const auto lanes = [&](uint32_t mask) {
        std::string bits;
        for (unsigned t = threads_per_block; t-- > 0;) bits += (mask >> t & 1) != 0 ? '1' : '0';
        return bits;
    };
    std::string text = fmt::format("active {} stack {}", lanes(c.active), c.sp);
    for (uint32_t e = 0; e < c.sp && e < c.stack.size(); ++e) {
        const StackEntry& s = c.stack[e];
        const bool exit = (s.rpc >> program_addr_bits) != 0;
        text += fmt::format("{} pc {} rpc {} {}", e == 0 ? ":" : " |", s.pc, exit ? "exit" : std::to_string(s.rpc),
                            lanes(s.mask));
    }
    return text + (c.overflow ? " OVERFLOW" : "");
}

const char* name(StallReason r) {
    static const char* const names[kStallReasons] = {"idle",   "selected", "fetch",      "pipeline",
                                                     "memory", "tensor",   "divergence", "not_selected"};
    const auto i = static_cast<unsigned>(r);
    return i < kStallReasons ? names[i] : "?";
}

StallReason stall_reason(const GpuSnapshot& s, const GpuConfig& config, unsigned x) {
    return stall_reason(context_edge(s, config, x), config.threads_per_block);
}


// The cache's request in hand, its counters, then its valid lines as set.way @segment [words]
// ("d" dirty, "*" changed since `before`).
std::string cache_text(const CacheView& c, const CacheView& before, const GpuConfig& config) {
    const unsigned ways = config.cache_ways, words = config.request_words();
    std::string lines;
    for (size_t k = 0; k < c.valid.size(); ++k) {
        if (!c.valid[k]) continue;
        const bool changed = c.tag[k] != before.tag[k] || c.data[k] != before.data[k] || c.valid[k] != before.valid[k] ||
                             c.dirty[k] != before.dirty[k];
        MemRequest as_write;
        as_write.write_data = c.data[k];
        as_write.write_mask = (1u << words) - 1;
        lines += fmt::format(" {}.{} @{} {}{}{}", k / ways, k % ways, c.tag[k],
                             write_text(as_write, words, config.data_width), c.dirty[k] ? "d" : "", changed ? "*" : "");
    }
    return fmt::format("cache {} channel {} @{} way {} wait {} | hits {} misses {} evictions {} writebacks {} |{}",
                       name(c.state), c.port, c.addr, c.way, c.count, c.hits, c.misses, c.evictions, c.writebacks,
                       lines.empty() ? " empty" : lines);
}

}  // namespace lockstep::trace
