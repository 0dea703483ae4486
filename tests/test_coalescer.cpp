// Coalescer (docs/architecture.md, "Coalescer"): a warp's lanes within one aligned segment
// share one data request, in lock-step (model vs RTL); results checked against each thread
// run alone, cycles against the documented timing.
#include "cli_testing.h"
#include "common/assembler.h"
#include "common/config.h"
#include "common/thread_interpreter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace lockstep::testing {
namespace {

// One core of 4 threads on one data channel, so every request waits for the one before it.
std::string one_channel(const std::string& name, unsigned latency, unsigned segment_words) {
    std::string yaml = "gpu:\n  cores: 1\n  threads_per_block: 4\n  data_channels: 1\nmemory:\n  data_latency: " +
                       std::to_string(latency) + "\n";
    if (segment_words != 0) yaml += "coalescer:\n  segment_words: " + std::to_string(segment_words) + "\n";
    return write_temp(name, yaml);
}

// Thread t loads word t * stride and stores it at 32 + t.
std::string strided_kernel(unsigned stride) {
    return write_temp("stride" + std::to_string(stride) + ".asm",
                      ".threads 4\n.data 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\nCONST R1, #" + std::to_string(stride) +
                          "\nMUL R0, %threadIdx, R1\nLDR R2, R0\nCONST R3, #32\nADD R3, R3, %threadIdx\nSTR R3, R2\nRET\n");
}

// On one channel a request holds it for 6 + L cycles (granted, asked, answered after the
// latency L, relayed, the LSU drops its request, the port register passes that on), so a warp
// load whose 4 lanes fall in 4 segments costs 3 * (6 + L) cycles more than one whose lanes
// share a segment. Without a coalescer every lane pays, contiguous or not.
TEST(Coalescer, StridedLoadCostsARequestPerSegment) {
    for (unsigned latency : {0u, 3u}) {
        std::map<std::string, nlohmann::json> runs;
        for (unsigned stride : {1u, 4u}) {
            for (unsigned segment : {0u, 4u}) {
                const std::string config =
                    one_channel("c" + std::to_string(latency) + std::to_string(segment) + ".yaml", latency, segment);
                const std::string program = strided_kernel(stride);
                const CliRun run = run_cli("run " + program + " --config " + config + " --json");
                ASSERT_EQ(run.status, 0) << run.err;
                EXPECT_EQ(run.json["mismatches"], 0);
                const Program p = assemble_file(program, AsmLimits{});
                const std::vector<uint32_t> alone = run_threads_alone(p, load_config(config).gpu, p.data);
                EXPECT_EQ(memory_of(run.json, 32, 4), std::vector<uint32_t>(alone.begin() + 32, alone.begin() + 36));
                runs[std::to_string(stride) + "/" + std::to_string(segment)] = run.json;
            }
        }
        const auto cycles = [&](const std::string& key) { return runs[key]["cycles"].get<int64_t>(); };
        const auto requests = [&](const std::string& key) {
            return runs[key]["utilisation"]["data_requests"].get<int64_t>();
        };
        const int64_t hold = 6 + latency;
        EXPECT_EQ(cycles("4/4") - cycles("1/4"), 3 * hold) << "latency " << latency;
        EXPECT_EQ(cycles("1/0") - cycles("1/4"), 2 * 3 * hold) << "a load and a store, each 4 requests";
        EXPECT_EQ(cycles("4/0"), cycles("1/0"));
        EXPECT_EQ(requests("1/4"), 2);   // the load and the store, a request each
        EXPECT_EQ(requests("4/4"), 5);   // 4 segments loaded, one stored
        EXPECT_EQ(requests("1/0"), 8);
        for (const auto& [key, json] : runs) EXPECT_EQ(json["utilisation"]["lane_memory_accesses"], 8) << key;
    }
}

// With a channel for every lane (tiny-gpu's shape with 8 data channels for its 2 x 4 lanes)
// no request waits for a channel, so coalescing changes how many requests there are and not
// the cycles: matadd's 2 blocks make 3 requests each (A, B and C rows of 4 aligned words)
// with 4-word segments, 12 without merging. On tiny-gpu's own 4 channels
// the 8 lanes of the two cores queue for them, and coalescing saves that wait.
TEST(Coalescer, EnoughChannelsChangeRequestsNotCycles) {
    std::ifstream base(source_path("configs/tiny-gpu.yaml"));
    const std::string tiny((std::istreambuf_iterator<char>(base)), std::istreambuf_iterator<char>());
    const auto matadd = [&](const std::string& name, const std::string& yaml) {
        const CliRun run = run_cli("run " + source_path("programs/matadd.asm") + " --config " + write_temp(name, yaml) +
                                   " --json");
        EXPECT_EQ(run.status, 0) << run.err;
        EXPECT_EQ(run.json["mismatches"], 0);
        return run.json;
    };
    std::string wide = tiny;
    wide.replace(wide.find("data_channels: 4"), 16, "data_channels: 8");
    const nlohmann::json plain = matadd("wide.yaml", wide);
    EXPECT_EQ(plain["utilisation"]["data_requests"], 24);
    for (const auto& [segment, requests] : std::map<unsigned, int>{{1, 24}, {4, 6}}) {
        const std::string section = "coalescer:\n  segment_words: " + std::to_string(segment) + "\n";
        const nlohmann::json run = matadd("wide" + std::to_string(segment) + ".yaml", wide + section);
        EXPECT_EQ(run["cycles"], plain["cycles"]) << "segment " << segment;
        EXPECT_EQ(run["utilisation"]["data_requests"], requests) << "segment " << segment;
        const nlohmann::json narrow = matadd("tiny" + std::to_string(segment) + ".yaml", tiny + section);
        EXPECT_EQ(narrow["utilisation"]["data_requests"], requests) << "segment " << segment;
        if (segment == 1) {
            EXPECT_EQ(narrow["cycles"], 158);   // every lane still asks on its own: tiny-gpu's count
        } else {
            EXPECT_LT(narrow["cycles"].get<int>(), 158) << "segment " << segment;
        }
    }
}

// Lanes storing into one segment make one write with a word mask; of two lanes storing to one
// address the higher one's word lands, as when the threads run one after another.
TEST(Coalescer, StoresMergeUnderAMask) {
    const std::string program = write_temp("merge.asm", ".threads 4\nCONST R1, #2\nDIV R0, %threadIdx, R1\n"
                                                        "CONST R2, #10\nADD R2, R2, %threadIdx\nSTR R0, R2\nRET\n");
    const std::string config = one_channel("merge.yaml", 0, 4);
    const std::string dir = temp_path("merge-trace");
    const CliRun run = run_cli("run " + program + " --config " + config + " --json --trace " + dir);
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json["mismatches"], 0);
    EXPECT_EQ(memory_of(run.json, 0, 3), (std::vector<uint32_t>{11, 13, 0}));
    const Program p = assemble_file(program, AsmLimits{});
    const std::vector<uint32_t> alone = run_threads_alone(p, load_config(config).gpu, p.data);
    EXPECT_EQ(memory_of(run.json, 0, 3), std::vector<uint32_t>(alone.begin(), alone.begin() + 3));
    EXPECT_EQ(run.json["utilisation"]["data_requests"], 1);
    EXPECT_NE(read_text(dir + "/trace.log").find("| data W@0=[11 13 - -] |"), std::string::npos);
}

