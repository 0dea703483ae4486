// Memory controller (sim/gpu/controller, rtl/gpu/controller.sv): consumers' requests over
// fewer channels, channels in order, each taking the lowest-numbered unserved consumer;
// IDLE -> READ/WRITE_WAITING -> READ/WRITE_RELAYING -> IDLE once the consumer drops valid.
#include "gpu/controller.h"
#include "unit_testing.h"

#include <gtest/gtest.h>

#include <vector>

namespace lockstep::gpu {
namespace {

using testing::edge;
using S = CtrlState;

MemRequest read(uint32_t address) {
    MemRequest r;
    r.read_valid = true;
    r.read_address = address;
    return r;
}

MemRequest write(uint32_t address, uint32_t data) {
    MemRequest r;
    r.write_valid = true;
    r.write_address = address;
    r.write_data = data;
    return r;
}

// A memory that answers every channel's request in the cycle it appears (latency 0):
// read data = 0x80 + address.
std::vector<MemResponse> answer_now(const Controller& c) {
    std::vector<MemResponse> out(c.q.mem.size());
    for (size_t ch = 0; ch < out.size(); ++ch) {
        out[ch].read_ready = c.q.mem[ch].read_valid;
        out[ch].read_data = c.q.mem[ch].read_valid ? 0x80 + c.q.mem[ch].read_address : 0;
        out[ch].write_ready = c.q.mem[ch].write_valid;
    }
    return out;
}

TEST(MemController, ResetValues) {
    Controller c("controller", 3, 2, true);
    EXPECT_EQ(c.q.channel_state, (std::vector<S>{S::Idle, S::Idle}));
    EXPECT_EQ(c.q.channel_consumer, (std::vector<unsigned>{0, 0}));
    EXPECT_EQ(c.q.serving, (Flags{false, false, false}));
    for (const MemRequest& m : c.q.mem) {
        EXPECT_FALSE(m.read_valid);
        EXPECT_FALSE(m.write_valid);
        EXPECT_EQ(m.read_address, 0u);
        EXPECT_EQ(m.write_address, 0u);
        EXPECT_EQ(m.write_data, 0u);
    }
    for (const MemResponse& r : c.q.consumer) {
        EXPECT_FALSE(r.read_ready);
        EXPECT_FALSE(r.write_ready);
        EXPECT_EQ(r.read_data, 0u);
    }
    const std::vector<MemRequest> asks = {read(1), write(2, 3), read(4)};
    edge(c, false, asks, std::vector<MemResponse>(2));
    ASSERT_EQ(c.q.channel_state[0], S::ReadWaiting);
    edge(c, true, asks, std::vector<MemResponse>(2));
    EXPECT_EQ(c.q.channel_state, (std::vector<S>{S::Idle, S::Idle}));
    EXPECT_EQ(c.q.serving, (Flags{false, false, false}));
    EXPECT_FALSE(c.q.mem[0].read_valid);
    EXPECT_EQ(c.q.mem[0].read_address, 0u);
    EXPECT_FALSE(c.q.mem[1].write_valid);
}

// Four LSU-like consumers ask for reads in cycle 0 over two channels; each holds valid until
// the cycle it sees read_ready and drops it at that edge. Channel 0 takes consumer 0 and
// channel 1 consumer 1; consumers 2 and 3 follow once the channels are idle again.
TEST(MemController, FourReadsOverTwoChannelsInOrder) {
    Controller c("controller", 4, 2, true);
    std::vector<bool> answered(4, false);
    struct Expected {
        std::vector<S> state;
        std::vector<unsigned> consumer;
        std::vector<bool> ready;   // per consumer
    };
    const std::vector<Expected> expected = {
        {{S::Idle, S::Idle}, {0, 0}, {false, false, false, false}},                   // 0
        {{S::ReadWaiting, S::ReadWaiting}, {0, 1}, {false, false, false, false}},     // 1
        {{S::ReadRelaying, S::ReadRelaying}, {0, 1}, {true, true, false, false}},     // 2
        {{S::ReadRelaying, S::ReadRelaying}, {0, 1}, {true, true, false, false}},     // 3: valid drops
        {{S::Idle, S::Idle}, {0, 1}, {false, false, false, false}},                   // 4
        {{S::ReadWaiting, S::ReadWaiting}, {2, 3}, {false, false, false, false}},     // 5
        {{S::ReadRelaying, S::ReadRelaying}, {2, 3}, {false, false, true, true}},     // 6
        {{S::ReadRelaying, S::ReadRelaying}, {2, 3}, {false, false, true, true}},     // 7
        {{S::Idle, S::Idle}, {2, 3}, {false, false, false, false}},                   // 8
        {{S::Idle, S::Idle}, {2, 3}, {false, false, false, false}},                   // 9
    };
    for (unsigned cycle = 0; cycle < expected.size(); ++cycle) {
        const Expected& e = expected[cycle];
        EXPECT_EQ(c.q.channel_state, e.state) << "cycle " << cycle;
        EXPECT_EQ(c.q.channel_consumer, e.consumer) << "cycle " << cycle;
        for (unsigned j = 0; j < 4; ++j) {
            EXPECT_EQ(c.q.consumer[j].read_ready, e.ready[j]) << "cycle " << cycle << " consumer " << j;
        }
        std::vector<MemRequest> asks(4);
        for (unsigned j = 0; j < 4; ++j) {
            if (!answered[j]) asks[j] = read(0x10 + j);
            if (c.q.consumer[j].read_ready) answered[j] = true;   // valid drops at this edge
        }
        edge(c, false, asks, answer_now(c));
    }
    for (unsigned j = 0; j < 4; ++j) EXPECT_EQ(c.q.consumer[j].read_data, 0x90 + j) << "consumer " << j;
    EXPECT_EQ(c.q.serving, (Flags{false, false, false, false}));
}

TEST(MemController, ChannelHoldsTheRequestUntilTheMemoryAnswers) {
    Controller c("controller", 2, 1, true);
    const std::vector<MemRequest> asks = {write(7, 0x42), read(9)};
    const std::vector<MemResponse> silent(1);
    edge(c, false, asks, silent);
    ASSERT_EQ(c.q.channel_state[0], S::WriteWaiting);
    EXPECT_EQ(c.q.channel_consumer[0], 0u);
    for (int cycle = 0; cycle < 3; ++cycle) {
        edge(c, false, asks, silent);
        EXPECT_EQ(c.q.channel_state[0], S::WriteWaiting);
        EXPECT_TRUE(c.q.mem[0].write_valid);
        EXPECT_EQ(c.q.mem[0].write_address, 7u);
        EXPECT_EQ(c.q.mem[0].write_data, 0x42u);
        EXPECT_FALSE(c.q.mem[0].read_valid) << "consumer 1 waits for the only channel";
        EXPECT_FALSE(c.q.consumer[0].write_ready);
    }
    std::vector<MemResponse> answer(1);
    answer[0].read_ready = true;   // the wrong kind of answer is not taken
    edge(c, false, asks, answer);
    EXPECT_EQ(c.q.channel_state[0], S::WriteWaiting);
    answer[0] = MemResponse{};
    answer[0].write_ready = true;
    edge(c, false, asks, answer);
    EXPECT_EQ(c.q.channel_state[0], S::WriteRelaying);
    EXPECT_FALSE(c.q.mem[0].write_valid);
    EXPECT_TRUE(c.q.consumer[0].write_ready);
    EXPECT_FALSE(c.q.consumer[1].read_ready);
    // The consumer keeps write_valid up: the channel keeps relaying.
    edge(c, false, asks, silent);
    EXPECT_EQ(c.q.channel_state[0], S::WriteRelaying);
    EXPECT_TRUE(c.q.consumer[0].write_ready);
    const std::vector<MemRequest> dropped = {MemRequest{}, read(9)};
    edge(c, false, dropped, silent);
    EXPECT_EQ(c.q.channel_state[0], S::Idle);
    EXPECT_FALSE(c.q.consumer[0].write_ready);
    edge(c, false, dropped, silent);
    EXPECT_EQ(c.q.channel_state[0], S::ReadWaiting);
    EXPECT_EQ(c.q.channel_consumer[0], 1u);
    EXPECT_EQ(c.q.mem[0].read_address, 9u);
}

TEST(MemController, ReadBeforeWriteAndLowestConsumerFirst) {
    Controller c("controller", 3, 1, true);
    // Consumer 0 asks nothing, 1 both a read and a write (the read wins), 2 a read (it waits).
    MemRequest both = read(5);
    both.write_valid = true;
    both.write_address = 6;
    both.write_data = 7;
    edge(c, false, std::vector<MemRequest>{MemRequest{}, both, read(8)}, std::vector<MemResponse>(1));
    EXPECT_EQ(c.q.channel_state[0], S::ReadWaiting);
    EXPECT_EQ(c.q.channel_consumer[0], 1u);
    EXPECT_EQ(c.q.mem[0].read_address, 5u);
    EXPECT_FALSE(c.q.mem[0].write_valid);
    EXPECT_EQ(c.q.serving, (Flags{false, true, false}));
}

TEST(MemController, ProgramControllerIgnoresWrites) {
    Controller c("controller", 2, 2, /*write_enable=*/false);
    edge(c, false, std::vector<MemRequest>{write(1, 2), read(3)}, std::vector<MemResponse>(2));
    EXPECT_EQ(c.q.channel_state, (std::vector<S>{S::ReadWaiting, S::Idle}));
    EXPECT_EQ(c.q.channel_consumer[0], 1u) << "consumer 0's write is not served";
    EXPECT_FALSE(c.q.mem[0].write_valid);
    EXPECT_FALSE(c.q.mem[1].write_valid);
    EXPECT_EQ(c.q.serving, (Flags{false, true}));
}

TEST(MemController, OneConsumerNeverTakesTwoChannels) {
    Controller c("controller", 2, 3, true);
    edge(c, false, std::vector<MemRequest>{read(4), MemRequest{}}, std::vector<MemResponse>(3));
    EXPECT_EQ(c.q.channel_state, (std::vector<S>{S::ReadWaiting, S::Idle, S::Idle}));
    edge(c, false, std::vector<MemRequest>{read(4), read(6)}, std::vector<MemResponse>(3));
    EXPECT_EQ(c.q.channel_state, (std::vector<S>{S::ReadWaiting, S::ReadWaiting, S::Idle}));
    EXPECT_EQ(c.q.channel_consumer[1], 1u);
    EXPECT_EQ(c.q.mem[1].read_address, 6u);
}

// `serving` is a running copy: a consumer released by channel i can be taken by a later
// channel in the same edge, but not by an earlier one.
TEST(MemController, ReleasedConsumerIsSeenByLaterChannelsInTheSameEdge) {
    Controller later("later", 1, 2, true);
    edge(later, false, std::vector<MemRequest>{read(1)}, std::vector<MemResponse>(2));   // channel 0 takes it
    edge(later, false, std::vector<MemRequest>{read(1)}, answer_now(later));
    ASSERT_EQ(later.q.channel_state[0], S::ReadRelaying);
    // The consumer drops its read and asks a write in the same cycle.
    edge(later, false, std::vector<MemRequest>{write(2, 3)}, std::vector<MemResponse>(2));
    EXPECT_EQ(later.q.channel_state, (std::vector<S>{S::Idle, S::WriteWaiting}));
    EXPECT_EQ(later.q.channel_consumer[1], 0u);
    EXPECT_EQ(later.q.serving, (Flags{true}));

    Controller earlier("earlier", 2, 2, true);
    // Channel 0 serves consumer 1 and goes idle again while channel 1 serves consumer 0.
    edge(earlier, false, std::vector<MemRequest>{MemRequest{}, read(1)}, std::vector<MemResponse>(2));
    edge(earlier, false, std::vector<MemRequest>{read(0), read(1)}, answer_now(earlier));
    ASSERT_EQ(earlier.q.channel_state, (std::vector<S>{S::ReadRelaying, S::ReadWaiting}));
    ASSERT_EQ(earlier.q.channel_consumer, (std::vector<unsigned>{1, 0}));
    edge(earlier, false, std::vector<MemRequest>{read(0), MemRequest{}}, answer_now(earlier));
    ASSERT_EQ(earlier.q.channel_state, (std::vector<S>{S::Idle, S::ReadRelaying}));
    // Consumer 0 drops its read and asks a write: channel 1 releases it after idle channel 0 looked.
    edge(earlier, false, std::vector<MemRequest>{write(5, 6), MemRequest{}}, std::vector<MemResponse>(2));
    EXPECT_EQ(earlier.q.channel_state, (std::vector<S>{S::Idle, S::Idle}));
    EXPECT_EQ(earlier.q.serving, (Flags{false, false}));
    edge(earlier, false, std::vector<MemRequest>{write(5, 6), MemRequest{}}, std::vector<MemResponse>(2));
    EXPECT_EQ(earlier.q.channel_state, (std::vector<S>{S::WriteWaiting, S::Idle}));
    EXPECT_EQ(earlier.q.channel_consumer[0], 0u);
    EXPECT_EQ(earlier.q.mem[0].write_address, 5u);
    EXPECT_EQ(earlier.q.mem[0].write_data, 6u);
}

}  // namespace
}  // namespace lockstep::gpu
