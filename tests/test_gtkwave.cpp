// The GTKWave save files, opened by GTKWave itself (headless, under Xvfb) on the VCDs of real
// RTL runs: every signal a save file names must load, in order, for every shape CI builds.
#include "cli_testing.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace lockstep::testing {
namespace {

// Asks GTKWave which of the save file's signals it found in the VCD.
const char* const kListSignals = R"(foreach s [gtkwave::getDisplayedSignals] { puts "SIG: $s" }
gtkwave::/File/Quit
)";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::vector<std::string> saved_signals(const std::string& gtkw) {
    std::ifstream in(gtkw);
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] != '[' && line[0] != '@' && line[0] != '-' && line[0] != '*') names.push_back(line);
    }
    return names;
}

std::vector<std::string> loaded_signals(const std::string& vcd, const std::string& gtkw) {
    const std::string script = write_temp("gtkwave_signals.tcl", kListSignals);
    std::string out, err;
    // A display number of this process's own: xvfb-run -a can give two parallel tests the same one.
    const std::string display = std::to_string(1000 + ::getpid() % 50000);
    const int status = run_shell("timeout 120 xvfb-run -n " + display + " gtkwave -S " + script + " " + vcd + " " + gtkw,
                                 &out, &err);
    EXPECT_EQ(status, 0) << err;
    std::vector<std::string> names;
    for (const std::string& line : lines_of(out)) {
        if (line.rfind("SIG: ", 0) == 0) names.push_back(line.substr(5));
    }
    return names;
}

struct Shape {
    const char* name;
    const char* design;    // gpu or systolic
    const char* file;      // gpu: the program; systolic: unused
    const char* config;    // under configs/
    const char* args;      // more arguments
};

void PrintTo(const Shape& shape, std::ostream* out) { *out << shape.name; }

class SaveFiles : public ::testing::TestWithParam<Shape> {};

TEST_P(SaveFiles, EverySignalLoadsInGtkwave) {
    const Shape& shape = GetParam();
    const std::string dir = temp_path(std::string("gtkw_") + shape.name);
    const std::string design = shape.design;
    const std::string what = design == "gpu" ? "run " + source_path(std::string("programs/") + shape.file) : "gemm";
    const CliRun run = run_cli(what + " --config " + source_path(std::string("configs/") + shape.config) + " " +
                               shape.args + " --engine rtl --trace " + dir);
    ASSERT_EQ(run.status, 0) << run.err;
    const std::string gtkw = dir + "/" + design + ".gtkw";
    const std::vector<std::string> saved = saved_signals(gtkw);
    ASSERT_GE(saved.size(), 20u) << read_text(gtkw);
    EXPECT_EQ(loaded_signals(dir + "/" + design + ".vcd", gtkw), saved) << read_text(gtkw);
}

// The shapes CI builds RTL for (tools/CMakeLists.txt, rtl_prebuilt).
INSTANTIATE_TEST_SUITE_P(
    Shapes, SaveFiles,
    ::testing::Values(Shape{"tiny_gpu", "gpu", "matmul.asm", "tiny-gpu.yaml", ""},
                      Shape{"gpu_4x8", "gpu", "matmul4x4.asm", "gpu-4x8.yaml", ""},
                      Shape{"gpu_16bit", "gpu", "matadd.asm", "gpu-16bit.yaml", ""},
                      Shape{"gpu_tensor_core", "gpu", "matmul_tc_4.asm", "gpu-tc.yaml", ""},
                      Shape{"gpu_perf", "gpu", "reuse.asm", "gpu-perf.yaml", ""},
                      Shape{"array_4x4", "systolic", "", "systolic.yaml", "--m 8 --k 6 --n 5"},
                      Shape{"array_1x1", "systolic", "", "systolic.yaml", "--rows 1 --cols 1 --m 3 --k 2 --n 2"},
                      Shape{"array_3x5", "systolic", "", "systolic.yaml", "--rows 3 --cols 5 --m 4 --k 3 --n 6"}),
    [](const ::testing::TestParamInfo<Shape>& info) { return std::string(info.param.name); });

TEST(SaveFiles, GroupTheSignalsAPersonWantsFirst) {
    const std::string dir = temp_path("gtkw_groups");
    ASSERT_EQ(run_cli("gemm --config " + source_path("configs/systolic.yaml") +
                      " --rows 3 --cols 5 --m 4 --k 3 --n 6 --engine rtl --trace " + dir)
                  .status,
              0);
    const std::string systolic = read_text(dir + "/systolic.gtkw");
    EXPECT_NE(systolic.find("-PE (1, 1) (p = 6): operand from the left, from above, stationary, accumulator\n"),
              std::string::npos)
        << systolic;
    // PE (1, 1) of the 3x5 grid is index 6; its left neighbour 5, the one above it 1.
    EXPECT_NE(systolic.find("systolic.systolic.u_pe_array.hv_q[14:0]\n@424\nsystolic.systolic.u_pe_array.h_q[5][7:0]\n"),
              std::string::npos);
    EXPECT_NE(systolic.find("systolic.systolic.u_pe_array.v_q[1][31:0]\n"), std::string::npos);
    EXPECT_NE(systolic.find("systolic.systolic.u_pe_array.acc_q[6][31:0]\n"), std::string::npos);
    EXPECT_NE(systolic.find("systolic.dbg_left_valid_o[2:0]\n@24\nsystolic.dbg_left_addr_o[0][13:0]\n"), std::string::npos);
    // 4x3 A and 3x6 B are 30 host-port writes: edge 0 resets, edges 1..30 load, edge 31 (at
    // 31.5 ns) samples start and begins GEMM cycle 0, where the marker goes.
    EXPECT_EQ(systolic.rfind("[dumpfile] \"systolic.vcd\"\n[timestart] 29500\n*-6.000000 31500 -1 ", 0), 0u) << systolic;
    const std::string vcd = read_text(dir + "/systolic.vcd");
    const std::string var = " dbg_state_o [1:0] $end";
    const size_t declared = vcd.find(var);
    ASSERT_NE(declared, std::string::npos);
    const size_t id_at = vcd.rfind(' ', declared - 1) + 1;
    const std::string id = vcd.substr(id_at, declared - id_at);
    const size_t run = vcd.find("\nb01 " + id + "\n");
    ASSERT_NE(run, std::string::npos) << "the controller enters RUN";
    EXPECT_EQ(vcd.substr(vcd.rfind("\n#", run) + 2, 6), "31500\n") << "RUN from the edge that starts cycle 0";
    ASSERT_EQ(run_cli("run " + source_path("programs/matmul.asm") + " --engine rtl --trace " + dir + "_gpu").status, 0);
    const std::string gpu = read_text(dir + "_gpu/gpu.gtkw");
    for (const char* group : {"-clock and launch\n", "-program memory\n", "-data memory\n"}) {
        EXPECT_NE(gpu.find(group), std::string::npos) << gpu;
    }
    EXPECT_NE(gpu.find("@28\ngpu.prog_read_valid_o[0]\n"), std::string::npos) << "one program channel is one bit";
}

}  // namespace
}  // namespace lockstep::testing
