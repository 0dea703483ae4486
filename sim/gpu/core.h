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

    Core(const sc_core::sc_module_name& name, const GpuConfig& config);

    // `data`: the LSU port registers' responses for this core's slots.
    void evaluate(bool reset, bool start, uint32_t block_id, uint32_t thread_count,
                  const MemResponse& program, const MemResponse* data);
    void commit();

private:
    std::vector<uint32_t> next_pcs_;   // scratch: enabled threads' next PCs
};

}  // namespace lockstep::gpu
