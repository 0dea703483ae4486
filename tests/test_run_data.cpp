// Data memory from a file or the command line (run --data, --data-values) and the memory
// tables' signed display and address range (--signed, --dump).
#include "cli_testing.h"

#include "common/data_file.h"
#include "common/error.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace lockstep::testing {
namespace {

const std::string kMatadd = source_path("programs/matadd.asm");   // C[i] = A[i] + B[i] at 16, A at 0, B at 8

std::vector<std::pair<unsigned, uint32_t>> words_of(const std::string& text, const AsmLimits& limits = AsmLimits{}) {
    std::vector<std::pair<unsigned, uint32_t>> out;
    for (const DataWord& w : parse_data_words(text, "d.txt", limits)) out.emplace_back(w.address, w.value);
    return out;
}

std::string error_of(const std::string& text, const AsmLimits& limits = AsmLimits{}, int first_line = 1) {
    try {
        parse_data_words(text, "d.txt", limits, first_line);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

using Words = std::vector<std::pair<unsigned, uint32_t>>;

TEST(DataFile, ValuesFollowOnAndAddressesMove) {
    EXPECT_EQ(words_of("1 2, 3\n4\n"), (Words{{0, 1}, {1, 2}, {2, 3}, {3, 4}}));
    EXPECT_EQ(words_of("; A at 8, B at 0x10\n8: 1,2\n0x10: 0x7F -1 ; -1 is 255\n\n5\n"),
              (Words{{8, 1}, {9, 2}, {16, 0x7F}, {17, 255}, {18, 5}}));
    EXPECT_EQ(words_of("3:\n-128\t255\r\n"), (Words{{3, 128}, {4, 255}}));
    AsmLimits wide;
    wide.data_bits = 16;
    wide.data_words = 1024;
    EXPECT_EQ(words_of("1000: -1 -32768 65535\n", wide), (Words{{1000, 0xFFFF}, {1001, 0x8000}, {1002, 0xFFFF}}));
}

TEST(DataFile, Errors) {
    EXPECT_EQ(error_of("1 2\n3 256\n"), "d.txt:2: value 256 out of range -128..255 for 8-bit data");
    EXPECT_EQ(error_of("-129\n"), "d.txt:1: value -129 out of range -128..255 for 8-bit data");
    EXPECT_EQ(error_of("1 two\n"), "d.txt:1: bad value 'two' (decimal or 0x hex)");
    EXPECT_EQ(error_of("0x\n"), "d.txt:1: bad value '0x' (decimal or 0x hex)");
    EXPECT_EQ(error_of("\n256: 1\n"), "d.txt:2: address 256 is past data memory (0..255)");
    EXPECT_EQ(error_of("255: 1 2\n"), "d.txt:1: value 2 would go to address 256, past data memory (0..255)");
    EXPECT_EQ(error_of("a b: 1\n"), "d.txt:1: bad address 'a b' before ':' (expected ADDR: values)");
    EXPECT_EQ(error_of("-1: 1\n"), "d.txt:1: bad address '-1' before ':' (expected ADDR: values)");
    EXPECT_EQ(error_of("1 2\n\n1: 5\n"), "d.txt:3: address 1 set twice (first on line 1)");
    EXPECT_EQ(error_of("1 256\n", AsmLimits{}, 0), "d.txt: value 256 out of range -128..255 for 8-bit data");
}

TEST(DataFile, LaidOverTheProgramsData) {
    Program program;
    program.data = {1, 2, 3};
    overlay_data(&program, {{1, 20}, {5, 50}});
    EXPECT_EQ(program.data, (std::vector<uint32_t>{1, 20, 3, 0, 0, 50}));
}

// matadd's own .data is A = B = 0..7; the file changes A[0..3] and B[0..2], the rest stays.
TEST(RunData, FileWinsOverDataWordByWord) {
    const std::string data = write_temp("run_data.txt", "; A\n0: 10, 20, 30, 40\n8: -1 -2 0x10\n");
    const CliRun run = run_cli("run " + kMatadd + " --data " + data + " --json");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json["cycles"], 158);
    EXPECT_EQ(memory_of(run.json, 0, 24),
              (std::vector<uint32_t>{10, 20, 30, 40, 4, 5, 6, 7, 255, 254, 16, 3, 4, 5, 6, 7,  // A, B
                                     9, 18, 46, 43, 8, 10, 12, 14}));                           // C wraps at 8 bits
}

TEST(RunData, CommandLineValuesGoAfterTheFile) {
    const std::string data = write_temp("run_data2.txt", "8: 100 100\n");
    const CliRun run = run_cli("run " + kMatadd + " --engine model --data " + data +
                               " --data-values 9: 50 --data-values \"0x20: 7, 8\" --json");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(memory_of(run.json, 16, 2), (std::vector<uint32_t>{100, 51}));
    EXPECT_EQ(memory_of(run.json, 32, 2), (std::vector<uint32_t>{7, 8}));
}

TEST(RunData, MistakesNameTheFileAndLine) {
    const std::string data = write_temp("run_data_bad.txt", "0: 1 2\n8: 300\n");
    CliRun run = run_cli("run " + kMatadd + " --engine model --data " + data);
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: " + data + ":2: value 300 out of range -128..255 for 8-bit data\n");
    const std::string past = write_temp("run_data_past.txt", "250: 1 2 3 4 5 6 7\n");
    run = run_cli("run " + kMatadd + " --engine model --data " + past);
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: " + past + ":1: value 7 would go to address 256, past data memory (0..255)\n");
    run = run_cli("run " + kMatadd + " --engine model --data-values 8: x");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: --data-values: bad value 'x' (decimal or 0x hex)\n");
    run = run_cli("run " + kMatadd + " --engine model --data /nonexistent/d.txt");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: /nonexistent/d.txt: cannot open file\n");
}

// The tables show FROM..TO in rows of eight from FROM; --signed reads words as two's complement.
TEST(RunData, SignedDumpOfARange) {
    const CliRun run = run_cli("run " + kMatadd + " --engine model --data-values 8: -3 --signed --dump 6..17");
    ASSERT_EQ(run.status, 0) << run.err;
    const std::string header = "  addr |    +0    +1    +2    +3    +4    +5    +6    +7\n"
                               "  -----+------------------------------------------------\n";
    EXPECT_NE(run.out.find("DATA MEMORY before\n" + header +
                           "     6 |     6     7    -3     1     2     3     4     5\n"
                           "    14 |     6     7     0     0\n\n"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("DATA MEMORY after\n" + header +
                           "     6 |     6     7    -3     1     2     3     4     5\n"
                           "    14 |     6     7    -3     2\n\n"),
              std::string::npos)
        << run.out;
}

TEST(RunData, SignedAndDumpInJson) {
    const CliRun run =
        run_cli("run " + kMatadd + " --engine model --data-values 8: -3 -128 --signed --dump 15..17 --json");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json["dump"], nlohmann::json::parse(R"({"from":15,"to":17,"before":[7,0,0],"after":[7,-3,-127]})"));
    EXPECT_EQ(run.json["memory"][8], -3);
    EXPECT_EQ(run.json["memory"].size(), 256u);
}

TEST(RunData, DumpRangeInHexOrWithLeadingZeros) {
    for (const char* range : {"0x10..0x11", "016..017"}) {
        const CliRun run = run_cli("run " + kMatadd + " --engine model --dump " + range + " --json");
        ASSERT_EQ(run.status, 0) << run.err;
        EXPECT_EQ(run.json["dump"], nlohmann::json::parse(R"({"from":16,"to":17,"before":[0,0],"after":[0,2]})"))
            << range;
    }
}

TEST(RunData, DefaultsUnchanged) {
    const CliRun run = run_cli("run " + kMatadd + " --engine model --json");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_FALSE(run.json.contains("dump"));
    EXPECT_EQ(memory_of(run.json, 16, 8), (std::vector<uint32_t>{0, 2, 4, 6, 8, 10, 12, 14}));
}

TEST(RunData, BadDumpRange) {
    for (const char* range : {"0..256", "5..3", "x", "3", "0..", "-1..4"}) {
        const CliRun run = run_cli("run " + kMatadd + " --engine model --dump " + range);
        EXPECT_EQ(run.status, 2) << range;
        EXPECT_EQ(run.err, fmt::format("lockstep: error: --dump '{}': expected FROM..TO with FROM <= TO <= 255 (the "
                                       "last data address), e.g. 0..31\n",
                                       range));
    }
}

}  // namespace
}  // namespace lockstep::testing
