// `lockstep view TRACE_DIR`: writes TRACE_DIR/view.html, one self-contained page (inline
// CSS and JS, no network) to step through a recorded GPU or systolic run in a browser. The
// page is view/view.html with the CSS and scripts it names inlined, embedded at build time.
//
// The page gets, as JSON inside a <script> tag:
// - per-cycle arrays for the timelines and charts (base64 little-endian typed arrays), drawn
//   to canvas once;
// - the current-cycle detail as a delta stream: each cycle's view fields (a flat int32
//   layout defined here, see `layout`) as zigzag varints, a full record every `keyframe`
//   cycles and otherwise only the fields that changed, so the page decodes any cycle from
//   the keyframe before it.
#include "commands.h"
#include "common/error.h"
#include "common/isa.h"
#include "embedded_view_page.h"
#include "trace/data_memory.h"
#include "trace/gpu_activity.h"
#include "trace/snapshot_fields.h"
#include "trace/state_file.h"
#include "trace/systolic_trace.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace lockstep {

namespace {

// Above this many PE-cycles the systolic page keeps activity glyphs only, not operand values.
constexpr uint64_t kMaxPeValues = 2'000'000;

std::string base64(const std::string& bytes) {
    static const char* const table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16 |
                           static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8 |
                           static_cast<uint8_t>(bytes[i + 2]);
        out += table[v >> 18 & 63];
        out += table[v >> 12 & 63];
        out += table[v >> 6 & 63];
        out += table[v & 63];
    }
    if (i < bytes.size()) {
        uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8;
        out += table[v >> 18 & 63];
        out += table[v >> 12 & 63];
        out += i + 1 < bytes.size() ? table[v >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

// A typed array for the page: {type, length, b64} with the values little-endian.
template <typename T>
nlohmann::json typed(const std::vector<T>& values, const char* type) {
    std::string bytes;
    bytes.reserve(values.size() * sizeof(T));
    for (T x : values) {
        const uint64_t u = static_cast<uint64_t>(x);
        for (size_t b = 0; b < sizeof(T); ++b) bytes += static_cast<char>(u >> (8 * b) & 0xff);
    }
    return {{"type", type}, {"length", values.size()}, {"b64", base64(bytes)}};
}

void put_varint(std::string& out, uint32_t v) {
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
}

uint32_t zigzag(int32_t v) { return static_cast<uint32_t>(v) << 1 ^ (v < 0 ? 0xffffffffu : 0u); }

// Each cycle's view fields: a full record every `keyframe` cycles, else (count, then per
// changed field: gap since the previous changed field + 1, value).
class DeltaStream {
public:
    explicit DeltaStream(size_t fields) : previous_(fields, 0) {
        keyframe_ = 64;
        while (keyframe_ < 1024 && keyframe_ * 16 < fields) keyframe_ *= 2;   // big records: fewer keyframes
    }

    void append(const std::vector<int32_t>& record) {
        if (count_ % keyframe_ == 0) {
            if (bytes_.size() > 0xffffffffu) throw Error("trace too large for lockstep view");
            offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
            for (int32_t v : record) put_varint(bytes_, zigzag(v));
        } else {
            changed_.clear();
            for (size_t i = 0; i < record.size(); ++i) {
                if (record[i] != previous_[i]) changed_.push_back(static_cast<uint32_t>(i));
            }
            put_varint(bytes_, static_cast<uint32_t>(changed_.size()));
            uint32_t next = 0;
            for (uint32_t i : changed_) {
                put_varint(bytes_, i - next);
                put_varint(bytes_, zigzag(record[i]));
                next = i + 1;
            }
        }
        previous_ = record;
        ++count_;
    }

    nlohmann::json json() const {
        return {{"fields", previous_.size()}, {"keyframe", keyframe_}, {"offsets", typed(offsets_, "u32")},
                {"b64", base64(bytes_)}};
    }

private:
    std::vector<int32_t> previous_;
    std::vector<uint32_t> changed_, offsets_;
    std::string bytes_;
    uint32_t keyframe_;
    uint64_t count_ = 0;
};

// The page's code for a PE's activity glyph.
int32_t glyph_code(char glyph) { return glyph == '#' ? 3 : glyph == 'w' ? 2 : glyph == 'o' ? 1 : 0; }

// The data memory panel's data: the words the run starts with or writes (rows of 8), their
// initial values, and every write with the record it is visible from (null for traces from
// before states.bin carried the initial image).
nlohmann::json memory_page_data(trace::StateReader& reader, const GpuConfig& config) {
    if (!trace::DataMemoryLog::recorded(reader.meta())) return nullptr;
    trace::DataMemoryLog memory(reader, config);
    size_t used = 0;
    for (size_t a = 0; a < memory.words(); ++a) {
        if (memory.initial()[a] != 0) used = a + 1;
    }
    std::vector<uint32_t> cycle, address, value;
    for (const trace::DataMemoryLog::Write& w : memory.all_writes()) {
        used = std::max<size_t>(used, w.address + 1);
        cycle.push_back(static_cast<uint32_t>(w.cycle));
        address.push_back(w.address);
        value.push_back(w.value);
    }
    const size_t shown = std::min(std::max<size_t>((used + 7) / 8 * 8, 8), memory.words());
    return {{"words", shown}, {"size", memory.words()}, {"width", config.data_width},
            {"initial", std::vector<uint32_t>(memory.initial().begin(), memory.initial().begin() + static_cast<long>(shown))},
            {"writes", {{"cycle", typed(cycle, "u32")}, {"address", typed(address, "u32")}, {"value", typed(value, "u32")}}}};
}

nlohmann::json gpu_page_data(trace::StateReader& reader) {
    const nlohmann::json& m = reader.meta();
    const GpuConfig config = trace::gpu_config_of(reader);
    const unsigned cores = config.contexts(), tpb = config.threads_per_block;   // per warp context
    const size_t threads = static_cast<size_t>(cores) * tpb;

    // View layout: done; per core 12 (the snapshot's 9, then the stall reason, the active lanes
    // and the reconvergence stack's entries in use); per thread (core-major) 16 registers + 5; per data
    // channel (the controller's, then the tile ports) 5; per program channel 2; per tensor
    // core state, op, fault, fault_thread, t, row, col, base, stride, then per PE its
    // activity glyph code (as the array's) and its accumulator.
    constexpr size_t kCore = 12, kThread = gpu::kRegisters + 5, kData = 5, kProgram = 2, kTensorHead = 9;
    const size_t pes = static_cast<size_t>(config.tensor_core.rows) * config.tensor_core.cols;
    const size_t tensor_fields = kTensorHead + 2 * pes;
    const size_t core_at = 1, thread_at = core_at + kCore * cores, data_at = thread_at + kThread * threads,
                 program_at = data_at + kData * config.data_memory_channels(),
                 tensor_at = program_at + kProgram * config.program_channels,
                 fields = tensor_at + (config.tensor_core.present() ? tensor_fields * cores : 0);

    const uint64_t n = reader.cycles();
    std::vector<uint8_t> core_state(n * cores);
    std::vector<uint16_t> active(n), lsu_busy(n), channels_busy(n), tc_macs(n);
    std::map<uint16_t, std::string> texts;
    for (const auto& line : m.value("listing", nlohmann::json::array())) {
        const uint16_t word = line.at("word");
        texts.emplace(word, isa::disassemble(word));
    }
    DeltaStream stream(fields);
    gpu::GpuSnapshot s, before;
    s.resize(config);
    std::vector<int32_t> record(fields);
    auto put = [&](size_t& at, uint32_t v) { record[at++] = static_cast<int32_t>(v); };
    for (uint64_t i = 0; i < n; ++i) {
        trace::gpu_from_fields(reader.at(i), s);
        if (i == 0) before = s;
        size_t at = 0;
        put(at, s.done);
        unsigned act = 0, lsu = 0, busy = 0;
        for (unsigned c = 0; c < cores; ++c) {
            const gpu::CoreView& k = s.cores[c];
            put(at, static_cast<uint32_t>(k.state));
            put(at, static_cast<uint32_t>(k.fetcher));
            put(at, k.pc);
            put(at, k.instruction);
            put(at, k.start);
            put(at, k.reset);
            put(at, k.diverged);
            put(at, k.block_id);
            put(at, k.thread_count);
            put(at, static_cast<uint32_t>(trace::stall_reason(s, config, c)));
            put(at, k.stack.empty() ? gpu::lane_mask(k.thread_count) : k.active);
            put(at, k.sp);
            core_state[c * n + i] = static_cast<uint8_t>(k.state);
            act += trace::active_lanes(k);
            if (texts.find(k.instruction) == texts.end()) texts.emplace(k.instruction, isa::disassemble(k.instruction));
        }
        for (const gpu::ThreadView& t : s.threads) {
            for (uint32_t r : t.regs) put(at, r);
            put(at, static_cast<uint32_t>(t.lsu));
            put(at, t.lsu_out);
            put(at, t.alu_out);
            put(at, t.nzp);
            put(at, t.next_pc);
            lsu += gpu::lsu_busy(t.lsu);
        }
        for (size_t ch = 0; ch < s.data_requests.size(); ++ch) {
            const MemRequest& r = s.data_requests[ch];
            put(at, r.read_valid);
            put(at, r.read_address);
            put(at, r.write_valid);
            put(at, r.write_address);
            put(at, r.write_data);
            if (ch < config.data_channels) busy += r.read_valid || r.write_valid;
        }
        for (const MemRequest& r : s.program_requests) {
            put(at, r.read_valid);
            put(at, r.read_address);
        }
        unsigned macs = 0;
        for (size_t c = 0; c < s.tensor.size(); ++c) {
            const gpu::TensorCoreView& t = s.tensor[c];
            for (uint32_t v : {static_cast<uint32_t>(t.state), static_cast<uint32_t>(t.op), static_cast<uint32_t>(t.fault),
                               t.fault_thread, t.t, t.row, t.col, t.base, t.stride}) {
                put(at, v);
            }
            for (size_t p = 0; p < pes; ++p) {
                record[at++] = glyph_code(trace::tc_pe_glyph(t, before.tensor[c], p));
                record[at++] = t.acc[p];
            }
            macs += trace::tc_busy_pes(t, before.tensor[c]);
        }
        active[i] = static_cast<uint16_t>(std::min(act, 0xffffu));
        lsu_busy[i] = static_cast<uint16_t>(std::min(lsu, 0xffffu));
        channels_busy[i] = static_cast<uint16_t>(busy);
        tc_macs[i] = static_cast<uint16_t>(macs);   // at most 16 cores of 16 x 16 PEs: 4096
        stream.append(record);
        std::swap(before, s);
    }

    nlohmann::json instructions = nlohmann::json::object();
    for (const auto& [word, text] : texts) instructions[std::to_string(word)] = text;
    nlohmann::json state_names = nlohmann::json::array(), fetcher_names = nlohmann::json::array(),
                   lsu_names = nlohmann::json::array();
    for (unsigned i = 0; i < 8; ++i) state_names.push_back(gpu::name(static_cast<gpu::CoreState>(i)));
    for (unsigned i = 0; i < 3; ++i) fetcher_names.push_back(gpu::name(static_cast<gpu::FetcherState>(i)));
    for (unsigned i = 0; i < 4; ++i) lsu_names.push_back(gpu::name(static_cast<gpu::LsuState>(i)));
    nlohmann::json stall_names = nlohmann::json::array();
    for (unsigned i = 0; i < trace::kStallReasons; ++i) stall_names.push_back(trace::name(static_cast<trace::StallReason>(i)));
    nlohmann::json page = {
        {"layout", {{"core", core_at}, {"core_fields", kCore}, {"thread", thread_at}, {"thread_fields", kThread},
                    {"data", data_at}, {"data_fields", kData}, {"program", program_at}, {"program_fields", kProgram},
                    {"read_only", isa::kFirstReadOnly}}},
        {"arrays", {{"core_state", typed(core_state, "u8")}, {"active", typed(active, "u16")},
                    {"lsu", typed(lsu_busy, "u16")}, {"channels", typed(channels_busy, "u16")}}},
        {"names", {{"state", state_names}, {"fetcher", fetcher_names}, {"lsu", lsu_names}, {"stall", stall_names}}},
        {"instructions", instructions},
        {"stream", stream.json()},
        {"memory", memory_page_data(reader, config)},
    };
    if (config.tensor_core.present()) {
        nlohmann::json tc_states = nlohmann::json::array(), tc_ops = nlohmann::json::array(), tc_faults = nlohmann::json::array();
        for (unsigned i = 0; i < 7; ++i) tc_states.push_back(gpu::name(static_cast<gpu::TcState>(i)));
        for (unsigned i = 0; i < 6; ++i) tc_ops.push_back(gpu::name(static_cast<gpu::TcOp>(i)));
        for (unsigned i = 0; i < 4; ++i) tc_faults.push_back(gpu::name(static_cast<gpu::TcFault>(i)));
        page["layout"]["tensor"] = tensor_at;
        page["layout"]["tensor_fields"] = tensor_fields;
        page["arrays"]["tc_macs"] = typed(tc_macs, "u16");
        page["names"]["tc_state"] = tc_states;
        page["names"]["tc_op"] = tc_ops;
        page["names"]["tc_fault"] = tc_faults;
    }
    return page;
}

nlohmann::json systolic_page_data(trace::StateReader& reader) {
    const systolic::ArrayShape shape = trace::array_shape_of(reader);
    const uint64_t n = reader.cycles();
    const size_t pes = static_cast<size_t>(shape.rows) * shape.cols;
    const bool values = static_cast<uint64_t>(pes) * n <= kMaxPeValues;

    // View layout: one activity code per PE (0 '.', 1 'o', 2 'w', 3 '#'); with values, per
    // PE hv, h, vv, v, wv, w, acc; per left port valid, addr; per top port valid, addr; per
    // out port valid, addr, data.
    constexpr size_t kValue = 7;
    const size_t values_at = pes, left_at = values_at + (values ? kValue * pes : 0),
                 top_at = left_at + 2 * shape.rows, out_at = top_at + 2 * shape.cols, fields = out_at + 3 * shape.cols;

    std::vector<uint8_t> state(n), phase(n);
    std::vector<uint32_t> fold(n), t(n), active(n);
    DeltaStream stream(fields);
    trace::SystolicCycle sa;
    sa.after.resize(shape);
    std::vector<int32_t> record(fields);
    for (uint64_t i = 0; i < n; ++i) {
        trace::systolic_from_fields(reader.at(i), sa);
        const systolic::SystolicSnapshot& a = sa.after;
        state[i] = static_cast<uint8_t>(sa.state);
        phase[i] = static_cast<uint8_t>(sa.phase);
        fold[i] = sa.fold;
        t[i] = sa.t;
        size_t at = 0;
        for (size_t p = 0; p < pes; ++p) record[at++] = glyph_code(trace::SystolicTrace::pe_glyph(sa.state, a, p));
        active[i] = static_cast<uint32_t>(trace::SystolicTrace::macs(sa.state, a));
        if (values) {
            for (size_t p = 0; p < pes; ++p) {
                record[at++] = a.hv[p];
                record[at++] = a.h[p];
                record[at++] = a.vv[p];
                record[at++] = a.v[p];
                record[at++] = a.wv[p];
                record[at++] = a.w[p];
                record[at++] = a.acc[p];
            }
        }
        for (const auto* ports : {&a.left, &a.top, &a.out}) {
            for (const systolic::PortAccess& port : *ports) {
                record[at++] = port.valid;
                record[at++] = static_cast<int32_t>(port.addr);
                if (ports == &a.out) record[at++] = port.data;
            }
        }
        stream.append(record);
    }

    nlohmann::json phase_names = nlohmann::json::array(), state_names = nlohmann::json::array();
    for (unsigned i = 0; i <= static_cast<unsigned>(trace::Phase::Done); ++i) {
        phase_names.push_back(trace::phase_name(static_cast<trace::Phase>(i)));
    }
    for (unsigned i = 0; i < 4; ++i) state_names.push_back(systolic::name(static_cast<systolic::SaState>(i)));
    return {
        {"values", values},
        {"max_pe_values", kMaxPeValues},
        {"layout", {{"glyph", 0}, {"values", values ? static_cast<long long>(values_at) : -1}, {"value_fields", kValue},
                    {"left", left_at}, {"top", top_at}, {"out", out_at}}},
        {"arrays", {{"state", typed(state, "u8")}, {"phase", typed(phase, "u8")}, {"fold", typed(fold, "u32")},
                    {"t", typed(t, "u32")}, {"active", typed(active, "u32")}}},
        {"names", {{"phase", phase_names}, {"state", state_names}}},
        {"stream", stream.json()},
    };
}

// JSON that is safe inside <script>: no '<' (so no "</script>" or "<!--"), and no
// U+2028/U+2029 surprises (dump escapes non-ASCII).
std::string script_safe(const nlohmann::json& j) {
    const std::string text = j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '<') {
            out += "\\u003c";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::string write_view(const std::string& dir) {
    trace::StateReader reader(dir + "/states.bin");
    const nlohmann::json& meta = reader.meta();
    const std::string kind = meta.value("kind", "");
    if (kind == "stream") {
        throw Error(fmt::format("{}: a streamed layer's trace (lockstep scale --trace): read its trace.log and stream.csv, or open "
                                "utilisation.svg; the stepper and the viewer step through GPU runs and single GEMMs", dir));
    }
    if (kind != "gpu" && kind != "systolic") throw Error(dir + "/states.bin: unknown trace kind '" + kind + "'");
    if (reader.cycles() == 0) throw Error(dir + "/states.bin: no cycles recorded");

    nlohmann::json data = kind == "gpu" ? gpu_page_data(reader) : systolic_page_data(reader);
    data["kind"] = kind;
    data["meta"] = meta;
    data["records"] = reader.cycles();
    data["trace_dir"] = dir;

    const std::string path = dir + "/view.html";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot write");
    out.write(view_page::kHead, sizeof view_page::kHead);
    out << script_safe(data);
    out.write(view_page::kTail, sizeof view_page::kTail);
    out.close();
    if (!out) throw Error(path + ": cannot write");
    return path;
}

}  // namespace lockstep
