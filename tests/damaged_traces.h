// Damaged states.bin files, made byte by byte: headers as the trace writers make them with
// one field broken, and files cut short or with a bad offset or size. test_step and
// test_view open them with the lockstep binary; test_bad_input, built with the sanitizers,
// in-process.
#pragma once

#include "common/config.h"
#include "systolic/systolic_types.h"
#include "trace/snapshot_fields.h"
#include "trace/state_file.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

namespace lockstep::testing {

// A GPU run's header as sim/trace/gpu_trace.cpp writes it (tiny-gpu shape, a 3-word program).
inline nlohmann::json gpu_trace_header() {
    const GpuConfig c;
    nlohmann::json listing = nlohmann::json::array();
    for (unsigned a = 0; a < 3; ++a) listing.push_back({{"address", a}, {"word", 0x9000 + a}, {"text", "CONST"}, {"line", a + 2}});
    return {{"kind", "gpu"}, {"program", "k.asm"}, {"threads", 8}, {"listing", listing},
            {"gpu", {{"cores", c.cores}, {"threads_per_block", c.threads_per_block}, {"data_channels", c.data_channels},
                     {"program_channels", c.program_channels}, {"data_width", c.data_width},
                     {"data_addr_bits", c.data_addr_bits}, {"program_addr_bits", c.program_addr_bits}}}};
}

// A GEMM's header as sim/trace/systolic_trace.cpp writes it: M=6 K=9 N=5 on a 4x4 ws array.
inline nlohmann::json array_trace_header() {
    const systolic::ArrayShape s;
    const systolic::Mapping map(systolic::Dataflow::Ws, {6, 9, 5}, s.rows, s.cols);
    return {{"kind", "systolic"}, {"rows", s.rows}, {"cols", s.cols}, {"dataflow", "ws"}, {"m", 6}, {"k", 9}, {"n", 5},
            {"folds", map.folds()}, {"fold_length", map.fold_length}, {"preload", map.preload}, {"stream", map.stream},
            {"in_bits", s.in_bits}, {"acc_bits", s.acc_bits}, {"buffer_addr_bits", s.buffer_addr_bits},
            {"predictor", trace::kSystolicPredictor}};
}

// The `gpu.tensor_core` object a tensor-core run adds (4x4 os, on the 8-bit tiny-gpu shape).
inline nlohmann::json tensor_core_header() {
    return {{"rows", 4}, {"cols", 4}, {"dataflow", "os"}, {"in_bits", 8}, {"acc_bits", 32}};
}

// Damages that first give the GPU header a tensor core, then set `key` of it to `value` or drop it.
inline std::function<void(nlohmann::json&)> tensor_core_damage(const std::string& key, const nlohmann::json& value) {
    return [key, value](nlohmann::json& h) {
        h["gpu"]["tensor_core"] = tensor_core_header();
        h["gpu"]["tensor_core"][key] = value;
    };
}
inline std::function<void(nlohmann::json&)> tensor_core_without(const std::string& key) {
    return [key](nlohmann::json& h) {
        h["gpu"]["tensor_core"] = tensor_core_header();
        h["gpu"]["tensor_core"].erase(key);
    };
}

inline size_t gpu_trace_fields() { return trace::gpu_field_count(GpuConfig{}); }
inline size_t array_trace_fields() { return trace::systolic_field_count(systolic::ArrayShape{}); }

// A states.bin made byte by byte, for damage StateWriter never writes: the magic, `body`
// (header and records), the keyframe index, the trailer "{}", and the sizes (with the
// index's offset and the record count as given).
inline std::string raw_states(const std::string& body, const std::vector<uint64_t>& keyframes, uint64_t records,
                              uint64_t index_at = std::numeric_limits<uint64_t>::max()) {
    auto u64 = [](std::string& out, uint64_t v) {
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i) & 0xFF));
    };
    std::string bytes = "LSSTATE2" + body;
    if (index_at == std::numeric_limits<uint64_t>::max()) index_at = bytes.size();
    u64(bytes, keyframes.size());
    for (uint64_t k : keyframes) u64(bytes, k);
    bytes += "{}";
    u64(bytes, 2);
    u64(bytes, records);
    u64(bytes, index_at);
    return bytes + "LSSTATE2";
}

