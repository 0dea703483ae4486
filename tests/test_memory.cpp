// The memory shared by both engines: latency, write timing, range checks.
#include "common/error.h"
#include "common/memory.h"

#include <gtest/gtest.h>

namespace lockstep {
namespace {

TEST(Memory, LatencyZeroAnswersInTheSameCycle) {
    Memory mem("data", 16, 8, 1, 0, true);
    mem.load({5, 6, 7});
    std::vector<MemRequest> req(1);
    req[0].read_valid = true;
    req[0].read_address = 2;
    const auto& resp = mem.respond(req, 1);
    EXPECT_TRUE(resp[0].read_ready);
    EXPECT_EQ(resp[0].read_data, 7u);
}

TEST(Memory, LatencyDelaysTheAnswerByThatManyCycles) {
    Memory mem("data", 16, 8, 1, 2, true);
    mem.load({5, 6, 7});
    std::vector<MemRequest> req(1);
    req[0].read_valid = true;
    req[0].read_address = 1;
    for (int cycle = 1; cycle <= 2; ++cycle) {
        EXPECT_FALSE(mem.respond(req, cycle)[0].read_ready) << cycle;
        mem.clock(req);
    }
    const auto& resp = mem.respond(req, 3);
    EXPECT_TRUE(resp[0].read_ready);
    EXPECT_EQ(resp[0].read_data, 6u);
}

// same_answers(): the answers repeat only in a quiet cycle after one without answers, never
// on the first respond() or the first after a reset, nor in a cycle that answers or follows one.
TEST(Memory, SameAnswersOnlyWhenNothingWasOrIsAnswered) {
    Memory mem("data", 16, 8, 2, 0, true);
    std::vector<MemRequest> none(2), read(2);
    read[1].read_valid = true;
    read[1].read_address = 3;
    std::string seen;
    const auto step = [&](const std::vector<MemRequest>& req) {
        mem.respond(req, 1);
        seen += mem.same_answers() ? 'S' : '-';
        mem.clock(req);
    };
    step(none);   // the first: nothing to repeat
    step(none);
    step(read);   // answered
    step(none);   // the answer dropped
    step(none);
    mem.reset();
    step(none);
    step(none);
    EXPECT_EQ(seen, "-S--S-S");
}

// A bandwidth of 2 answers at most two requests a cycle, the channels in turn after the last
// one answered; the others wait on (and a request held after its answer counts as new).
TEST(Memory, BandwidthAnswersThatManyRequestsACycleInTurn) {
    Memory mem("data", 16, 8, 4, 0, true, 2);
    mem.load({10, 11, 12, 13});
    std::vector<MemRequest> req(4);
    for (unsigned ch = 0; ch < 4; ++ch) {
        req[ch].read_valid = true;
        req[ch].read_address = ch;
    }
    const auto answered = [&](uint64_t cycle) {
        std::string who;
        const auto& resp = mem.respond(req, cycle);
        for (unsigned ch = 0; ch < 4; ++ch) {
            if (resp[ch].read_ready) who += std::to_string(ch) + "=" + std::to_string(resp[ch].read_data) + " ";
        }
        mem.clock(req);
        return who;
    };
    EXPECT_EQ(answered(1), "0=10 1=11 ");
    req[0].read_valid = req[1].read_valid = false;   // those two got their words
    EXPECT_EQ(answered(2), "2=12 3=13 ");
    req[0].read_valid = req[1].read_valid = true;     // all four ask again: the turn starts after 3
    req[2].read_valid = false;
    EXPECT_EQ(answered(3), "0=10 1=11 ");
    req[0].read_valid = false;
    EXPECT_EQ(answered(4), "1=11 3=13 ");
}

// Without a bandwidth every due request is answered in the same cycle.
TEST(Memory, NoBandwidthLimitAnswersEveryDueRequest) {
    Memory mem("data", 16, 8, 4, 1, true);
    std::vector<MemRequest> req(4);
    for (auto& r : req) r.read_valid = true;
    for (const auto& r : mem.respond(req, 1)) EXPECT_FALSE(r.read_ready);
    mem.clock(req);
    for (const auto& r : mem.respond(req, 2)) EXPECT_TRUE(r.read_ready);
}

TEST(Memory, WriteLandsAtTheEdgeAfterItIsAnswered) {
    Memory mem("data", 16, 8, 2, 0, true);
    std::vector<MemRequest> req(2);
    req[1].write_valid = true;
    req[1].write_address = 9;
    req[1].write_data = 0x1FF;   // masked to 8 bits
    EXPECT_TRUE(mem.respond(req, 1)[1].write_ready);
    EXPECT_EQ(mem.read(9), 0u);
    mem.clock(req);
    EXPECT_EQ(mem.read(9), 0xFFu);
}

TEST(Memory, ProgramMemoryIgnoresWrites) {
    Memory mem("program", 16, 16, 1, 0, false);
    std::vector<MemRequest> req(1);
    req[0].write_valid = true;
    req[0].write_address = 3;
    req[0].write_data = 1;
    EXPECT_FALSE(mem.respond(req, 1)[0].write_ready);
    mem.clock(req);
    EXPECT_EQ(mem.read(3), 0u);
}

TEST(Memory, OutOfRangeAddressIsAnError) {
    Memory mem("data", 16, 16, 1, 0, true);
    std::vector<MemRequest> req(1);
    req[0].read_valid = true;
    req[0].read_address = 16;
    try {
        mem.respond(req, 42);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "cycle 42: data memory read at address 16 out of range 0..15 (channel 0)");
    }
}

TEST(Memory, LoadingTooManyWordsIsAnError) {
    Memory mem("data", 4, 8, 1, 0, true);
    EXPECT_THROW(mem.load({1, 2, 3, 4, 5}), Error);
}

}  // namespace
}  // namespace lockstep
