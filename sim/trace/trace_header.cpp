#include "trace/trace_header.h"

#include "common/assembler.h"
#include "common/error.h"
#include "trace/snapshot_fields.h"
#include "trace/stream_trace.h"

#include <fmt/format.h>

#include <climits>
#include <optional>
#include <string>

namespace lockstep::trace {

namespace {

std::string range_text(Range range) { return fmt::format("{}..{}", range.lo, range.hi); }

// One JSON object of the header, read field by field; `name` says where it is ("gpu",
// "listing[3]", "" for the top level) in messages.
class HeaderObject {
public:
    HeaderObject(const nlohmann::json& value, std::string name) : object_(value), name_(std::move(name)) {}

    std::string name(const std::string& key) const { return name_.empty() ? key : name_ + "." + key; }

    // "header field 'NAME' = VALUE: expected EXPECTED", the value shortened to stay on one line.
    [[noreturn]] static void reject(const std::string& name, const nlohmann::json& value, const std::string& expected) {
        std::string shown = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (shown.size() > 40) shown = shown.substr(0, 36) + " ...";
        throw Error(fmt::format("header field '{}' = {}: expected {}", name, shown, expected));
    }

    const nlohmann::json* find(const char* key) const {
        const auto it = object_.find(key);
        return it == object_.end() ? nullptr : &*it;
    }
    const nlohmann::json& at(const char* key) const {
        const nlohmann::json* value = find(key);
        if (value == nullptr) throw Error(fmt::format("header field '{}' is missing", name(key)));
        return *value;
    }

    // An unsigned integer that `valid` accepts (`expected` says which).
    template <typename Valid>
    uint64_t number(const char* key, Valid valid, const std::string& expected) const {
        const nlohmann::json& value = at(key);
        const bool whole = value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0);
        if (!whole || !valid(value.get<uint64_t>())) reject(name(key), value, expected);
        return value.get<uint64_t>();
    }
    uint64_t number(const char* key, Range range, const std::string& expected = "") const {
        return number(key, [range](uint64_t v) { return range.contains(v); }, expected.empty() ? range_text(range) : expected);
    }
    unsigned small(const char* key, Range range, const std::string& expected = "") const {   // ranges of config.h fit
        return static_cast<unsigned>(number(key, range, expected));
    }

    std::string text(const char* key) const {
        const nlohmann::json& value = at(key);
        if (!value.is_string()) reject(name(key), value, "a string");
        return value.get<std::string>();
    }
    void optional_text(const char* key) const {
        if (find(key) != nullptr) text(key);
    }

    HeaderObject object(const char* key) const {
        const nlohmann::json& value = at(key);
        if (!value.is_object()) reject(name(key), value, "an object");
        return HeaderObject(value, name(key));
    }

private:
    const nlohmann::json& object_;
    std::string name_;
};

// The program listing: one entry per instruction word, from address 0.
void check_listing(const HeaderObject& top, unsigned program_addr_bits) {
    const uint64_t words = uint64_t{1} << program_addr_bits;
    const nlohmann::json& listing = top.at("listing");
    if (!listing.is_array() || listing.size() > words) {
        HeaderObject::reject("listing", listing, fmt::format("an array of at most 2^program_addr_bits = {} entries", words));
    }
    for (size_t i = 0; i < listing.size(); ++i) {
        const std::string name = fmt::format("listing[{}]", i);
        if (!listing[i].is_object()) HeaderObject::reject(name, listing[i], "an object");
        const HeaderObject line(listing[i], name);
        line.number("address", Range{0, words - 1}, fmt::format("0..{} (2^program_addr_bits - 1)", words - 1));
        line.number("word", Range{0, 0xFFFF});
        line.text("text");
        line.number("line", Range{0, INT_MAX});
    }
}

// The optional `gpu.tensor_core` object (absent: no tensor core, as in traces from before it).
TensorCoreConfig tensor_core_header(const HeaderObject& gpu, unsigned data_width) {
    TensorCoreConfig tc;
    if (gpu.find("tensor_core") == nullptr) return tc;
    const HeaderObject o = gpu.object("tensor_core");
    tc.rows = o.small("rows", limits::kTcRows);
    tc.cols = o.small("cols", limits::kTcCols);
    tc.dataflow = o.text("dataflow");
    if (!systolic::dataflow_from_name(tc.dataflow)) HeaderObject::reject(o.name("dataflow"), tc.dataflow, "\"os\", \"ws\" or \"is\"");
    if (tc.dataflow == "is" && tc.rows > tc.cols) {
        HeaderObject::reject(o.name("dataflow"), tc.dataflow, fmt::format("\"os\" or \"ws\" (is needs rows <= cols, got {}x{})",
                                                                          tc.rows, tc.cols));
    }
    tc.in_bits = o.small("in_bits", limits::tc_in_bits(data_width), fmt::format("2..data_width = {}", data_width));
    tc.acc_bits = o.small("acc_bits", limits::tc_acc_bits(data_width), fmt::format("data_width = {}..32", data_width));
    return tc;
}

}  // namespace

