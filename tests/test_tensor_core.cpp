// The GPU's tensor core (docs/architecture.md, "Tensor core") in lock-step: tiled GEMMs that
// the test writes itself, on several shapes and dataflows, with products checked against a
// plain triple loop and cycle counts derived from the documented timing; faults, config and
// assembler errors; the comparator naming a PE.
#include "cli_testing.h"

#include "common/config.h"
#include "cosim/gpu_compare.h"
#include "gpu/gpu_types.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace lockstep::testing {
namespace {

struct Shape {
    unsigned rows, cols;
    std::string dataflow;
    unsigned latency = 0;
    unsigned in_bits = 16, acc_bits = 32;
};

std::string config_text(const Shape& s, unsigned data_addr_bits = 8) {
    return fmt::format("gpu:\n  cores: 2\n  threads_per_block: 4\n  data_channels: 2\n  program_channels: 1\n"
                       "  data_width: 16\n  data_addr_bits: {}\n  program_addr_bits: 8\n"
                       "tensor_core:\n  rows: {}\n  cols: {}\n  dataflow: {}\n  in_bits: {}\n  acc_bits: {}\n"
                       "memory:\n  latency: {}\n",
                       data_addr_bits, s.rows, s.cols, s.dataflow, s.in_bits, s.acc_bits, s.latency);
}

std::string shape_name(const Shape& s) {
    return fmt::format("{}x{}_{}_l{}_i{}", s.rows, s.cols, s.dataflow, s.latency, s.in_bits);
}

// Busy cycles of each tile instruction (docs/architecture.md, "Timing on paper").
struct Timing {
    unsigned rows, cols, latency;
    std::string dataflow;
    uint64_t fold() const {
        if (dataflow == "os") return 2 * rows + cols - 2;
        if (dataflow == "ws") return 3 * rows + cols - 2;
        return 2 * rows + 2 * cols - 2;
    }
    uint64_t clr() const { return 1; }
    uint64_t mma() const { return 1 + fold(); }
    uint64_t lda() const { return 1 + uint64_t{rows} * rows * (latency + 1); }
    uint64_t ldb() const { return 1 + uint64_t{rows} * cols * (latency + 1); }
    uint64_t stc() const { return ldb(); }
    // A straight-line block of n instructions without LDR/STR, plus the tile instructions' busy cycles.
    uint64_t block(uint64_t instructions, uint64_t busy) const { return instructions * (10 + latency) + 4 + busy; }
};

// C[M x N] = A[M x K] * B[K x N] tiled over an R x C tensor core: mt x kt x nt tiles of
// R x R (A) and R x C (B). A at 0, B after it, C after B, all row-major; straight-line code
// that sets every base with CONST (the test keeps the data below 256 words).
struct TiledGemm {
    unsigned m, k, n;
    std::vector<int32_t> a, b;
    std::string source;
    uint64_t instructions = 0, busy = 0;
    unsigned a_base() const { return 0; }
    unsigned b_base() const { return m * k; }
    unsigned c_base() const { return m * k + k * n; }
};

TiledGemm tiled_gemm(const Shape& s, unsigned mt, unsigned kt, unsigned nt, unsigned threads, uint32_t seed) {
    const Timing timing{s.rows, s.cols, s.latency, s.dataflow};
    TiledGemm g{s.rows * mt, s.rows * kt, s.cols * nt, {}, {}, {}, 0, 0};
    std::mt19937 random(seed);
    const int32_t top = (1 << (s.in_bits - 1)) - 1;
    std::uniform_int_distribution<int32_t> value(-std::min(top, 9), std::min(top, 9));
    for (unsigned i = 0; i < g.m * g.k; ++i) g.a.push_back(value(random));
    for (unsigned i = 0; i < g.k * g.n; ++i) g.b.push_back(value(random));
    std::string& src = g.source;
    src = fmt::format(".threads {}\n", threads);
    for (int32_t x : g.a) src += fmt::format(".data {}\n", x);
    for (int32_t x : g.b) src += fmt::format(".data {}\n", x);
    auto emit = [&](const std::string& line, uint64_t busy = 0) {
        src += line + "\n";
        ++g.instructions;
        g.busy += busy;
    };
    emit(fmt::format("CONST R0, #{}", g.k));   // A's row stride
    emit(fmt::format("CONST R1, #{}", g.n));   // B's and C's
    for (unsigned ti = 0; ti < mt; ++ti) {
        for (unsigned tj = 0; tj < nt; ++tj) {
            emit("TCLR", timing.clr());
            for (unsigned tk = 0; tk < kt; ++tk) {
                emit(fmt::format("CONST R2, #{}", g.a_base() + ti * s.rows * g.k + tk * s.rows));
                emit(fmt::format("CONST R3, #{}", g.b_base() + tk * s.rows * g.n + tj * s.cols));
                emit("TLDA R2, R0", timing.lda());
                emit("TLDB R3, R1", timing.ldb());
                emit("TMMA", timing.mma());
            }
            emit(fmt::format("CONST R4, #{}", g.c_base() + ti * s.rows * g.n + tj * s.cols));
            emit("TSTC R4, R1", timing.stc());
        }
    }
    emit("RET");
    return g;
}

// The product the tensor core must leave, as data-memory words: accumulated at 32 bits, kept to
// acc_bits (signed), stored as its low 16 bits.
std::vector<uint32_t> expected_c(const TiledGemm& g, unsigned acc_bits) {
    std::vector<uint32_t> c;
    for (unsigned i = 0; i < g.m; ++i) {
        for (unsigned j = 0; j < g.n; ++j) {
            uint32_t sum = 0;
            for (unsigned kk = 0; kk < g.k; ++kk) {
                sum += static_cast<uint32_t>(g.a[i * g.k + kk]) * static_cast<uint32_t>(g.b[kk * g.n + j]);
            }
            if (acc_bits < 32) sum &= (1u << acc_bits) - 1;
            c.push_back(sum & 0xFFFFu);
        }
    }
    return c;
}

// The run's data memory and cycles, or a failure naming the shape.
void expect_gemm(const Shape& s, unsigned mt, unsigned kt, unsigned nt, uint32_t seed) {
    const TiledGemm g = tiled_gemm(s, mt, kt, nt, 4, seed);
    ASSERT_LT(g.c_base() + g.m * g.n, 256u) << "the test keeps its bases within CONST's range";
    const std::string name = shape_name(s) + fmt::format("_{}{}{}", mt, kt, nt);
    const std::string config = write_temp(name + ".yaml", config_text(s));
    const std::string program = write_temp(name + ".asm", g.source);
    const CliRun run = run_cli("run " + program + " --config " + config + " --json");
    ASSERT_EQ(run.status, 0) << name << "\n" << run.out << run.err;
    EXPECT_EQ(run.json["mismatches"], 0) << name;
    EXPECT_EQ(memory_of(run.json, g.c_base(), g.m * g.n), expected_c(g, s.acc_bits)) << name;
    const Timing timing{s.rows, s.cols, s.latency, s.dataflow};
    EXPECT_EQ(run.json["cycles"].get<uint64_t>(), timing.block(g.instructions, g.busy)) << name;
}

TEST(TensorCore, OutputStationary4x4TiledGemm) { expect_gemm({4, 4, "os"}, 2, 3, 1, 1); }
TEST(TensorCore, WeightStationary4x4TiledGemm) { expect_gemm({4, 4, "ws"}, 2, 2, 2, 2); }
TEST(TensorCore, InputStationary2x4TiledGemm) { expect_gemm({2, 4, "is"}, 3, 2, 2, 3); }
TEST(TensorCore, WeightStationary3x2WithSlowMemory) { expect_gemm({3, 2, "ws", 2}, 2, 2, 3, 4); }
TEST(TensorCore, OutputStationaryNarrowElementsAndAccumulator) { expect_gemm({2, 3, "os", 1, 6, 16}, 2, 3, 2, 5); }

// Two blocks on two cores, each with its own tensor core and tile port, in the same cycles.
TEST(TensorCore, EachCoreHasItsOwn) {
    const Shape s{4, 4, "os"};
    std::string src = ".threads 8\n.data 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
                      "CONST R0, #4\nCONST R1, #16\nMUL R2, %blockIdx, R1\nADD R2, R2, R1\n"
                      "CONST R3, #0\nTLDA R3, R0\nTLDB R3, R0\nTMMA\nTSTC R2, R0\nRET\n";
    const CliRun run = run_cli("run " + write_temp("two.asm", src) + " --config " +
                               write_temp("two.yaml", config_text(s)) + " --json");
    ASSERT_EQ(run.status, 0) << run.out << run.err;
    EXPECT_EQ(run.json["mismatches"], 0);
    // A * A for A = 1..16 (row-major 4x4), stored by block 0 at 16 and by block 1 at 32.
    std::vector<uint32_t> square;
    for (uint32_t i = 0; i < 4; ++i) {
        for (uint32_t j = 0; j < 4; ++j) {
            uint32_t sum = 0;
            for (uint32_t k = 0; k < 4; ++k) sum += (i * 4 + k + 1) * (k * 4 + j + 1);
            square.push_back(sum);
        }
    }
    EXPECT_EQ(memory_of(run.json, 16, 16), square);
    EXPECT_EQ(memory_of(run.json, 32, 16), square);
}

// A tile instruction whose operands are wrong stops the run naming what, where and who.
CliRun run_faulty(const std::string& body, unsigned data_addr_bits = 8) {
    const std::string src = ".threads 4\nCONST R0, #4\nCONST R1, #0\n" + body + "\nRET\n";
    return run_cli("run " + write_temp("fault.asm", src) + " --config " +
                   write_temp("fault.yaml", config_text({4, 4, "os"}, data_addr_bits)));
}

TEST(TensorCoreFaults, ThreadsDisagreeOnTheBase) {
    const CliRun run = run_faulty("ADD R1, R1, %threadIdx\nTLDA R1, R0");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("core 0 (block 0) at PC 3 (TLDA R1, R0): thread 1 gives base R1 = 1 and stride R0 = 4, "
                           "thread 0 gives 0 and 4"),
              std::string::npos)
        << run.err;
}

