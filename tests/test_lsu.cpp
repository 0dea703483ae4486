// Load-store unit (sim/gpu/lsu, rtl/gpu/lsu.sv): IDLE -> REQUESTING -> WAITING -> DONE -> IDLE
// for LDR and STR, against a data memory that answers late.
#include "gpu/lsu.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::gpu {
namespace {

using testing::edge;

DecodedInstruction ldr() {
    DecodedInstruction d;
    d.reg_write = true;
    d.reg_input = RegInput::Lsu;
    d.mem_read = true;
    return d;
}

DecodedInstruction str() {
    DecodedInstruction d;
    d.mem_write = true;
    return d;
}

MemResponse read_answer(uint32_t data) {
    MemResponse r;
    r.read_ready = true;
    r.read_data = data;
    return r;
}

MemResponse write_answer() {
    MemResponse r;
    r.write_ready = true;
    return r;
}

using C = CoreState;
using L = LsuState;

// The core as the scheduler walks it for one memory instruction whose answer comes in
// cycle 4: REQUEST, WAIT until the LSU is DONE (cycle 5), EXECUTE, UPDATE, FETCH.
const std::vector<CoreState> kCore = {C::Request, C::Wait, C::Wait, C::Wait,  C::Wait,
                                      C::Wait,    C::Execute, C::Update, C::Fetch};
const std::vector<LsuState> kStates = {L::Idle, L::Requesting, L::Waiting, L::Waiting, L::Waiting,
                                       L::Done, L::Done,       L::Done,    L::Idle};
constexpr unsigned kAnswerCycle = 4;   // the request is on the port from cycle 2: 2 cycles late

TEST(Lsu, ResetValues) {
    Lsu lsu("lsu");
    EXPECT_EQ(lsu.q.state, LsuState::Idle);
    EXPECT_EQ(lsu.q.out, 0u);
    EXPECT_FALSE(lsu.q.request.read_valid);
    EXPECT_EQ(lsu.q.request.read_address, 0u);
    EXPECT_FALSE(lsu.q.request.write_valid);
    EXPECT_EQ(lsu.q.request.write_address, 0u);
    EXPECT_EQ(lsu.q.request.write_data, 0u);
}

TEST(Lsu, LoadWaitsForALateMemory) {
    Lsu lsu("lsu");
    for (unsigned cycle = 0; cycle < kCore.size(); ++cycle) {
        EXPECT_EQ(lsu.q.state, kStates[cycle]) << "cycle " << cycle;
        EXPECT_EQ(lsu.q.request.read_valid, cycle >= 2 && cycle <= kAnswerCycle) << "cycle " << cycle;
        if (cycle >= 2) {
            EXPECT_EQ(lsu.q.request.read_address, 0x21u) << "cycle " << cycle;
        }
        EXPECT_EQ(lsu.q.out, cycle > kAnswerCycle ? 0x5Au : 0u) << "cycle " << cycle;
        EXPECT_FALSE(lsu.q.request.write_valid) << "cycle " << cycle;
        // rs (the address) is taken in REQUESTING, cycle 1; it differs in cycle 0.
        const uint32_t rs = cycle == 1 ? 0x21 : 0x30 + cycle;
        edge(lsu, false, true, kCore[cycle], ldr(), rs, 0x77u,
             cycle == kAnswerCycle ? read_answer(0x5A) : MemResponse{});
    }
}

TEST(Lsu, StoreWaitsForALateMemory) {
    Lsu lsu("lsu");
    for (unsigned cycle = 0; cycle < kCore.size(); ++cycle) {
        EXPECT_EQ(lsu.q.state, kStates[cycle]) << "cycle " << cycle;
        EXPECT_EQ(lsu.q.request.write_valid, cycle >= 2 && cycle <= kAnswerCycle) << "cycle " << cycle;
        if (cycle >= 2) {
            EXPECT_EQ(lsu.q.request.write_address, 0x12u) << "cycle " << cycle;
            EXPECT_EQ(lsu.q.request.write_data, 0xC3u) << "cycle " << cycle;
        }
        EXPECT_FALSE(lsu.q.request.read_valid) << "cycle " << cycle;
        EXPECT_EQ(lsu.q.out, 0u) << "a store leaves out_q, cycle " << cycle;
        const bool requesting = cycle == 1;
        edge(lsu, false, true, kCore[cycle], str(), requesting ? 0x12u : 0x40u, requesting ? 0xC3u : 0x41u,
             cycle == kAnswerCycle ? write_answer() : MemResponse{});
    }
}

TEST(Lsu, AnswerOfTheOtherKindIsNotTaken) {
    Lsu lsu("lsu");
    edge(lsu, false, true, C::Request, ldr(), 1u, 2u, MemResponse{});
    edge(lsu, false, true, C::Wait, ldr(), 1u, 2u, write_answer());   // REQUESTING ignores the memory
    ASSERT_EQ(lsu.q.state, L::Waiting);
    edge(lsu, false, true, C::Wait, ldr(), 1u, 2u, write_answer());
    EXPECT_EQ(lsu.q.state, L::Waiting) << "a load waits for read_ready";
    edge(lsu, false, true, C::Wait, ldr(), 1u, 2u, read_answer(9));
    EXPECT_EQ(lsu.q.state, L::Done);
    EXPECT_EQ(lsu.q.out, 9u);

    Lsu store("store");
    edge(store, false, true, C::Request, str(), 1u, 2u, MemResponse{});
    edge(store, false, true, C::Wait, str(), 1u, 2u, MemResponse{});
    edge(store, false, true, C::Wait, str(), 1u, 2u, read_answer(5));
    EXPECT_EQ(store.q.state, L::Waiting) << "a store waits for write_ready";
    EXPECT_EQ(store.q.out, 0u);
}

TEST(Lsu, DoneWaitsForUpdate) {
    Lsu lsu("lsu");
    edge(lsu, false, true, C::Request, ldr(), 1u, 2u, MemResponse{});
    edge(lsu, false, true, C::Wait, ldr(), 1u, 2u, MemResponse{});
    edge(lsu, false, true, C::Wait, ldr(), 1u, 2u, read_answer(3));
    ASSERT_EQ(lsu.q.state, L::Done);
    for (CoreState s : {C::Wait, C::Execute, C::Fetch, C::Request}) {
        edge(lsu, false, true, s, ldr(), 1u, 2u, read_answer(4));
        EXPECT_EQ(lsu.q.state, L::Done) << name(s);
        EXPECT_EQ(lsu.q.out, 3u) << name(s);
    }
    edge(lsu, false, true, C::Update, ldr(), 1u, 2u, MemResponse{});
    EXPECT_EQ(lsu.q.state, L::Idle);
    EXPECT_EQ(lsu.q.out, 3u) << "out_q holds for the register write";
}

TEST(Lsu, OnlyMemoryInstructionsInRequestStart) {
    Lsu lsu("lsu");
    DecodedInstruction add;
    add.reg_write = true;
    edge(lsu, false, true, C::Request, add, 1u, 2u, MemResponse{});
    EXPECT_EQ(lsu.q.state, L::Idle) << "not a memory instruction";
    for (CoreState s : {C::Idle, C::Fetch, C::Decode, C::Wait, C::Execute, C::Update, C::Done}) {
        edge(lsu, false, true, s, ldr(), 1u, 2u, read_answer(1));
        EXPECT_EQ(lsu.q.state, L::Idle) << name(s);
    }
}

TEST(Lsu, DisabledSlotHoldsAndResetClears) {
    Lsu lsu("lsu");
    edge(lsu, false, false, C::Request, ldr(), 1u, 2u, MemResponse{});
    EXPECT_EQ(lsu.q.state, L::Idle) << "disabled";
    edge(lsu, false, true, C::Request, ldr(), 1u, 2u, MemResponse{});
    edge(lsu, false, true, C::Wait, ldr(), 6u, 2u, MemResponse{});
    ASSERT_EQ(lsu.q.state, L::Waiting);
    edge(lsu, false, false, C::Wait, ldr(), 6u, 2u, read_answer(8));
    EXPECT_EQ(lsu.q.state, L::Waiting) << "disabled: the answer is not taken";
    EXPECT_TRUE(lsu.q.request.read_valid);
    edge(lsu, true, true, C::Wait, ldr(), 6u, 2u, read_answer(8));
    EXPECT_EQ(lsu.q.state, L::Idle);
    EXPECT_FALSE(lsu.q.request.read_valid);
    EXPECT_EQ(lsu.q.request.read_address, 0u);
    EXPECT_EQ(lsu.q.out, 0u);
}

}  // namespace
}  // namespace lockstep::gpu
