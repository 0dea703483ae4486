// Output writer (sim/systolic/output_writer, rtl/systolic/output_writer.sv): the os drain of
// each finished tile, one shadow row per cycle, and the ws/is bottom-row partial sums, added
// to C for later K tiles (docs/systolic.md, "Output to the C buffer").
#include "systolic/output_writer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockstep::systolic {
namespace {

struct Write {
    bool valid = false;
    uint32_t addr = 0;
    int32_t data = 0;
};
const Write kOff{};
Write put(uint32_t addr, int32_t data) { return Write{true, addr, data}; }

using Ints = std::vector<int32_t>;

// A writer on a 2 x 2 array (16-bit sums, 64-word C buffer), driven one cycle at a time with
// controller registers built by hand.
class OutputWriterTest : public ::testing::Test {
protected:
    ArrayShape shape{2, 2, 8, 16, 6};
    PeArray array{"pe_array", shape};
    OutputWriter writer{"output_writer", shape};
    ZeroedWords c = ZeroedWords(64);
    ControllerRegs ctrl;

    void gemm(Dataflow df, GemmSize size) {
        ctrl = ControllerRegs{};
        ctrl.state = SaState::Run;
        ctrl.dataflow = df;
        ctrl.size = size;
    }
    Mapping mapping() const { return Mapping(ctrl.dataflow, ctrl.size, shape.rows, shape.cols); }

