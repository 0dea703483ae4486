// PE array (sim/systolic/pe_array, rtl/systolic/pe_array.sv): os operands flow right
// and down with acc += h * v when both are valid; ws/is preload shifts the stationary operand
// down, then partial sums flow down; sums wrap at AccBits (docs/systolic.md, "PE").
#include "systolic/pe_array.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace lockstep::systolic {
namespace {

struct Feed {
    bool valid = false;
    int32_t data = 0;
};
const Feed kNone{};
Feed in(int32_t data) { return Feed{true, data}; }

// A 2 x 2 array with 16-bit accumulators, and the feeds it reads, set by hand.
class PeArrayTest : public ::testing::Test {
protected:
    ArrayShape shape{2, 2, 8, 16, 6};
    PeArray array{"pe_array", shape};
    Feeder feed{"feeder", shape};

    void set_feeds(const std::vector<Feed>& left, const std::vector<Feed>& top) {
        for (size_t i = 0; i < left.size(); ++i) feed.left[i] = EdgePort{left[i].valid, 0, left[i].data};
        for (size_t j = 0; j < top.size(); ++j) feed.top[j] = EdgePort{top[j].valid, 0, top[j].data};
    }
    void os(const std::vector<Feed>& left, const std::vector<Feed>& top) {
        set_feeds(left, top);
        array.step_os(feed);
    }
    void preload(const std::vector<Feed>& top) {
        set_feeds({kNone, kNone}, top);
        array.step_preload(feed);
    }
    void stream(const std::vector<Feed>& left) {
        set_feeds(left, {kNone, kNone});
        array.step_stationary(feed);
    }
};

using Ints = std::vector<int32_t>;
using Bits = std::vector<uint8_t>;

TEST_F(PeArrayTest, StartsClearAndClearZeroesEveryRegister) {
    for (const Ints& grid : {array.h(), array.v(), array.acc, array.w}) EXPECT_EQ(grid, Ints(4, 0));
    for (const Bits& grid : {array.hv(), array.vv(), array.wv, array.mac()}) EXPECT_EQ(grid, Bits(4, 0));
    os({in(3), in(4)}, {in(5), in(6)});
    preload({in(1), in(2)});
    ASSERT_EQ(array.wv, (Bits{1, 1, 0, 0}));
    array.clear();
    for (const Ints& grid : {array.h(), array.v(), array.acc, array.w}) EXPECT_EQ(grid, Ints(4, 0));
    for (const Bits& grid : {array.hv(), array.vv(), array.wv, array.mac()}) EXPECT_EQ(grid, Bits(4, 0));
}

// PE index p = i * 2 + j: {(0,0), (0,1), (1,0), (1,1)}.
TEST_F(PeArrayTest, OsMultipliesOnlyWhenBothOperandsAreValidAndPassesThemOn) {
    os({in(3), kNone}, {in(5), kNone});
    EXPECT_EQ(array.h(), (Ints{3, 0, 0, 0}));
    EXPECT_EQ(array.hv(), (Bits{1, 0, 0, 0}));
    EXPECT_EQ(array.v(), (Ints{5, 0, 0, 0}));
    EXPECT_EQ(array.vv(), (Bits{1, 0, 0, 0}));
    EXPECT_EQ(array.acc, (Ints{15, 0, 0, 0}));
    EXPECT_EQ(array.mac(), (Bits{1, 0, 0, 0}));

    os({in(-2), in(4)}, {in(6), in(7)});
    EXPECT_EQ(array.h(), (Ints{-2, 3, 4, 0}));
    EXPECT_EQ(array.hv(), (Bits{1, 1, 1, 0}));
    EXPECT_EQ(array.v(), (Ints{6, 7, 5, 0}));
    EXPECT_EQ(array.vv(), (Bits{1, 1, 1, 0}));
    EXPECT_EQ(array.acc, (Ints{3, 21, 20, 0}));   // 15 - 12, 3 * 7, 4 * 5
    EXPECT_EQ(array.mac(), (Bits{1, 1, 1, 0}));

    os({kNone, kNone}, {kNone, kNone});
    EXPECT_EQ(array.h(), (Ints{0, -2, 0, 4}));
    EXPECT_EQ(array.hv(), (Bits{0, 1, 0, 1}));
    EXPECT_EQ(array.v(), (Ints{0, 0, 6, 7}));
    EXPECT_EQ(array.vv(), (Bits{0, 0, 1, 1}));
    EXPECT_EQ(array.acc, (Ints{3, 21, 20, 28}));  // only (1,1) has both: 4 * 7
    EXPECT_EQ(array.mac(), (Bits{0, 0, 0, 1}));
    EXPECT_EQ(array.w, Ints(4, 0)) << "os leaves the stationary registers";
    EXPECT_EQ(array.wv, Bits(4, 0));
}

TEST_F(PeArrayTest, OsAccumulatorWrapsAtAccBits) {
    os({in(127), kNone}, {in(127), kNone});
    EXPECT_EQ(array.acc[0], 16129);
    os({in(127), kNone}, {in(127), kNone});
    EXPECT_EQ(array.acc[0], 32258);
    os({in(127), kNone}, {in(127), kNone});
    EXPECT_EQ(array.acc[0], -17149) << "48387 wraps at 16 bits";
    os({in(-128), kNone}, {in(-128), kNone});
    EXPECT_EQ(array.acc[0], -765);   // -17149 + 16384
    os({in(-128), kNone}, {in(127), kNone});
    EXPECT_EQ(array.acc[0], -17021);
    os({in(-128), kNone}, {in(127), kNone});
    EXPECT_EQ(array.acc[0], 32259) << "-33277 wraps up";
}

TEST_F(PeArrayTest, TakeAccumulatorsHandsThemOverAndClears) {
    os({in(2), in(3)}, {in(5), in(7)});
    os({in(1), kNone}, {in(1), kNone});
    ASSERT_EQ(array.acc, (Ints{11, 0, 0, 21}));   // 2*5 + 1*1; 3 * 7 meet in (1, 1)
    std::vector<int32_t> shadow;
    array.take_accumulators(shadow);
    EXPECT_EQ(shadow, (Ints{11, 0, 0, 21}));
    EXPECT_EQ(array.acc, Ints(4, 0));
    EXPECT_EQ(array.h(), (Ints{1, 2, 0, 3})) << "the operands stay";
}

TEST_F(PeArrayTest, PreloadShiftsTheStationaryRowsDownAndClearsTheRest) {
    os({in(3), in(4)}, {in(5), in(6)});   // something in h, v and mac
    preload({in(4), in(5)});
    EXPECT_EQ(array.w, (Ints{4, 5, 0, 0}));
    EXPECT_EQ(array.wv, (Bits{1, 1, 0, 0}));
    EXPECT_EQ(array.h(), Ints(4, 0));
    EXPECT_EQ(array.hv(), Bits(4, 0));
    EXPECT_EQ(array.v(), Ints(4, 0));
    EXPECT_EQ(array.vv(), Bits(4, 0));
    EXPECT_EQ(array.mac(), Bits(4, 0));
    EXPECT_EQ(array.acc, (Ints{15, 0, 0, 0})) << "acc holds";
    preload({in(2), kNone});
    EXPECT_EQ(array.w, (Ints{2, 0, 4, 5}));
    EXPECT_EQ(array.wv, (Bits{1, 0, 1, 1}));
}

// ws with W = [[2, 3], [4, 5]]: vector x enters row 0 at stream cycle s and row 1 at s + 1;
// column j's sum x0 * W[0][j] + x1 * W[1][j] leaves the bottom row at stream cycle 1 + j.
TEST_F(PeArrayTest, StationaryPartialSumsFlowDown) {
    preload({in(4), in(5)});   // row R-1 first
    preload({in(2), in(3)});
    ASSERT_EQ(array.w, (Ints{2, 3, 4, 5}));
    ASSERT_EQ(array.wv, (Bits{1, 1, 1, 1}));

    stream({in(10), kNone});              // x = (10, 30) starts
    EXPECT_EQ(array.v(), (Ints{20, 0, 0, 0}));
    EXPECT_EQ(array.vv(), (Bits{1, 0, 0, 0}));
    EXPECT_EQ(array.h(), (Ints{10, 0, 0, 0}));
    EXPECT_EQ(array.mac(), (Bits{1, 0, 0, 0}));

    stream({in(20), in(30)});             // y = (20, 40) starts
    EXPECT_EQ(array.v(), (Ints{40, 30, 140, 0}));   // 140 = 10*2 + 30*4: x, column 0
    EXPECT_EQ(array.vv(), (Bits{1, 1, 1, 0}));
    EXPECT_EQ(array.h(), (Ints{20, 10, 30, 0}));
    EXPECT_EQ(array.mac(), (Bits{1, 1, 1, 0}));

    stream({kNone, in(40)});
    EXPECT_EQ(array.v(), (Ints{0, 60, 200, 180}));  // 200 = 20*2 + 40*4; 180 = 10*3 + 30*5
    EXPECT_EQ(array.vv(), (Bits{0, 1, 1, 1}));
    EXPECT_EQ(array.mac(), (Bits{0, 1, 1, 1}));

    stream({kNone, kNone});
    EXPECT_EQ(array.v(), (Ints{0, 0, 0, 260}));     // 260 = 20*3 + 40*5
    EXPECT_EQ(array.vv(), (Bits{0, 0, 0, 1}));
    EXPECT_EQ(array.mac(), (Bits{0, 0, 0, 1}));

    EXPECT_EQ(array.w, (Ints{2, 3, 4, 5})) << "the stationary operand holds";
    EXPECT_EQ(array.acc, Ints(4, 0));
}

TEST_F(PeArrayTest, StationaryPartialSumWrapsAtAccBitsAndSkipsMissingWeights) {
    preload({in(-128), kNone});   // column 1 has no weight
    preload({in(-128), kNone});
    stream({in(-128), kNone});
    EXPECT_EQ(array.v()[0], 16384);
    stream({in(5), in(-128)});
    EXPECT_EQ(array.v()[2], -32768) << "16384 + 16384 wraps at 16 bits";
    EXPECT_EQ(array.v()[1], 0) << "no weight in PE (0, 1)";
    EXPECT_EQ(array.vv()[1], 1) << "the partial sum's valid follows h";
    EXPECT_EQ(array.mac()[1], 0);
}

TEST(PeArray, OnePeArray) {
    const ArrayShape shape{1, 1, 8, 32, 4};
    PeArray array("pe_array", shape);
    Feeder feed("feeder", shape);
    feed.left[0] = EdgePort{true, 0, -7};
    feed.top[0] = EdgePort{true, 0, 6};
    array.step_os(feed);
    array.step_os(feed);
    EXPECT_EQ(array.acc, (Ints{-84}));
    EXPECT_EQ(array.h(), (Ints{-7}));
    EXPECT_EQ(array.v(), (Ints{6}));
}

// The count of PEs that multiplied (macs_now(), what a streamed run's counters and its MAC
// check add up) equals the mac flags set, on every step, on a grid large enough that a byte
// lane of the count would overflow if it summed more than 255 rows of flags at once (the count
// sums 64 lanes side by side), with a few flags past the last whole row. An edge that does not
// step (hold()) counts none, while the flags hold.
TEST(PeArray, CountsTheMacFlagsOfALargeGridOnEveryStep) {
    const ArrayShape shape{129, 131, 8, 32, 4};
    PeArray array("pe_array", shape);
    Feeder feed("feeder", shape);
    const auto set = [&](bool left, bool top) {
        for (EdgePort& p : feed.left) p = EdgePort{left, 0, left ? 3 : 0};
        for (EdgePort& p : feed.top) p = EdgePort{top, 0, top ? 5 : 0};
    };
    unsigned full = 0;
    const unsigned fill = shape.rows + shape.cols;   // every operand valid by then
    for (unsigned step = 0; step < 2 * fill + 40; ++step) {
        // All valid, then the top feed with gaps, then nothing: the counts rise, vary, drain.
        set(step < 2 * fill, step < fill || (step < 2 * fill && step % 7 != 3));
        array.step_os(feed);
        const Bits mac = array.mac();
        const auto flags = static_cast<uint32_t>(std::count(mac.begin(), mac.end(), 1));
        ASSERT_EQ(array.macs_now(), flags) << "step " << step;
        full += flags == shape.rows * shape.cols;
        if (step == fill) {
            array.hold();
            ASSERT_EQ(array.macs_now(), 0u);
            ASSERT_EQ(array.mac(), mac);
        }
    }
    EXPECT_GT(full, 0u) << "some step had every PE multiply";
}

// The flowing registers live in rings whose windows slide a word (h) or a row (v) a cycle and
// are copied back when they reach the front (every 64 cycles or more). Against a plain model
// of the grid, which shifts every register every cycle: several hundred steps of random
// feeds, os, a long preload, ws, a short preload, ws again, with faults written in on the way
// (some in the preloads), agree on every register after every step.
TEST(PeArray, FlowingRegistersMatchAPlainShiftingGridOverManyCycles) {
    const ArrayShape shape{3, 5, 8, 12, 4};   // 12-bit sums wrap often
    const size_t R = shape.rows, C = shape.cols, n = R * C;
    PeArray array("pe_array", shape);
    Feeder feed("feeder", shape);
    Ints h(n, 0), v(n, 0), acc(n, 0), w(n, 0);
    Bits hv(n, 0), vv(n, 0), wv(n, 0), mac(n, 0);
    uint32_t seed = 12345;
    const auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
    const auto wrap12 = [](uint32_t x) { return static_cast<int32_t>(x << 20) >> 20; };
    for (unsigned step = 0; step < 700; ++step) {
        for (EdgePort& p : feed.left) p = (next() >> 16) % 4 ? EdgePort{true, 0, static_cast<int8_t>(next() >> 8)} : EdgePort{};
        for (EdgePort& p : feed.top) p = (next() >> 16) % 4 ? EdgePort{true, 0, static_cast<int8_t>(next() >> 8)} : EdgePort{};
        const unsigned phase = step < 200 ? 0 : step < 340 ? 1 : step < 500 ? 2 : step < 505 ? 1 : 2;   // os, preload, ws
        // The plain model: registers move one place; the edges take the feeds.
        for (size_t i = R; i-- > 0;) {
            for (size_t j = C; j-- > 0;) {
                const size_t p = i * C + j;
                if (phase == 1) {
                    w[p] = i ? w[p - C] : feed.top[j].data;
                    wv[p] = i ? wv[p - C] : feed.top[j].valid;
                    h[p] = v[p] = hv[p] = vv[p] = mac[p] = 0;
                    continue;
                }
                h[p] = j ? h[p - 1] : feed.left[i].data;
                hv[p] = j ? hv[p - 1] : feed.left[i].valid;
                if (phase == 0) {
                    v[p] = i ? v[p - C] : feed.top[j].data;
                    vv[p] = i ? vv[p - C] : feed.top[j].valid;
                    acc[p] = wrap12(static_cast<uint32_t>(acc[p]) + static_cast<uint32_t>(h[p] * v[p]));
                    mac[p] = hv[p] & vv[p];
                } else {
                    v[p] = wrap12(static_cast<uint32_t>(i ? v[p - C] : 0) + static_cast<uint32_t>(h[p] * w[p]));
                    vv[p] = i ? vv[p - C] : hv[p];
                    mac[p] = hv[p] & wv[p];
                }
            }
        }
        array.hold();   // as the top does each edge before it steps
        if (phase == 0) array.step_os(feed);
        if (phase == 1) array.step_preload(feed);
        if (phase == 2) array.step_stationary(feed);
        ASSERT_EQ(array.h(), h) << "step " << step;
        ASSERT_EQ(array.hv(), hv) << "step " << step;
        ASSERT_EQ(array.v(), v) << "step " << step;
        ASSERT_EQ(array.vv(), vv) << "step " << step;
        ASSERT_EQ(array.acc, acc) << "step " << step;
        ASSERT_EQ(array.w, w) << "step " << step;
        ASSERT_EQ(array.wv, wv) << "step " << step;
        ASSERT_EQ(array.mac(), mac) << "step " << step;
        ASSERT_EQ(array.macs_now(), phase == 1 ? 0u : static_cast<uint32_t>(std::count(mac.begin(), mac.end(), 1)));
        // A fault in each flowing register moves on with it, or is zeroed by the next preload
        // cycle (h after step 501, v after 502), though the preload before had zeroed them; w
        // moves down in a preload and holds in ws.
        const unsigned row = step % R, col = step % C;
        if (step % 97 == 50 || step == 501) {
            array.overwrite(row, col, "h", 1000 + static_cast<int32_t>(step));
            h[row * C + col] = 1000 + static_cast<int32_t>(step);
        }
        if (step % 97 == 50 || step == 502) {
            array.overwrite(row, col, "v", 2000 + static_cast<int32_t>(step));
            v[row * C + col] = 2000 + static_cast<int32_t>(step);
        }
        if (step % 97 == 50 || step == 260) {
            array.overwrite(row, col, "w", 3000 + static_cast<int32_t>(step));
            w[row * C + col] = 3000 + static_cast<int32_t>(step);
        }
    }
}

}  // namespace
}  // namespace lockstep::systolic
