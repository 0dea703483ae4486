// The HTML viewer: `lockstep view` writes one self-contained page per trace, and headless
// Chromium, opening it from disk at a cycle and stepping with the buttons and keys, shows
// that cycle's state with no script errors.
#include "cli_testing.h"
#include "damaged_traces.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

std::string trace_dir(const std::string& name) { return temp_path("view_") + name; }

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// The text of the element with this id, as Chromium serialises it: `id="ID"...>TEXT<`.
std::string element_text(const std::string& dom, const std::string& id) {
    const size_t at = dom.find("id=\"" + id + "\"");
    if (at == std::string::npos) return "<no element #" + id + ">";
    const size_t open = dom.find('>', at);
    const size_t close = dom.find('<', open);
    return dom.substr(open + 1, close - open - 1);
}

// The page with its embedded data left out, for failure messages.
std::string without_data(const std::string& dom) {
    const size_t from = dom.find("id=\"data\">");
    const size_t to = dom.find("</script>", from);
    if (from == std::string::npos || to == std::string::npos) return dom;
    return dom.substr(0, from) + "id=\"data\">[data]" + dom.substr(to);
}

const char* const kChromium = "/usr/bin/chromium";

struct Browser {
    int status = -1;
    std::string dom, log;
    double seconds = 0;
};

// Opens `page#hash` in headless Chromium and returns the DOM after its scripts ran.
Browser open_page(const std::string& page, const std::string& hash) {
    Browser b;
    const std::string profile = temp_path("view_chromium_profile");
    fs::remove_all(profile);
    fs::create_directories(profile);
    const std::string log = temp_path("view_chromium.log");
    const std::string url = "file://" + fs::absolute(page).string() + "#" + hash;
    const std::string command = std::string("timeout 30 ") + kChromium +
                                " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                                " --disable-background-networking --disable-component-update --disable-sync"
                                " --virtual-time-budget=5000 --enable-logging=stderr --log-level=0"
                                " --user-data-dir=" + profile + " --dump-dom '" + url + "' 2>" + log;
    const auto start = std::chrono::steady_clock::now();
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return b;
    char buffer[65536];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) b.dom.append(buffer, n);
    const int status = pclose(pipe);
    b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    b.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    b.log = read_text(log);
    fs::remove_all(profile);
    std::remove(log.c_str());
    std::printf("[ chromium ] %s#%s: %.1f s\n", page.c_str(), hash.c_str(), b.seconds);
    return b;
}

// Console messages that are script errors (Chromium logs the page's console to stderr).
std::string console_errors(const std::string& log) {
    std::istringstream lines(log);
    std::string line, errors;
    while (std::getline(lines, line)) {
        if (contains(line, "CONSOLE") && (contains(line, "Uncaught") || contains(line, "rror"))) errors += line + "\n";
    }
    return errors;
}

// Fails (not skips) without Chromium: `make test` installs it.
void require_chromium() {
    ASSERT_EQ(access(kChromium, X_OK), 0) << kChromium << " is missing: the viewer tests need headless Chromium. "
                                          << "Install it with `apt-get install -y chromium` (make test does).";
}

// Checks what every page loaded in Chromium must satisfy; returns the DOM.
std::string loaded(const std::string& page, const std::string& hash) {
    const Browser b = open_page(page, hash);
    EXPECT_EQ(b.status, 0) << "chromium failed or took over 30 s (" << b.seconds << " s)\n" << b.log;
    EXPECT_LT(b.seconds, 30.0);
    EXPECT_TRUE(contains(b.dom, "<div id=\"errors\"></div>")) << "script errors: " << element_text(b.dom, "errors");
    EXPECT_EQ(console_errors(b.log), "");
    return b.dom;
}

void expect_self_contained(const std::string& html) {
    EXPECT_FALSE(contains(html, "http://")) << "the page must not refer to the network";
    EXPECT_FALSE(contains(html, "https://")) << "the page must not refer to the network";
    EXPECT_FALSE(contains(html, "<script src")) << "scripts are inline";
    EXPECT_FALSE(contains(html, "<link")) << "styles are inline";
    EXPECT_FALSE(contains(html, "@import"));
    EXPECT_TRUE(contains(html, "<span id=\"cycle\">"));
}

class GpuView : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_EQ(record_gpu_trace("matmul.asm", trace_dir("matmul")), 0);
        const CliRun view = run_cli("view " + trace_dir("matmul"));
        ASSERT_EQ(view.status, 0) << view.err;
        ASSERT_EQ(view.out, trace_dir("matmul") + "/view.html\n");
    }
    static std::string page() { return trace_dir("matmul") + "/view.html"; }
};

