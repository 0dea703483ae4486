// The full-screen stepper, driven as a person would: in a real terminal (a detached tmux
// pane), keys sent with send-keys, the screen read back with capture-pane.
#include "cli_testing.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace lockstep::testing {
namespace {

std::string trace_dir(const std::string& name) { return temp_path("screen_") + name; }

// One tmux server per terminal, on its own socket, so parallel tests never meet.
class Terminal {
public:
    Terminal(const std::string& name, const std::string& command, int width, int height)
        : tmux_("tmux -S " + temp_path("tmux_") + name + " -f /dev/null "), status_file_(temp_path("status_") + name) {
        std::remove(status_file_.c_str());
        // The pane's shell records the stepper's exit status once it quits.
        const int status = run_shell(tmux_ + "new-session -d -s s -x " + std::to_string(width) + " -y " +
                                     std::to_string(height) + " '" + command + "; echo $? > " + status_file_ + "'");
        EXPECT_EQ(status, 0) << "tmux new-session";
    }
    ~Terminal() { run_shell(tmux_ + "kill-server"); }
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    // tmux key names ("Enter", "Right", "NPage") or literal text.
    void keys(const std::string& keys) { EXPECT_EQ(run_shell(tmux_ + "send-keys -t s " + keys), 0) << keys; }

    std::string screen() {
        std::string out;
        run_shell(tmux_ + "capture-pane -p -t s", &out);
        return out;
    }

