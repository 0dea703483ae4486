// Dispatcher (sim/gpu/dispatcher, rtl/gpu/dispatcher.sv): hands blocks to cores in order,
// a partial last block, done one edge after the last block finishes; re-arms on start low.
#include "gpu/dispatcher.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::gpu {
namespace {

using testing::edge;

void expect_reset_values(const Dispatcher& d, unsigned cores, unsigned threads_per_block) {
    EXPECT_EQ(d.q.core_start, gpu::Flags(cores, 0));
    EXPECT_EQ(d.q.core_reset, gpu::Flags(cores, 1));
    EXPECT_EQ(d.q.core_block_id, std::vector<uint32_t>(cores, 0));
    EXPECT_EQ(d.q.core_thread_count, std::vector<uint32_t>(cores, threads_per_block));
    EXPECT_EQ(d.q.blocks_dispatched, 0u);
    EXPECT_EQ(d.q.blocks_done, 0u);
    EXPECT_FALSE(d.q.done);
}

TEST(Dispatcher, ResetValues) {
    Dispatcher d("dispatcher", 2, 4);
    expect_reset_values(d, 2, 4);
    edge(d, false, true, 10u, Flags{false, false});
    ASSERT_TRUE(d.q.core_start[0]);
    edge(d, true, true, 10u, Flags{false, false});
    expect_reset_values(d, 2, 4);
}

// 10 threads in blocks of 4 on 2 cores: blocks 0 and 1 (4 threads) at once, block 2 (2 threads)
// on the first core to finish; done one edge after blocks_done reaches 3.
TEST(Dispatcher, TenThreadsOnTwoCoresEndWithAPartialBlock) {
    Dispatcher d("dispatcher", 2, 4);
    // core_done per cycle: a core's scheduler done_q, still 1 during the cycle it is held in reset.
    auto core_done = [](unsigned cycle) {
        return Flags{cycle == 9 || cycle == 10, cycle == 5 || cycle == 6 || cycle == 12 || cycle == 13};
    };
    struct Expected {
        Flags start, reset;
        std::vector<uint32_t> block, threads;
        uint32_t dispatched, finished;
        bool done;
    };
    auto expected = [](unsigned cycle) -> Expected {
        if (cycle == 0) return {{false, false}, {true, true}, {0, 0}, {4, 4}, 0, 0, false};
        if (cycle <= 5) return {{true, true}, {false, false}, {0, 1}, {4, 4}, 2, 0, false};
        if (cycle == 6) return {{true, false}, {false, true}, {0, 1}, {4, 4}, 2, 1, false};
        if (cycle <= 9) return {{true, true}, {false, false}, {0, 2}, {4, 2}, 3, 1, false};
        if (cycle == 10) return {{false, true}, {true, false}, {0, 2}, {4, 2}, 3, 2, false};
        if (cycle <= 12) return {{false, true}, {false, false}, {0, 2}, {4, 2}, 3, 2, false};
        if (cycle == 13) return {{false, false}, {false, true}, {0, 2}, {4, 2}, 3, 3, false};
        return {{false, false}, {false, false}, {0, 2}, {4, 2}, 3, 3, true};
    };
    for (unsigned cycle = 0; cycle <= 16; ++cycle) {
        const Expected e = expected(cycle);
        EXPECT_EQ(d.q.core_start, e.start) << "cycle " << cycle;
        EXPECT_EQ(d.q.core_reset, e.reset) << "cycle " << cycle;
        EXPECT_EQ(d.q.core_block_id, e.block) << "cycle " << cycle;
        EXPECT_EQ(d.q.core_thread_count, e.threads) << "cycle " << cycle;
        EXPECT_EQ(d.q.blocks_dispatched, e.dispatched) << "cycle " << cycle;
        EXPECT_EQ(d.q.blocks_done, e.finished) << "cycle " << cycle;
        EXPECT_EQ(d.q.done, e.done) << "cycle " << cycle;
        edge(d, false, true, 10u, core_done(cycle));
    }
}

TEST(Dispatcher, StartLowReArmsAndASecondLaunchRuns) {
    Dispatcher d("dispatcher", 2, 4);
    edge(d, false, true, 3u, Flags{false, false});
    // One block of 3 threads: core 0 takes it, core 1 leaves reset with nothing to run.
    EXPECT_EQ(d.q.core_start, (Flags{true, false}));
    EXPECT_EQ(d.q.core_reset, (Flags{false, false}));
    EXPECT_EQ(d.q.core_thread_count, (std::vector<uint32_t>{3, 4}));
    edge(d, false, true, 3u, Flags{true, false});
    EXPECT_EQ(d.q.blocks_done, 1u);
    EXPECT_FALSE(d.q.done) << "done compares blocks_done before the edge";
    edge(d, false, true, 3u, Flags{true, false});   // core 0 in reset, done_q still 1
    ASSERT_TRUE(d.q.done);
    EXPECT_EQ(d.q.blocks_done, 1u) << "a core in reset does not finish twice";
    edge(d, false, true, 3u, Flags{false, false});
    EXPECT_TRUE(d.q.done) << "done holds while start is high";
    edge(d, false, false, 3u, Flags{false, false});
    EXPECT_FALSE(d.q.done);
    EXPECT_EQ(d.q.blocks_dispatched, 0u);
    EXPECT_EQ(d.q.blocks_done, 0u);
    EXPECT_EQ(d.q.core_reset, (Flags{true, true}));
    EXPECT_EQ(d.q.core_start, (Flags{false, false}));
    EXPECT_EQ(d.q.core_thread_count, (std::vector<uint32_t>{3, 4})) << "block and count are not re-armed";
    edge(d, false, true, 6u, Flags{false, false});
    EXPECT_EQ(d.q.core_start, (Flags{true, true}));
    EXPECT_EQ(d.q.core_block_id, (std::vector<uint32_t>{0, 1}));
    EXPECT_EQ(d.q.core_thread_count, (std::vector<uint32_t>{4, 2}));
    EXPECT_EQ(d.q.blocks_dispatched, 2u);
}

TEST(Dispatcher, StartLowMidRunPutsEveryCoreBackInReset) {
    Dispatcher d("dispatcher", 2, 4);
    edge(d, false, true, 8u, Flags{false, false});
    edge(d, false, true, 8u, Flags{true, false});   // core 0 finishes block 0
    ASSERT_EQ(d.q.core_start, (Flags{false, true}));
    ASSERT_EQ(d.q.blocks_done, 1u);
    edge(d, false, false, 8u, Flags{false, false});
    EXPECT_EQ(d.q.core_start, (Flags{false, false}));
    EXPECT_EQ(d.q.core_reset, (Flags{true, true}));
    EXPECT_EQ(d.q.blocks_dispatched, 0u);
    EXPECT_EQ(d.q.blocks_done, 0u);
    EXPECT_EQ(d.q.core_block_id, (std::vector<uint32_t>{0, 1}));
    EXPECT_FALSE(d.q.done);
}

TEST(Dispatcher, ZeroThreadsIsDoneAfterOneEdge) {
    Dispatcher d("dispatcher", 2, 4);
    edge(d, false, true, 0u, Flags{false, false});
    EXPECT_TRUE(d.q.done);
    EXPECT_EQ(d.q.core_start, (Flags{false, false}));
    EXPECT_EQ(d.q.core_reset, (Flags{false, false}));
    EXPECT_EQ(d.q.blocks_dispatched, 0u);
}

TEST(Dispatcher, LaterCoresSeeTheBlocksGivenToEarlierOnesInTheSameEdge) {
    Dispatcher d("dispatcher", 3, 1);
    edge(d, false, true, 2u, Flags{false, false, false});
    EXPECT_EQ(d.q.core_start, (Flags{true, true, false}));
    EXPECT_EQ(d.q.core_block_id, (std::vector<uint32_t>{0, 1, 0}));
    EXPECT_EQ(d.q.core_thread_count, (std::vector<uint32_t>{1, 1, 1}));
    EXPECT_EQ(d.q.blocks_dispatched, 2u);
    // Both cores finish in the same cycle: both count.
    edge(d, false, true, 2u, Flags{true, true, true});
    EXPECT_EQ(d.q.blocks_done, 2u) << "core 2 runs nothing, so its done does not count";
    EXPECT_EQ(d.q.core_reset, (Flags{true, true, false}));
}

// 255 threads in blocks of 4 on one core: 64 blocks, the last of 3 threads, each block once.
TEST(Dispatcher, EveryBlockOnceUpTo255Threads) {
    Dispatcher d("dispatcher", 1, 4);
    std::vector<uint32_t> blocks, counts;
    bool running = false;   // the core's done comes one edge after its start (a 1-cycle kernel)
    unsigned cycle = 0;
    for (; cycle < 1000 && !d.q.done; ++cycle) {
        if (d.q.core_start[0] && !running) {
            blocks.push_back(d.q.core_block_id[0]);
            counts.push_back(d.q.core_thread_count[0]);
        }
        const bool done = running && d.q.core_start[0];
        running = d.q.core_start[0];
        edge(d, false, true, 255u, Flags{done});
    }
    ASSERT_EQ(blocks.size(), 64u);
    for (uint32_t b = 0; b < 64; ++b) EXPECT_EQ(blocks[b], b);
    for (uint32_t b = 0; b < 63; ++b) EXPECT_EQ(counts[b], 4u) << "block " << b;
    EXPECT_EQ(counts[63], 3u) << "255 - 63 * 4";
    EXPECT_EQ(d.q.blocks_done, 64u);
    // Block b is handed out at edge 3b and retired at edge 3b + 2; done is set at the edge
    // after the last one retires (192) and seen from cycle 193.
    EXPECT_EQ(cycle, 64u * 3 + 1);
}

}  // namespace
}  // namespace lockstep::gpu
