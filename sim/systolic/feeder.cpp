#include "systolic/feeder.h"

namespace lockstep::systolic {

Feeder::Feeder(const sc_core::sc_module_name& name, const ArrayShape& shape)
    : sc_core::sc_module(name),
      left(shape.rows),
      top(shape.cols),
      rows_(shape.rows),
      cols_(shape.cols),
      addr_mask_(static_cast<uint32_t>((1ull << shape.buffer_addr_bits) - 1)) {}

void Feeder::evaluate(const ControllerRegs& c, const Mapping& map, const std::vector<int32_t>& a,
                      const std::vector<int32_t>& b, const ArrayWindow& window) {
    for (EdgePort& p : left) p = EdgePort{};
    for (EdgePort& p : top) p = EdgePort{};
    if (c.state != SaState::Run) return;
    const uint32_t K = c.size.k, N = c.size.n;
    auto read = [&](EdgePort& port, uint32_t addr, const std::vector<int32_t>& buffer) {
        port.valid = true;
        port.addr = ((&buffer == &a ? window.a_base : window.b_base) + addr) & addr_mask_;
        port.data = buffer[port.addr];
    };
    if (c.t >= map.preload) {   // streaming: vector v = s - i enters row i
        const uint32_t s = c.t - map.preload;
        for (uint32_t i = 0; i < rows_ && i <= s; ++i) {
            const uint32_t v = s - i, row = c.r0 + i;
            if (v >= map.stream || row >= map.rows_dim) continue;
            switch (c.dataflow) {
            case Dataflow::Os: read(left[i], row * K + v, a); break;
            case Dataflow::Ws: read(left[i], v * K + row, a); break;
            case Dataflow::Is: read(left[i], row * N + v, b); break;
            }
        }
    }
    if (c.dataflow == Dataflow::Os) {   // B operand enters column j from the top, skewed by j
        for (uint32_t j = 0; j < cols_ && j <= c.t; ++j) {
            const uint32_t v = c.t - j, col = c.c0 + j;
            if (v < K && col < N) read(top[j], v * N + col, b);
        }
    } else if (c.t < map.preload) {     // preload: stationary row r0 + (R-1-t) enters at the top
        const uint32_t kk = c.r0 + (rows_ - 1 - c.t);
        if (kk >= K) return;
        for (uint32_t j = 0; j < cols_; ++j) {
            const uint32_t col = c.c0 + j;
            if (col >= map.cols_dim) continue;
            if (c.dataflow == Dataflow::Ws) {
                read(top[j], kk * N + col, b);
            } else {
                read(top[j], col * K + kk, a);
            }
        }
    }
}

}  // namespace lockstep::systolic