TEST_F(GpuView, PageIsOneSelfContainedFile) {
    ASSERT_TRUE(fs::exists(page()));
    const std::string html = read_text(page());
    expect_self_contained(html);
    EXPECT_TRUE(contains(html, "\"cycles\":444")) << "the run's cycle count is embedded";
    EXPECT_TRUE(contains(html, "\"kind\":\"gpu\""));
    EXPECT_TRUE(contains(html, "CONST R2, #2")) << "the program listing is embedded";
}

TEST_F(GpuView, ChromiumStepsToACycleAndShowsCoresAndThreads) {
    ASSERT_NO_FATAL_FAILURE(require_chromium());
    // 30, +10 +1 -1 with the buttons, +1 -1 +10 -10 with the keys: cycle 40.
    const std::string dom =
        loaded(page(), "cycle=30&click=btn-p10,btn-p1,btn-m1&keys=ArrowRight,ArrowLeft,Shift+ArrowRight,Shift+ArrowLeft");
    const std::string shown = without_data(dom);
    EXPECT_TRUE(contains(dom, "<span id=\"cycle\">40</span>")) << shown;
    // As `lockstep step` shows cycle 40: core0 EXECUTE pc 3 CONST R2, #2; t3 R0=3 R1=1 R2=0.
    EXPECT_EQ(element_text(dom, "core0-state"), "EXECUTE");
    EXPECT_EQ(element_text(dom, "core0-pc"), "3");
    EXPECT_EQ(element_text(dom, "core0-instr"), "CONST R2, #2");
    EXPECT_EQ(element_text(dom, "core1-state"), "IDLE");
    EXPECT_EQ(element_text(dom, "c0t3-R0"), "3");
    EXPECT_EQ(element_text(dom, "c0t3-R1"), "1");
    EXPECT_EQ(element_text(dom, "c0t3-R2"), "0");
    EXPECT_EQ(element_text(dom, "c0t3-threadIdx"), "3");
    EXPECT_EQ(element_text(dom, "c0t3-lsu"), "IDLE");
    EXPECT_EQ(element_text(dom, "channels"), "data memory:    ch0 - ch1 - ch2 - ch3 -\nprogram memory: ch0 -");
    EXPECT_TRUE(contains(dom, "<canvas")) << "timeline and utilisation charts";
}

// C = [7 10; 15 22] is asked for on the four channels in cycle 426 and lands at the edge into 427.
TEST_F(GpuView, MemoryPanelShowsCBeingWritten) {
    ASSERT_NO_FATAL_FAILURE(require_chromium());
    const std::string before = loaded(page(), "cycle=426");
    EXPECT_TRUE(contains(before, "<td id=\"mem-8\" class=\"wreq\">0</td>")) << without_data(before);
    EXPECT_TRUE(contains(before, "<td id=\"mem-11\" class=\"wreq\">0</td>"));
    EXPECT_TRUE(contains(before, "<td id=\"mem-0\">1</td>")) << "A and B from the program's .data";
    const std::string after = loaded(page(), "cycle=426&click=btn-p1");
    EXPECT_TRUE(contains(after, "<span id=\"cycle\">427</span>")) << without_data(after);
    for (const char* word : {"<td id=\"mem-8\" class=\"chg\">7</td>", "<td id=\"mem-9\" class=\"chg\">10</td>",
                             "<td id=\"mem-10\" class=\"chg\">15</td>", "<td id=\"mem-11\" class=\"chg\">22</td>",
                             "<td id=\"mem-12\">0</td>"}) {
        EXPECT_TRUE(contains(after, word)) << word << "\n" << without_data(after);
    }
    const std::string end = loaded(page(), "keys=End");
    EXPECT_TRUE(contains(end, "<td id=\"mem-11\" class=\"\">22</td>") || contains(end, "<td id=\"mem-11\">22</td>"))
        << without_data(end);
    EXPECT_EQ(element_text(end, "last-cycle"), "444");
}

TEST_F(GpuView, LastCycleAndKeySteps) {
    ASSERT_NO_FATAL_FAILURE(require_chromium());
    const std::string end = loaded(page(), "keys=End");
    EXPECT_TRUE(contains(end, "<span id=\"cycle\">444</span>")) << without_data(end);
    EXPECT_TRUE(contains(element_text(end, "channels"), "\nDONE")) << element_text(end, "channels");
    const std::string back = loaded(page(), "click=btn-last,btn-m10&keys=Shift+ArrowLeft,PageDown,ArrowLeft");
    EXPECT_TRUE(contains(back, "<span id=\"cycle\">433</span>")) << without_data(back);
}

