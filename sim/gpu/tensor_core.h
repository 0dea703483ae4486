// Tensor core (one per core, docs/architecture.md "Tensor core"): tile buffers, accumulators
// and a tile port to data memory around the systolic array's own PE grid and edge feeder,
// which run one fold of the GEMM acc[R x C] += A[R x R] * B[R x C] per TMMA.
#pragma once

#include "common/config.h"
#include "common/memory.h"
#include "common/unit.h"
#include "gpu/decoder.h"
#include "gpu/gpu_types.h"
#include "systolic/array_controller.h"
#include "systolic/feeder.h"
#include "systolic/pe_array.h"

#include <cstdint>
#include <vector>

namespace lockstep::gpu {

struct TensorCoreRegs {
    TcState state = TcState::Idle;
    TcOp op = TcOp::None;
    TcFault fault = TcFault::None;
    uint32_t fault_thread = 0;
    uint32_t base = 0, stride = 0;     // of the tile being moved
    uint32_t row = 0, col = 0;         // the word being moved
    uint32_t t = 0;                    // cycle of the TMMA's fold
    bool read_valid = false, write_valid = false;   // the tile port's request registers
    uint32_t address = 0, write_data = 0;           // one address for reads and writes
    std::vector<int32_t> a, b, acc;    // tiles R x R and R x C, accumulators R x C
};

class TensorCore : public Unit<TensorCoreRegs> {
public:
    TensorCore(const sc_core::sc_module_name& name, const GpuConfig& config);

    // `rs`, `rt`: every thread slot's registers-unit operands; slots below `thread_count` are enabled.
    void evaluate(bool reset, CoreState core_state, const DecodedInstruction& decoded, const uint32_t* rs,
                  const uint32_t* rt, unsigned thread_count, const MemResponse& port);
    void commit();                     // the edge: registers, and the PE grid when it runs

    // The tile port's request, as the data memory sees it.
    MemRequest request() const {
        MemRequest r;
        r.read_valid = q.read_valid;
        r.read_address = q.address;
        r.write_valid = q.write_valid;
        r.write_address = q.address;
        r.write_data = q.write_data;
        r.write_mask = 1;
        return r;
    }
    // The scheduler waits in StWait while this holds.
    bool busy() const { return q.state != TcState::Idle && q.state != TcState::Done; }
    void observe(TensorCoreView& out) const;
    void observe_counted(TensorCoreView& out) const;   // state, op, fault, row, col, mac bits (fast runs)

    systolic::PeArray& pes() { return pes_; }   // for fault injection (tests of the comparator)

private:
    void start(const uint32_t* rs, const uint32_t* rt, unsigned thread_count);
    void step_tile(bool answered, uint32_t read_data);   // TcLoad/TcStore: next word, or done
    void run_fold();                   // TcCompute at the edge: the PE grid and the accumulators

    unsigned rows_, cols_, in_bits_, acc_bits_, data_bits_, data_addr_bits_;
    systolic::Dataflow dataflow_;
    systolic::Mapping mapping_;
    systolic::ControllerRegs fold_;    // what the feeder reads: a fold with r0 = c0 = 0
    systolic::Feeder feeder_;
    systolic::PeArray pes_;
    bool reset_ = false, compute_ = false;
};

}  // namespace lockstep::gpu
