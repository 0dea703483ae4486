#include "gpu/gpu_types.h"

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

void GpuSnapshot::resize(const GpuConfig& config) {
    cores.assign(config.cores, CoreView{});
    threads.assign(config.cores * config.threads_per_block, ThreadView{});
    data_requests.assign(config.data_channels, MemRequest{});
    program_requests.assign(config.program_channels, MemRequest{});
}

bool CoreView::operator==(const CoreView& o) const {
    return state == o.state && fetcher == o.fetcher && pc == o.pc && instruction == o.instruction &&
           start == o.start && reset == o.reset && diverged == o.diverged && block_id == o.block_id &&
           thread_count == o.thread_count;
}

bool ThreadView::operator==(const ThreadView& o) const {
    return regs == o.regs && lsu == o.lsu && lsu_out == o.lsu_out && alu_out == o.alu_out && nzp == o.nzp &&
           next_pc == o.next_pc;
}

bool GpuSnapshot::operator==(const GpuSnapshot& o) const {
    return done == o.done && cores == o.cores && threads == o.threads && data_requests == o.data_requests &&
           program_requests == o.program_requests;
}

}  // namespace lockstep::gpu
