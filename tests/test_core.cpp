// Core (sim/gpu/core, rtl/gpu/core.sv) with one warp: fetcher, decoder, scheduler and the per-slot units
// stepping a block through a program, here with program and data ports answered directly
// (no memory controller): FETCH takes 3 cycles, an instruction 8, an LDR 2 more.
#include "gpu/core.h"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::gpu {
namespace {

// One core of 4 slots; memories that answer a request in the cycle it appears.
class CoreTest : public ::testing::Test {
protected:
    GpuConfig config;   // threads_per_block 4, data_width 8, program_addr_bits 8
    Core core{"core", config, 0};
    Warp& warp = core.warps.at(0);   // one warp a core
    std::vector<uint16_t> program;
    std::vector<uint32_t> data = std::vector<uint32_t>(256, 0);
    std::vector<CoreState> states;   // the scheduler state of each cycle

    void clock(uint32_t block_id, uint32_t thread_count, bool reset = false) {
        states.push_back(warp.scheduler->q.state);
        MemResponse fetch;
        fetch.read_ready = core.fetcher.q.read_valid;
        fetch.read_data = fetch.read_ready ? program.at(core.fetcher.q.read_address) : 0;
        std::vector<MemResponse> loads(config.threads_per_block);
        for (unsigned t = 0; t < loads.size(); ++t) {
            const MemRequest& r = warp.threads[t].lsu->q.request;
            loads[t].read_ready = r.read_valid;
            loads[t].read_data = r.read_valid ? data.at(r.read_address) : 0;
        }
        DispatcherState dispatch;   // the core's one context: started, with this block
        dispatch.core_start = {true};
        dispatch.core_reset = {false};
        dispatch.core_block_id = {block_id};
        dispatch.core_thread_count = {thread_count};
        core.evaluate(reset, dispatch, fetch, loads.data(), MemResponse{});
        core.commit();
    }
    const RegisterFile& regs(unsigned t) const { return warp.threads[t].registers->q; }
};

using C = CoreState;
// One instruction without memory: FETCH x3 (request, answer, fetched), then one cycle each.
const std::vector<CoreState> kInstruction = {C::Fetch, C::Fetch, C::Fetch, C::Decode,
                                              C::Request, C::Wait, C::Execute, C::Update};

TEST_F(CoreTest, RunsAProgramOnTheEnabledSlots) {
    program = {0x9007,    // CONST R0, #7
               0x310F,    // ADD R1, R0, %threadIdx
               0xF000};   // RET
    for (unsigned cycle = 0; cycle < 27; ++cycle) clock(5, 3);
    std::vector<CoreState> expected = {C::Idle};
    for (int i = 0; i < 3; ++i) expected.insert(expected.end(), kInstruction.begin(), kInstruction.end());
    expected.push_back(C::Done);
    expected.push_back(C::Done);
    EXPECT_EQ(states, expected);
    EXPECT_TRUE(warp.scheduler->q.done);
    EXPECT_FALSE(warp.scheduler->q.diverged);
    EXPECT_EQ(warp.scheduler->q.pc, 2u);
    for (unsigned t = 0; t < 3; ++t) {
        EXPECT_EQ(regs(t).regs[0], 7u) << "slot " << t;
        EXPECT_EQ(regs(t).regs[1], 7u + t) << "slot " << t;
        EXPECT_EQ(regs(t).regs[13], 5u) << "slot " << t;
    }
    EXPECT_EQ(regs(3).regs[0], 0u) << "slot 3 is disabled (3 threads)";
    EXPECT_EQ(regs(3).regs[1], 0u);
    EXPECT_EQ(regs(3).regs[13], 0u);
    EXPECT_EQ(regs(3).regs[15], 3u);
}

TEST_F(CoreTest, ALoadWaitsForEveryEnabledSlot) {
    program = {0x900F,    // CONST R0, #15
               0x7110,    // LDR R1, R1: R1 is still 0, so every slot reads word 0
               0x72F0,    // LDR R2, %threadIdx
               0xF000};   // RET
    data[0] = 42;
    data[1] = 11;
    data[2] = 12;
    data[3] = 13;
    for (unsigned cycle = 0; cycle < 40; ++cycle) clock(0, 4);
    // LDR: REQUEST, then WAIT while the LSUs are REQUESTING and WAITING, then once more.
    const std::vector<CoreState> load = {C::Fetch, C::Fetch, C::Fetch, C::Decode, C::Request,
                                         C::Wait,  C::Wait,  C::Wait,  C::Execute, C::Update};
    std::vector<CoreState> expected = {C::Idle};
    expected.insert(expected.end(), kInstruction.begin(), kInstruction.end());
    expected.insert(expected.end(), load.begin(), load.end());
    expected.insert(expected.end(), load.begin(), load.end());
    expected.insert(expected.end(), kInstruction.begin(), kInstruction.end());
    expected.resize(40, C::Done);
    EXPECT_EQ(states, expected);
    for (unsigned t = 0; t < 4; ++t) {
        EXPECT_EQ(regs(t).regs[1], 42u) << "slot " << t;
        EXPECT_EQ(regs(t).regs[2], t == 0 ? 42u : 10u + t) << "slot " << t;
        EXPECT_EQ(warp.threads[t].lsu->q.state, LsuState::Idle) << "slot " << t;
    }
}

TEST_F(CoreTest, ResetPutsEveryUnitBack) {
    program = {0x9007, 0xF000};
    for (unsigned cycle = 0; cycle < 12; ++cycle) clock(2, 4);
    ASSERT_EQ(regs(0).regs[0], 7u);
    clock(2, 1, /*reset=*/true);
    EXPECT_EQ(warp.scheduler->q.state, C::Idle);
    EXPECT_EQ(warp.scheduler->q.pc, 0u);
    EXPECT_EQ(core.fetcher.q.state, FetcherState::Idle);
    EXPECT_EQ(warp.instruction->q.instruction, 0);
    EXPECT_FALSE(warp.decoder->q.reg_write);
    for (unsigned t = 0; t < 4; ++t) {
        EXPECT_EQ(regs(t).regs[0], 0u) << "slot " << t << ": reset reaches disabled slots too";
        EXPECT_EQ(regs(t).regs[13], 0u) << "slot " << t;
        EXPECT_EQ(warp.threads[t].pc->q.next_pc, 0u) << "slot " << t;
        EXPECT_EQ(warp.threads[t].alu->q.out, 0u) << "slot " << t;
    }
}

}  // namespace
}  // namespace lockstep::gpu
