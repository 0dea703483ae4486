// Feeder (sim/systolic/feeder, rtl/systolic/feeder.sv): the skewed buffer reads at the left
// and top edges in each StRun cycle, per dataflow (docs/systolic.md, "Edge feeds").
#include "systolic/feeder.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockstep::systolic {
namespace {

struct Port {
    bool valid = false;
    uint32_t addr = 0;
};
const Port kOff{};                                   // invalid: address and data 0
Port at(uint32_t addr) { return Port{true, addr}; }

// Distinct words, negative ones too: the feeder passes the buffer's (sign-extended) word.
std::vector<int32_t> buffer_a(unsigned words) {
    std::vector<int32_t> a(words);
    for (unsigned i = 0; i < words; ++i) a[i] = static_cast<int32_t>(i) - 40;
    return a;
}
std::vector<int32_t> buffer_b(unsigned words) {
    std::vector<int32_t> b(words);
    for (unsigned i = 0; i < words; ++i) b[i] = 100 - 3 * static_cast<int32_t>(i);
    return b;
}

void expect_ports(const std::vector<EdgePort>& got, const std::vector<Port>& want, const std::vector<int32_t>& buffer,
                  const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t p = 0; p < want.size(); ++p) {
        EXPECT_EQ(got[p].valid, want[p].valid) << what << " port " << p;
        EXPECT_EQ(got[p].addr, want[p].addr) << what << " port " << p;
        EXPECT_EQ(got[p].data, want[p].valid ? buffer[want[p].addr] : 0) << what << " port " << p;
    }
}

class FeederTest : public ::testing::Test {
protected:
    // R = 2 rows (left ports), C = 3 columns (top ports), 64-word buffers.
    ArrayShape shape{2, 3, 8, 32, 6};
    Feeder feeder{"feeder", shape};
    std::vector<int32_t> a = buffer_a(64), b = buffer_b(64);

    struct Cycle {
        uint32_t t;
        std::vector<Port> left, top;
    };

    // Checks the feeds of fold (r0, c0) at each listed cycle. `left_from_a`: the left ports
    // read A (os, ws) and the top ports B, or the other way round (is).
    void expect_fold(Dataflow df, GemmSize size, uint32_t r0, uint32_t c0, const std::vector<Cycle>& cycles) {
        const Mapping map(df, size, shape.rows, shape.cols);
        ControllerRegs c;
        c.state = SaState::Run;
        c.dataflow = df;
        c.size = size;
        c.r0 = r0;
        c.c0 = c0;
        const bool is = df == Dataflow::Is;
        for (const Cycle& cycle : cycles) {
            c.t = cycle.t;
            feeder.evaluate(c, map, a, b);
            const std::string what = fmt::format("{} fold ({}, {}) t {}", name(df), r0, c0, cycle.t);
            expect_ports(feeder.left, cycle.left, is ? b : a, what + " left");
            expect_ports(feeder.top, cycle.top, is ? a : b, what + " top");
        }
    }
};

// os, M = 3, K = 2, N = 4: left row i gets A[r0+i][t-i] at (r0+i)*K + v; top column j gets
// B[t-j][c0+j] at v*N + c0+j.
TEST_F(FeederTest, OsSkewsARowsAndBColumns) {
    const GemmSize size{3, 2, 4};
    expect_fold(Dataflow::Os, size, 0, 0,
                {{0, {at(0), kOff}, {at(0), kOff, kOff}},
                 {1, {at(1), at(2)}, {at(4), at(1), kOff}},
                 {2, {kOff, at(3)}, {kOff, at(5), at(2)}},
                 {3, {kOff, kOff}, {kOff, kOff, at(6)}},
                 {4, {kOff, kOff}, {kOff, kOff, kOff}}});
    // The last fold: row 3 and columns 4, 5 lie outside C.
    expect_fold(Dataflow::Os, size, 2, 3,
                {{0, {at(4), kOff}, {at(3), kOff, kOff}},
                 {1, {at(5), kOff}, {at(7), kOff, kOff}},
                 {2, {kOff, kOff}, {kOff, kOff, kOff}}});
}

