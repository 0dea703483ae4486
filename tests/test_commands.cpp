// The commands called in-process, as the lockstep executable calls them (no child process):
// asm and disasm, the stepper on a recorded trace, the viewer's page, and the command table
// main.cpp dispatches through. None of these starts SystemC; the trace is recorded by the
// binary, since a simulation in this process would fix its model shape.
#include "cli_testing.h"

#include "common/error.h"
#include "common/plural.h"
#include "lockstep/command_line.h"
#include "lockstep/command_support.h"
#include "lockstep/commands.h"
#include "lockstep/stepper.h"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// The message of the Error `run` throws ("" when it throws none).
template <typename Run>
std::string error_of(Run run) {
    try {
        run();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

const char* const kSmallKernel = ".threads 4\nCONST R0, #7\nADD R1, R0, R0\nRET\n";

TEST(AsmCommand, ListsAndWritesWordsThatDisasmReadsBack) {
    const std::string program = write_temp("commands_small.asm", kSmallKernel);
    const std::string hex = temp_path("commands_small.hex");
    std::ostringstream listing;
    EXPECT_EQ(asm_command(AsmArgs{program, source_path("configs/tiny-gpu.yaml"), hex}, listing), 0);
    EXPECT_EQ(listing.str(),
              "  0  9007  CONST R0, #7                   ; line 2\n"
              "  1  3100  ADD R1, R0, R0                 ; line 3\n"
              "  2  F000  RET                            ; line 4\n");
    EXPECT_EQ(read_text(hex), "9007\n3100\nF000\n");

    std::ostringstream words;
    EXPECT_EQ(disasm_command(hex, words), 0);
    EXPECT_EQ(words.str(),
              "; 3 words, disassembled; the words do not hold the thread count\n"
              ".threads 1\n"
              "    CONST R0, #7                   ;   0  9007\n"
              "    ADD R1, R0, R0                 ;   1  3100\n"
              "    RET                            ;   2  F000\n");
}

// asm -o, disasm, asm again: the same words, for every shipped program (labels and all).
TEST(AsmCommand, DisasmOutputAssemblesToTheSameWordsForEveryProgram) {
    int programs = 0;
    for (const auto& entry : fs::directory_iterator(source_path("programs"))) {
        if (entry.path().extension() != ".asm") continue;
        ++programs;
        const std::string name = entry.path().stem().string();
        const std::string hex = temp_path("roundtrip_" + name + ".hex");
        const std::string again = temp_path("roundtrip_" + name + "_again.hex");
        std::ostringstream listing, text;
        const std::string own = program_config(entry.path().string());   // its memory sizes
        const std::string config = own.empty() ? "" : source_path("configs/" + own + ".yaml");
        ASSERT_EQ(asm_command(AsmArgs{entry.path().string(), config, hex}, listing), 0) << name;
        ASSERT_EQ(disasm_command(hex, text), 0) << name;
        const std::string source = write_temp("roundtrip_" + name + ".asm", text.str());
        ASSERT_EQ(asm_command(AsmArgs{source, config, again}, listing), 0) << name << "\n" << text.str();
        EXPECT_EQ(read_text(again), read_text(hex)) << name;
        if (contains(read_text(entry.path().string()), "BRn LOOP")) {
            EXPECT_TRUE(contains(text.str(), "BRn L")) << name;
        }
    }
    EXPECT_GE(programs, 10);
}

TEST(AsmCommand, EmptyConfigMeansTheBuiltInDefaults) {
    const std::string program = write_temp("commands_defaults.asm", kSmallKernel);
    std::ostringstream listing;
    EXPECT_EQ(asm_command(AsmArgs{program, "", ""}, listing), 0);
    EXPECT_TRUE(contains(listing.str(), "F000  RET")) << listing.str();
}

TEST(AsmCommand, MistakesAreErrorsNamingFileAndLine) {
    const std::string program = write_temp("commands_bad.asm", ".threads 4\nRET R1\n");
    std::ostringstream out;
    EXPECT_EQ(error_of([&] { asm_command(AsmArgs{program, "", ""}, out); }),
              program + ":2: RET takes no operands, got 'R1'");
    const std::string hex = write_temp("commands_bad.hex", "F000 ; fine\n0000 XYZ\n");
    EXPECT_EQ(error_of([&] { disasm_command(hex, out); }), hex + ":2: 'XYZ' is not a 16-bit hex word");
    EXPECT_EQ(error_of([&] { disasm_command("/nonexistent.hex", out); }), "/nonexistent.hex: cannot open file");
}

class RecordedRun : public ::testing::Test {
protected:
    static void SetUpTestSuite() { ASSERT_EQ(record_gpu_trace("matmul.asm", dir()), 0); }
    static std::string dir() { return temp_path("commands_matmul"); }
};

TEST_F(RecordedRun, StepperMovesAndStopsAtBreakpoints) {
    Stepper stepper(dir());
    EXPECT_EQ(stepper.kind(), "gpu");
    EXPECT_EQ(stepper.last(), 444u);
    std::ostringstream out;
    EXPECT_TRUE(stepper.execute("goto 40", out));
    EXPECT_EQ(stepper.cycle(), 40u);
    EXPECT_TRUE(contains(out.str(), "== cycle 40 (of 0..444) ==")) << out.str();
    EXPECT_TRUE(contains(out.str(), "core0 EXECUTE  pc 3   CONST R2, #2")) << out.str();

    EXPECT_TRUE(stepper.execute("break instr=LDR", out));
    EXPECT_EQ(stepper.breakpoints(), 1u);
    EXPECT_TRUE(stepper.execute("continue", out));
    EXPECT_EQ(stepper.cycle(), 157u) << "the first LDR decodes at cycle 157";
    EXPECT_TRUE(stepper.execute("prev 7", out));
    EXPECT_EQ(stepper.cycle(), 150u);
    EXPECT_THROW(stepper.execute("goto x", out), Error);
    EXPECT_EQ(stepper.cycle(), 150u) << "a refused command does not move";
    EXPECT_FALSE(stepper.execute("quit", out));
}

TEST_F(RecordedRun, WriteViewMakesOnePageFromTheTrace) {
    const std::string page = write_view(dir());
    EXPECT_EQ(page, dir() + "/view.html");
    const std::string html = read_text(page);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
    EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
    EXPECT_TRUE(contains(html, "\"kind\":\"gpu\""));
    EXPECT_TRUE(contains(html, "\"cycles\":444"));
    EXPECT_TRUE(contains(html, "<span id=\"cycle\">"));
    EXPECT_EQ(error_of([] { write_view("/nonexistent"); }), "/nonexistent/states.bin: cannot open file");
}

// main.cpp's dispatch: the subcommand the line names is the one parsed, with its options.
TEST(CommandTable, TheParsedRowRunsWithItsOptions) {
    CLI::App app;
    CommandTable table;
    add_run_command(app, table);
    add_disasm_command(app, table);
    ASSERT_EQ(table.size(), 2u);
    EXPECT_EQ(table[0].cli->get_name(), "run");
    EXPECT_EQ(table[1].cli->get_name(), "disasm");

    const std::string hex = write_temp("commands_table.hex", "F000\n");
    app.parse("disasm " + hex, false);
    EXPECT_FALSE(table[0].cli->parsed());
    ASSERT_TRUE(table[1].cli->parsed());
    EXPECT_FALSE(table[1].json());
    EXPECT_EQ(table[1].execute(), 0);
}

TEST(CommandTable, JsonRunsReportErrorsAsJson) {
    CLI::App app;
    CommandTable table;
    add_run_command(app, table);
    app.parse("run kernel.asm --json", false);
    ASSERT_TRUE(table[0].cli->parsed());
    EXPECT_TRUE(table[0].json()) << "main prints errors of a --json run as one JSON object";
}

TEST(CommandSupport, PluralIsSingularForOne) {
    EXPECT_EQ(plural(1, "core"), "1 core");
    EXPECT_EQ(plural(0, "core"), "0 cores");
    EXPECT_EQ(plural(2, "program channel"), "2 program channels");
    EXPECT_EQ(plural(3, "launch"), "3 launches");
    EXPECT_EQ(plural(1, "launch"), "1 launch");
}

TEST(CommandSupport, NumbersAreParsedWhole) {
    EXPECT_EQ(parse_whole("0"), uint64_t{0});
    EXPECT_EQ(parse_whole("18446744073709551615"), UINT64_MAX);
    for (const char* bad : {"", "-1", "+1", " 1", "1 ", "7junk", "0x10", "18446744073709551616", "1e3"}) {
        EXPECT_FALSE(parse_whole(bad)) << bad;
    }
    EXPECT_EQ(parse_int32("-2147483648"), INT32_MIN);
    EXPECT_EQ(parse_int32("2147483647"), INT32_MAX);
    for (const char* bad : {"-", "--1", "2147483648", "-2147483649", "5x"}) EXPECT_FALSE(parse_int32(bad)) << bad;
    EXPECT_EQ(split("10:1.1:acc=5", ':'), (std::vector<std::string>{"10", "1.1", "acc=5"}));
    EXPECT_EQ(split("a:", ':'), (std::vector<std::string>{"a", ""}));
}

// The validator every numeric option checks with: a bad value is a CLI11 ValidationError,
// which main turns into exit 2.
TEST(CommandSupport, WholeNumberOptionsRefuseSignsJunkAndRange) {
    CLI::App app;
    unsigned rows = 0;
    app.add_option("--rows", rows)->check(whole_number(1, 256));
    app.parse("--rows 256", false);
    EXPECT_EQ(rows, 256u);
    for (const auto& [value, message] : {std::pair{"-1", "--rows: '-1' is not a whole number in 1..256"},
                                         {"0", "--rows: '0' is not a whole number in 1..256"},
                                         {"257", "--rows: '257' is not a whole number in 1..256"},
                                         {"4x", "--rows: '4x' is not a whole number in 1..256"}}) {
        try {
            app.parse(std::string("--rows ") + value, false);
            ADD_FAILURE() << value << " was taken";
        } catch (const CLI::ValidationError& e) {
            EXPECT_EQ(std::string(e.what()), message);
        }
    }
}

// A folder of per-layer traces (gemm --topology --trace) is not a trace: step and view name
// its layers' folders.
TEST(CommandSupport, AFolderOfLayerTracesListsTheLayers) {
    const std::string topology = write_temp("commands_layers.csv", "Layer name, M, N, K,\nb, 4, 4, 4,\na, 4, 4, 4,\n");
    const std::string dir = temp_path("commands_layers");
    ASSERT_EQ(record_gemm_trace("--topology " + topology, dir), 0);
    const std::string listing = dir + " holds the traces of 2 layers, one folder each; open one:\n  lockstep step " +
                                dir + "/a\n  lockstep step " + dir + "/b";
    EXPECT_EQ(error_of([&] { step_command(dir, {"quit"}, true); }), listing);
    EXPECT_EQ(error_of([&] { view_command(dir); }),
              dir + " holds the traces of 2 layers, one folder each; open one:\n  lockstep view " + dir +
                  "/a\n  lockstep view " + dir + "/b");
    EXPECT_NO_THROW(require_trace_dir(dir + "/a", "step"));
    EXPECT_NO_THROW(require_trace_dir("/nonexistent", "step")) << "the reader says what is wrong";
}

}  // namespace
}  // namespace lockstep::testing
