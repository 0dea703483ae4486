// The reference design's defects that Lockstep fixes, each run in lock-step (model vs RTL).
#include "cli_testing.h"

#include <gtest/gtest.h>

namespace lockstep::testing {
namespace {

const std::string kTiny = source_path("configs/tiny-gpu.yaml");
const std::string k16Bit = source_path("configs/gpu-16bit.yaml");

CliRun cosim(const std::string& name, const std::string& source, const std::string& config = kTiny,
             const std::string& extra = "") {
    return run_cli("run " + write_temp(name, source) + " --config " + config + " --json " + extra);
}

// The reference computes CMP at 32-bit width, so BRn means "not equal" and BRp never fires.
TEST(GpuDefects, CompareSetsUnsignedNzp) {
    const CliRun run = cosim("cmp.asm", R"(
.threads 1
CONST R1, #3
CONST R2, #5
CONST R3, #1
CONST R10, #0
CMP R2, R1        ; 5 > 3: P only
BRn WRONG1        ; the reference would take this (5 != 3)
STR R10, R3       ; mem[0] = 1: not taken
WRONG1:
CMP R2, R1
BRp RIGHT2        ; the reference never takes BRp
CONST R4, #9
RIGHT2:
CONST R10, #1
STR R10, R4       ; mem[1] = 0 if BRp was taken, 9 if not
CMP R1, R2        ; 3 < 5: N
BRn RIGHT3
CONST R5, #9
RIGHT3:
CONST R10, #2
STR R10, R5       ; mem[2] = 0 if BRn was taken
CMP R1, R1        ; equal: Z
BRz RIGHT4
CONST R6, #9
RIGHT4:
CONST R10, #3
STR R10, R6       ; mem[3] = 0 if BRz was taken
CONST R7, #200
CMP R7, R1        ; 200 > 3 unsigned (negative if signed): P
BRnz WRONG5
CONST R8, #7
WRONG5:
CONST R10, #4
STR R10, R8       ; mem[4] = 7 if neither N nor Z
RET
)");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(memory_of(run.json, 0, 5), (std::vector<uint32_t>{1, 0, 0, 0, 7}));
    EXPECT_EQ(run.json["mismatches"], 0);
}

// The reference takes the next PC from the last slot, which is disabled in a partial block.
TEST(GpuDefects, PartialLastBlockFinishes) {
    for (int threads : {1, 2, 3, 5, 6, 7}) {
        const CliRun run = cosim("partial.asm", ".threads " + std::to_string(threads) + R"(
MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx
CONST R1, #100
ADD R2, R0, R1
STR R0, R2        ; mem[i] = i + 100
RET
)");
        ASSERT_EQ(run.status, 0) << threads << " threads: " << run.err;
        for (int i = 0; i < 8; ++i) {
            EXPECT_EQ(run.json["memory"][i], i < threads ? i + 100 : 0) << threads << " threads, address " << i;
        }
    }
}

// The reference never clears done, so a second launch looks finished at once.
TEST(GpuDefects, SecondLaunchRunsAgain) {
    const CliRun run = run_cli("run " + source_path("programs/matadd.asm") + " --config " + kTiny +
                               " --json --launches 2");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json["launch_cycles"], nlohmann::json::array({158, 158}));
    EXPECT_EQ(memory_of(run.json, 16, 8), (std::vector<uint32_t>{0, 2, 4, 6, 8, 10, 12, 14}));
}

TEST(GpuDefects, DivisionByZeroGivesAllOnes) {
    const std::string source = R"(
.threads 1
CONST R1, #77
CONST R2, #0
DIV R3, R1, R2
STR R2, R3        ; mem[0] = 77 / 0
CONST R4, #7
DIV R5, R1, R4
CONST R6, #1
STR R6, R5        ; mem[1] = 77 / 7 = 11
RET
)";
    const CliRun narrow = cosim("div8.asm", source);
    ASSERT_EQ(narrow.status, 0) << narrow.err;
    EXPECT_EQ(memory_of(narrow.json, 0, 2), (std::vector<uint32_t>{255, 11}));
    const CliRun wide = cosim("div16.asm", source, k16Bit);
    ASSERT_EQ(wide.status, 0) << wide.err;
    EXPECT_EQ(memory_of(wide.json, 0, 2), (std::vector<uint32_t>{65535, 11}));
}

TEST(GpuDefects, WritesToReadOnlyRegistersAreIgnored) {
    // CONST R13, #9 cannot be written in assembly (it is an error), so emit the raw word.
    const CliRun run = cosim("readonly.asm", R"(
.threads 2
.word 0x9D09      ; CONST %blockIdx, #9
.word 0x9E09      ; CONST %blockDim, #9
.word 0x9F09      ; CONST %threadIdx, #9
CONST R1, #0
ADD R1, R1, %threadIdx
CONST R2, #4
MUL R3, R1, R2
STR R3, %blockIdx
CONST R4, #1
ADD R3, R3, R4
STR R3, %blockDim
ADD R3, R3, R4
STR R3, %threadIdx
RET
)");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(memory_of(run.json, 0, 7), (std::vector<uint32_t>{0, 4, 0, 0, 0, 4, 1}));
}

// Without a divergence: section a block whose threads branch apart stops the run the same way
// in both engines (tests/test_divergence.cpp runs them apart).
TEST(GpuDefects, DivergentBranchStopsWithAClearError) {
    const std::string source = R"(
.threads 4
CONST R1, #2
CMP %threadIdx, R1
BRn LOW           ; threads 0 and 1 branch, 2 and 3 do not
NOP
LOW:
RET
)";
    for (const char* engine : {"model", "rtl", "cosim"}) {
        const CliRun run = cosim("diverge.asm", source, kTiny, std::string("--engine ") + engine);
        EXPECT_EQ(run.status, 2) << engine;
        EXPECT_NE(run.err.find("cycle 32: divergent branch on core 0 (block 0) at PC 2 (BRn #4): "
                               "thread 0 -> PC 4, thread 1 -> PC 4, thread 2 -> PC 3, thread 3 -> PC 3"),
                  std::string::npos)
            << engine << ": " << run.err;
    }
}

}  // namespace
}  // namespace lockstep::testing
