#include "trace/snapshot_fields.h"

#include "common/error.h"

namespace lockstep::trace {

using namespace gpu;
using namespace systolic;

namespace {

// One function walks a layout in both directions, so writer and reader cannot drift apart.
class Fields {
public:
    Fields(std::vector<uint32_t>* out, const std::vector<uint32_t>* in) : out_(out), in_(in) {}
    template <typename T>
    void operator()(T& value) {
        if (out_ != nullptr) {
            out_->push_back(static_cast<uint32_t>(value));
        } else {
            value = static_cast<T>(in_->at(next_++));
        }
    }
    void operator()(bool& value) {
        uint32_t v = value;
        (*this)(v);
        if (in_ != nullptr) value = v != 0;
    }
    void operator()(int32_t& value) {
        uint32_t v = static_cast<uint32_t>(value);
        (*this)(v);
        if (in_ != nullptr) value = static_cast<int32_t>(v);
    }

    bool reading() const { return in_ != nullptr; }

private:
    std::vector<uint32_t>* out_;
    const std::vector<uint32_t>* in_;
    size_t next_ = 0;
};

void walk(Fields& f, MemRequest& r, bool writes) {
    f(r.read_valid);
    f(r.read_address);
    if (!writes) return;
    f(r.write_valid);
    f(r.write_address);
    f(r.write_data);
}

void walk(Fields& f, GpuSnapshot& s) {
    f(s.done);
    for (CoreView& c : s.cores) {
        f(c.state);
        f(c.fetcher);
        f(c.pc);
        f(c.instruction);
        f(c.start);
        f(c.reset);
        f(c.diverged);
        f(c.block_id);
        f(c.thread_count);
    }
    for (ThreadView& t : s.threads) {
        for (uint32_t& r : t.regs) f(r);
        f(t.lsu);
        f(t.lsu_out);
        f(t.alu_out);
        f(t.nzp);
        f(t.next_pc);
    }
    for (MemRequest& r : s.data_requests) walk(f, r, true);
    for (MemRequest& r : s.program_requests) walk(f, r, false);
}

void walk(Fields& f, PortAccess& p, bool data) {
    f(p.valid);
    f(p.addr);
    if (data) f(p.data);
}

void walk(Fields& f, SystolicCycle& c) {
    f(c.state);
    f(c.fold);
    f(c.t);
    f(c.phase);
    uint32_t low = static_cast<uint32_t>(c.macs_so_far), high = static_cast<uint32_t>(c.macs_so_far >> 32);
    f(low);
    f(high);
    if (f.reading()) c.macs_so_far = (static_cast<uint64_t>(high) << 32) | low;
    SystolicSnapshot& s = c.after;
    for (size_t p = 0; p < s.h.size(); ++p) {
        f(s.h[p]);
        f(s.hv[p]);
        f(s.v[p]);
        f(s.vv[p]);
        f(s.acc[p]);
        f(s.w[p]);
        f(s.wv[p]);
        f(s.mac[p]);
    }
    for (PortAccess& p : s.left) walk(f, p, false);
    for (PortAccess& p : s.top) walk(f, p, false);
    for (PortAccess& p : s.out) walk(f, p, true);
}

}  // namespace

size_t gpu_field_count(const GpuConfig& c) {
    return 1 + 9 * c.cores + (kRegisters + 5) * c.cores * c.threads_per_block + 5 * c.data_channels +
           2 * c.program_channels;
}

void gpu_to_fields(const GpuSnapshot& s, std::vector<uint32_t>& out) {
    out.clear();
    Fields f(&out, nullptr);
    walk(f, const_cast<GpuSnapshot&>(s));   // walking with an output vector only reads
}

void gpu_from_fields(const std::vector<uint32_t>& in, GpuSnapshot& s) {
    Fields f(nullptr, &in);
    walk(f, s);
}

size_t systolic_field_count(const ArrayShape& shape) {
    return 6 + 8 * static_cast<size_t>(shape.rows) * shape.cols + 2 * shape.rows + 2 * shape.cols + 3 * shape.cols;
}

void systolic_to_fields(const SystolicCycle& c, std::vector<uint32_t>& out) {
    out.clear();
    Fields f(&out, nullptr);
    walk(f, const_cast<SystolicCycle&>(c));
}

void systolic_from_fields(const std::vector<uint32_t>& in, SystolicCycle& c) {
    Fields f(nullptr, &in);
    walk(f, c);
}

GpuConfig gpu_config_of(const StateReader& reader) {
    GpuConfig config;
    try {
        const nlohmann::json& g = reader.meta().at("gpu");
        config.cores = g.at("cores");
        config.threads_per_block = g.at("threads_per_block");
        config.data_channels = g.at("data_channels");
        config.program_channels = g.at("program_channels");
        config.data_width = g.value("data_width", config.data_width);
        config.data_addr_bits = g.value("data_addr_bits", config.data_addr_bits);
        config.program_addr_bits = g.value("program_addr_bits", config.program_addr_bits);
    } catch (const nlohmann::json::exception& e) {
        throw Error(reader.path() + ": the header does not describe a GPU (" + e.what() + ")");
    }
    if (reader.fields() != gpu_field_count(config)) throw Error(reader.path() + ": field count does not match its GPU shape");
    return config;
}

systolic::ArrayShape array_shape_of(const StateReader& reader) {
    systolic::ArrayShape shape;
    try {
        const nlohmann::json& m = reader.meta();
        shape.rows = m.at("rows");
        shape.cols = m.at("cols");
        shape.in_bits = m.value("in_bits", shape.in_bits);
        shape.acc_bits = m.value("acc_bits", shape.acc_bits);
        shape.buffer_addr_bits = m.value("buffer_addr_bits", shape.buffer_addr_bits);
    } catch (const nlohmann::json::exception& e) {
        throw Error(reader.path() + ": the header does not describe an array (" + e.what() + ")");
    }
    if (reader.fields() != systolic_field_count(shape)) throw Error(reader.path() + ": field count does not match its array shape");
    return shape;
}

}  // namespace lockstep::trace
