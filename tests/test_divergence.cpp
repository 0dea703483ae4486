// Branch divergence (docs/architecture.md, "Branch divergence"): the reconvergence points the
// assembler's analysis finds, and divergent kernels in lock-step (model vs RTL) on
// configs/gpu-perf.yaml and configs/gpu-perf-4x8.yaml, each checked against its threads run
// alone (common/thread_interpreter) and against values worked out by hand.
#include "cli_testing.h"
#include "common/assembler.h"
#include "common/config.h"
#include "common/error.h"
#include "common/isa.h"
#include "common/program_generator.h"
#include "common/reconvergence.h"
#include "common/thread_interpreter.h"

#include <gtest/gtest.h>

namespace lockstep::testing {
namespace {

const std::string kPerf = source_path("configs/gpu-perf.yaml");
const std::string kPerf4x8 = source_path("configs/gpu-perf-4x8.yaml");
constexpr uint32_t kExit = 1u << 8;   // the reconvergence field's exit bit at 8 program-address bits

std::vector<uint16_t> code_of(const std::string& source) {
    return assemble(".threads 1\n" + source, "<test>", AsmLimits{}).code;
}

TEST(Reconvergence, IfElseMeetsAfterBothPaths) {
    const auto fields = reconvergence_fields(code_of(R"(
CMP R1, R2        ; 0
BRn ELSE          ; 1
NOP               ; 2
BRnzp END         ; 3: an unconditional branch is a conditional one whose paths agree
ELSE:
NOP               ; 4
END:
RET               ; 5
)"), 8);
    EXPECT_EQ(fields, (std::vector<uint32_t>{0, 5, 0, 5, 0, 0}));
}

TEST(Reconvergence, LoopBranchMeetsAtTheExit) {
    const auto fields = reconvergence_fields(code_of(R"(
LOOP:
ADD R1, R1, R2    ; 0
CMP R1, R3        ; 1
BRn LOOP          ; 2: the threads that stay meet the others after the loop
RET               ; 3
)"), 8);
    EXPECT_EQ(fields, (std::vector<uint32_t>{0, 0, 3, 0}));
}

TEST(Reconvergence, PathsThatOnlyMeetAtRetHaveNone) {
    const auto fields = reconvergence_fields(code_of(R"(
CMP R1, R2        ; 0
BRp STAY          ; 1
RET               ; 2
STAY:
RET               ; 3
)"), 8);
    EXPECT_EQ(fields, (std::vector<uint32_t>{0, kExit, 0, 0}));
}

TEST(Reconvergence, NestedBranchesMeetInnerFirst) {
    const auto fields = reconvergence_fields(code_of(R"(
BRn OUTER         ; 0
BRz INNER         ; 1
NOP               ; 2
INNER:
NOP               ; 3
OUTER:
RET               ; 4
)"), 8);
    EXPECT_EQ(fields, (std::vector<uint32_t>{4, 3, 0, 0, 0}));
}

// BRnzp falls through while NZP is 0, words past the code are NOPs and program addresses
// wrap: SPIN's loop can be left and reaches RET at 1 through the wrap. A program without a
// reachable RET has no reconvergence points at all.
TEST(Reconvergence, WrappingAddressesAndEndlessLoops) {
    EXPECT_EQ(reconvergence_fields(code_of("BRn SPIN\nRET\nSPIN:\nBRnzp SPIN\n"), 8),
              (std::vector<uint32_t>{1, 0, 3}));
    EXPECT_EQ(reconvergence_fields(code_of("CMP R1, R2\nBRn 0\nNOP\n"), 8), (std::vector<uint32_t>{0, kExit, 0}));
    // At 2 address bits the fall-through path of the branch at 2 wraps to 0 through word 3.
    EXPECT_EQ(reconvergence_fields(code_of("RET\nNOP\nBRn 0\n"), 2), (std::vector<uint32_t>{0, 0, 0}));
    // A branch with no condition bits never jumps: not a branch for reconvergence.
    EXPECT_EQ(reconvergence_fields({isa::encode({isa::Opcode::Br, 0, 0, 0, 5, 0}), 0xF000}, 8),
              (std::vector<uint32_t>{0, 0}));
}

TEST(Reconvergence, ProgramImageCarriesTheFieldOnlyWithDivergence) {
    const std::vector<uint16_t> code = code_of("BRn 2\nNOP\nRET\n");
    GpuConfig plain;
    EXPECT_EQ(program_image(code, plain), (std::vector<uint32_t>{code[0], code[1], code[2]}));
    GpuConfig divergent;
    divergent.stack_depth = 4;
    EXPECT_EQ(divergent.program_word_bits(), 25u);
    EXPECT_EQ(program_image(code, divergent), (std::vector<uint32_t>{code[0] | 2u << 16, code[1], code[2]}));
}

// `lockstep asm` on a GPU with divergence says where each conditional branch's paths meet.
TEST(Reconvergence, ListingShowsWhereBranchesMeet) {
    const std::string path = write_temp("meet.asm", ".threads 2\nBRn 4\nBRp 3\nNOP\nRET\nRET\n");
    const CliRun run = run_cli("asm " + path + " --config " + kPerf);
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out,
              "  0  1804  BRn #4                         ; line 2, paths meet only at RET\n"
              "  1  1203  BRp #3                         ; line 3, reconverges at 3\n"
              "  2  0000  NOP                            ; line 4\n"
              "  3  F000  RET                            ; line 5\n"
              "  4  F000  RET                            ; line 6\n");
    const CliRun plain = run_cli("asm " + path + " --config " + source_path("configs/tiny-gpu.yaml"));
    EXPECT_EQ(plain.out.find("reconverges"), std::string::npos);
}

// A run in lock-step whose data memory must equal the kernel's threads run alone.
nlohmann::json run_against_threads_alone(const std::string& name, const std::string& source,
                                         const std::string& config_path, const std::string& extra = "") {
    const CliRun run = run_cli("run " + write_temp(name, source) + " --config " + config_path + " --json " + extra);
    EXPECT_EQ(run.status, 0) << run.err;
    if (run.status != 0) return run.json;
    EXPECT_EQ(run.json["engine"], "cosim");
    EXPECT_EQ(run.json["mismatches"], 0);
    const Config config = load_config(config_path);
    const Program program = assemble(source, name, AsmLimits{});
    const std::vector<uint32_t> alone = run_threads_alone(program, config.gpu, program.data);
    EXPECT_EQ(memory_of(run.json, 0, alone.size()), alone) << name;
    return run.json;
}

// Two levels of if/else on the slot: mem[32 + i] = 10 * slot + i. Each block's four slots end
// on four paths; the inner branches meet at HIGHEND and LOWEND, the outer one at END.
const char* const kNested = R"(
.threads 8
MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx
CONST R1, #2
CMP %threadIdx, R1
BRn LOW
CONST R1, #3
CMP %threadIdx, R1
BRn MID
CONST R3, #30       ; slot 3
BRnzp HIGHEND
MID:
CONST R3, #20       ; slot 2
HIGHEND:
BRnzp END
LOW:
CONST R1, #1
CMP %threadIdx, R1
BRz ONE
CONST R3, #0        ; slot 0
BRnzp LOWEND
ONE:
CONST R3, #10       ; slot 1
LOWEND:
END:
ADD R3, R3, R0
CONST R4, #32
ADD R4, R4, R0
STR R4, R3
RET
)";

TEST(Divergence, NestedIfElse) {
    for (const std::string& config : {kPerf, kPerf4x8}) {
        const nlohmann::json run = run_against_threads_alone("nested.asm", kNested, config);
        if (run.is_discarded() || !run.contains("memory")) continue;
        // gpu-perf-4x8's blocks have 8 slots: slots 4..7 take the slot-3 path.
        const bool wide = config == kPerf4x8;
        std::vector<uint32_t> expected;
        for (uint32_t i = 0; i < 8; ++i) {
            const uint32_t slot = wide ? i : i % 4;
            expected.push_back(10 * std::min(slot, 3u) + i);
        }
        EXPECT_EQ(memory_of(run, 32, 8), expected) << config;
    }
}

// Thread t runs the loop max(1, t) times and stores the count at 16 + i.
TEST(Divergence, LoopExitsAtDifferentIterations) {
    const char* const source = R"(
.threads 12
MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx
CONST R1, #1
CONST R9, #0
LOOP:
ADD R9, R9, R1
CMP R9, %threadIdx
BRn LOOP
CONST R4, #16
ADD R4, R4, R0
STR R4, R9
RET
)";
    for (const std::string& config : {kPerf, kPerf4x8}) {
        const nlohmann::json run = run_against_threads_alone("loop.asm", source, config);
        if (!run.contains("memory")) continue;
        const uint32_t tpb = config == kPerf ? 4 : 8;
        std::vector<uint32_t> expected;
        for (uint32_t i = 0; i < 12; ++i) expected.push_back(std::max(1u, i % tpb));
        EXPECT_EQ(memory_of(run, 16, 12), expected) << config;
    }
}

// Slots below 2 store and return early; the others store something else later. The branch's
// paths only meet at RET (reconvergence field: exit).
TEST(Divergence, ThreadsReturnEarly) {
    const char* const source = R"(
.threads 6
MUL R0, %blockIdx, %blockDim
ADD R0, R0, %threadIdx
CONST R5, #16
ADD R5, R5, R0
CONST R1, #2
CMP %threadIdx, R1
BRzp STAY
CONST R2, #1
STR R5, R2          ; slots 0, 1: 1
RET
STAY:
CONST R2, #2
STR R5, R2          ; the others: 2
RET
)";
    const nlohmann::json run = run_against_threads_alone("early.asm", source, kPerf);
    if (run.contains("memory")) {
        EXPECT_EQ(memory_of(run, 16, 6), (std::vector<uint32_t>{1, 1, 2, 2, 1, 1}));
    }
}

// Cycles on paper (docs/architecture.md, "Timing on paper"): one block, no LDR or STR, memory
// latency λ: n * (10 + λ) + 4 cycles for n issued instructions, where a divergent if/else
// issues both paths. The kernel's words: 0 CONST, 1 CMP, 2 BRn LOW, 3 CONST, 4 ADD,
// 5 BRnzp END, 6 CONST (LOW), 7 RET (END).
TEST(Divergence, CyclesOnPaper) {
    const std::string kernel = R"(
CONST R1, #BOUND
CMP %threadIdx, R1
BRn LOW
CONST R2, #7
ADD R2, R2, R2
BRnzp END
LOW:
CONST R2, #1
END:
RET
)";
    struct Case {
        unsigned threads, bound, issued;   // slots below `bound` take BRn
        const char* what;
    };
    const Case cases[] = {
        {4, 2, 3 + 3 + 1 + 1, "two slots each way: 0-2, the fall-through 3-5, the taken 6, then 7"},
        {2, 2, 3 + 1 + 1, "all slots take the branch: 0-2, 6, 7"},
        {4, 0, 3 + 3 + 1, "no slot takes it: 0-2, 3-5, 7"},
    };
    for (unsigned latency : {0u, 2u}) {
        const std::string config = write_temp("perf-l" + std::to_string(latency) + ".yaml",
                                              "gpu:\n  cores: 2\n  threads_per_block: 4\ndivergence:\n  stack_depth: 8\n"
                                              "memory:\n  latency: " + std::to_string(latency) + "\n");
        for (const Case& c : cases) {
            std::string source = ".threads " + std::to_string(c.threads) + "\n" + kernel;
            source.replace(source.find("BOUND"), 5, std::to_string(c.bound));
            const CliRun run = run_cli("run " + write_temp("paper.asm", source) + " --config " + config + " --json");
            ASSERT_EQ(run.status, 0) << run.err;
            EXPECT_EQ(run.json["mismatches"], 0);
            EXPECT_EQ(run.json["cycles"], c.issued * (10 + latency) + 4) << c.what << ", latency " << latency;
            EXPECT_EQ(run.json["utilisation"]["instructions_issued"], c.issued) << c.what;
        }
    }
}

// SIMT efficiency: the loop kernel's lanes drop out one by one (one warp a core). Slots 0..3 run the loop 1, 1,
// 2 and 3 times: 2 instructions with 4 lanes, then 3 with 4, 3 with 2, 3 with 1, RET with 4:
// 33 of 12 * 4 = 48 lane-instructions.
TEST(Divergence, SimtEfficiencyCountsActiveLanes) {
    const std::string source = R"(
.threads 4
CONST R1, #1
CONST R9, #0
LOOP:
ADD R9, R9, R1
CMP R9, %threadIdx
BRn LOOP
RET
)";
    const std::string dir = temp_path("simt-trace");
    const CliRun run = run_cli("run " + write_temp("simt.asm", source) + " --config " +
                               source_path("tests/fixtures/tiny-gpu-twin.yaml") + " --json --trace " + dir);
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json["cycles"], 12 * 10 + 4);
    const nlohmann::json& u = run.json["utilisation"];
    EXPECT_EQ(u["instructions_issued"], 12);
    EXPECT_EQ(u["thread_instructions"], 33);
    EXPECT_DOUBLE_EQ(u["simt_efficiency_pct"].get<double>(), 33 * 100.0 / 48);
    EXPECT_DOUBLE_EQ(u["slot_occupancy_pct"].get<double>(), 100.0);
    // Per cycle: utilisation.csv's core0_simt_efficiency while core 0 runs the block.
    const std::vector<std::string> lanes = utilisation_column(dir, "core0_active_threads");
    const std::vector<std::string> simt = utilisation_column(dir, "core0_simt_efficiency");
    ASSERT_EQ(lanes.size(), simt.size());
    std::map<std::string, unsigned> seen;
    for (size_t i = 0; i < lanes.size(); ++i) ++seen[lanes[i] + "/" + simt[i]];
    // 10 cycles per instruction (start and done records aside): 5 with 4 lanes, 3 with 2, 3 with 1.
    EXPECT_EQ(seen["2/50.0"], 30u);
    EXPECT_EQ(seen["1/25.0"], 30u);
    EXPECT_GE(seen["4/100.0"], 60u);
}