TEST(TensorCoreFaults, StrideShorterThanARow) {
    const CliRun run = run_faulty("CONST R0, #3\nTSTC R1, R0");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("(TSTC R1, R0): thread 0's stride R0 = 3 is less than the tile's 4 words per row"),
              std::string::npos)
        << run.err;
}

TEST(TensorCoreFaults, TileOutsideDataMemory) {
    const CliRun run = run_faulty("CONST R1, #244\nTLDB R1, R0");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("the 4x4 tile at base R1 = 244 with stride R0 = 4 runs outside data memory: its last "
                           "word is 259, data memory holds 256 (0..255) (thread 0)"),
              std::string::npos)
        << run.err;
    EXPECT_EQ(run_faulty("CONST R1, #240\nTLDB R1, R0").status, 0) << "the last tile that fits";
}

TEST(TensorCoreFaults, TileInstructionWithoutATensorCore) {
    const std::string program = write_temp("no_tc.asm", ".threads 1\nCONST R0, #4\n\nTMMA\nRET\n");
    const CliRun run = run_cli("run " + program + " --config " + source_path("configs/tiny-gpu.yaml"));
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find(program + ":4: TMMA (PC 1) is a tensor-core instruction, and " +
                           source_path("configs/tiny-gpu.yaml") + " has no tensor_core section"),
              std::string::npos)
        << run.err;
}