// A tensor-core run (cli_testing.h): a PE grid per core and the tensor core in the cores table.
// The cycles come from the stepper's breakpoints; what the page shows there from the contract.
TEST(View, TensorCorePanelShowsThePeGridAndAccumulators) {
    ASSERT_NO_FATAL_FAILURE(require_chromium());
    const std::string dir = trace_dir("tensor_core");
    ASSERT_EQ(TensorCoreRun::record(dir), 0);
    ASSERT_EQ(run_cli("view " + dir).status, 0);
    const CliRun step = run_cli("step " + dir + " -e 'break instr=TMMA' -e c -e 'break instr=TSTC' -e c");
    auto decoded = [&](const std::string& instruction) {   // the cycle the stepper's breakpoint names
        const std::string said = "breakpoint 'instr=" + instruction + "' at cycle ";
        const size_t at = step.out.find(said);
        EXPECT_NE(at, std::string::npos) << step.out;
        return at == std::string::npos ? uint64_t{0} : std::stoull(step.out.substr(at + said.size()));
    };
    // TMMA's fold starts at DECODE + 3; at fold cycle 3 the PEs of fold cycle 2 have multiplied.
    const std::string dom = loaded(dir + "/view.html", fmt::format("cycle={}", decoded("TMMA") + 6));
    const std::string shown = without_data(dom);
    EXPECT_EQ(element_text(dom, "core0-tensor"), "COMPUTE TMMA t=3") << shown;
    EXPECT_EQ(element_text(dom, "core1-tensor"), "IDLE");
    EXPECT_EQ(element_text(dom, "tc0-state"), fmt::format("core0: COMPUTE TMMA t=3, {} PEs multiplied", TensorCoreRun::busy_pes(2)));
    for (unsigned i = 0; i < TensorCoreRun::kR; ++i) {
        for (unsigned j = 0; j < TensorCoreRun::kC; ++j) {
            const std::string id = fmt::format("tc0-pe{}-{}", i, j);
            EXPECT_TRUE(contains(dom, fmt::format("<td id=\"{}\" class=\"g{}\">0</td>", id, i + j <= 2 ? 3 : 0))) << id << "\n" << shown;
        }
    }
    EXPECT_TRUE(contains(element_text(dom, "channels"), "ch3 - tile0 - tile1 -")) << element_text(dom, "channels");
    // TSTC's first word (DECODE + 3): the accumulators hold C and the tile port writes C[0][0] to 32.
    const std::string store = loaded(dir + "/view.html", fmt::format("cycle={}", decoded("TSTC") + 3));
    EXPECT_EQ(element_text(store, "core0-tensor"), "STORE TSTC word 0,0") << without_data(store);
    EXPECT_TRUE(contains(element_text(store, "channels"), fmt::format("tile0 write @32={} tile1 -", TensorCoreRun::c(0, 0))));
    EXPECT_TRUE(contains(store, "<td id=\"mem-32\" class=\"wreq\">0</td>")) << "outlined: being written";
    const std::string end = loaded(dir + "/view.html", "keys=End");
    for (unsigned i = 0; i < TensorCoreRun::kR; ++i) {
        for (unsigned j = 0; j < TensorCoreRun::kC; ++j) {
            const std::string id = fmt::format("tc0-pe{}-{}", i, j);
            EXPECT_EQ(element_text(store, id), std::to_string(TensorCoreRun::c(i, j))) << id;
            EXPECT_EQ(element_text(end, fmt::format("mem-{}", 32 + i * TensorCoreRun::kC + j)), std::to_string(TensorCoreRun::c(i, j)))
                << "TSTC stored C at 32";
        }
    }
    fs::remove_all(dir);
}

