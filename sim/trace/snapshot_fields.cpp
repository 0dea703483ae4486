#include "trace/snapshot_fields.h"

#include "common/error.h"
#include "trace/systolic_trace.h"
#include "trace/trace_header.h"

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

// A data request of segments (a coalescer) also records the data's high half and the mask.
void walk(Fields& f, MemRequest& r, bool writes, bool segments = false) {
    f(r.read_valid);
    f(r.read_address);
    if (!writes) return;
    f(r.write_valid);
    f(r.write_address);
    uint32_t low = static_cast<uint32_t>(r.write_data), high = static_cast<uint32_t>(r.write_data >> 32);
    f(low);
    if (segments) {
        f(high);
        f(r.write_mask);
    }
    if (f.reading()) r.write_data = (static_cast<uint64_t>(high) << 32) | low;
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
        if (c.stack.empty()) continue;   // no divergence
        f(c.active);
        f(c.reconv);
        f(c.sp);
        f(c.overflow);
        for (StackEntry& e : c.stack) {
            f(e.pc);
            f(e.rpc);
            f(e.mask);
        }
    }
    for (ThreadView& t : s.threads) {
        for (uint32_t& r : t.regs) f(r);
        f(t.lsu);
        f(t.lsu_out);
        f(t.alu_out);
        f(t.nzp);
        f(t.next_pc);
    }
    for (MemRequest& r : s.data_requests) walk(f, r, true, s.request_words > 1);
    for (MemRequest& r : s.program_requests) walk(f, r, false);
    for (WarpSchedulerView& w : s.warp_schedulers) {
        f(w.owner_valid);
        f(w.owner);
        f(w.last);
    }
    for (CacheView& c : s.cache) {
        f(c.state);
        f(c.port);
        f(c.addr);
        f(c.way);
        f(c.count);
        f(c.hit);
        for (size_t k = 0; k < c.valid.size(); ++k) {
            f(c.valid[k]);
            f(c.dirty[k]);
            f(c.tag[k]);
            f(c.age[k]);
            uint32_t low = static_cast<uint32_t>(c.data[k]), high = static_cast<uint32_t>(c.data[k] >> 32);
            f(low);
            f(high);
            if (f.reading()) c.data[k] = (static_cast<uint64_t>(high) << 32) | low;
        }
        f(c.hits);
        f(c.misses);
        f(c.evictions);
        f(c.writebacks);
    }
    for (TensorCoreView& t : s.tensor) {
        f(t.state);
        f(t.op);
        f(t.fault);
        f(t.fault_thread);
        f(t.t);
        f(t.row);
        f(t.col);
        f(t.base);
        f(t.stride);
        for (auto* tile : {&t.a, &t.b, &t.acc}) {
            for (int32_t& x : *tile) f(x);
        }
        for (size_t p = 0; p < t.mac.size(); ++p) {
            f(t.h[p]);
            f(t.hv[p]);
            f(t.v[p]);
            f(t.vv[p]);
            f(t.pacc[p]);
            f(t.w[p]);
            f(t.wv[p]);
            f(t.mac[p]);
        }
    }
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
    const size_t rows = c.tensor_core.rows, pes = rows * c.tensor_core.cols;
    const size_t tensor = c.tensor_core.present() ? c.cores * (9 + rows * rows + 2 * pes + 8 * pes) : 0;
    const size_t contexts = c.contexts(), warps = c.warps() ? 3 * c.cores : 0;
    const size_t divergence = c.divergence() ? contexts * (4 + 3 * c.stack_depth) : 0;
    return 1 + 9 * contexts + divergence + (kRegisters + 5) * contexts * c.threads_per_block +
           (c.coalescer() ? 7 : 5) * c.data_memory_channels() + 2 * c.program_channels + tensor + warps +
           (c.cache() ? 10 + 6 * static_cast<size_t>(c.cache_lines()) : 0);
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

namespace {

// Predicts each PE's fields from the cycle before, as the array moves data (the rules of
// sim/systolic/pe_array.cpp): h and hv come from the left neighbour; v and vv from the one
// above, and in ws/is v adds this PE's product h * w; in os acc adds h * v; mac is the AND
// of the valids; every other field is guessed as it was. A wrong guess only costs bytes. Fields are settled in an order where each
// prediction uses earlier cycles or fields already settled this cycle, so one walk serves
// both directions.
class SystolicPredictor final : public FieldTransform {
public:
    SystolicPredictor(const ArrayShape& shape, bool output_stationary)
        : rows_(shape.rows), cols_(shape.cols), acc_bits_(shape.acc_bits), os_(output_stationary) {}

    void encode(const std::vector<uint32_t>& previous, const std::vector<uint32_t>& current,
                std::vector<uint32_t>& stored) const override {
        walk<false>(previous, current, stored);
    }
    void decode(const std::vector<uint32_t>& previous, const std::vector<uint32_t>& stored,
                std::vector<uint32_t>& current) const override {
        walk<true>(previous, stored, current);
    }

private:
    enum Field : size_t { kH, kHv, kV, kVv, kAcc, kW, kWv, kMac, kPerPe };
    static constexpr size_t kHeader = 6, kPhase = 3;   // state, fold, t, phase, MACs (2)

