// Array controller (sim/systolic/array_controller, rtl/systolic/controller.sv): IDLE -> RUN ->
// [DRAIN, os only] -> DONE -> IDLE; F folds of L cycles, row tile outer, column tile inner.
#include "systolic/array_controller.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

namespace lockstep::systolic {
namespace {

SystolicInputs start(Dataflow dataflow, uint32_t m, uint32_t k, uint32_t n) {
    SystolicInputs in;
    in.start = true;
    in.dataflow = dataflow;
    in.size = {m, k, n};
    return in;
}

void clock(ArrayController& c, const SystolicInputs& in, bool drain_finishing = false, bool reset = false) {
    c.evaluate(reset, in.start, in.dataflow, in.size, drain_finishing);
    c.commit_with_mapping();
}

struct Position {
    uint32_t fold, t, r0, c0;
};

// Runs the folds from the first StRun cycle, checking every cycle, and leaves the
// controller in the cycle after the last fold.
void expect_folds(ArrayController& c, const SystolicInputs& in, const std::vector<std::pair<uint32_t, uint32_t>>& origins,
                  uint32_t fold_length) {
    for (uint32_t fold = 0; fold < origins.size(); ++fold) {
        for (uint32_t t = 0; t < fold_length; ++t) {
            ASSERT_EQ(c.q.state, SaState::Run) << "fold " << fold << " t " << t;
            EXPECT_EQ(c.q.fold, fold);
            EXPECT_EQ(c.q.t, t) << "fold " << fold;
            EXPECT_EQ(c.q.r0, origins[fold].first) << "fold " << fold << " t " << t;
            EXPECT_EQ(c.q.c0, origins[fold].second) << "fold " << fold << " t " << t;
            EXPECT_EQ(c.last_cycle_of_fold(), t == fold_length - 1) << "fold " << fold << " t " << t;
            clock(c, in);
        }
    }
}

TEST(ArrayController, ResetValues) {
    ArrayController c("controller", 2, 2);
    EXPECT_EQ(c.q.state, SaState::Idle);
    EXPECT_EQ(c.q.fold, 0u);
    EXPECT_EQ(c.q.t, 0u);
    EXPECT_EQ(c.q.r0, 0u);
    EXPECT_EQ(c.q.c0, 0u);
    const SystolicInputs in = start(Dataflow::Ws, 2, 3, 4);
    for (int i = 0; i < 5; ++i) clock(c, in);   // the start edge, then t = 0 .. 3
    ASSERT_EQ(c.q.state, SaState::Run);
    ASSERT_EQ(c.q.t, 4u);
    clock(c, in, false, /*reset=*/true);
    EXPECT_EQ(c.q.state, SaState::Idle);
    EXPECT_EQ(c.q.dataflow, Dataflow::Os);
    EXPECT_EQ(c.q.fold, 0u);
    EXPECT_EQ(c.q.t, 0u);
    EXPECT_EQ(c.q.r0, 0u);
    EXPECT_EQ(c.q.c0, 0u);
}

TEST(ArrayController, IdleWaitsForStartAndLatchesTheGemm) {
    ArrayController c("controller", 2, 2);
    SystolicInputs in = start(Dataflow::Is, 5, 6, 7);
    in.start = false;
    clock(c, in);
    EXPECT_EQ(c.q.state, SaState::Idle);
    EXPECT_FALSE(c.starting(false));
    EXPECT_TRUE(c.starting(true));
    in.start = true;
    clock(c, in);
    EXPECT_EQ(c.q.state, SaState::Run);
    EXPECT_EQ(c.q.dataflow, Dataflow::Is);
    EXPECT_EQ(c.q.size.m, 5u);
    EXPECT_EQ(c.q.size.k, 6u);
    EXPECT_EQ(c.q.size.n, 7u);
    EXPECT_FALSE(c.starting(true)) << "start counts only in IDLE";
    in.dataflow = Dataflow::Os;   // inputs sampled with start only
    in.size = {9, 9, 9};
    clock(c, in);
    EXPECT_EQ(c.q.dataflow, Dataflow::Is);
    EXPECT_EQ(c.q.size.m, 5u);
    // is on 2 x 2: rows over K = 6, columns over M = 5, S = N = 7, P = 2, L = 2R + C + N - 2.
    EXPECT_EQ(c.mapping().rows_dim, 6u);
    EXPECT_EQ(c.mapping().cols_dim, 5u);
    EXPECT_EQ(c.mapping().stream, 7u);
    EXPECT_EQ(c.mapping().preload, 2u);
    EXPECT_EQ(c.mapping().fold_length, 11u);
    EXPECT_EQ(c.mapping().folds(), 9u);   // ceil(6/2) * ceil(5/2)
}

// os, M = 3, K = 2, N = 3 on 2 x 2: F = 2 * 2 folds of L = K + R + C - 2 = 4 cycles, then DRAIN.
TEST(ArrayController, OsWalksFourFoldsThenDrains) {
    ArrayController c("controller", 2, 2);
    const SystolicInputs in = start(Dataflow::Os, 3, 2, 3);
    clock(c, in);
    EXPECT_EQ(c.mapping().fold_length, 4u);
    EXPECT_EQ(c.mapping().folds(), 4u);
    expect_folds(c, in, {{0, 0}, {0, 2}, {2, 0}, {2, 2}}, 4);
    EXPECT_EQ(c.q.state, SaState::Drain);
    EXPECT_EQ(c.q.fold, 4u) << "fold_q counts past the last fold";
    EXPECT_EQ(c.q.t, 0u);
    EXPECT_EQ(c.q.r0, 4u);
    EXPECT_EQ(c.q.c0, 0u);
    EXPECT_FALSE(c.last_cycle_of_fold());
    clock(c, in, /*drain_finishing=*/false);
    EXPECT_EQ(c.q.state, SaState::Drain) << "waits for the output writer";
    clock(c, in, /*drain_finishing=*/true);
    EXPECT_EQ(c.q.state, SaState::Done);
    EXPECT_EQ(c.q.fold, 4u);
    clock(c, in);
    EXPECT_EQ(c.q.state, SaState::Done) << "held while start is high";
    SystolicInputs low = in;
    low.start = false;
    clock(c, low);
    EXPECT_EQ(c.q.state, SaState::Idle);
}

// ws, M = 3, K = 3, N = 1 on 2 x 2: rows over K (2 tiles), columns over N (1 tile),
// L = 2R + C + M - 2 = 7; no DRAIN.
TEST(ArrayController, WsGoesStraightToDone) {
    ArrayController c("controller", 2, 2);
    const SystolicInputs in = start(Dataflow::Ws, 3, 3, 1);
    clock(c, in);
    expect_folds(c, in, {{0, 0}, {2, 0}}, 7);
    EXPECT_EQ(c.q.state, SaState::Done);
    EXPECT_EQ(c.q.fold, 2u);
    EXPECT_EQ(c.q.r0, 4u);
    EXPECT_EQ(c.q.c0, 0u);
}

// is, M = 5, K = 1, N = 2 on 2 x 2: rows over K (1 tile), columns over M (3 tiles), L = 6.
TEST(ArrayController, IsWalksColumnTilesInsideRowTiles) {
    ArrayController c("controller", 2, 2);
    const SystolicInputs in = start(Dataflow::Is, 5, 1, 2);
    clock(c, in);
    expect_folds(c, in, {{0, 0}, {0, 2}, {0, 4}}, 6);
    EXPECT_EQ(c.q.state, SaState::Done);
    EXPECT_EQ(c.q.fold, 3u);
    EXPECT_EQ(c.q.r0, 2u);
    EXPECT_EQ(c.q.c0, 0u);
}

// A 3 x 2 array: row tiles step by R = 3, column tiles by C = 2. os, M = 4, K = 1, N = 3:
// F = 2 * 2, L = K + R + C - 2 = 4.
TEST(ArrayController, TilesStepByRowsAndByColumnsOnANonSquareArray) {
    ArrayController c("controller", 3, 2);
    const SystolicInputs in = start(Dataflow::Os, 4, 1, 3);
    clock(c, in);
    EXPECT_EQ(c.mapping().fold_length, 4u);
    expect_folds(c, in, {{0, 0}, {0, 2}, {3, 0}, {3, 2}}, 4);
    EXPECT_EQ(c.q.state, SaState::Drain);
    EXPECT_EQ(c.q.r0, 6u);
    EXPECT_EQ(c.q.c0, 0u);
}

// On a 1 x 1 array with K = 1 a fold is one cycle: t stays 0 while the folds go by.
TEST(ArrayController, OneCycleFoldsOnOnePe) {
    ArrayController c("controller", 1, 1);
    const SystolicInputs in = start(Dataflow::Os, 2, 1, 2);
    clock(c, in);
    EXPECT_EQ(c.mapping().fold_length, 1u);
    expect_folds(c, in, {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, 1);
    EXPECT_EQ(c.q.state, SaState::Drain);
}

TEST(ArrayController, ASecondGemmTakesItsOwnMapping) {
    ArrayController c("controller", 2, 2);
    const SystolicInputs ws = start(Dataflow::Ws, 3, 3, 1);
    clock(c, ws);
    for (int i = 0; i < 14; ++i) clock(c, ws);
    ASSERT_EQ(c.q.state, SaState::Done);
    SystolicInputs low = ws;
    low.start = false;
    clock(c, low);
    ASSERT_EQ(c.q.state, SaState::Idle);
    // os 1 x 1 x 1: one fold of L = 1 + 2 + 2 - 2 = 3 cycles.
    const SystolicInputs os = start(Dataflow::Os, 1, 1, 1);
    clock(c, os);
    EXPECT_EQ(c.q.fold, 0u);
    EXPECT_EQ(c.q.r0, 0u);
    EXPECT_EQ(c.mapping().fold_length, 3u);
    EXPECT_EQ(c.mapping().folds(), 1u);
    expect_folds(c, os, {{0, 0}}, 3);
    EXPECT_EQ(c.q.state, SaState::Drain);
}

TEST(ArrayController, DrainFinishingCountsOnlyInDrain) {
    ArrayController c("controller", 2, 2);
    const SystolicInputs in = start(Dataflow::Os, 1, 1, 1);
    clock(c, in, /*drain_finishing=*/true);
    EXPECT_EQ(c.q.state, SaState::Run);
    clock(c, in, true);
    EXPECT_EQ(c.q.state, SaState::Run);
    EXPECT_EQ(c.q.t, 1u);
}

}  // namespace
}  // namespace lockstep::systolic