TEST(TensorCoreConfig, ShapesAndWidthsAreChecked) {
    const std::string gpu = "gpu:\n  data_width: 16\n  data_addr_bits: 10\n";
    auto error = [&](const std::string& tc) {
        try {
            parse_config(gpu + "tensor_core:\n" + tc, "tc.yaml");
        } catch (const std::exception& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(error("  cols: 4\n"), "tc.yaml:4: tensor_core: 'rows' is required (PE rows of each core's tensor core, 1..16)");
    EXPECT_EQ(error("  rows: 17\n  cols: 4\n"), "tc.yaml:5: tensor_core.rows: 17 out of range (1..16)");
    EXPECT_EQ(error("  rows: 4\n  cols: 2\n  dataflow: is\n"),
              "tc.yaml:7: tensor_core: input-stationary needs rows <= cols (the R x R A tile lies across the columns), "
              "got rows 4, cols 2");
    EXPECT_EQ(error("  rows: 4\n  cols: 4\n  in_bits: 17\n"),
              "tc.yaml:7: tensor_core.in_bits: 17 out of range (2..data_width = 16: tile elements are data words)");
    EXPECT_EQ(error("  rows: 4\n  cols: 4\n  acc_bits: 8\n"),
              "tc.yaml:7: tensor_core.acc_bits: 8 out of range (data_width = 16..32: TSTC stores the accumulators' low "
              "data_width bits)");
    EXPECT_EQ(error("  rows: 4\n  cols: 4\n  dataflow: xs\n"), "tc.yaml:7: tensor_core.dataflow: expected one of os, ws, is, got 'xs'");
    const Config ok = parse_config(gpu + "tensor_core:\n  rows: 2\n  cols: 8\n  dataflow: is\n", "tc.yaml");
    EXPECT_EQ(ok.gpu.tensor_core.rows, 2u);
    EXPECT_EQ(ok.gpu.tensor_core.in_bits, 16u) << "a tile element is a data word by default";
    EXPECT_EQ(ok.gpu.tensor_core.acc_bits, 32u);
    EXPECT_EQ(ok.gpu.data_memory_channels(), ok.gpu.data_channels + ok.gpu.cores);
    EXPECT_FALSE(parse_config(gpu, "tc.yaml").gpu.tensor_core.present());
}

// The comparator names the core, the PE by row and column, the register and the instruction.
TEST(TensorCoreComparator, NamesThePeAndTheInstruction) {
    Config config = parse_config("gpu:\n  data_width: 16\ntensor_core:\n  rows: 2\n  cols: 3\n", "tc.yaml");
    gpu::GpuSnapshot rtl;
    rtl.resize(config.gpu);
    rtl.cores[1].state = gpu::CoreState::Wait;
    rtl.cores[1].pc = 7;
    rtl.cores[1].instruction = 0xC000;
    gpu::GpuSnapshot model = rtl;
    model.tensor[1].pacc[1 * 3 + 2] = 5;
    const auto m = cosim::compare_gpu(rtl, model, config.gpu);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->unit, "core1.tensor_core.pe(1,2)");
    EXPECT_EQ(m->signal, "acc");
    EXPECT_EQ(m->rtl, "0");
    EXPECT_EQ(m->model, "5");
    EXPECT_EQ(m->in_flight, "core1 PC 7: TMMA (WAIT)");

    gpu::GpuSnapshot other = rtl;
    other.tensor[0].b[1 * 3 + 0] = -2;
    EXPECT_EQ(cosim::compare_gpu(rtl, other, config.gpu)->signal, "b[1][0]");
    other = rtl;
    other.data_requests[config.gpu.data_channels + 1].read_valid = true;
    EXPECT_EQ(cosim::compare_gpu(rtl, other, config.gpu)->unit, "core1.tensor_core.tile_port");
}

// End to end: a PE's accumulator overwritten in the model during a TMMA is reported at that
// cycle, naming the PE, the register and the instruction in flight.
TEST(TensorCoreComparator, CatchesAnInjectedPeFaultInLockStep) {
    const Shape s{4, 4, "os"};
    const TiledGemm g = tiled_gemm(s, 1, 1, 1, 4, 7);
    const Timing timing{s.rows, s.cols, 0, s.dataflow};
    // Seven instructions before the TMMA (TCLR, TLDA, TLDB busy), 2 cycles for the dispatcher,
    // then its FETCH (4), DECODE, REQUEST and the tensor core's START: the fold runs from there.
    const uint64_t fold_start = 2 + 7 * 10 + timing.clr() + timing.lda() + timing.ldb() + 4 + 1 + 1 + 1 + 1;
    const uint64_t cycle = fold_start + 3;
    const CliRun run = run_cli("run " + write_temp("inject.asm", g.source) + " --config " +
                               write_temp("inject.yaml", config_text(s)) +
                               fmt::format(" --json --inject-fault {}:0.pe.1.2:acc=-5", cycle));
    EXPECT_EQ(run.status, 1) << run.out << run.err;
    const nlohmann::json& m = run.json["first_mismatch"];
    ASSERT_TRUE(m.is_object()) << run.out;
    EXPECT_EQ(m["cycle"], cycle);
    EXPECT_EQ(m["unit"], "core0.tensor_core.pe(1,2)");
    EXPECT_EQ(m["signal"], "acc");
    EXPECT_EQ(m["model"], "-5");
    EXPECT_EQ(m["in_flight"], "core0 PC 7: TMMA (WAIT)");
    EXPECT_NE(run_cli("run " + write_temp("inject.asm", g.source) + " --config " + source_path("configs/tiny-gpu.yaml") +
                      " --inject-fault 5:0.pe.0.0:acc=1")
                  .err.find("has no tensor core"),
              std::string::npos);
}

TEST(TensorCoreAssembly, OperandsAreCheckedAndListingsRoundTrip) {
    auto run_asm = [](const std::string& line) {
        return run_cli("asm " + write_temp("one.asm", ".threads 1\n" + line + "\nRET\n"));
    };
    EXPECT_NE(run_asm("TLDA R1").err.find("TLDA expects 2 operands (base, stride registers), got 1"), std::string::npos);
    EXPECT_NE(run_asm("TMMA R1").err.find("TMMA takes no operands, got 'R1'"), std::string::npos);
    EXPECT_NE(run_asm("TSTC R1, #4").err.find("TSTC takes registers only, got '#4': put the value in a register with "
                                               "CONST first"),
              std::string::npos);
    EXPECT_NE(run_asm("TLDX R1, R2").err.find("did you mean 'TLDA' or 'TLDB'?"), std::string::npos)
        << run_asm("TLDX R1, R2").err;
    const std::string words = temp_path("tc.hex");
    ASSERT_EQ(run_cli("asm " + write_temp("tc.asm", ".threads 4\nTCLR\nTLDA R2, R3\nTLDB %blockIdx, R3\nTMMA\n"
                                                    "TSTC R4, R5\nRET\n") + " -o " + words).status, 0);
    const CliRun back = run_cli("disasm " + words);
    EXPECT_NE(back.out.find("TCLR"), std::string::npos);
    EXPECT_NE(back.out.find("TLDB %blockIdx, R3"), std::string::npos);
    EXPECT_NE(back.out.find("TSTC R4, R5"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::testing