TEST(Coalescer, ConfigSectionErrors) {
    EXPECT_EQ(config_error("coalescer:\n  segment: 4\n").substr(0, 10), "c.yaml:2: ");
    EXPECT_EQ(config_error("coalescer: {}\n"),
              "c.yaml:1: coalescer: 'segment_words' is required (words of an aligned data-memory segment, a power of "
              "two up to 8; 0 for none)");
    EXPECT_EQ(config_error("coalescer:\n  segment_words: 3\n"),
              "c.yaml:2: coalescer.segment_words: 3 is not a power of two (1, 2, 4 or 8; 0 for no coalescer)");
    EXPECT_NE(config_error("coalescer:\n  segment_words: 16\n").find("c.yaml:2:"), std::string::npos);
    EXPECT_EQ(config_error("gpu:\n  data_width: 16\n  data_addr_bits: 8\ncoalescer:\n  segment_words: 8\n"),
              "c.yaml:5: coalescer.segment_words: 8 words of 16 bits make a 128-bit request; a request carries at "
              "most 64 bits (4 words at data_width 16)");
    EXPECT_EQ(config_error("gpu:\n  data_addr_bits: 2\ncoalescer:\n  segment_words: 8\n"),
              "c.yaml:4: coalescer.segment_words: 8 is more than the 4 words of data memory (gpu.data_addr_bits = 2)");
    EXPECT_EQ(config_error("tensor_core:\n  rows: 2\n  cols: 2\ncoalescer:\n  segment_words: 4\n"),
              "c.yaml:4: coalescer: not available with a tensor_core section yet (the tile port moves one word a "
              "request); remove one of the two sections");
    EXPECT_FALSE(parse_config("coalescer:\n  segment_words: 0\n", "c.yaml").gpu.coalescer());
    EXPECT_EQ(parse_config("coalescer:\n  segment_words: 8\n", "c.yaml").gpu.request_words(), 8u);
}

}  // namespace
}  // namespace lockstep::testing
