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

}  // namespace lockstep::gpu