inline std::string varint(uint64_t v) {   // as states.bin stores numbers
    std::string out;
    for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    out.push_back(static_cast<char>(v));
    return out;
}

// The bytes StateWriter writes for `header` and `records` records of `fields` zeros (a
// keyframe, then deltas that change nothing), without the writer's own checks of the header.
inline std::string states_bytes(const std::string& header, size_t fields, uint64_t records = 3) {
    const std::string head = varint(header.size()) + header + varint(fields);
    std::string body = head;
    for (uint64_t r = 0; r < records; ++r) body += r == 0 ? "K" + std::string(fields, '\0') : std::string("D\0", 2);
    return raw_states(body, {8 + head.size()}, records);
}

// Writes `bytes` to DIR/states.bin and returns that path.
inline std::string write_states(const std::string& dir, const std::string& bytes) {
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/states.bin";
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

// One header field broken: `error` is what opening the trace says after "DIR/states.bin: ".
struct DamagedHeader {
    std::string name;                                  // a test name
    bool gpu;                                          // damage the GPU header, else the array's
    std::function<void(nlohmann::json&)> damage;
    std::string error;
};

inline std::vector<DamagedHeader> damaged_headers() {
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    return {
        {"KindNotAString", true, [](nlohmann::json& h) { h["kind"] = 7; },
         "header field 'kind' = 7: expected \"gpu\", \"systolic\" or \"stream\""},
        {"KindUnknown", true, [](nlohmann::json& h) { h["kind"] = "tpu"; },
         "header field 'kind' = \"tpu\": expected \"gpu\", \"systolic\" or \"stream\""},
        {"KindMissing", true, [](nlohmann::json& h) { h.erase("kind"); }, "header field 'kind' is missing"},
        {"NoCores", true, [](nlohmann::json& h) { h["gpu"]["cores"] = 0; },
         "header field 'gpu.cores' = 0: expected 1..16"},
        {"CoresAString", true, [](nlohmann::json& h) { h["gpu"]["cores"] = "2"; },
         "header field 'gpu.cores' = \"2\": expected 1..16"},
        {"CoresMissing", true, [](nlohmann::json& h) { h["gpu"].erase("cores"); },
         "header field 'gpu.cores' is missing"},
        {"NegativeThreadsPerBlock", true, [](nlohmann::json& h) { h["gpu"]["threads_per_block"] = -4; },
         "header field 'gpu.threads_per_block' = -4: expected 1..32"},
        {"FractionalDataChannels", true, [](nlohmann::json& h) { h["gpu"]["data_channels"] = 2.5; },
         "header field 'gpu.data_channels' = 2.5: expected 1..32"},
        {"MoreProgramChannelsThanCores", true, [](nlohmann::json& h) { h["gpu"]["program_channels"] = 3; },
         "header field 'gpu.program_channels' = 3: expected 1..cores = 2"},
        {"DataWidth64", true, [](nlohmann::json& h) { h["gpu"]["data_width"] = 64; },
         "header field 'gpu.data_width' = 64: expected 8 or 16"},
        {"DataAddressWiderThanData", true, [](nlohmann::json& h) { h["gpu"]["data_addr_bits"] = 12; },
         "header field 'gpu.data_addr_bits' = 12: expected 1..data_width = 8"},
        {"ProgramAddrBits70", true, [](nlohmann::json& h) { h["gpu"]["program_addr_bits"] = 70; },
         "header field 'gpu.program_addr_bits' = 70: expected 1..8"},
        {"GpuNotAnObject", true, [](nlohmann::json& h) { h["gpu"] = nlohmann::json::array(); },
         "header field 'gpu' = []: expected an object"},
        {"NoThreads", true, [](nlohmann::json& h) { h["threads"] = 0; }, "header field 'threads' = 0: expected 1..255"},
        {"ProgramNotAString", true, [](nlohmann::json& h) { h["program"] = nlohmann::json::object(); },
         "header field 'program' = {}: expected a string"},
        {"ListingNotAnArray", true, [](nlohmann::json& h) { h["listing"] = "CONST"; },
         "header field 'listing' = \"CONST\": expected an array of at most 2^program_addr_bits = 256 entries"},
        {"ListingWordHuge", true, [](nlohmann::json& h) { h["listing"][1]["word"] = 1e30; },
         "header field 'listing[1].word' = 1e+30: expected 0..65535"},
        {"ListingAddressPastProgramMemory", true, [](nlohmann::json& h) { h["listing"][2]["address"] = 256; },
         "header field 'listing[2].address' = 256: expected 0..255 (2^program_addr_bits - 1)"},
        {"MismatchWithoutCycle", true, [](nlohmann::json& h) { h["first_mismatch"] = {{"record", 4}}; },
         "header field 'first_mismatch.cycle' is missing"},
        {"MismatchRecordNegative", true, [](nlohmann::json& h) { h["first_mismatch"] = {{"cycle", 4}, {"record", -1}}; },
         "header field 'first_mismatch.record' = -1: expected an unsigned integer"},
        {"ShapeDisagreesWithRecords", true, [](nlohmann::json& h) { h["gpu"]["cores"] = 1; },
         "the header's gpu shape has 116 fields per cycle, the records 209"},
        {"TensorCoreNotAnObject", true, [](nlohmann::json& h) { h["gpu"]["tensor_core"] = 4; },
         "header field 'gpu.tensor_core' = 4: expected an object"},
        {"TensorCoreNoRows", true, tensor_core_damage("rows", 0), "header field 'gpu.tensor_core.rows' = 0: expected 1..16"},
        {"TensorCoreColsMissing", true, tensor_core_without("cols"),
         "header field 'gpu.tensor_core.cols' is missing"},
        {"TensorCoreCols17", true, tensor_core_damage("cols", 17), "header field 'gpu.tensor_core.cols' = 17: expected 1..16"},
        {"TensorCoreDataflowUnknown", true, tensor_core_damage("dataflow", "xs"),
         "header field 'gpu.tensor_core.dataflow' = \"xs\": expected \"os\", \"ws\" or \"is\""},
        {"TensorCoreInputStationaryTall", true,
         [](nlohmann::json& h) {
             tensor_core_damage("dataflow", "is")(h);
             h["gpu"]["tensor_core"]["cols"] = 2;
         },
         "header field 'gpu.tensor_core.dataflow' = \"is\": expected \"os\" or \"ws\" (is needs rows <= cols, got 4x2)"},
        {"TensorCoreInBitsWiderThanData", true, tensor_core_damage("in_bits", 16),
         "header field 'gpu.tensor_core.in_bits' = 16: expected 2..data_width = 8"},
        {"TensorCoreAccBits40", true, tensor_core_damage("acc_bits", 40),
         "header field 'gpu.tensor_core.acc_bits' = 40: expected data_width = 8..32"},
        // 209 fields, plus two tile ports of 5, plus per core 9 + a, b, acc (16 each) + 8 x 16 PE fields.
        {"TensorCoreDisagreesWithRecords", true, tensor_core_damage("rows", 4),
         "the header's gpu shape has 589 fields per cycle, the records 209"},
        {"NoRows", false, [](nlohmann::json& h) { h["rows"] = 0; }, "header field 'rows' = 0: expected 1..256"},
        {"InBits0", false, [](nlohmann::json& h) { h["in_bits"] = 0; }, "header field 'in_bits' = 0: expected 2..16"},
        {"AccBits64", false, [](nlohmann::json& h) { h["acc_bits"] = 64; },
         "header field 'acc_bits' = 64: expected 16..32"},
        {"BufferAddrBitsNull", false, [](nlohmann::json& h) { h["buffer_addr_bits"] = nullptr; },
         "header field 'buffer_addr_bits' = null: expected 4..24"},
        {"DataflowUnknown", false, [](nlohmann::json& h) { h["dataflow"] = "xs"; },
         "header field 'dataflow' = \"xs\": expected \"os\", \"ws\" or \"is\""},
        {"GemmSize0", false, [](nlohmann::json& h) { h["m"] = 0; }, "header field 'm' = 0: expected 1..65535"},
        {"FoldsMax", false, [kMax](nlohmann::json& h) { h["folds"] = kMax; },
         "header field 'folds' = 18446744073709551615: expected 6 (M=6 K=9 N=5 on a 4x4 ws array)"},
        {"FoldLengthWrong", false, [](nlohmann::json& h) { h["fold_length"] = 17; },
         "header field 'fold_length' = 17: expected 16 (M=6 K=9 N=5 on a 4x4 ws array)"},
        {"PredictorNotAString", false, [](nlohmann::json& h) { h["predictor"] = 1; },
         "header field 'predictor' = 1: expected a string"},
        {"PredictorUnknown", false, [](nlohmann::json& h) { h["predictor"] = "systolic-v9"; },
         "unknown predictor 'systolic-v9' (a newer Lockstep wrote this?)"},
    };
}

// The case's states.bin (with the field count of the undamaged shape).
inline std::string damaged_bytes(const DamagedHeader& c) {
    nlohmann::json header = c.gpu ? gpu_trace_header() : array_trace_header();
    c.damage(header);
    return states_bytes(header.dump(), c.gpu ? gpu_trace_fields() : array_trace_fields());
}

inline void PrintTo(const DamagedHeader& c, std::ostream* out) { *out << c.name; }

// Damaged files, not headers: `error` follows "DIR/states.bin: ".
struct DamagedFile {
    std::string name;
    std::string bytes;
    std::string error;
};

inline std::vector<DamagedFile> damaged_files() {
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    const std::string header = gpu_trace_header().dump();
    const std::string head = varint(header.size()) + header + varint(gpu_trace_fields());
    const std::string whole = states_bytes(header, gpu_trace_fields());
    return {
        {"Truncated", whole.substr(0, whole.size() - 10), "truncated (no trailer: did the run stop before finishing its trace?)"},
        {"HeaderSizeWraps", raw_states(varint(kMax - 4), {}, 0),
         "truncated header (18446744073709551611 bytes from offset 18, the records end at 18)"},
        {"HeaderSizePastTheRecords", raw_states(varint(1000) + "{}", {}, 0),
         "truncated header (1000 bytes from offset 10, the records end at 12)"},
        {"HeaderSizeVarintEndless", raw_states(std::string(12, '\xFF'), {}, 0), "bad number in header"},
        {"RecordCountWraps", raw_states(head, {}, kMax), "bad keyframe index (0 keyframes for 18446744073709551615 records)"},
        {"IndexPastTheTrailer", raw_states(head, {}, 0, kMax - 7), "bad keyframe index (at offset 18446744073709551608)"},
        {"KeyframeOutsideTheRecords", raw_states(head + "K", {1u << 30}, 1),
         fmt::format("bad keyframe index (keyframe 0 at offset {})", 1u << 30)},
        {"KeyframeIsADelta", raw_states(head + "D", {8 + head.size()}, 1), "keyframe 0 is not a keyframe record"},
        {"RecordCutShort", raw_states(head + "K", {8 + head.size()}, 1), "truncated record"},
    };
}

inline void PrintTo(const DamagedFile& c, std::ostream* out) { *out << c.name; }

}  // namespace lockstep::testing
