#include "systolic/output_writer.h"

namespace lockstep::systolic {

OutputWriter::OutputWriter(const sc_core::sc_module_name& name, const ArrayShape& shape)
    : sc_core::sc_module(name),
      out(shape.cols),
      rows_(shape.rows),
      cols_(shape.cols),
      acc_bits_(shape.acc_bits),
      addr_mask_(static_cast<uint32_t>((1ull << shape.buffer_addr_bits) - 1)) {
    clear();
}

void OutputWriter::clear() {
    q = WriterRegs{};
    q.shadow.assign(static_cast<size_t>(rows_) * cols_, 0);
}

// Wrapping sum at the accumulator width.
int32_t OutputWriter::add(int32_t x, int32_t y) const {
    return sign_extend(static_cast<uint32_t>(x) + static_cast<uint32_t>(y), acc_bits_);
}

void OutputWriter::evaluate(const ControllerRegs& ctrl, const Mapping& map, bool last_cycle, PeArray& array,
                            std::vector<int32_t>& c, const ArrayWindow& window) {
    for (EdgePort& p : out) p = EdgePort{};
    const uint32_t M = ctrl.size.m, N = ctrl.size.n;
    const bool running = ctrl.state == SaState::Run || ctrl.state == SaState::Drain;
    if (running && q.drain_active) {   // os: one shadow row per cycle
        const uint32_t row = q.drain_r0 + q.drain_row;
        for (uint32_t j = 0; j < cols_ && row < M; ++j) {
            const uint32_t col = q.drain_c0 + j;
            if (col >= N) continue;
            const uint32_t addr = (window.c_base + row * N + col) & addr_mask_;
            const int32_t value = q.shadow[q.drain_row * cols_ + j];
            out[j] = EdgePort{true, addr, window.accumulate ? add(value, c[addr]) : value};
        }
    }
    if (ctrl.state == SaState::Run && ctrl.dataflow != Dataflow::Os && ctrl.t >= map.preload) {
        const uint32_t s = ctrl.t - map.preload;
        const int32_t* bottom = array.v.data() + static_cast<size_t>(rows_ - 1) * cols_;
        for (uint32_t j = 0; j < cols_; ++j) {
            if (s < (rows_ - 1) + j) continue;
            const uint32_t u = s - (rows_ - 1) - j, col = ctrl.c0 + j;
            if (u >= map.stream || col >= map.cols_dim) continue;
            const uint32_t addr = (window.c_base + (ctrl.dataflow == Dataflow::Ws ? u * N + col : col * N + u)) & addr_mask_;
            const bool later_k = ctrl.r0 > 0 || window.accumulate;   // adds to what earlier K tiles wrote
            out[j] = EdgePort{true, addr, later_k ? add(bottom[j], c[addr]) : bottom[j]};
        }
    }
    out_valid = 0;
    for (const EdgePort& p : out) {
        if (p.valid) c[p.addr] = p.data;
        out_valid += p.valid;
    }
    // Drain registers: advance, and a finished os fold starts a new drain.
    if (running && q.drain_active) {
        if (q.drain_row + 1 == rows_) {
            q.drain_active = false;
            q.drain_row = 0;
        } else {
            ++q.drain_row;
        }
    }
    if (last_cycle && ctrl.dataflow == Dataflow::Os) {
        array.take_accumulators(q.shadow);
        q.drain_active = true;
        q.drain_row = 0;
        q.drain_r0 = ctrl.r0;
        q.drain_c0 = ctrl.c0;
    }
}

}  // namespace lockstep::systolic