// The fall-through path runs first, so an if/else nested in fall-through paths keeps every
// enclosing level's two entries below it: the base entry and two per level. gpu-perf-4x8's 5
// entries hold two levels; a third (8 slots split 4, 2, 1) stops the run with a clear error.
std::string nested_in_fall_through(unsigned levels) {
    std::string head, tail;
    for (unsigned level = 0; level < levels; ++level) {
        const std::string n = std::to_string(level);
        head += "CONST R1, #" + std::to_string(4 >> level) + "\nCMP %threadIdx, R1\nBRzp ELSE" + n + "\n";
        tail = "NOP\nBRnzp END" + n + "\nELSE" + n + ":\nNOP\nEND" + n + ":\n" + tail;
    }
    return ".threads 8\n" + head + tail + "RET\n";
}

TEST(Divergence, StackOverflowStopsWithAClearError) {
    run_against_threads_alone("two-levels.asm", nested_in_fall_through(2), kPerf4x8);
    // Words: 0-2, 3-5 and 6-8 are the three levels' CONST, CMP, BRzp; ELSE2 is word 11.
    for (const char* engine : {"model", "rtl", "cosim"}) {
        const CliRun run = run_cli("run " + write_temp("deep.asm", nested_in_fall_through(3)) + " --config " +
                                   kPerf4x8 + " --engine " + engine);
        EXPECT_EQ(run.status, 2) << engine;
        EXPECT_NE(run.err.find("reconvergence stack overflow on core 0 warp 0 (block 0) at PC 8 (BRzp #11): the "
                               "divergent branch needs more than the 5 entries of divergence.stack_depth; raise it "
                               "(up to 32) or nest fewer divergent branches"),
                  std::string::npos)
            << engine << ": " << run.err;
    }
}

