// Fetcher (sim/gpu/fetcher, rtl/gpu/fetcher.sv): IDLE -> FETCHING on the core's StFetch,
// waits for the program memory however late it answers, FETCHED until the core decodes.
#include "gpu/fetcher.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::gpu {
namespace {

using testing::edge;

MemResponse no_answer() { return MemResponse{}; }

MemResponse answer(uint32_t word) {
    MemResponse r;
    r.read_ready = true;
    r.read_data = word;
    return r;
}

TEST(Fetcher, ResetValues) {
    Fetcher fetcher("fetcher");
    EXPECT_EQ(fetcher.q.state, FetcherState::Idle);
    EXPECT_FALSE(fetcher.q.read_valid);
    EXPECT_EQ(fetcher.q.read_address, 0u);
    EXPECT_EQ(fetcher.q.instruction, 0);
    edge(fetcher, false, CoreState::Fetch, 9u, no_answer());
    edge(fetcher, false, CoreState::Fetch, 9u, answer(0x3123));
    ASSERT_EQ(fetcher.q.state, FetcherState::Fetched);
    edge(fetcher, true, CoreState::Fetch, 9u, answer(0x3123));
    EXPECT_EQ(fetcher.q.state, FetcherState::Idle);
    EXPECT_FALSE(fetcher.q.read_valid);
    EXPECT_EQ(fetcher.q.read_address, 0u);
    EXPECT_EQ(fetcher.q.instruction, 0);
}

TEST(Fetcher, WaitsForAProgramMemoryThatAnswersLate) {
    Fetcher fetcher("fetcher");
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
        EXPECT_EQ(fetcher.q.instruction, cycle > answer_cycle ? 0x9110 : 0) << "cycle " << cycle;
        // The pc changes after cycle 0: the request keeps the address latched when it started.
        const uint32_t pc = cycle == 0 ? 17 : 40 + cycle;
        edge(fetcher, false, core[cycle], pc, cycle == answer_cycle ? answer(0x9110) : no_answer());
    }
}

TEST(Fetcher, AnAnswerWhileIdleIsNotTaken) {
    Fetcher fetcher("fetcher");
    edge(fetcher, false, CoreState::Fetch, 3u, answer(0xAAAA));   // IDLE ignores the memory
    EXPECT_EQ(fetcher.q.state, FetcherState::Fetching);
    EXPECT_EQ(fetcher.q.instruction, 0);
    edge(fetcher, false, CoreState::Fetch, 3u, answer(0x5123));
    EXPECT_EQ(fetcher.q.state, FetcherState::Fetched);
    EXPECT_EQ(fetcher.q.instruction, 0x5123);
}

TEST(Fetcher, IdleStartsOnlyOnStFetch) {
    Fetcher fetcher("fetcher");
    for (CoreState s : {CoreState::Idle, CoreState::Decode, CoreState::Request, CoreState::Wait, CoreState::Execute,
                        CoreState::Update, CoreState::Done}) {
        edge(fetcher, false, s, 5u, answer(0x1234));
        EXPECT_EQ(fetcher.q.state, FetcherState::Idle) << name(s);
        EXPECT_FALSE(fetcher.q.read_valid) << name(s);
    }
}

TEST(Fetcher, FetchedWaitsForDecodeAndKeepsTheInstruction) {
    Fetcher fetcher("fetcher");
    edge(fetcher, false, CoreState::Fetch, 2u, no_answer());
    edge(fetcher, false, CoreState::Fetch, 2u, answer(0x4321));
    for (CoreState s : {CoreState::Fetch, CoreState::Request, CoreState::Wait, CoreState::Idle}) {
        edge(fetcher, false, s, 2u, answer(0xFFFF));
        EXPECT_EQ(fetcher.q.state, FetcherState::Fetched) << name(s);
        EXPECT_EQ(fetcher.q.instruction, 0x4321) << "a late answer is not taken, " << name(s);
    }
    edge(fetcher, false, CoreState::Decode, 2u, no_answer());
    EXPECT_EQ(fetcher.q.state, FetcherState::Idle);
    EXPECT_EQ(fetcher.q.instruction, 0x4321) << "held in IDLE until the next fetch ends";
    EXPECT_EQ(fetcher.q.read_address, 2u);
}

}  // namespace
}  // namespace lockstep::gpu
