#include "trace/data_memory.h"

#include "common/error.h"
#include "common/memory.h"
#include "gpu/gpu_types.h"
#include "trace/snapshot_fields.h"

#include <fmt/format.h>

#include <algorithm>

namespace lockstep::trace {

bool DataMemoryLog::recorded(const nlohmann::json& meta) {
    return meta.contains("data") && meta["data"].is_array() && meta.contains("memory_latency") &&
           meta["memory_latency"].is_number_unsigned();
}

namespace {

const nlohmann::json& checked_meta(const StateReader& reader) {
    if (!DataMemoryLog::recorded(reader.meta())) {
        throw Error(reader.path() + ": this trace does not record the initial data memory (it was written by an "
                                    "older Lockstep): run it again to see the memory");
    }
    return reader.meta();
}

// Requests the memory answered per cycle; absent in traces from before it: no limit.
unsigned bandwidth_of(const StateReader& reader) {
    const nlohmann::json& meta = reader.meta();
    if (!meta.contains("memory_bandwidth")) return 0;
    const nlohmann::json& b = meta["memory_bandwidth"];
    if (!b.is_number_unsigned() || !limits::kBandwidth.contains(b.get<uint64_t>())) {
        throw Error(fmt::format("{}: memory_bandwidth in the header is {}, expected {}..{}", reader.path(), b.dump(),
                                limits::kBandwidth.lo, limits::kBandwidth.hi));
    }
    return b.get<unsigned>();
}

}  // namespace

DataMemoryLog::DataMemoryLog(StateReader& reader, const GpuConfig& config)
    : reader_(reader),
      config_(config),
      memory_("data memory", 1u << config.data_addr_bits, config.data_width, config.data_memory_channels(),
              checked_meta(reader)["memory_latency"].get<unsigned>(), true, bandwidth_of(reader),
              config.request_words()) {
    const nlohmann::json& data = reader.meta()["data"];
    initial_.assign(size_t{1} << config.data_addr_bits, 0);
    if (data.size() > initial_.size()) throw Error(reader.path() + ": the initial data memory is larger than the memory");
    const uint32_t mask = config.data_width >= 32 ? 0xFFFFFFFFu : (1u << config.data_width) - 1u;
    for (size_t a = 0; a < data.size(); ++a) initial_[a] = data[a].get<uint32_t>() & mask;
    memory_.load(initial_);
}

const std::vector<DataMemoryLog::Write>& DataMemoryLog::writes_until(uint64_t cycle) {
    // Record j's requests meet the memory during cycle j, and the Memory model itself (the one
    // the run used) says which are answered; an answered write lands at the edge ending it.
    gpu::GpuSnapshot s;
    s.resize(config_);
    for (; scanned_ + 1 <= cycle && scanned_ < reader_.cycles(); ++scanned_) {
        gpu_from_fields(reader_.at(scanned_), s);
        try {
            const std::vector<MemResponse>& answers = memory_.respond(s.data_requests, scanned_);
            for (size_t ch = 0; ch < s.data_requests.size(); ++ch) {
                const MemRequest& r = s.data_requests[ch];
                if (!r.write_valid || !answers[ch].write_ready) continue;
                const bool segment = ch < config_.data_channels && config_.request_words() > 1;
                for (unsigned k = 0; k < (segment ? config_.request_words() : 1u); ++k) {
                    if (!segment || ((r.write_mask >> k) & 1)) writes_.push_back({scanned_ + 1, r.write_address + k, 0});
                }
            }
            memory_.clock(s.data_requests);
        } catch (const Error&) {   // the run stopped here on an address out of range
            scanned_ = reader_.cycles();
            break;
        }
        for (size_t i = writes_.size(); i-- > 0 && writes_[i].cycle == scanned_ + 1;) {
            writes_[i].value = memory_.read(writes_[i].address);   // as stored: cut to the data width
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
