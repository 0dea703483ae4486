#include "trace/data_memory.h"

#include "common/error.h"
#include "common/memory.h"
#include "gpu/gpu_types.h"
#include "trace/snapshot_fields.h"

#include <algorithm>

namespace lockstep::trace {

bool DataMemoryLog::recorded(const nlohmann::json& meta) {
    return meta.contains("data") && meta["data"].is_array() && meta.contains("memory_latency") &&
           meta["memory_latency"].is_number_unsigned();
}

DataMemoryLog::DataMemoryLog(StateReader& reader, const GpuConfig& config)
    : reader_(reader), config_(config), waited_(config.data_channels, 0) {
    const nlohmann::json& meta = reader.meta();
    if (!recorded(meta)) {
        throw Error(reader.path() + ": this trace does not record the initial data memory (it was written by an "
                                    "older Lockstep): run it again to see the memory");
    }
    latency_ = meta["memory_latency"].get<unsigned>();
    initial_.assign(size_t{1} << config.data_addr_bits, 0);
    const nlohmann::json& data = meta["data"];
    if (data.size() > initial_.size()) throw Error(reader.path() + ": the initial data memory is larger than the memory");
    const uint32_t mask = config.data_width >= 32 ? 0xFFFFFFFFu : (1u << config.data_width) - 1u;
    for (size_t a = 0; a < data.size(); ++a) initial_[a] = data[a].get<uint32_t>() & mask;
}

const std::vector<DataMemoryLog::Write>& DataMemoryLog::writes_until(uint64_t cycle) {
    // Record j's requests meet the memory during cycle j; an answered write lands at the edge
    // ending it. The wait counts follow Memory::respond/clock, so latency > 0 is honoured.
    gpu::GpuSnapshot s;
    s.resize(config_);
    const uint32_t mask = config_.data_width >= 32 ? 0xFFFFFFFFu : (1u << config_.data_width) - 1u;
    for (; scanned_ + 1 <= cycle && scanned_ < reader_.cycles(); ++scanned_) {
        gpu_from_fields(reader_.at(scanned_), s);
        for (size_t ch = 0; ch < s.data_requests.size(); ++ch) {
            const MemRequest& r = s.data_requests[ch];
            const bool answered_now = waited_[ch] >= latency_;
            const bool pending = r.read_valid || r.write_valid;
            if (answered_now && r.write_valid && r.write_address < initial_.size()) {
                writes_.push_back({scanned_ + 1, r.write_address, r.write_data & mask});
            }
            waited_[ch] = pending && !(answered_now && pending) ? waited_[ch] + 1 : 0;
        }
    }
    return writes_;
}

std::vector<uint32_t> DataMemoryLog::at(uint64_t cycle) {
    std::vector<uint32_t> words = initial_;
    for (const Write& w : writes_until(cycle)) {
        if (w.cycle > cycle) break;
        words[w.address] = w.value;
    }
    return words;
}

}  // namespace lockstep::trace