    size_t at(unsigned i, unsigned j, Field f) const { return kHeader + (static_cast<size_t>(i) * cols_ + j) * kPerPe + f; }
    uint32_t wrap(uint32_t x) const { return static_cast<uint32_t>(sign_extend(x, acc_bits_)); }

    // Decoding: `in` holds what is stored, `out` gets the cycle; encoding the other way round.
    template <bool Decoding>
    void walk(const std::vector<uint32_t>& prev, const std::vector<uint32_t>& in, std::vector<uint32_t>& out) const {
        out.resize(in.size());
        auto now = [&](size_t f) { return Decoding ? out[f] : in[f]; };   // a field settled this cycle
        auto settle = [&](size_t f, uint32_t guess) { out[f] = Decoding ? in[f] + guess : in[f] - guess; };
        // The header and the ports are guessed as they were: a counter or an address that moves
        // by a constant stride then stores the same difference each cycle, which costs nothing.
        const size_t ports = kHeader + static_cast<size_t>(rows_) * cols_ * kPerPe;
        for (size_t f = 0; f < kHeader; ++f) settle(f, prev[f]);
        for (size_t f = ports; f < in.size(); ++f) settle(f, prev[f]);
        // In preload the stationary operands move down a row and everything else is cleared.
        const bool preload = now(kPhase) == static_cast<uint32_t>(Phase::Preload);
        for (unsigned i = 0; i < rows_; ++i) {
            for (unsigned j = 0; j < cols_; ++j) {
                const unsigned left = j > 0 ? j - 1 : j, above = preload && i > 0 ? i - 1 : i;
                settle(at(i, j, kH), preload ? 0 : prev[at(i, left, kH)]);
                settle(at(i, j, kHv), preload ? 0 : prev[at(i, left, kHv)]);
                settle(at(i, j, kW), prev[at(above, j, kW)]);
                settle(at(i, j, kWv), prev[at(above, j, kWv)]);
            }
        }
        for (unsigned i = 0; i < rows_; ++i) {
            for (unsigned j = 0; j < cols_; ++j) {
                const uint32_t h = now(at(i, j, kH));
                if (os_) {
                    const unsigned up = i > 0 ? i - 1 : i;
                    settle(at(i, j, kV), prev[at(up, j, kV)]);
                    settle(at(i, j, kVv), prev[at(up, j, kVv)]);
                    settle(at(i, j, kAcc), wrap(prev[at(i, j, kAcc)] + h * now(at(i, j, kV))));
                    settle(at(i, j, kMac), now(at(i, j, kHv)) & now(at(i, j, kVv)));
                } else if (preload) {
                    for (Field f : {kV, kVv, kMac}) settle(at(i, j, f), 0);
                    settle(at(i, j, kAcc), prev[at(i, j, kAcc)]);
                } else {
                    const uint32_t above = i > 0 ? prev[at(i - 1, j, kV)] : 0;
                    settle(at(i, j, kV), wrap(above + h * now(at(i, j, kW))));
                    settle(at(i, j, kVv), i > 0 ? prev[at(i - 1, j, kVv)] : now(at(0, j, kHv)));
                    settle(at(i, j, kAcc), prev[at(i, j, kAcc)]);
                    settle(at(i, j, kMac), now(at(i, j, kHv)) & now(at(i, j, kWv)));
                }
            }
        }
    }

    unsigned rows_, cols_, acc_bits_;
    bool os_;
};

}  // namespace

std::shared_ptr<const FieldTransform> transform_for(const nlohmann::json& meta, size_t fields) {
    const std::string predictor = meta.value("predictor", "");
    if (predictor.empty()) return nullptr;
    if (predictor != kSystolicPredictor) throw Error("unknown predictor '" + predictor + "' (a newer Lockstep wrote this?)");
    ArrayShape shape;
    shape.rows = meta.value("rows", 0u);
    shape.cols = meta.value("cols", 0u);
    shape.acc_bits = meta.value("acc_bits", shape.acc_bits);
    if (shape.rows == 0 || shape.cols == 0 || shape.acc_bits == 0 || shape.acc_bits > 32 ||
        systolic_field_count(shape) != fields) {
        throw Error("the header's array shape does not match its field count");
    }
    return std::make_shared<SystolicPredictor>(shape, meta.value("dataflow", "") == "os");
}

// The reader checked its header when it opened the file (trace_header.h).
GpuConfig gpu_config_of(const StateReader& reader) { return gpu_header(reader.meta()); }

systolic::ArrayShape array_shape_of(const StateReader& reader) { return array_header(reader.meta()); }

}  // namespace lockstep::trace
