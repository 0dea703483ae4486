// Fetcher (sim/gpu/fetcher, rtl/gpu/fetcher.sv): IDLE -> FETCHING on the core's StFetch,
// waits for the program memory however late it answers, FETCHED until the core decodes. The
// word it fetches goes into the owner warp's instruction register (core.h), loaded, as the
// core does, in the edge that takes FETCHING to FETCHED.
#include "gpu/core.h"
#include "gpu/fetcher.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::gpu {
namespace {

// The fetcher and a warp's instruction register, clocked together as the core clocks them.
struct Fetch {
    Fetcher fetcher{"fetcher"};
    InstructionRegister reg{"instruction"};
    uint16_t instruction() const { return reg.q.instruction; }
};

void edge(Fetch& f, bool reset, CoreState core, uint32_t pc, const MemResponse& memory) {
    f.reg.evaluate(reset, f.fetcher.q.state == FetcherState::Fetching && memory.read_ready, memory.read_data);
    testing::edge(f.fetcher, reset, core, pc, memory);
    f.reg.commit();
}

MemResponse no_answer() { return MemResponse{}; }

MemResponse answer(uint32_t word) {
    MemResponse r;
    r.read_ready = true;
    r.read_data = word;
    return r;
}

TEST(Fetcher, ResetValues) {
    Fetch f;
    Fetcher& fetcher = f.fetcher;
    EXPECT_EQ(fetcher.q.state, FetcherState::Idle);
    EXPECT_FALSE(fetcher.q.read_valid);
    EXPECT_EQ(fetcher.q.read_address, 0u);
    EXPECT_EQ(f.instruction(), 0);
    edge(f, false, CoreState::Fetch, 9u, no_answer());
    edge(f, false, CoreState::Fetch, 9u, answer(0x3123));
    ASSERT_EQ(fetcher.q.state, FetcherState::Fetched);
    edge(f, true, CoreState::Fetch, 9u, answer(0x3123));
    EXPECT_EQ(fetcher.q.state, FetcherState::Idle);
    EXPECT_FALSE(fetcher.q.read_valid);
    EXPECT_EQ(fetcher.q.read_address, 0u);
    EXPECT_EQ(f.instruction(), 0);
}

TEST(Fetcher, WaitsForAProgramMemoryThatAnswersLate) {
    Fetch f;
    Fetcher& fetcher = f.fetcher;
    // The request is on the port from cycle 1; the memory answers 3 cycles later, in cycle 4.
    const unsigned answer_cycle = 4;
    // Core: StFetch until it sees FETCHED (cycle 5), then StDecode (cycle 6), then StRequest.
    const std::vector<CoreState> core = {CoreState::Fetch, CoreState::Fetch, CoreState::Fetch,  CoreState::Fetch,
                                         CoreState::Fetch, CoreState::Fetch, CoreState::Decode, CoreState::Request};
    const std::vector<FetcherState> expected = {
        FetcherState::Idle,     FetcherState::Fetching, FetcherState::Fetching, FetcherState::Fetching,
        FetcherState::Fetching, FetcherState::Fetched,  FetcherState::Fetched,  FetcherState::Idle};
    const std::vector<bool> valid = {false, true, true, true, true, false, false, false};
    for (unsigned cycle = 0; cycle < core.size(); ++cycle) {
        EXPECT_EQ(fetcher.q.state, expected[cycle]) << "cycle " << cycle;
        EXPECT_EQ(fetcher.q.read_valid, valid[cycle]) << "cycle " << cycle;
        if (cycle >= 1 && cycle <= answer_cycle) {
            EXPECT_EQ(fetcher.q.read_address, 17u) << "cycle " << cycle;
        }
        EXPECT_EQ(f.instruction(), cycle > answer_cycle ? 0x9110 : 0) << "cycle " << cycle;
        // The pc changes after cycle 0: the request keeps the address latched when it started.
        const uint32_t pc = cycle == 0 ? 17 : 40 + cycle;
        edge(f, false, core[cycle], pc, cycle == answer_cycle ? answer(0x9110) : no_answer());
    }
}

TEST(Fetcher, AnAnswerWhileIdleIsNotTaken) {
    Fetch f;
    Fetcher& fetcher = f.fetcher;
    edge(f, false, CoreState::Fetch, 3u, answer(0xAAAA));   // IDLE ignores the memory
    EXPECT_EQ(fetcher.q.state, FetcherState::Fetching);
    EXPECT_EQ(f.instruction(), 0);
    edge(f, false, CoreState::Fetch, 3u, answer(0x5123));
    EXPECT_EQ(fetcher.q.state, FetcherState::Fetched);
    EXPECT_EQ(f.instruction(), 0x5123);
}

TEST(Fetcher, IdleStartsOnlyOnStFetch) {
    Fetch f;
    Fetcher& fetcher = f.fetcher;
    for (CoreState s : {CoreState::Idle, CoreState::Decode, CoreState::Request, CoreState::Wait, CoreState::Execute,
                        CoreState::Update, CoreState::Done}) {
        edge(f, false, s, 5u, answer(0x1234));
        EXPECT_EQ(fetcher.q.state, FetcherState::Idle) << name(s);
        EXPECT_FALSE(fetcher.q.read_valid) << name(s);
    }
}

TEST(Fetcher, FetchedWaitsForDecodeAndKeepsTheInstruction) {
    Fetch f;
    Fetcher& fetcher = f.fetcher;
    edge(f, false, CoreState::Fetch, 2u, no_answer());
    edge(f, false, CoreState::Fetch, 2u, answer(0x4321));
    for (CoreState s : {CoreState::Fetch, CoreState::Request, CoreState::Wait, CoreState::Idle}) {
        edge(f, false, s, 2u, answer(0xFFFF));
        EXPECT_EQ(fetcher.q.state, FetcherState::Fetched) << name(s);
        EXPECT_EQ(f.instruction(), 0x4321) << "a late answer is not taken, " << name(s);
    }
    edge(f, false, CoreState::Decode, 2u, no_answer());
    EXPECT_EQ(fetcher.q.state, FetcherState::Idle);
    EXPECT_EQ(f.instruction(), 0x4321) << "held in IDLE until the next fetch ends";
    EXPECT_EQ(fetcher.q.read_address, 2u);
}

}  // namespace
}  // namespace lockstep::gpu