    // Waits (up to 10 s) for `text` to be on the screen, and then for the screen to stop
    // changing: the stepper draws top to bottom, and a capture taken as its header appears
    // may miss the lines below it (the key bar, on a loaded machine). Returns the screen
    // either way.
    std::string wait_for(const std::string& text) {
        std::string now;
        for (int i = 0; i < 200; ++i) {
            now = screen();
            if (now.find(text) != std::string::npos) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        for (int i = 0; i < 40 && now.find(text) != std::string::npos; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
            const std::string again = screen();
            if (again == now) break;
            now = again;
        }
        return now;
    }

    // The stepper's exit status once it has quit, or -1 if it is still running after 10 s.
    int exit_status() {
        for (int i = 0; i < 200; ++i) {
            std::ifstream in(status_file_);
            int status = -1;
            if (in >> status) return status;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return -1;
    }

private:
    std::string tmux_, status_file_;
};

bool shows(const std::string& screen, const std::string& text) { return screen.find(text) != std::string::npos; }

class StepScreen : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_EQ(record_gpu_trace("matmul.asm", trace_dir("matmul")), 0);
        ASSERT_EQ(record_gemm_trace("--m 8 --k 6 --n 5", trace_dir("gemm")), 0);
    }
    static std::string step(const std::string& name) { return lockstep_binary() + " step " + trace_dir(name); }
};

TEST_F(StepScreen, KeysMoveThroughTheGpuRun) {
    Terminal term("keys", step("matmul"), 120, 40);
    std::string screen = term.wait_for("cycle 0 (of 0..444)");
    EXPECT_TRUE(shows(screen, "core0 IDLE     pc 0")) << screen;
    EXPECT_TRUE(shows(screen, "q quit")) << "the key bar is on screen:\n" << screen;

    term.keys("Right n Space");
    screen = term.wait_for("== cycle 3 (of 0..444) ==");
    EXPECT_TRUE(shows(screen, "== cycle 3 (of 0..444) ==")) << screen;
    term.keys("Left");
    EXPECT_TRUE(shows(term.wait_for("== cycle 2 (of 0..444) =="), "== cycle 2 (of 0..444) =="));
    term.keys("NPage");
    EXPECT_TRUE(shows(term.wait_for("== cycle 102 (of 0..444) =="), "== cycle 102 (of 0..444) =="));
    term.keys("End");
    screen = term.wait_for("== cycle 444 (of 0..444) ==");
    EXPECT_TRUE(shows(screen, "matmul.asm on 2 cores x 4 threads  [DONE]")) << screen;
    term.keys("Home");
    EXPECT_TRUE(shows(term.wait_for("== cycle 0 (of 0..444) =="), "== cycle 0 (of 0..444) =="));

    term.keys("g 40 Enter");
    screen = term.wait_for("== cycle 40 (of 0..444) ==");
    EXPECT_TRUE(shows(screen, "core0 EXECUTE  pc 3   CONST R2, #2")) << screen;
    EXPECT_TRUE(shows(screen, "  t3  R0=3 R1=1 R2=0")) << screen;
    // The data memory fits under the view: C lands at the edge into cycle 427 (marks become colour).
    term.keys("g 427 Enter");
    screen = term.wait_for("data memory at cycle 427");
    EXPECT_TRUE(shows(screen, "     8 |      7      10      15      22")) << screen;

    term.keys("q");
    EXPECT_EQ(term.exit_status(), 0);
}

TEST_F(StepScreen, BreakpointsRunBothWaysAndMarkChanges) {
    Terminal term("breaks", step("matmul"), 120, 40);
    term.wait_for("cycle 0 (of 0..444)");
    term.keys("b instr=LDR Enter c");
    std::string screen = term.wait_for("breakpoint 'instr=LDR' at cycle 157");
    EXPECT_TRUE(shows(screen, "core0 DECODE   pc 15  LDR R10, R10")) << screen;
    EXPECT_TRUE(shows(screen, "1 breakpoint")) << "the title counts breakpoints:\n" << screen;

    term.keys("b state=wait Enter c");
    screen = term.wait_for("breakpoint 'state=wait' at cycle 159");
    // The mark of a changed value becomes colour on screen; the column keeps its place.
    EXPECT_TRUE(shows(screen, "lsu REQUESTING  out")) << screen;
    term.keys("r");
    EXPECT_TRUE(shows(term.wait_for("cycle 157 (of 0..444)"), "breakpoint 'instr=LDR' at cycle 157"));
    term.keys("q");
    EXPECT_EQ(term.exit_status(), 0);
}

TEST_F(StepScreen, MistakesAreShownAndTheSessionGoesOn) {
    Terminal term("mistakes", step("matmul"), 120, 40);
    term.wait_for("cycle 0 (of 0..444)");
    term.keys(": jump Enter");
    std::string screen = term.wait_for("error: unknown command 'jump' (help lists them)");
    EXPECT_TRUE(shows(screen, "error: unknown command 'jump' (help lists them)")) << screen;
    term.keys("x");
    screen = term.wait_for("x: not a key of the stepper (? lists them)");
    EXPECT_TRUE(shows(screen, "x: not a key of the stepper (? lists them)")) << screen;
    term.keys("c");
    EXPECT_TRUE(shows(term.wait_for("error: no breakpoints"), "error: no breakpoints (break COND sets one)"));
    term.keys("g abc Enter");
    EXPECT_TRUE(shows(term.wait_for("error: goto needs"), "error: goto needs a cycle number"));
    term.keys("g Enter b Enter n");   // empty answers cancel: no error, and n still moves
    screen = term.wait_for("== cycle 1 (of 0..444) ==");
    EXPECT_TRUE(shows(screen, "== cycle 1 (of 0..444) ==")) << screen;
    EXPECT_FALSE(shows(screen, "error:")) << screen;
    term.keys("p");

    term.keys("?");
    screen = term.wait_for("keys:");
    EXPECT_TRUE(shows(screen, "PgDn / PgUp          100 cycles on / back")) << screen;
    EXPECT_TRUE(shows(screen, "b, break COND")) << "the command list follows the keys:\n" << screen;
    term.keys("n");   // closes the help without moving
    screen = term.wait_for("== cycle 0 (of 0..444) ==");
    EXPECT_TRUE(shows(screen, "== cycle 0 (of 0..444) ==")) << screen;
    term.keys("q");
    EXPECT_EQ(term.exit_status(), 0);
}

TEST_F(StepScreen, ArrayViewAndANarrowTerminal) {
    Terminal term("array", step("gemm"), 64, 20);
    term.wait_for("cycle 0 of 71");
    term.keys("b pe=3,3 Enter c");
    std::string screen = term.wait_for("breakpoint 'pe=3,3' at cycle");
    EXPECT_TRUE(shows(screen, "breakpoint 'pe=3,3' at cycle 10")) << screen;
    // Lines wider than the terminal wrap instead of being cut.
    EXPECT_TRUE(shows(screen, "== cycle 10 (of 0..71) == 4x4 ws array, M=8 K=6 N=5")) << screen;
    EXPECT_TRUE(shows(screen, "  row3   # ")) << screen;
    term.keys("q");
    EXPECT_EQ(term.exit_status(), 0);
}

// The tensor core's grid under its core; its active PEs are coloured as the array's are.
TEST_F(StepScreen, TensorCoreGridUnderItsCore) {
    const std::string dir = trace_dir("tensor_core");
    ASSERT_EQ(TensorCoreRun::record(dir), 0);
    Terminal term("tensor", lockstep_binary() + " step " + dir, 120, 40);
    term.wait_for("cycle 0 (of 0..");
    term.keys("b instr=TMMA Enter c");
    term.wait_for("breakpoint 'instr=TMMA' at cycle");
    term.keys("n n n n n n");   // fold cycle 3: three edges after COMPUTE began at DECODE + 3
    const std::string screen = term.wait_for("COMPUTE TMMA t=3");
    EXPECT_TRUE(shows(screen, "  tensor COMPUTE TMMA t=3 | base 16 stride 4 | 6 PEs multiplied")) << screen;
    EXPECT_TRUE(shows(screen, "  row0  # 0       # 0       # 0       . 0")) << screen;
    EXPECT_TRUE(shows(screen, "tile0 - tile1 -")) << screen;
    term.keys("q");
    EXPECT_EQ(term.exit_status(), 0);
}

TEST_F(StepScreen, PlainFlagKeepsLineModeOnATerminal) {
    Terminal term("plain", step("matmul") + " --plain", 120, 40);
    EXPECT_TRUE(shows(term.wait_for("step>"), "help lists the commands"));
    term.keys("'goto 40' Enter");
    EXPECT_TRUE(shows(term.wait_for("== cycle 40 (of 0..444) =="), "core0 EXECUTE  pc 3   CONST R2, #2"));
    term.keys("quit Enter");
    EXPECT_EQ(term.exit_status(), 0);
}

}  // namespace
}  // namespace lockstep::testing
