#include "gpu/tensor_core.h"

#include "common/bits.h"

#include <algorithm>

namespace lockstep::gpu {

namespace {

systolic::ArrayShape grid_shape(const GpuConfig& c) {
    const TensorCoreConfig& tc = c.tensor_core;
    // Buffer addresses reach R*max(R, C) words: 16 bits hold every allowed shape.
    return systolic::ArrayShape{tc.rows, tc.cols, tc.in_bits, tc.acc_bits, 16};
}

systolic::Dataflow dataflow_of(const TensorCoreConfig& tc) {
    return systolic::dataflow_from_name(tc.dataflow).value_or(systolic::Dataflow::Os);
}

// A TMMA is the GEMM M = R, K = R, N = C.
systolic::GemmSize tile_gemm(const TensorCoreConfig& tc) { return systolic::GemmSize{tc.rows, tc.rows, tc.cols}; }

}  // namespace

TensorCore::TensorCore(const sc_core::sc_module_name& name, const GpuConfig& config)
    : Unit(name),
      rows_(config.tensor_core.rows),
      cols_(config.tensor_core.cols),
      in_bits_(config.tensor_core.in_bits),
      acc_bits_(config.tensor_core.acc_bits),
      data_bits_(config.data_width),
      data_addr_bits_(config.data_addr_bits),
      dataflow_(dataflow_of(config.tensor_core)),
      mapping_(dataflow_, tile_gemm(config.tensor_core), rows_, cols_),
      feeder_("feeder", grid_shape(config)),
      pes_("pes", grid_shape(config)) {
    fold_.state = systolic::SaState::Run;
    fold_.dataflow = dataflow_;
    fold_.size = tile_gemm(config.tensor_core);
    q.a.assign(static_cast<size_t>(rows_) * rows_, 0);
    q.b.assign(static_cast<size_t>(rows_) * cols_, 0);
    q.acc.assign(static_cast<size_t>(rows_) * cols_, 0);
    d_ = q;
}

void TensorCore::evaluate(bool reset, CoreState core_state, const DecodedInstruction& decoded, const uint32_t* rs,
                          const uint32_t* rt, unsigned thread_count, const MemResponse& port) {
    d_ = q;
    reset_ = reset;
    compute_ = false;
    if (reset) {
        d_.state = TcState::Idle;
        d_.op = TcOp::None;
        d_.fault = TcFault::None;
        d_.fault_thread = d_.base = d_.stride = d_.row = d_.col = d_.t = 0;
        d_.read_valid = d_.write_valid = false;
        d_.address = d_.write_data = 0;
        for (auto* tile : {&d_.a, &d_.b, &d_.acc}) std::fill(tile->begin(), tile->end(), 0);
        return;
    }
    switch (q.state) {
    case TcState::Idle:
        if (core_state == CoreState::Request && decoded.tc_op != TcOp::None) {
            d_.op = decoded.tc_op;
            d_.state = TcState::Start;
        }
        break;
    case TcState::Start: start(rs, rt, thread_count); break;
    case TcState::Load: step_tile(port.read_ready, port.read_data); break;
    case TcState::Store: step_tile(port.write_ready, 0); break;
    case TcState::Compute:
        compute_ = true;   // the PE grid and the accumulators move at the edge (commit)
        if (q.t + 1 == mapping_.fold_length) {
            d_.t = 0;
            d_.state = TcState::Done;
        } else {
            d_.t = q.t + 1;
        }
        break;
    case TcState::Done:
        if (core_state == CoreState::Update) d_.state = TcState::Idle;
        break;
    case TcState::Fault: break;
    }
}

void TensorCore::start(const uint32_t* rs, const uint32_t* rt, unsigned thread_count) {
    if (q.op == TcOp::Clr) {
        std::fill(d_.acc.begin(), d_.acc.end(), 0);
        d_.state = TcState::Done;
        return;
    }
    if (q.op == TcOp::Mma) {
        d_.t = 0;
        d_.state = TcState::Compute;
        return;
    }
    const uint64_t width = q.op == TcOp::Lda ? rows_ : cols_;
    for (unsigned t = 1; t < thread_count; ++t) {
        if (rs[t] != rs[0] || rt[t] != rt[0]) {
            d_.fault = TcFault::Operands;
            d_.fault_thread = t;
            d_.state = TcState::Fault;
            return;
        }
    }
    const uint64_t last = static_cast<uint64_t>(rs[0]) + static_cast<uint64_t>(rows_ - 1) * rt[0] + width - 1;
    if (rt[0] < width || last >> data_addr_bits_ != 0) {
        d_.fault = rt[0] < width ? TcFault::Stride : TcFault::Range;
        d_.fault_thread = 0;
        d_.state = TcState::Fault;
        return;
    }
    d_.base = rs[0];
    d_.stride = rt[0];
    d_.row = d_.col = 0;
    d_.address = rs[0];
    if (q.op == TcOp::Stc) {
        d_.write_valid = true;
        d_.write_data = static_cast<uint32_t>(q.acc[0]) & mask_bits(data_bits_);
        d_.state = TcState::Store;
    } else {
        d_.read_valid = true;
        d_.state = TcState::Load;
    }
}

void TensorCore::step_tile(bool answered, uint32_t read_data) {
    if (!answered) return;
    const uint32_t width = q.op == TcOp::Lda ? rows_ : cols_;
    if (q.op != TcOp::Stc) {
        std::vector<int32_t>& tile = q.op == TcOp::Lda ? d_.a : d_.b;
        tile[q.row * width + q.col] = sign_extend(read_data, in_bits_);
    }
    if (q.row + 1 == rows_ && q.col + 1 == width) {
        d_.read_valid = d_.write_valid = false;
        d_.state = TcState::Done;
        return;
    }
    const uint32_t row = q.col + 1 == width ? q.row + 1 : q.row;
    const uint32_t col = q.col + 1 == width ? 0 : q.col + 1;
    d_.row = row;
    d_.col = col;
    d_.address = (q.base + row * q.stride + col) & mask_bits(data_bits_);
    if (q.op == TcOp::Stc) d_.write_data = static_cast<uint32_t>(q.acc[row * cols_ + col]) & mask_bits(data_bits_);
}

void TensorCore::run_fold() {
    using systolic::Dataflow;
    fold_.t = q.t;
    feeder_.evaluate(fold_, mapping_, q.a, q.b);
    const uint32_t preload = mapping_.preload;
    const bool last = q.t + 1 == mapping_.fold_length;
    auto add = [&](int32_t& into, int32_t value) {
        into = sign_extend(static_cast<uint32_t>(into) + static_cast<uint32_t>(value), acc_bits_);
    };
    if (dataflow_ == Dataflow::Os) {
        pes_.step_os(feeder_);
        if (last) {   // the PE accumulators (acc_q plus this cycle's product) go into acc; last_i clears them
            for (size_t p = 0; p < d_.acc.size(); ++p) add(d_.acc[p], pes_.acc[p]);
            std::fill(pes_.acc.begin(), pes_.acc.end(), 0);
        }
        return;
    }
    if (q.t < preload) {
        pes_.step_preload(feeder_);
        return;
    }
    pes_.step_stationary(feeder_);
    const uint32_t s = q.t - preload;
    for (uint32_t j = 0; j < cols_; ++j) {   // partial sums leaving the bottom row
        if (s < rows_ - 1 + j) continue;
        const uint32_t u = s - (rows_ - 1) - j;
        if (u >= mapping_.stream || j >= mapping_.cols_dim) continue;
        const size_t index = dataflow_ == Dataflow::Ws ? u * cols_ + j : j * cols_ + u;
        add(d_.acc[index], pes_.v_row(rows_ - 1)[j]);
    }
}

void TensorCore::commit() {
    if (reset_) {
        pes_.clear();
    } else if (compute_) {
        run_fold();
    }
    Unit::commit();
}

void TensorCore::observe(TensorCoreView& out) const {
    observe_counted(out);
    out.fault_thread = q.fault_thread;
    out.t = q.t;
    out.base = q.base;
    out.stride = q.stride;
    out.a = q.a;
    out.b = q.b;
    out.acc = q.acc;
    pes_.copy_h(out.h);
    pes_.copy_v(out.v);
    out.pacc = pes_.acc;
    out.w = pes_.w;
    pes_.copy_hv(out.hv);
    pes_.copy_vv(out.vv);
    out.wv = pes_.wv;
}

void TensorCore::observe_counted(TensorCoreView& out) const {
    out.state = q.state;
    out.op = q.op;
    out.fault = q.fault;
    out.row = q.row;
    out.col = q.col;
    pes_.copy_mac(out.mac);
}

}  // namespace lockstep::gpu