// A run of 100,000 cycles: the page loads, goes deep into it and steps (its speed is in
// `lockstep bench --design view`), and shows what the stepper shows at the same cycle.
TEST(View, HundredThousandCycleRunLoadsAndSteps) {
    ASSERT_NO_FATAL_FAILURE(require_chromium());
    const std::string dir = trace_dir("mid_loop");
    ASSERT_EQ(record_gpu_trace("mid_loop.asm", dir), 0);
    ASSERT_EQ(run_cli("view " + dir).status, 0);
    const std::string page = dir + "/view.html";
    // 100000, +1, +1, -10, the last cycle, cycle 0, +10: cycle 10 after seven moves.
    const std::string dom = loaded(page, "cycle=100000&keys=ArrowRight,ArrowRight,Shift+ArrowLeft,End,Home,PageDown");
    EXPECT_EQ(element_text(dom, "cycle"), "10") << without_data(dom);
    EXPECT_EQ(element_text(dom, "last-cycle"), "102786");
    const nlohmann::json timing = nlohmann::json::parse(element_text(dom, "timing"), nullptr, false);
    ASSERT_TRUE(timing.is_object()) << element_text(dom, "timing");
    EXPECT_EQ(timing["steps"], 7);

    // Deep in the run, the first EXECUTE after cycle 99,990 as the stepper finds it.
    const CliRun step = run_cli("step " + dir + " -e 'goto 99990' -e 'break state=execute' -e c");
    ASSERT_EQ(step.status, 0) << step.err;
    const size_t hit = step.out.find("breakpoint 'state=execute' at cycle ");
    ASSERT_NE(hit, std::string::npos) << step.out;
    const std::string cycle = step.out.substr(hit + 36, step.out.find('\n', hit) - hit - 36);
    const std::string deep = loaded(page, "cycle=" + cycle);
    ASSERT_EQ(element_text(deep, "cycle"), cycle);
    EXPECT_TRUE(element_text(deep, "core0-state") == "EXECUTE" || element_text(deep, "core1-state") == "EXECUTE");
    for (const char* core : {"core0", "core1"}) {
        const std::string id = core;
        const std::string line = fmt::format("{} {:<8} pc {:<3} {:<24} fetcher", core, element_text(deep, id + "-state"),
                                             element_text(deep, id + "-pc"), element_text(deep, id + "-instr"));
        EXPECT_TRUE(contains(step.out.substr(hit), line)) << "the page shows '" << line << "'; the stepper:\n" << step.out;
    }
}

TEST(SystolicView, SmallArrayShowsOperandsFoldAndPhase) {
    // A (6 x 9) and B (9 x 5) from a formula, so the values the view shows follow from them.
    const auto a = [](int i, int k) { return (i * 9 + k) * 37 % 255 - 127; };
    const auto b = [](int k, int j) { return (k * 5 + j) * 53 % 255 - 127; };
    std::string a_csv, b_csv;
    for (int i = 0; i < 6; ++i) {
        for (int k = 0; k < 9; ++k) a_csv += fmt::format("{}{}", a(i, k), k < 8 ? "," : "\n");
    }
    for (int k = 0; k < 9; ++k) {
        for (int j = 0; j < 5; ++j) b_csv += fmt::format("{}{}", b(k, j), j < 4 ? "," : "\n");
    }
    const std::string dir = trace_dir("gemm");
    ASSERT_EQ(record_gemm_trace("--m 6 --k 9 --n 5 --a " + write_temp("view_a.csv", a_csv) + " --b " +
                                    write_temp("view_b.csv", b_csv),
                                dir),
              0);
    const CliRun view = run_cli("view " + dir);
    ASSERT_EQ(view.status, 0) << view.err;
    EXPECT_EQ(view.out, dir + "/view.html\n");
    const std::string html = read_text(dir + "/view.html");
    expect_self_contained(html);
    EXPECT_TRUE(contains(html, "\"cycles\":96"));
    EXPECT_TRUE(contains(html, "\"values\":true")) << "4x4 x 96 cycles is small: operand values are embedded";

    ASSERT_NO_FATAL_FAILURE(require_chromium());
    const std::string dom = loaded(dir + "/view.html", "cycle=0&click=btn-p10&keys=ArrowLeft,ArrowLeft,ArrowLeft");
    EXPECT_TRUE(contains(dom, "<span id=\"cycle\">7</span>")) << without_data(dom);
    // As `lockstep step` shows cycle 7: RUN fold 0 of 6, cycle 7 of 16 (fill); 10 PEs MAC.
    EXPECT_EQ(element_text(dom, "sa-state"), "RUN");
    EXPECT_EQ(element_text(dom, "sa-fold"), "0");
    EXPECT_EQ(element_text(dom, "sa-t"), "7");
    EXPECT_EQ(element_text(dom, "sa-phase"), "fill");
    EXPECT_EQ(element_text(dom, "sa-active"), "10");
    // PE(1,1) multiplies: h is A[1][1] (vector 1 entered row 1 a cycle ago), the weight B[1][1],
    // and the partial sum vector 1's over rows 0 and 1 of column 1; PE(1,3) holds only its weight.
    EXPECT_TRUE(contains(dom, "<td id=\"pe1_1\" class=\"g3\"><div class=\"gl\">#</div>")) << without_data(dom);
    const std::string pe11 = fmt::format("h {}\nv {}\nw {}", a(1, 1), a(1, 0) * b(0, 1) + a(1, 1) * b(1, 1), b(1, 1));
    EXPECT_TRUE(contains(dom, pe11)) << pe11 << "\n" << without_data(dom);
    EXPECT_TRUE(contains(dom, "<td id=\"pe1_3\" class=\"g2\"><div class=\"gl\">w</div>")) << without_data(dom);
    EXPECT_TRUE(contains(dom, "left reads: 0:@27 1:@19 2:@11 3:@3")) << without_data(dom);
    EXPECT_FALSE(contains(dom, "id=\"glyphs-only\""));
}

