// Progress while the user waits: a status line on a terminal during long runs, nothing on a
// pipe or with --json (common/status_line.h, cosim::RunProgress: the driver's loop and the GPU's fast path).
#include "cli_testing.h"
#include "common/status_line.h"

#include <gtest/gtest.h>

namespace lockstep::testing {
namespace {

TEST(Progress, NumbersReadAtAGlance) {
    EXPECT_EQ(thousands(0), "0");
    EXPECT_EQ(thousands(999), "999");
    EXPECT_EQ(thousands(1000), "1,000");
    EXPECT_EQ(thousands(10000000), "10,000,000");
    EXPECT_EQ(duration_text(0.4), "0 s");
    EXPECT_EQ(duration_text(59.4), "59 s");
    EXPECT_EQ(duration_text(201), "3 min 21 s");
}

const std::string kSpin = ".threads 1\nCONST R1, #0\nCMP R1, R1\nSPIN:\nBRz SPIN\nRET\n";

// `script` gives the command a terminal; what it printed there comes back on stdout.
std::string on_a_terminal(const std::string& args) {
    std::string out;
    run_shell("script -qec '" + lockstep_binary() + " " + args + "' /dev/null", &out, nullptr);
    return out;
}

TEST(Progress, ALongRunShowsItsCyclesOnATerminal) {
    const std::string spin = write_temp("spin_progress.asm", kSpin);
    // The line shows after 1.5 s: 16 M cycles take several seconds on the model's fast path.
    const std::string screen = on_a_terminal("run " + spin + " --engine model --max-cycles 16000000");
    EXPECT_NE(screen.find("of at most 16,000,000 ("), std::string::npos) << screen;
    EXPECT_NE(screen.find("k cycles/s, "), std::string::npos) << screen;
    EXPECT_NE(screen.find("did not finish within 16000000 cycles"), std::string::npos) << screen;
    const std::string args = "run " + spin + " --engine model --max-cycles 6000000";

    // Not on a pipe, and never with --json (there stdout is one JSON object, stderr the message).
    const CliRun piped = run_cli(args);
    EXPECT_EQ(piped.err.find("of at most"), std::string::npos) << piped.err;
    const std::string json = on_a_terminal(args + " --json");
    EXPECT_EQ(json.find("of at most"), std::string::npos) << json;
}

}  // namespace
}  // namespace lockstep::testing