    // One cycle of fold (r0, c0) at t (or of `state` outside StRun); checks the writes.
    void cycle(uint32_t r0, uint32_t c0, uint32_t t, const std::vector<Write>& want, SaState state = SaState::Run) {
        ctrl.state = state;
        ctrl.r0 = r0;
        ctrl.c0 = c0;
        ctrl.t = t;
        const Mapping map = mapping();
        const bool last = state == SaState::Run && t + 1 == map.fold_length;
        writer.evaluate(ctrl, map, last, array, c);
        const std::string what = fmt::format("{} {} fold ({}, {}) t {}", name(ctrl.dataflow), name(state), r0, c0, t);
        for (size_t j = 0; j < want.size(); ++j) {
            EXPECT_EQ(writer.out[j].valid, want[j].valid) << what << " port " << j;
            EXPECT_EQ(writer.out[j].addr, want[j].addr) << what << " port " << j;
            EXPECT_EQ(writer.out[j].data, want[j].data) << what << " port " << j;
        }
    }
    void set_bottom(int32_t col0, int32_t col1) {
        array.overwrite(1, 0, "v", col0);   // the bottom row
        array.overwrite(1, 1, "v", col1);
    }
};

TEST_F(OutputWriterTest, StartsClearAndClearResetsTheDrain) {
    EXPECT_EQ(writer.q.shadow, Ints(4, 0));
    EXPECT_FALSE(writer.q.drain_active);
    EXPECT_EQ(writer.q.drain_row, 0u);
    EXPECT_FALSE(writer.drain_finishing());
    gemm(Dataflow::Os, {3, 1, 3});
    array.acc = {1, 2, 3, 4};
    cycle(2, 2, 2, {kOff, kOff});   // a fold's last cycle starts a drain
    ASSERT_TRUE(writer.q.drain_active);
    writer.clear();
    EXPECT_EQ(writer.q.shadow, Ints(4, 0));
    EXPECT_FALSE(writer.q.drain_active);
    EXPECT_EQ(writer.q.drain_row, 0u);
    EXPECT_EQ(writer.q.drain_r0, 0u);
    EXPECT_EQ(writer.q.drain_c0, 0u);
}

// os, M = 3, K = 1, N = 3: four folds of L = 3 cycles over tiles (0,0), (0,2), (2,0), (2,2).
// Each tile drains in the next fold's first two cycles, the last one in StDrain.
TEST_F(OutputWriterTest, OsDrainsEachTileRowByRowIntoC) {
    gemm(Dataflow::Os, {3, 1, 3});
    cycle(0, 0, 0, {kOff, kOff});
    cycle(0, 0, 1, {kOff, kOff});
    array.acc = {1, 2, 3, 4};
    cycle(0, 0, 2, {kOff, kOff});
    EXPECT_EQ(writer.q.shadow, (Ints{1, 2, 3, 4}));
    EXPECT_EQ(array.acc, Ints(4, 0)) << "the accumulators restart";
    EXPECT_TRUE(writer.q.drain_active);
    EXPECT_FALSE(writer.drain_finishing());

    cycle(0, 2, 0, {put(0, 1), put(1, 2)});
    EXPECT_TRUE(writer.drain_finishing()) << "row R-1 comes next";
    cycle(0, 2, 1, {put(3, 3), put(4, 4)});
    EXPECT_FALSE(writer.q.drain_active);
    array.acc = {5, 6, 7, 8};
    cycle(0, 2, 2, {kOff, kOff});

    cycle(2, 0, 0, {put(2, 5), kOff});   // column 3 is past N
    cycle(2, 0, 1, {put(5, 7), kOff});
    array.acc = {9, 10, 11, 12};
    cycle(2, 0, 2, {kOff, kOff});

    cycle(2, 2, 0, {put(6, 9), put(7, 10)});
    cycle(2, 2, 1, {kOff, kOff});        // row 3 is past M
    array.acc = {13, 14, 15, 16};
    cycle(2, 2, 2, {kOff, kOff});

    // StDrain (the controller's r0/c0 have moved on; the drain keeps its own origin).
    cycle(4, 0, 0, {put(8, 13), kOff}, SaState::Drain);
    EXPECT_TRUE(writer.drain_finishing());
    cycle(4, 0, 0, {kOff, kOff}, SaState::Drain);
    EXPECT_FALSE(writer.q.drain_active);
    EXPECT_FALSE(writer.drain_finishing());

    EXPECT_EQ(Ints(c.begin(), c.begin() + 10), (Ints{1, 2, 5, 3, 4, 7, 9, 10, 13, 0}));
}

// With L == R (K = 1, C = 1) a drain ends at the very edge the next fold ends: a new drain
// starts there with row 0.
TEST(OutputWriter, ADrainEndingWithAFoldStartsTheNextOne) {
    const ArrayShape shape{2, 1, 8, 32, 6};
    PeArray array("pe_array", shape);
    OutputWriter writer("output_writer", shape);
    ZeroedWords c = ZeroedWords(64);
    ControllerRegs ctrl;
    ctrl.state = SaState::Run;
    ctrl.size = {4, 1, 1};
    const Mapping map(Dataflow::Os, ctrl.size, 2, 1);
    ASSERT_EQ(map.fold_length, 2u);
    ctrl.t = 1;
    array.acc = {1, 2};
    writer.evaluate(ctrl, map, true, array, c);
    ctrl.r0 = 2;
    ctrl.t = 0;
    writer.evaluate(ctrl, map, false, array, c);
    EXPECT_EQ(writer.out[0].addr, 0u);
    ctrl.t = 1;
    array.acc = {3, 4};
    ASSERT_TRUE(writer.drain_finishing());
    writer.evaluate(ctrl, map, true, array, c);
    EXPECT_TRUE(writer.out[0].valid);
    EXPECT_EQ(writer.out[0].addr, 1u);
    EXPECT_EQ(writer.out[0].data, 2);
    EXPECT_TRUE(writer.q.drain_active) << "the next tile's drain starts";
    EXPECT_EQ(writer.q.drain_row, 0u);
    EXPECT_EQ(writer.q.drain_r0, 2u);
    EXPECT_EQ(writer.q.shadow, (Ints{3, 4}));
    ctrl.state = SaState::Drain;
    ctrl.r0 = 4;
    ctrl.t = 0;
    writer.evaluate(ctrl, map, false, array, c);
    writer.evaluate(ctrl, map, false, array, c);
    EXPECT_FALSE(writer.q.drain_active);
    EXPECT_EQ(Ints(c.begin(), c.begin() + 5), (Ints{1, 2, 3, 4, 0}));
}

// ws, M = 3, K = 4, N = 2: two K tiles of L = 7 (P = 2). Out port j writes C[u][c0+j] at
// u*N + c0+j with u = s - (R-1) - j; the second K tile adds to the first, wrapping at 16 bits.
TEST_F(OutputWriterTest, WsWritesBottomSumsAndAddsLaterKTiles) {
    gemm(Dataflow::Ws, {3, 4, 2});
    const std::vector<std::vector<Write>> first = {
        {kOff, kOff}, {kOff, kOff},                 // preload
        {kOff, kOff},                               // s = 0: nothing has reached the bottom
        {put(0, 3000), kOff},                       // s = 1
        {put(2, 4000), put(1, 4001)},               // s = 2
        {put(4, 5000), put(3, 5001)},               // s = 3
        {kOff, put(5, 6001)},                       // s = 4
    };
    for (uint32_t t = 0; t < 7; ++t) {
        set_bottom(1000 * static_cast<int32_t>(t), 1000 * static_cast<int32_t>(t) + 1);
        cycle(0, 0, t, first[t]);
    }
    EXPECT_EQ(Ints(c.begin(), c.begin() + 7), (Ints{3000, 4001, 4000, 5001, 5000, 6001, 0}));
    const std::vector<std::vector<Write>> second = {
        {kOff, kOff}, {kOff, kOff}, {kOff, kOff},
        {put(0, -32536), kOff},                     // 30000 + 3000 wraps
        {put(2, -31536), put(1, 3901)},
        {put(4, -30536), put(3, 4901)},
        {kOff, put(5, 5901)},
    };
    for (uint32_t t = 0; t < 7; ++t) {
        set_bottom(30000, -100);
        cycle(2, 0, t, second[t]);
    }
    EXPECT_EQ(Ints(c.begin(), c.begin() + 7), (Ints{-32536, 3901, -31536, 4901, -30536, 5901, 0}));
    EXPECT_FALSE(writer.q.drain_active) << "ws has no drain";
}

// is, M = 3, K = 2, N = 2: columns run over M; out port j writes C[c0+j][u] at (c0+j)*N + u.
TEST_F(OutputWriterTest, IsWritesTransposedColumns) {
    gemm(Dataflow::Is, {3, 2, 2});
    set_bottom(11, 22);
    const std::vector<std::vector<Write>> first = {
        {kOff, kOff}, {kOff, kOff}, {kOff, kOff}, {put(0, 11), kOff}, {put(1, 11), put(2, 22)}, {kOff, put(3, 22)},
    };
    for (uint32_t t = 0; t < 6; ++t) cycle(0, 0, t, first[t]);
    const std::vector<std::vector<Write>> second = {
        {kOff, kOff}, {kOff, kOff}, {kOff, kOff}, {put(4, 11), kOff}, {put(5, 11), kOff}, {kOff, kOff},
    };
    for (uint32_t t = 0; t < 6; ++t) cycle(0, 2, t, second[t]);   // column 3 is past M
    EXPECT_EQ(Ints(c.begin(), c.begin() + 7), (Ints{11, 11, 22, 22, 11, 11, 0}));
}

TEST_F(OutputWriterTest, NothingIsWrittenOutsideRunWithoutADrain) {
    gemm(Dataflow::Ws, {3, 4, 2});
    set_bottom(5, 6);
    for (SaState s : {SaState::Idle, SaState::Done, SaState::Drain}) cycle(0, 0, 4, {kOff, kOff}, s);
    gemm(Dataflow::Os, {3, 1, 3});
    cycle(0, 0, 1, {kOff, kOff});   // os does not write the bottom row's v
    EXPECT_EQ(Ints(c.begin(), c.end()), Ints(64, 0));
}

}  // namespace
}  // namespace lockstep::systolic
