#include "gpu/gpu_types.h"

#include <string>

namespace lockstep::gpu {

const char* name(CoreState s) {
    static const char* const names[] = {"IDLE", "FETCH", "DECODE", "REQUEST", "WAIT", "EXECUTE", "UPDATE", "DONE"};
    return names[static_cast<unsigned>(s) & 7];
}

const char* name(FetcherState s) {
    static const char* const names[] = {"IDLE", "FETCHING", "FETCHED", "?"};
    return names[static_cast<unsigned>(s) & 3];
}

const char* name(LsuState s) {
    static const char* const names[] = {"IDLE", "REQUESTING", "WAITING", "DONE"};
    return names[static_cast<unsigned>(s) & 3];
}

const char* name(CacheState s) {
    static const char* const names[] = {"IDLE", "HIT", "RESPOND", "EVICT", "FILL", "WRITE_THROUGH", "FLUSH", "DONE"};
    return names[static_cast<unsigned>(s) & 7];
}

const char* name(TcState s) {
    static const char* const names[] = {"IDLE", "START", "LOAD", "STORE", "COMPUTE", "DONE", "FAULT", "?"};
    return names[static_cast<unsigned>(s) & 7];
}

const char* name(TcOp s) {
    static const char* const names[] = {"-", "TLDA", "TLDB", "TMMA", "TSTC", "TCLR", "?", "?"};
    return names[static_cast<unsigned>(s) & 7];
}

const char* name(TcFault s) {
    static const char* const names[] = {"none", "operands differ", "stride too small", "tile outside data memory"};
    return names[static_cast<unsigned>(s) & 3];
}

void GpuSnapshot::resize(const GpuConfig& config) {
    CoreView core;
    core.stack.assign(config.stack_depth, StackEntry{});
    cores.assign(config.contexts(), core);
    threads.assign(config.contexts() * config.threads_per_block, ThreadView{});
    warp_schedulers.assign(config.warps() ? config.cores : 0, WarpSchedulerView{});
    data_requests.assign(config.data_memory_channels(), MemRequest{});
    program_requests.assign(config.program_channels, MemRequest{});
    request_words = config.request_words();
    data_bits = config.data_width;
    cache.clear();
    if (config.cache()) {
        CacheView view;
        const size_t lines = config.cache_lines();
        view.valid.assign(lines, 0);
        view.dirty.assign(lines, 0);
        view.tag.assign(lines, 0);
        view.data.assign(lines, 0);
        view.age.assign(lines, 0);
        for (size_t k = 0; k < lines; ++k) view.age[k] = static_cast<uint32_t>(k % config.cache_ways);
        cache.assign(1, view);
    }
    tensor.clear();
    if (const TensorCoreConfig& tc = config.tensor_core; tc.present()) {
        TensorCoreView view;
        const size_t pes = static_cast<size_t>(tc.rows) * tc.cols;
        view.a.assign(static_cast<size_t>(tc.rows) * tc.rows, 0);
        for (auto* grid : {&view.b, &view.acc, &view.h, &view.v, &view.pacc, &view.w}) grid->assign(pes, 0);
        for (auto* grid : {&view.hv, &view.vv, &view.wv, &view.mac}) grid->assign(pes, 0);
        tensor.assign(config.cores, view);
    }
}

std::string context_name(const GpuConfig& config, unsigned x) {
    if (!config.warps()) return "core" + std::to_string(x);
    return "core" + std::to_string(x % config.cores) + ".warp" + std::to_string(x / config.cores);
}

std::string context_words(const GpuConfig& config, unsigned x) {
    if (!config.warps()) return "core " + std::to_string(x);
    return "core " + std::to_string(x % config.cores) + " warp " + std::to_string(x / config.cores);
}

bool TensorCoreView::operator==(const TensorCoreView& o) const {
    return state == o.state && op == o.op && fault == o.fault && fault_thread == o.fault_thread && t == o.t &&
           row == o.row && col == o.col && base == o.base && stride == o.stride && a == o.a && b == o.b &&
           acc == o.acc && h == o.h && v == o.v && pacc == o.pacc && w == o.w && hv == o.hv && vv == o.vv &&
           wv == o.wv && mac == o.mac;
}

bool CacheView::operator==(const CacheView& o) const {
    return state == o.state && port == o.port && addr == o.addr && way == o.way && count == o.count && hit == o.hit &&
           valid == o.valid && dirty == o.dirty && tag == o.tag && age == o.age && data == o.data && hits == o.hits &&
           misses == o.misses && evictions == o.evictions && writebacks == o.writebacks;
}

bool CoreView::operator==(const CoreView& o) const {
    return state == o.state && fetcher == o.fetcher && pc == o.pc && instruction == o.instruction &&
           start == o.start && reset == o.reset && diverged == o.diverged && block_id == o.block_id &&
           thread_count == o.thread_count && active == o.active && reconv == o.reconv && sp == o.sp &&
           overflow == o.overflow && stack == o.stack;
}

bool GpuSnapshot::operator==(const GpuSnapshot& o) const {
    const bool same_threads =
        threads.size() == o.threads.size() &&
        (threads.empty() || std::memcmp(threads.data(), o.threads.data(), threads.size() * sizeof(ThreadView)) == 0);
    return done == o.done && cores == o.cores && same_threads && data_requests == o.data_requests &&
           program_requests == o.program_requests && tensor == o.tensor && warp_schedulers == o.warp_schedulers &&
           cache == o.cache;
}

}  // namespace lockstep::gpu
