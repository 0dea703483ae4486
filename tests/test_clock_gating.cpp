// Clock gating (sim/gpu/core.cpp, Gpu::edge): the core and the GPU skip a unit on an edge where
// its holds(), clocked() or keeps() says evaluate() would keep its state. Each claim is checked
// here against the unit itself, over every state and every input that matters: wherever a unit
// is said to hold, evaluating and committing it must leave its registers as they were. A claim
// too wide (a unit skipped that would have changed) fails; a narrower one only costs time.
#include "common/isa.h"
#include "gpu/alu.h"
#include "gpu/dcr.h"
#include "gpu/fetcher.h"
#include "gpu/lsu.h"
#include "gpu/pc.h"
#include "gpu/registers.h"
#include "gpu/scheduler.h"
#include "gpu/warp_scheduler.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::gpu {
namespace {

using testing::edge;

const std::vector<CoreState> kCoreStates = {CoreState::Idle,    CoreState::Fetch,  CoreState::Decode,
                                            CoreState::Request, CoreState::Wait,   CoreState::Execute,
                                            CoreState::Update,  CoreState::Done};

// The instructions whose control bits the units read: an ALU op, CMP, a taken-able branch, a
// constant, LDR and STR.
std::vector<DecodedInstruction> instructions() {
    DecodedInstruction add, cmp, branch, constant, ldr, str;
    add.reg_write = true;
    add.rd = 2;
    add.rs = 13;
    add.rt = 14;
    cmp.alu_cmp = true;
    cmp.nzp_write = true;
    cmp.rs = 14;
    cmp.rt = 15;
    branch.pc_branch = true;
    branch.nzp = 7;
    branch.imm = 9;
    constant.reg_write = true;
    constant.reg_input = RegInput::Const;
    constant.rd = 3;
    constant.imm = 77;
    ldr.reg_write = true;
    ldr.reg_input = RegInput::Lsu;
    ldr.mem_read = true;
    ldr.rd = 4;
    str.mem_write = true;
    return {add, cmp, branch, constant, ldr, str};
}

std::vector<MemResponse> answers() {
    MemResponse none, read, write;
    read.read_ready = true;
    read.read_data = 55;
    write.write_ready = true;
    return {none, read, write};
}

bool same(const LsuRegs& a, const LsuRegs& b) { return a.state == b.state && a.out == b.out && a.request == b.request; }
bool same(const RegisterFile& a, const RegisterFile& b) { return a.regs == b.regs && a.rs == b.rs && a.rt == b.rt; }
bool same(const PcState& a, const PcState& b) { return a.nzp == b.nzp && a.next_pc == b.next_pc; }
bool same(const FetcherRegs& a, const FetcherRegs& b) {
    return a.state == b.state && a.read_valid == b.read_valid && a.read_address == b.read_address;
}
bool same(const SchedulerState& a, const SchedulerState& b) {
    return a.state == b.state && a.pc == b.pc && a.done == b.done && a.diverged == b.diverged && a.sp == b.sp &&
           a.overflow == b.overflow && a.stack == b.stack;
}
bool same(const WarpSchedulerState& a, const WarpSchedulerState& b) {
    return a.owner_valid == b.owner_valid && a.owner == b.owner && a.last == b.last;
}

TEST(ClockGating, AluHoldsOutsideItsClockedSlots) {
    unsigned held = 0;
    for (CoreState s : kCoreStates) {
        for (const DecodedInstruction& d : instructions()) {
            for (bool enable : {false, true}) {
                Alu alu("alu", 8);
                alu.overwrite(AluState{123});
                if (Alu::clocked(enable ? 1u : 0u, s) & 1u) continue;
                edge(alu, false, enable, s, d, 3u, 5u);
                EXPECT_EQ(alu.q.out, 123u) << name(s) << " enable " << enable;
                ++held;
            }
        }
    }
    EXPECT_EQ(held, 6u * (8 + 7)) << "a disabled slot always holds, an enabled one outside EXECUTE";
}

TEST(ClockGating, PcHoldsOutsideItsClockedSlots) {
    unsigned held = 0;
    for (CoreState s : kCoreStates) {
        for (const DecodedInstruction& d : instructions()) {
            for (bool enable : {false, true}) {
                Pc pc("pc", 8);
                pc.overwrite(PcState{2, 40});
                if (Pc::clocked(enable ? 1u : 0u, s, d) & 1u) continue;
                const PcState before = pc.q;
                edge(pc, false, enable, s, d, 5u, 17u);
                EXPECT_TRUE(same(pc.q, before)) << name(s) << " enable " << enable;
                ++held;
            }
        }
    }
    EXPECT_GT(held, 0u);
}

TEST(ClockGating, RegistersHoldOutsideTheirClockedSlots) {
    unsigned held = 0;
    for (CoreState s : kCoreStates) {
        for (const DecodedInstruction& d : instructions()) {
            for (bool enable : {false, true}) {
                for (uint32_t block : {0u, 6u}) {   // the slot's %blockIdx is 0: stale for block 6
                    Registers regs("registers", 4, 1);
                    RegisterFile file = regs.q;
                    file.regs[2] = 9;
                    file.rs = 4;
                    file.rt = 8;
                    regs.overwrite(file);
                    const uint32_t stale = regs.q.regs[isa::kBlockIdx] != block ? 1u : 0u;
                    if (Registers::clocked(enable ? 1u : 0u, s, stale) & 1u) continue;
                    edge(regs, false, enable, block, s, d, 11u, 12u);
                    EXPECT_TRUE(same(regs.q, file)) << name(s) << " enable " << enable << " block " << block;
                    ++held;
                }
            }
        }
    }
    EXPECT_GT(held, 0u);
}

// Every LSU state, reached through the unit itself: IDLE, then an LDR's REQUESTING, WAITING and DONE.
std::vector<LsuRegs> lsu_states() {
    std::vector<LsuRegs> out;
    Lsu lsu("lsu");
    out.push_back(lsu.q);
    const DecodedInstruction ldr = instructions()[4];
    edge(lsu, false, true, CoreState::Request, ldr, 7u, 0u, MemResponse{});
    out.push_back(lsu.q);
    edge(lsu, false, true, CoreState::Wait, ldr, 7u, 0u, MemResponse{});
    out.push_back(lsu.q);
    edge(lsu, false, true, CoreState::Wait, ldr, 7u, 0u, answers()[1]);
    out.push_back(lsu.q);
    return out;
}

TEST(ClockGating, LsuHoldsOutsideItsClockedSlots) {
    const std::vector<LsuRegs> states = lsu_states();
    ASSERT_EQ(states.size(), 4u);
    ASSERT_EQ(states[3].state, LsuState::Done);
    unsigned held = 0;
    for (const LsuRegs& start : states) {
        for (CoreState s : kCoreStates) {
            for (const DecodedInstruction& d : instructions()) {
                for (const MemResponse& memory : answers()) {
                    for (bool enable : {false, true}) {
                        Lsu lsu("lsu");
                        lsu.overwrite(start);
                        const uint32_t busy = lsu_busy(start.state) ? 1u : 0u;
                        const uint32_t done = start.state == LsuState::Done ? 1u : 0u;
                        if (Lsu::clocked(enable ? 1u : 0u, s, d, busy, done) & 1u) continue;
                        edge(lsu, false, enable, s, d, 7u, 8u, memory);
                        EXPECT_TRUE(same(lsu.q, start)) << name(start.state) << " in " << name(s) << " enable " << enable;
                        ++held;
                    }
                }
            }
        }
    }
    EXPECT_GT(held, 0u);
}

TEST(ClockGating, FetcherHoldsWhereItSaysSo) {
    unsigned held = 0;
    for (FetcherState f : {FetcherState::Idle, FetcherState::Fetching, FetcherState::Fetched}) {
        for (CoreState s : kCoreStates) {
            for (const MemResponse& memory : answers()) {
                for (bool reset : {false, true}) {
                    Fetcher fetcher("fetcher");
                    fetcher.overwrite(FetcherRegs{f, f == FetcherState::Fetching, 21});
                    if (!fetcher.holds(reset, s, memory)) continue;
                    const FetcherRegs before = fetcher.q;
                    edge(fetcher, reset, s, 30u, memory);
                    EXPECT_TRUE(same(fetcher.q, before)) << name(f) << " in " << name(s);
                    ++held;
                }
            }
        }
    }
    EXPECT_GT(held, 0u);
}

TEST(ClockGating, SchedulerHoldsWhereItSaysSo) {
    unsigned held = 0;
    for (unsigned depth : {0u, 2u}) {
        for (CoreState s : kCoreStates) {
            for (FetcherState f : {FetcherState::Idle, FetcherState::Fetching, FetcherState::Fetched}) {
                for (unsigned inputs = 0; inputs < 16; ++inputs) {   // reset, start, lsu_busy, may_issue
                    const bool reset = inputs & 1, start = inputs & 2, lsu_busy = inputs & 4, may_issue = inputs & 8;
                    Scheduler scheduler("scheduler", depth, 8);
                    SchedulerState state = scheduler.q;
                    state.state = s;
                    state.pc = 5;
                    state.sp = depth != 0 ? 1 : 0;
                    if (depth != 0) state.stack[0] = StackEntry{5, 256, 0xF};
                    scheduler.overwrite(state);
                    if (!scheduler.holds(reset, start, f, lsu_busy, may_issue)) continue;
                    edge(scheduler, reset, start, f, false, lsu_busy, may_issue, 0xFu, std::vector<uint32_t>(4, 6),
                         0u);
                    EXPECT_TRUE(same(scheduler.q, state)) << name(s) << " " << name(f) << " inputs " << inputs;
                    ++held;
                }
            }
        }
    }
    EXPECT_GT(held, 0u);
}

TEST(ClockGating, WarpSchedulerKeepsWhereItSaysSo) {
    unsigned kept = 0;
    for (bool owner_valid : {false, true}) {
        for (CoreState s : kCoreStates) {
            for (bool memory_op : {false, true}) {
                WarpScheduler ws("warp_scheduler", 2, WarpScheduler::Policy::RoundRobin);
                ws.overwrite(WarpSchedulerState{owner_valid, 1, 1});
                if (!ws.keeps(s, memory_op)) continue;
                // The other warp is ready to go: a scheduler that did not keep its owner would pick it.
                std::vector<WarpRequest> requests(2);
                requests[0].state = CoreState::Fetch;
                requests[1].state = s;
                requests[1].memory_op = memory_op;
                requests[1].to_fetch = true;
                const WarpSchedulerState before = ws.q;
                ws.evaluate(false, requests);
                ws.commit();
                EXPECT_TRUE(same(ws.q, before)) << name(s) << " memory op " << memory_op;
                ++kept;
            }
        }
    }
    EXPECT_EQ(kept, 8u * 2 - 3) << "an owner keeps the front end but in UPDATE and in an LDR's or STR's REQUEST";
}

TEST(ClockGating, DcrHoldsUnlessWrittenOrReset) {
    for (bool reset : {false, true}) {
        for (bool write : {false, true}) {
            Dcr dcr("dcr");
            dcr.overwrite(DcrState{12});
            if (!Dcr::holds(reset, write)) continue;
            edge(dcr, reset, write, uint8_t{40});
            EXPECT_EQ(dcr.q.thread_count, 12u);
        }
    }
}

}  // namespace
}  // namespace lockstep::gpu
