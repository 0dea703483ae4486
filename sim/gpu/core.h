// Compute core: fetcher, decoder, scheduler, and per thread slot ALU, LSU, registers, PC.
#pragma once

#include "common/config.h"
#include "gpu/alu.h"
#include "gpu/decoder.h"
#include "gpu/fetcher.h"
#include "gpu/lsu.h"
#include "gpu/pc.h"
#include "gpu/registers.h"
#include "gpu/scheduler.h"
#include "gpu/tensor_core.h"

#include <memory>
#include <vector>

namespace lockstep::gpu {

// The four per-thread units of one slot.
struct ThreadSlot {
    std::unique_ptr<Alu> alu;
    std::unique_ptr<Lsu> lsu;
    std::unique_ptr<Registers> registers;
    std::unique_ptr<Pc> pc;
};

class Core : public sc_core::sc_module {
public:
    Fetcher fetcher;
    Decoder decoder;
    Scheduler scheduler;
    std::vector<ThreadSlot> threads;
    std::unique_ptr<TensorCore> tensor;   // when the config has a tensor core

    Core(const sc_core::sc_module_name& name, const GpuConfig& config);

    // `data`: the LSU port registers' responses for this core's slots; `tile`: the memory's
    // answer on the tensor core's tile port.
    void evaluate(bool reset, bool start, uint32_t block_id, uint32_t thread_count,
                  const MemResponse& program, const MemResponse* data, const MemResponse& tile);
    void commit();

private:
    std::vector<uint32_t> next_pcs_;   // scratch: every slot's next PC
    std::vector<uint32_t> rs_, rt_;    // scratch: every slot's operands, for the tensor core
};

}  // namespace lockstep::gpu