// At least 100 random divergent kernels per shape in CI, each also against its threads alone;
// `lockstep fuzz --config configs/gpu-perf.yaml --seeds 10000` runs more.
TEST(Divergence, HundredRandomSeedsAgreeOnGpuPerf) {
    const CliRun run = run_cli("fuzz --start-seed 1 --seeds 100 --config " + kPerf);
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("fuzz: 100 passed, 0 failed"), std::string::npos) << run.out;
}

TEST(Divergence, HundredRandomSeedsAgreeOnGpuPerf4x8) {
    const CliRun run = run_cli("fuzz --start-seed 5000 --seeds 100 --config " + kPerf4x8);
    EXPECT_EQ(run.status, 0) << run.out;
    EXPECT_NE(run.out.find("fuzz: 100 passed, 0 failed"), std::string::npos) << run.out;
}

TEST(Divergence, ConfigSectionErrors) {
    EXPECT_EQ(config_error("divergence:\n  depth: 4\n"),
              "c.yaml:2: unknown key 'depth' in 'divergence': did you mean 'stack_depth'? (known: stack_depth)");
    EXPECT_EQ(config_error("gpu:\n  cores: 1\ndivergence: {}\n"),
              "c.yaml:3: divergence: 'stack_depth' is required (reconvergence stack entries per core, 3..32)");
    EXPECT_NE(config_error("divergence:\n  stack_depth: 2\n").find("c.yaml:2:"), std::string::npos);
    EXPECT_NE(config_error("divergence:\n  stack_depth: 33\n").find("3..32"), std::string::npos);
    EXPECT_EQ(config_error("tensor_core:\n  rows: 2\n  cols: 2\ndivergence:\n  stack_depth: 4\n"),
              "c.yaml:4: divergence: not available with a tensor_core section yet (the tile instructions take "
              "their operands from thread slot 0, which a divergent path may leave out); remove one of the two "
              "sections");
    EXPECT_EQ(parse_config("divergence:\n  stack_depth: 32\n", "c.yaml").gpu.stack_depth, 32u);
    EXPECT_EQ(parse_config("gpu:\n  cores: 1\n", "c.yaml").gpu.stack_depth, 0u);
}

// The random kernels do diverge: on gpu-perf a good share of the seeds run below 100% SIMT
// efficiency (a kernel has 1 to 4 constructs, 3 in 7 of them divergent on the thread index).
TEST(Divergence, RandomKernelsDiverge) {
    unsigned divergent = 0;
    const Config config = load_config(kPerf);
    for (uint64_t seed = 1; seed <= 40; ++seed) {
        const std::string text = generate_program(seed, config.gpu);
        const CliRun run = run_cli("run " + write_temp("seed.asm", text) + " --config " + kPerf + " --engine model --json");
        ASSERT_EQ(run.status, 0) << run.err;
        divergent += run.json["utilisation"]["simt_efficiency_pct"].get<double>() < 100.0;
    }
    EXPECT_GE(divergent, 12u) << "of 40 seeds";
}

}  // namespace
}  // namespace lockstep::testing
