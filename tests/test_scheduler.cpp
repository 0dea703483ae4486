// Scheduler (sim/gpu/scheduler, rtl/gpu/scheduler.sv): one instruction is FETCH, DECODE,
// REQUEST, WAIT, EXECUTE, UPDATE; RET ends in DONE, different next PCs end in DONE diverged
// (without divergence; tests/test_divergence.cpp runs the reconvergence stack).
#include "gpu/scheduler.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::gpu {
namespace {

using testing::edge;

// What the rest of the core shows the scheduler during one cycle.
struct CoreInputs {
    bool start = true;
    FetcherState fetcher = FetcherState::Idle;
    bool ret = false;
    bool lsu_busy = false;
    std::vector<uint32_t> next_pcs = {0, 0, 0, 0};
};

void clock(Scheduler& s, const CoreInputs& in, bool reset = false) {
    // Every slot listed is enabled; one warp a core, so the scheduler may always issue.
    edge(s, reset, in.start, in.fetcher, in.ret, in.lsu_busy, true, lane_mask(static_cast<uint32_t>(in.next_pcs.size())),
         in.next_pcs, 0u);
}

TEST(Scheduler, ResetValues) {
    Scheduler s("scheduler", 0, 8);   // no divergence, 8-bit PC
    EXPECT_EQ(s.q.state, CoreState::Idle);
    EXPECT_EQ(s.q.pc, 0u);
    EXPECT_FALSE(s.q.done);
    EXPECT_FALSE(s.q.diverged);
}

TEST(Scheduler, OneInstructionThenRet) {
    Scheduler s("scheduler", 0, 8);   // no divergence, 8-bit PC
    // cycle: start, fetcher state, lsu busy, ret, next PCs -> expected scheduler state and pc
    struct Step {
        bool start;
        FetcherState fetcher;
        bool lsu_busy, ret;
        std::vector<uint32_t> next_pcs;
        CoreState state;
        uint32_t pc;
    };
    using F = FetcherState;
    using C = CoreState;
    const std::vector<uint32_t> pc0 = {0, 0, 0, 0}, pc1 = {1, 1, 1, 1};
    const std::vector<Step> steps = {
        {false, F::Idle, false, false, pc0, C::Idle, 0},      // 0: no start yet
        {true, F::Idle, false, false, pc0, C::Idle, 0},       // 1: start
        {true, F::Idle, false, false, pc0, C::Fetch, 0},      // 2: fetcher not yet asked
        {true, F::Fetching, false, false, pc0, C::Fetch, 0},  // 3
        {true, F::Fetched, false, false, pc0, C::Fetch, 0},   // 4: fetched
        {true, F::Fetched, false, false, pc0, C::Decode, 0},  // 5
        {true, F::Idle, false, false, pc0, C::Request, 0},    // 6
        {true, F::Idle, true, false, pc0, C::Wait, 0},        // 7: an LSU is busy
        {true, F::Idle, true, false, pc0, C::Wait, 0},        // 8
        {true, F::Idle, false, false, pc0, C::Wait, 0},       // 9: all LSUs done
        {true, F::Idle, false, false, pc0, C::Execute, 0},    // 10
        {true, F::Idle, false, false, pc1, C::Update, 0},     // 11: every thread goes to 1
        {true, F::Fetched, false, false, pc1, C::Fetch, 1},   // 12: next instruction (RET)
        {true, F::Fetched, false, false, pc1, C::Decode, 1},  // 13
        {true, F::Idle, false, true, pc1, C::Request, 1},     // 14: decoder ret_q from here
        {true, F::Idle, false, true, pc1, C::Wait, 1},        // 15: no memory instruction
        {true, F::Idle, false, true, pc1, C::Execute, 1},     // 16
        {true, F::Idle, false, true, {2, 2, 2, 2}, C::Update, 1},   // 17: RET
        {true, F::Idle, false, true, pc1, C::Done, 1},        // 18
        {true, F::Fetched, false, false, pc1, C::Done, 1},    // 19: DONE stays
    };
    for (unsigned cycle = 0; cycle < steps.size(); ++cycle) {
        const Step& st = steps[cycle];
        EXPECT_EQ(s.q.state, st.state) << "cycle " << cycle;
        EXPECT_EQ(s.q.pc, st.pc) << "cycle " << cycle;
        EXPECT_EQ(s.q.done, cycle >= 18) << "cycle " << cycle;
        EXPECT_FALSE(s.q.diverged) << "cycle " << cycle;
        clock(s, CoreInputs{st.start, st.fetcher, st.ret, st.lsu_busy, st.next_pcs});
    }
}

// Brings a fresh scheduler to StUpdate with the pc at 0.
void to_update(Scheduler& s) {
    CoreInputs in;
    clock(s, in);                          // IDLE -> FETCH
    in.fetcher = FetcherState::Fetched;
    clock(s, in);                          // FETCH -> DECODE
    in.fetcher = FetcherState::Idle;
    clock(s, in);                          // -> REQUEST
    clock(s, in);                          // -> WAIT
    clock(s, in);                          // -> EXECUTE
    clock(s, in);                          // -> UPDATE
    ASSERT_EQ(s.q.state, CoreState::Update);
}

TEST(Scheduler, DifferentNextPcsStopTheCoreDiverged) {
    Scheduler s("scheduler", 0, 8);   // no divergence, 8-bit PC
    to_update(s);
    CoreInputs in;
    in.next_pcs = {3, 3, 7};
    clock(s, in);
    EXPECT_EQ(s.q.state, CoreState::Done);
    EXPECT_TRUE(s.q.diverged);
    EXPECT_FALSE(s.q.done) << "a diverged core is not done";
    EXPECT_EQ(s.q.pc, 0u) << "the pc is not taken";
    clock(s, in);
    EXPECT_EQ(s.q.state, CoreState::Done);
    EXPECT_TRUE(s.q.diverged);
}

TEST(Scheduler, RetWinsOverDifferentNextPcs) {
    Scheduler s("scheduler", 0, 8);   // no divergence, 8-bit PC
    to_update(s);
    CoreInputs in;
    in.ret = true;
    in.next_pcs = {3, 4};
    clock(s, in);
    EXPECT_EQ(s.q.state, CoreState::Done);
    EXPECT_TRUE(s.q.done);
    EXPECT_FALSE(s.q.diverged);
}

TEST(Scheduler, OneEnabledThreadAlwaysAgrees) {
    Scheduler s("scheduler", 0, 8);   // no divergence, 8-bit PC
    to_update(s);
    CoreInputs in;
    in.next_pcs = {200};
    clock(s, in);
    EXPECT_EQ(s.q.state, CoreState::Fetch);
    EXPECT_EQ(s.q.pc, 200u);
    EXPECT_FALSE(s.q.diverged);
}

TEST(Scheduler, FetchWaitsForFetchedAndStartMattersOnlyInIdle) {
    Scheduler s("scheduler", 0, 8);   // no divergence, 8-bit PC
    CoreInputs in;
    in.start = false;
    in.fetcher = FetcherState::Fetched;
    clock(s, in);
    EXPECT_EQ(s.q.state, CoreState::Idle) << "no start";
    in.start = true;
    clock(s, in);
    EXPECT_EQ(s.q.state, CoreState::Fetch);
    in.start = false;   // start low after IDLE changes nothing: the dispatcher resets the core
    for (FetcherState f : {FetcherState::Idle, FetcherState::Fetching}) {
        in.fetcher = f;
        clock(s, in);
        EXPECT_EQ(s.q.state, CoreState::Fetch) << name(f);
    }
    in.fetcher = FetcherState::Fetched;
    clock(s, in);
    EXPECT_EQ(s.q.state, CoreState::Decode);
}

// WAIT moves on only when the warp may issue: it owns the core's front end or is granted it
// (docs/architecture.md, "Warps").
TEST(Scheduler, WaitMovesOnOnlyWhenTheWarpMayIssue) {
    Scheduler s("scheduler", 0, 8);
    const std::vector<uint32_t> pcs = {0, 0};
    edge(s, false, true, FetcherState::Idle, false, false, true, 3u, pcs, 0u);      // IDLE -> FETCH
    edge(s, false, true, FetcherState::Fetched, false, false, true, 3u, pcs, 0u);   // -> DECODE
    edge(s, false, true, FetcherState::Idle, false, false, true, 3u, pcs, 0u);      // -> REQUEST
    edge(s, false, true, FetcherState::Idle, false, false, true, 3u, pcs, 0u);      // -> WAIT
    ASSERT_EQ(s.q.state, CoreState::Wait);
    edge(s, false, true, FetcherState::Idle, false, false, false, 3u, pcs, 0u);
    EXPECT_EQ(s.q.state, CoreState::Wait) << "another warp holds the front end";
    edge(s, false, true, FetcherState::Idle, false, true, true, 3u, pcs, 0u);
    EXPECT_EQ(s.q.state, CoreState::Wait) << "granted, but a load is still in flight";
    edge(s, false, true, FetcherState::Idle, false, false, true, 3u, pcs, 0u);
    EXPECT_EQ(s.q.state, CoreState::Execute);
}

TEST(Scheduler, ResetFromDone) {
    Scheduler s("scheduler", 0, 8);   // no divergence, 8-bit PC
    to_update(s);
    CoreInputs in;
    in.next_pcs = {5, 6};
    clock(s, in);
    ASSERT_TRUE(s.q.diverged);
    clock(s, in, /*reset=*/true);
    EXPECT_EQ(s.q.state, CoreState::Idle);
    EXPECT_EQ(s.q.pc, 0u);
    EXPECT_FALSE(s.q.done);
    EXPECT_FALSE(s.q.diverged);
    to_update(s);
    in.next_pcs = {9, 9};
    clock(s, in);
    clock(s, in, /*reset=*/true);
    EXPECT_EQ(s.q.pc, 0u) << "reset clears the pc";
    EXPECT_EQ(s.q.state, CoreState::Idle) << "reset wins over start";
}

}  // namespace
}  // namespace lockstep::gpu