GpuConfig gpu_header(const nlohmann::json& meta) {
    const HeaderObject top(meta, "");
    const HeaderObject gpu = top.object("gpu");
    GpuConfig c;
    c.cores = gpu.small("cores", limits::kCores);
    c.threads_per_block = gpu.small("threads_per_block", limits::kThreadsPerBlock);
    c.data_channels = gpu.small("data_channels", limits::kDataChannels);
    c.program_channels = gpu.small("program_channels", limits::program_channels(c.cores), fmt::format("1..cores = {}", c.cores));
    c.data_width = static_cast<unsigned>(gpu.number("data_width", limits::is_data_width,
                                                    fmt::format("{} or {}", limits::kDataWidths[0], limits::kDataWidths[1])));
    c.data_addr_bits = gpu.small("data_addr_bits", limits::data_addr_bits(c.data_width),
                                 fmt::format("1..data_width = {}", c.data_width));
    c.program_addr_bits = gpu.small("program_addr_bits", limits::kProgramAddrBits);
    c.tensor_core = tensor_core_header(gpu, c.data_width);
    if (gpu.find("divergence") != nullptr) {   // absent: no divergence, as in traces from before it
        c.stack_depth = gpu.object("divergence").small("stack_depth", limits::kStackDepth);
    }
    if (gpu.find("warps") != nullptr) {        // absent: one warp a core, as in traces from before it
        const HeaderObject warps = gpu.object("warps");
        c.warps_per_core = warps.small("count", limits::kWarpsPerCore);
        c.warp_scheduler = warps.text("scheduler");
        if (c.warp_scheduler != "rr" && c.warp_scheduler != "gto") {
            HeaderObject::reject(warps.name("scheduler"), c.warp_scheduler, "\"rr\" or \"gto\"");
        }
    }
    if (gpu.find("coalescer") != nullptr) {    // absent: no coalescer, as in traces from before it
        c.segment_words = gpu.object("coalescer").small("segment_words", limits::kSegmentWords);
    }
    if (gpu.find("cache") != nullptr) {        // absent: no data cache
        const HeaderObject cache = gpu.object("cache");
        c.cache_ways = cache.small("ways", limits::kCacheWays);
        c.cache_sets = cache.small("sets", Range{1, limits::kCacheLines.hi / c.cache_ways});
        c.cache_hit_latency = cache.small("hit_latency", limits::kCacheHitLatency);
        const std::string policy = cache.text("write_policy");
        if (policy != "write_back" && policy != "write_through") {
            HeaderObject::reject(cache.name("write_policy"), policy, "\"write_back\" or \"write_through\"");
        }
        c.cache_write_back = policy == "write_back";
    }
    top.text("program");
    top.number("threads", Range{1, AsmLimits{}.max_threads});
    check_listing(top, c.program_addr_bits);
    return c;
}

systolic::ArrayShape array_header(const nlohmann::json& meta) {
    const HeaderObject top(meta, "");
    systolic::ArrayShape shape;
    shape.rows = top.small("rows", limits::kArrayRows);
    shape.cols = top.small("cols", limits::kArrayCols);
    shape.in_bits = top.small("in_bits", limits::kInBits);
    shape.acc_bits = top.small("acc_bits", limits::kAccBits);
    shape.buffer_addr_bits = top.small("buffer_addr_bits", limits::kBufferAddrBits);
    const std::string dataflow_name = top.text("dataflow");
    const std::optional<systolic::Dataflow> dataflow = systolic::dataflow_from_name(dataflow_name);
    if (!dataflow) HeaderObject::reject("dataflow", dataflow_name, "\"os\", \"ws\" or \"is\"");
    systolic::GemmSize size;
    size.m = static_cast<uint32_t>(top.number("m", systolic::kGemmDim));
    size.k = static_cast<uint32_t>(top.number("k", systolic::kGemmDim));
    size.n = static_cast<uint32_t>(top.number("n", systolic::kGemmDim));
    // How the GEMM is laid over the array follows from the above; the header repeats it.
    const systolic::Mapping map(*dataflow, size, shape.rows, shape.cols);
    const std::pair<const char*, uint64_t> derived[] = {
        {"folds", map.folds()}, {"fold_length", map.fold_length}, {"preload", map.preload}, {"stream", map.stream}};
    for (const auto& [key, want] : derived) {
        top.number(key, Range{want, want},
                   fmt::format("{} (M={} K={} N={} on a {}x{} {} array)", want, size.m, size.k, size.n, shape.rows,
                               shape.cols, dataflow_name));
    }
    return shape;
}

void check_header(const nlohmann::json& meta, size_t fields) {
    const HeaderObject top(meta, "");
    const nlohmann::json& kind = top.at("kind");
    if (kind != "gpu" && kind != "systolic" && kind != "stream") {
        HeaderObject::reject("kind", kind, "\"gpu\", \"systolic\" or \"stream\"");
    }
    for (const char* key : {"predictor", "engine", "error"}) top.optional_text(key);
    if (const nlohmann::json* mismatch = top.find("first_mismatch"); mismatch != nullptr && !mismatch->is_null()) {
        const HeaderObject m = top.object("first_mismatch");
        m.number("cycle", Range{0, UINT64_MAX}, "an unsigned integer");
        if (m.find("record") != nullptr) m.number("record", Range{0, UINT64_MAX}, "an unsigned integer");
    }
    size_t shaped = StreamCycle::kFields;
    if (kind == "stream") {
        for (const char* key : {"rows", "cols", "lanes"}) top.number(key, Range{1, 1u << 20}, "a positive size");
    } else {
        shaped = kind == "gpu" ? gpu_field_count(gpu_header(meta)) : systolic_field_count(array_header(meta));
    }
    if (shaped != fields) {
        throw Error(fmt::format("the header's {} shape has {} fields per cycle, the records {}", kind.get<std::string>(),
                                shaped, fields));
    }
}

}  // namespace lockstep::trace