// ws, M = 3, K = 3, N = 4: preload (t < R) row kk = r0 + R-1-t of B enters the top;
// then left row i gets A[v][r0+i] at v*K + r0+i with v = t - R - i.
TEST_F(FeederTest, WsPreloadsBRowsThenStreamsAColumns) {
    const GemmSize size{3, 3, 4};
    expect_fold(Dataflow::Ws, size, 0, 0,
                {{0, {kOff, kOff}, {at(4), at(5), at(6)}},
                 {1, {kOff, kOff}, {at(0), at(1), at(2)}},
                 {2, {at(0), kOff}, {kOff, kOff, kOff}},
                 {3, {at(3), at(1)}, {kOff, kOff, kOff}},
                 {4, {at(6), at(4)}, {kOff, kOff, kOff}},
                 {5, {kOff, at(7)}, {kOff, kOff, kOff}},
                 {6, {kOff, kOff}, {kOff, kOff, kOff}},
                 {7, {kOff, kOff}, {kOff, kOff, kOff}}});
    // r0 = 2: preload row 3 is past K, row 2 enters at t = 1; only column 3 is inside N.
    expect_fold(Dataflow::Ws, size, 2, 3,
                {{0, {kOff, kOff}, {kOff, kOff, kOff}},
                 {1, {kOff, kOff}, {at(11), kOff, kOff}},
                 {2, {at(2), kOff}, {kOff, kOff, kOff}},
                 {3, {at(5), kOff}, {kOff, kOff, kOff}},
                 {4, {at(8), kOff}, {kOff, kOff, kOff}},
                 {5, {kOff, kOff}, {kOff, kOff, kOff}}});
}

// is, M = 4, K = 3, N = 2: preload A[c0+j][kk] at (c0+j)*K + kk from the top; then left row i
// gets B[r0+i][v] at (r0+i)*N + v.
TEST_F(FeederTest, IsPreloadsATransposedThenStreamsBRows) {
    const GemmSize size{4, 3, 2};
    expect_fold(Dataflow::Is, size, 0, 0,
                {{0, {kOff, kOff}, {at(1), at(4), at(7)}},
                 {1, {kOff, kOff}, {at(0), at(3), at(6)}},
                 {2, {at(0), kOff}, {kOff, kOff, kOff}},
                 {3, {at(1), at(2)}, {kOff, kOff, kOff}},
                 {4, {kOff, at(3)}, {kOff, kOff, kOff}},
                 {5, {kOff, kOff}, {kOff, kOff, kOff}}});
    // Columns run over M = 4: at c0 = 3 only column 3 is real.
    expect_fold(Dataflow::Is, size, 0, 3,
                {{0, {kOff, kOff}, {at(10), kOff, kOff}},
                 {1, {kOff, kOff}, {at(9), kOff, kOff}},
                 {2, {at(0), kOff}, {kOff, kOff, kOff}}});
    expect_fold(Dataflow::Is, size, 2, 0,
                {{0, {kOff, kOff}, {kOff, kOff, kOff}},
                 {1, {kOff, kOff}, {at(2), at(5), at(8)}},
                 {2, {at(4), kOff}, {kOff, kOff, kOff}},
                 {3, {at(5), kOff}, {kOff, kOff, kOff}},
                 {4, {kOff, kOff}, {kOff, kOff, kOff}}});
}

TEST_F(FeederTest, EveryPortIsOffOutsideRun) {
    const GemmSize size{3, 2, 4};
    const Mapping map(Dataflow::Os, size, shape.rows, shape.cols);
    ControllerRegs c;
    c.dataflow = Dataflow::Os;
    c.size = size;
    c.t = 1;   // a cycle whose feeds would all be valid in StRun
    for (SaState s : {SaState::Idle, SaState::Drain, SaState::Done}) {
        c.state = s;
        feeder.evaluate(c, map, a, b);
        expect_ports(feeder.left, {kOff, kOff}, a, name(s));
        expect_ports(feeder.top, {kOff, kOff, kOff}, b, name(s));
    }
}

// Addresses are computed wide and keep the low BufAddrBits: with 16-word buffers, os row 2 of
// K = 10 starts at 20, which is word 4.
TEST(Feeder, AddressesKeepTheLowBufferAddressBits) {
    const ArrayShape shape{2, 3, 8, 32, 4};
    Feeder feeder("feeder", shape);
    const std::vector<int32_t> a = buffer_a(16), b = buffer_b(16);
    const GemmSize size{3, 10, 1};
    ControllerRegs c;
    c.state = SaState::Run;
    c.dataflow = Dataflow::Os;
    c.size = size;
    c.r0 = 2;
    c.t = 3;
    feeder.evaluate(c, Mapping(Dataflow::Os, size, 2, 3), a, b);
    expect_ports(feeder.left, {at(7), kOff}, a, "left");   // 2*10 + 3 = 23 -> 7
    expect_ports(feeder.top, {at(3), kOff, kOff}, b, "top");
}

}  // namespace
}  // namespace lockstep::systolic
