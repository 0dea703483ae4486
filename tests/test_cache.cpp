// Data cache (docs/architecture.md, "Data cache"): a blocking set-associative cache of segments
// between the data controller and memory, in lock-step (model vs RTL); results checked against
// each thread run alone, cycles against the documented timing, counters against the accesses.
#include "cli_testing.h"
#include "common/assembler.h"
#include "common/config.h"
#include "common/thread_interpreter.h"

#include <gtest/gtest.h>

#include <map>

namespace lockstep::testing {
namespace {

// One thread on one core and one data channel, 4-word segments, data latency L; with
// `cache` the rest of a cache: section.
std::string single(const std::string& name, unsigned latency, const std::string& cache = "") {
    return write_temp(name, "gpu:\n  cores: 1\n  threads_per_block: 1\n  data_channels: 1\nmemory:\n  data_latency: " +
                                std::to_string(latency) + "\ncoalescer:\n  segment_words: 4\n" +
                                (cache.empty() ? "" : "cache:\n" + cache));
}

std::string cache_section(unsigned size, unsigned ways, unsigned hit_latency, const std::string& policy) {
    return "  size_words: " + std::to_string(size) + "\n  ways: " + std::to_string(ways) +
           "\n  hit_latency: " + std::to_string(hit_latency) + "\n  write_policy: " + policy + "\n";
}

nlohmann::json run_ok(const std::string& program, const std::string& config) {
    const CliRun run = run_cli("run " + program + " --config " + config + " --json");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json["mismatches"], 0) << program << " on " << config;
    const Program p = assemble_file(program, AsmLimits{});
    const std::vector<uint32_t> alone = run_threads_alone(p, load_config(config).gpu, p.data);
    EXPECT_EQ(memory_of(run.json, 0, alone.size()), alone) << program << " on " << config;
    return run.json;
}

int64_t cycles(const nlohmann::json& json) { return json["cycles"].get<int64_t>(); }

// From the contract, against memory of latency L without a cache: a miss answers the
// controller H + 3 cycles later (the lookup, the fill's request, the hit latency H, the
// answer), a hit L - H - 2 cycles sooner, a write-through write 2 cycles later; a kernel ends
// 2 cycles later (the flush finds nothing dirty), or L + 2 more for each dirty line written back.
TEST(Cache, TimingOnPaper) {
    const std::string loads = write_temp("two-loads.asm", ".threads 1\n.data 7\nCONST R0, #0\nLDR R1, R0\n"
                                                          "LDR R2, R0\nADD R1, R1, R2\nCONST R0, #1\nSTR R0, R1\nRET\n");
    const std::string store = write_temp("store.asm", ".threads 1\nCONST R0, #8\nCONST R1, #5\nSTR R0, R1\nRET\n");
    for (unsigned latency : {0u, 5u, 16u}) {
        for (unsigned hit : {0u, 2u}) {
            const std::string id = std::to_string(latency) + "-" + std::to_string(hit);
            const std::string none = single("none" + id + ".yaml", latency);
            const std::string back = single("wb" + id + ".yaml", latency, cache_section(16, 2, hit, "write_back"));
            const std::string through = single("wt" + id + ".yaml", latency, cache_section(16, 2, hit, "write_through"));
            const int64_t l = latency, h = hit;
            // Two loads of word 0 (a miss, then a hit), then a store to word 1: a write hit in
            // the line just filled (written back by the flush), or written through.
            const nlohmann::json base = run_ok(loads, none);
            EXPECT_EQ(cycles(run_ok(loads, back)) - cycles(base), (h + 3) - 2 * (l - h - 2) + 2 + (l + 2)) << id;
            EXPECT_EQ(cycles(run_ok(loads, through)) - cycles(base), (h + 3) - (l - h - 2) + 2 + 2) << id;
            // A store to an uncached word: write-back allocates (a miss) and flushes the line.
            const nlohmann::json plain = run_ok(store, none);
            EXPECT_EQ(cycles(run_ok(store, back)) - cycles(plain), (h + 3) + 2 + (l + 2)) << id;
            EXPECT_EQ(cycles(run_ok(store, through)) - cycles(plain), 2 + 2) << id;
        }
    }
}

// Least recently used: in one set of two ways, A B A C evicts B (not A, the older fill), and
// B again then evicts A.
TEST(Cache, LeastRecentlyUsedIsEvicted) {
    const std::string program = write_temp("lru.asm", ".threads 1\n.data 1 0 0 0 2 0 0 0 3\nCONST R0, #0\n"
                                                      "CONST R1, #4\nCONST R2, #8\nLDR R3, R0\nLDR R3, R1\nLDR R3, R0\n"
                                                      "LDR R3, R2\nLDR R3, R1\nLDR R3, R0\nRET\n");
    const nlohmann::json lru = run_ok(program, single("lru.yaml", 4, cache_section(8, 2, 1, "write_back")));
    const nlohmann::json& c = lru["utilisation"]["cache"];
    EXPECT_EQ(c["misses"], 5);   // A, B, C, B, A
    EXPECT_EQ(c["hits"], 1);     // the second A
    EXPECT_EQ(c["evictions"], 3);
    EXPECT_EQ(c["writebacks"], 0);
    // Direct-mapped with two sets: A and C share set 0, B has set 1 to itself.
    const nlohmann::json direct = run_ok(program, single("direct.yaml", 4, cache_section(8, 1, 1, "write_back")));
    EXPECT_EQ(direct["utilisation"]["cache"]["misses"], 4);   // A, B, C, A
    EXPECT_EQ(direct["utilisation"]["cache"]["hits"], 2);     // the second A, the second B
    EXPECT_EQ(direct["utilisation"]["cache"]["evictions"], 2);
}

// Every request the controller makes is a hit or a miss; behind a write-back cache memory sees
// a fill per miss and a write per line written back, behind a write-through cache a fill per
// read miss and every write. Kernels of the lab and the tiny-gpu set on configs/gpu-perf.yaml
// (write-back), its write-through twin and the same GPU without a cache.
TEST(Cache, CountersAccountForEveryRequest) {
    const std::string perf = read_text(source_path("configs/gpu-perf.yaml"));
    ASSERT_NE(perf.find("write_policy: write_back"), std::string::npos);
    std::string through = perf, none = perf;
    through.replace(through.find("write_policy: write_back"), 24, "write_policy: write_through");
    none.replace(none.find("size_words: 32"), 14, "size_words: 0");
    const std::map<std::string, std::string> configs = {{"write_back", source_path("configs/gpu-perf.yaml")},
                                                        {"write_through", write_temp("perf-wt.yaml", through)}};
    for (const char* name : {"reuse", "memory_bound", "strided", "matmul", "divergent"}) {
        const std::string program = source_path(std::string("programs/") + name + ".asm");
        const int64_t requests = run_ok(program, write_temp("perf-none.yaml", none))["utilisation"]["data_requests"];
        for (const auto& [policy, config] : configs) {
            const nlohmann::json cached = run_ok(program, config);
            const nlohmann::json& c = cached["utilisation"]["cache"];
            EXPECT_EQ(c["hits"].get<int64_t>() + c["misses"].get<int64_t>(), requests) << name << " " << policy;
            const int64_t to_memory = cached["utilisation"]["data_requests"];
            if (policy == "write_back") {
                EXPECT_EQ(to_memory, c["misses"].get<int64_t>() + c["writebacks"].get<int64_t>()) << name;
            } else {
                EXPECT_LE(to_memory, requests) << name;
                EXPECT_EQ(c["writebacks"], 0) << name;
            }
        }
    }
}

TEST(Cache, ConfigSectionErrors) {
    const std::string coalescer = "coalescer:\n  segment_words: 4\n";
    EXPECT_EQ(config_error(coalescer + "cache:\n  ways: 2\n"),
              "c.yaml:3: cache: 'size_words' is required (words the cache holds: sets x ways x the words of a line; 0 "
              "for no cache)");
    EXPECT_EQ(config_error(coalescer + "cache:\n  size_words: 30\n"),
              "c.yaml:4: cache.size_words: 30 is not 1..64 lines of 4 words (a line is one data request: a segment "
              "with a coalescer, else a word): give a multiple of 4 up to 256");
    EXPECT_EQ(config_error("cache:\n  size_words: 128\n"),
              "c.yaml:2: cache.size_words: 128 is not 1..64 lines of 1 word (a line is one data request: a segment "
              "with a coalescer, else a word): give a multiple of 1 up to 64");
    EXPECT_EQ(parse_config("cache:\n  size_words: 16\n  ways: 4\n", "c.yaml").gpu.cache_sets, 4u);
    EXPECT_EQ(config_error(coalescer + "cache:\n  size_words: 48\n  ways: 2\n"),
              "c.yaml:4: cache.size_words: 12 lines in 2 ways make 6 sets; the sets must be a power of two "
              "(size_words = sets x ways x 4)");
    EXPECT_NE(config_error(coalescer + "cache:\n  size_words: 32\n  ways: 9\n").find("c.yaml:5:"), std::string::npos);
    EXPECT_NE(config_error(coalescer + "cache:\n  size_words: 32\n  hit_latency: 17\n").find("c.yaml:5:"),
              std::string::npos);
    EXPECT_EQ(config_error(coalescer + "cache:\n  size_words: 32\n  write_policy: wb\n"),
              "c.yaml:5: cache.write_policy: expected one of write_back, write_through, got 'wb'");
    EXPECT_EQ(config_error("tensor_core:\n  rows: 2\n  cols: 2\ncache:\n  size_words: 8\n"),
              "c.yaml:4: cache: not available with a tensor_core section yet (the tile port goes to memory past the "
              "cache, which could then hold stale lines); remove one of the two sections");
    const Config off = parse_config("cache:\n  size_words: 0\n", "c.yaml");
    EXPECT_FALSE(off.gpu.cache());
    const Config on = parse_config(coalescer + "cache:\n  size_words: 64\n  ways: 4\n  write_policy: write_through\n", "c.yaml");
    EXPECT_EQ(on.gpu.cache_sets, 4u);
    EXPECT_EQ(on.gpu.cache_ways, 4u);
    EXPECT_FALSE(on.gpu.cache_write_back);
    EXPECT_EQ(on.gpu.data_memory_channels(), 1u);
}

}  // namespace
}  // namespace lockstep::testing