TEST(SystolicView, LargeRunKeepsGlyphsOnly) {
    // 16 x 16 PEs x 9326 cycles is over the 2,000,000 PE-cycles kept with values.
    const std::string dir = trace_dir("gemm16");
    ASSERT_EQ(record_gemm_trace("--rows 16 --cols 16 --dataflow os --m 100 --k 160 --n 100", dir), 0);
    const CliRun view = run_cli("view " + dir);
    ASSERT_EQ(view.status, 0) << view.err;
    const std::string html = read_text(dir + "/view.html");
    expect_self_contained(html);
    EXPECT_TRUE(contains(html, "\"values\":false"));

    ASSERT_NO_FATAL_FAILURE(require_chromium());
    const std::string dom = loaded(dir + "/view.html", "cycle=300");
    EXPECT_TRUE(contains(dom, "<span id=\"cycle\">300</span>")) << without_data(dom);
    EXPECT_TRUE(contains(dom, "id=\"glyphs-only\"")) << "the page says values are left out";
    EXPECT_TRUE(contains(dom, "<canvas id=\"grid\"")) << "more than 8 columns: the grid is a canvas";
    EXPECT_EQ(element_text(dom, "sa-phase"), "steady");
    EXPECT_EQ(element_text(dom, "sa-active"), "256");
}

TEST(View, MissingOrDamagedTracesGiveClearErrors) {
    CliRun run = run_cli("view /nonexistent");
    EXPECT_EQ(run.status, 2);
    EXPECT_TRUE(contains(run.err, "/nonexistent/states.bin: cannot open file")) << run.err;
    const std::string dir = trace_dir("damaged");
    ASSERT_EQ(record_gpu_trace("matadd.asm", dir), 0);
    const std::string bin = dir + "/states.bin";
    fs::resize_file(bin, fs::file_size(bin) - 10);
    run = run_cli("view " + dir);
    EXPECT_EQ(run.status, 2);
    EXPECT_TRUE(contains(run.err, bin + ": truncated")) << run.err;
    EXPECT_FALSE(fs::exists(dir + "/view.html")) << "no page from a damaged trace";
}

// A damaged header or file: exit status 2, one line naming the file and the field, no page.
class DamagedHeaderView : public ::testing::TestWithParam<DamagedHeader> {};

TEST_P(DamagedHeaderView, NamesTheFileAndTheField) {
    const std::string dir = trace_dir("header_" + GetParam().name);
    const std::string bin = write_states(dir, damaged_bytes(GetParam()));
    const CliRun run = run_cli("view " + dir);
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: " + bin + ": " + GetParam().error + "\n");
    EXPECT_FALSE(fs::exists(dir + "/view.html"));
}

INSTANTIATE_TEST_SUITE_P(View, DamagedHeaderView, ::testing::ValuesIn(damaged_headers()),
                         [](const auto& info) { return info.param.name; });

class DamagedFileView : public ::testing::TestWithParam<DamagedFile> {};

TEST_P(DamagedFileView, NamesTheFileAndWhatIsWrong) {
    const std::string dir = trace_dir("file_" + GetParam().name);
    const std::string bin = write_states(dir, GetParam().bytes);
    const CliRun run = run_cli("view " + dir);
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: " + bin + ": " + GetParam().error + "\n");
    EXPECT_FALSE(fs::exists(dir + "/view.html"));
}

INSTANTIATE_TEST_SUITE_P(View, DamagedFileView, ::testing::ValuesIn(damaged_files()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace lockstep::testing
