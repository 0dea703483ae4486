// Device control register (sim/gpu/dcr, rtl/gpu/dcr.sv): the thread count of the next launch.
#include "gpu/dcr.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

namespace lockstep::gpu {
namespace {

using testing::edge;

TEST(Dcr, StartsAtZero) {
    Dcr dcr("dcr");
    EXPECT_EQ(dcr.q.thread_count, 0);
}

TEST(Dcr, WriteEnableLatchesTheDataAtTheEdge) {
    Dcr dcr("dcr");
    dcr.evaluate(false, true, 0xAB);
    EXPECT_EQ(dcr.q.thread_count, 0) << "nothing changes before the edge";
    dcr.commit();
    EXPECT_EQ(dcr.q.thread_count, 0xAB);
    edge(dcr, false, false, uint8_t{0x12});
    EXPECT_EQ(dcr.q.thread_count, 0xAB) << "held while write enable is low";
    edge(dcr, false, true, uint8_t{255});
    EXPECT_EQ(dcr.q.thread_count, 255);
    edge(dcr, false, true, uint8_t{0});
    EXPECT_EQ(dcr.q.thread_count, 0);
}

TEST(Dcr, ResetClearsAndWinsOverAWrite) {
    Dcr dcr("dcr");
    edge(dcr, false, true, uint8_t{10});
    ASSERT_EQ(dcr.q.thread_count, 10);
    edge(dcr, true, true, uint8_t{77});
    EXPECT_EQ(dcr.q.thread_count, 0);
    edge(dcr, true, false, uint8_t{0});
    EXPECT_EQ(dcr.q.thread_count, 0);
}

}  // namespace
}  // namespace lockstep::gpu
