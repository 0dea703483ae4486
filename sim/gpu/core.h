// Compute core: a fetcher and a warp scheduler shared by its resident warps, and per warp a
// decoder, a scheduler, instruction registers and, per thread slot, ALU, LSU, registers and PC
// (docs/architecture.md, "core" and "Warps"). With one warp a core, as tiny-gpu.
#pragma once

#include "common/config.h"
#include "gpu/alu.h"
#include "gpu/decoder.h"
#include "gpu/dispatcher.h"
#include "gpu/fetcher.h"
#include "gpu/lsu.h"
#include "gpu/pc.h"
#include "gpu/registers.h"
#include "gpu/scheduler.h"
#include "gpu/tensor_core.h"
#include "gpu/warp_scheduler.h"

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

// A warp's instruction registers, written by the core's fetcher for the warp that owns it.
struct InstructionRegs {
    uint16_t instruction = 0;
    uint32_t reconv = 0;           // the word's reconvergence field (divergence; 0 without it)
};

class InstructionRegister : public Unit<InstructionRegs> {
public:
    explicit InstructionRegister(const sc_core::sc_module_name& name) : Unit(name) {}
    // evaluate() would keep the state as it is (the core then skips it: clock gating).
    static bool holds(bool reset, bool load) { return !reset && !load; }
    void evaluate(bool reset, bool load, uint32_t word) {
        d_ = reset ? InstructionRegs{} : q;
        if (!reset && load) d_ = {static_cast<uint16_t>(word), word >> 16};
    }
};

// One resident warp: a block's threads with their own state. Warp 0's units keep the names
// they had before warps (scheduler, thread0_alu, ...); warp w > 0's are prefixed "warp<w>_".
struct Warp {
    std::unique_ptr<InstructionRegister> instruction;
    std::unique_ptr<Decoder> decoder;
    std::unique_ptr<Scheduler> scheduler;
    std::vector<ThreadSlot> threads;
};

class Core : public sc_core::sc_module {
public:
    Fetcher fetcher;
    WarpScheduler warp_scheduler;
    std::vector<Warp> warps;
    std::unique_ptr<TensorCore> tensor;   // when the config has a tensor core (then one warp)

    Core(const sc_core::sc_module_name& name, const GpuConfig& config, unsigned index);

    // `dispatch`: the dispatcher's registers, per warp context x = w * cores + index;
    // `data`: the LSU port registers' responses, per context lane; `tile`: the memory's answer
    // on the tensor core's tile port.
    void evaluate(bool reset, const DispatcherState& dispatch, const MemResponse& program, const MemResponse* data,
                  const MemResponse& tile);
    void commit();
    // Sets a register of warp `warp`'s thread slot `thread` from outside (fault injection).
    void overwrite_register(unsigned warp, unsigned thread, unsigned reg, uint32_t value);

    unsigned warp_count() const { return warp_count_; }   // warps.size()
    // Warp w's context index in the dispatcher and the snapshot.
    unsigned context(unsigned w) const { return w * cores_ + index_; }
    // Warp w's thread slots (bit t = slot t) whose units changed at the last commit: the
    // others hold what they held before it (clock gating), so a register stage that copies
    // their outputs at every edge may skip them (Gpu::observe_next()); and those whose LSU
    // changed (Gpu::edge, the LSU port registers).
    uint32_t slots_changed(unsigned w) const { return notes_[w].committed.any(); }
    uint32_t lsus_changed(unsigned w) const { return notes_[w].committed.lsu; }
    // Some warp's scheduler stopped its block: it diverged (without divergence support) or
    // overflowed its reconvergence stack (kept at each commit).
    bool stopped() const { return stopped_ != 0; }
    // Warp w's thread slots whose LSU is requesting or waiting (bit t = slot t), how many
    // they are, and how many are requesting (kept at each commit: the counters read them
    // every edge).
    uint32_t lsu_busy(unsigned w) const { return notes_[w].slots.lsu_busy; }
    uint32_t lsu_busy_count(unsigned w) const { return notes_[w].slots.lsu_busy_count; }
    uint32_t lsu_requesting_count(unsigned w) const { return notes_[w].slots.lsu_requesting_count; }

private:
    // A warp's slots whose units evaluate at an edge, per unit (bit t = slot t); the others hold.
    struct Clocked {
        uint32_t alu = 0, lsu = 0, registers = 0, pc = 0;
        bool reset = false;            // the warp was in reset
        uint32_t any() const { return alu | lsu | registers | pc; }
    };
    // What a warp's slots' registers hold, kept at each commit (bit t = slot t), so that the
    // units that change at an edge are known without visiting the slots. The slots start in
    // their reset state: LSUs idle, %blockIdx 0 as block_at.
    struct SlotSummary {
        uint32_t lsu_busy = 0;         // the LSU is requesting or waiting
        uint32_t lsu_done = 0;         // the LSU is in DONE
        uint32_t lsu_requesting = 0;   // the LSU is requesting
        uint32_t lsu_busy_count = 0, lsu_requesting_count = 0;   // their set bits (count_lsus())
        uint32_t block_stale = 0;      // %blockIdx differs from block_at
        uint32_t block_at = 0;         // the block id they were last compared with, the dispatcher's
        void note(const ThreadSlot& slot, unsigned t);   // slot t's bits
        void note_lsu(LsuState lsu, unsigned t);         // slot t's LSU bits
        void count_lsus();
    };

    // The units of a warp's front end evaluated at an edge (WarpNotes::front).
    static constexpr uint32_t kInstruction = 1, kDecoder = 2, kScheduler = 4;
    // What the core keeps of each warp between evaluate() and commit(), and across edges.
    struct WarpNotes {
        bool lanes_busy = false;       // scratch: an active LSU in flight
        bool settled = false;          // held in reset at the last edge, slots reset
        uint32_t front = 0;            // the front-end units evaluated at this edge (kInstruction...)
        Clocked evaluated;             // the slots' units evaluated at this edge
        Clocked committed;             // and those committed at the last edge
        SlotSummary slots;
    };

    unsigned index_, cores_, tpb_, warp_count_;
    std::vector<uint32_t> next_pcs_;        // scratch: a warp's slots' next PCs
    std::vector<uint32_t> rs_, rt_;         // scratch: every slot's operands, for the tensor core
    std::vector<WarpRequest> requests_;     // scratch: what the warp scheduler reads
    std::vector<WarpNotes> notes_;          // per warp
    // The units evaluated at this edge (the others hold and are not committed), besides the
    // warps' (WarpNotes): the fetcher and the warp scheduler.
    bool fetcher_clocked_ = false, warp_scheduler_clocked_ = false;
    unsigned stopped_ = 0;                  // warps whose scheduler is diverged or overflowed
};

}  // namespace lockstep::gpu
