// The stepper and its trace file: scripted sessions on GPU and systolic runs, breakpoints
// in both directions, the mismatch breakpoint, and damaged files.
#include "cli_testing.h"
#include "damaged_traces.h"

#include "common/error.h"
#include "trace/snapshot_fields.h"
#include "trace/state_file.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

std::string trace_dir(const std::string& name) { return temp_path("step_") + name; }

// Runs `commands` (one per line) through `lockstep step DIR` on a pipe.
CliRun step(const std::string& dir, const std::string& commands) {
    const std::string script = write_temp("step_script.txt", commands);
    return run_cli("step " + dir + " < " + script);
}

class GpuStepper : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ASSERT_EQ(record_gpu_trace("matmul.asm", trace_dir("matmul")), 0);
    }
};

TEST_F(GpuStepper, GotoShowsCoresThreadsAndChannels) {
    const CliRun run = step(trace_dir("matmul"), "goto 40\nquit\n");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("== cycle 40 (of 0..444) =="), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("core0 EXECUTE  pc 3   CONST R2, #2"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("  t3  R0=3 R1=1 R2=0"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("data memory: ch0 - ch1 - ch2 - ch3 -"), std::string::npos) << run.out;
}

TEST_F(GpuStepper, BreakpointsForwardAndBackward) {
    const CliRun run = step(trace_dir("matmul"), "break instr=LDR\ncontinue\nbreak state=wait\nc\nrc\nlast\nprev 3\nq\n");
    ASSERT_EQ(run.status, 0) << run.err;
    // The first LDR is at PC 15: 15 instructions of 10 cycles after the 7 cycles to the first DECODE.
    EXPECT_NE(run.out.find("breakpoint 'instr=LDR' at cycle 157"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("breakpoint 'state=wait' at cycle 159"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("core0 WAIT     pc 15  LDR R10, R10"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("lsu REQUESTING*"), std::string::npos) << "changes are marked";
    const size_t back = run.out.find("> rc");
    ASSERT_NE(back, std::string::npos);
    EXPECT_NE(run.out.find("breakpoint 'instr=LDR' at cycle 157", back), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("matmul.asm on 2 cores x 4 threads  [DONE]"), std::string::npos);
    EXPECT_NE(run.out.find("== cycle 444 (of 0..444) =="), std::string::npos);
    EXPECT_NE(run.out.find("== cycle 441 (of 0..444)"), std::string::npos);
}

// A tensor-core run (cli_testing.h): the tensor core's state and PE grid under its core. The
// tensor core starts the cycle after TMMA's REQUEST (DECODE + 2), so fold cycle t is shown at
// DECODE + 3 + t; at fold cycle 2 the os wavefront covers PEs with i + j <= 2.
TEST(Stepper, ShowsEachTensorCoreAndItsPeGrid) {
    const std::string dir = trace_dir("tensor_core");
    ASSERT_EQ(TensorCoreRun::record(dir), 0);
    const CliRun run = step(dir, "break instr=TMMA\ncontinue\nnext 6\nbreak instr=TSTC\nc\nnext 3\nq\n");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find(fmt::format("  tensor COMPUTE TMMA t=3 | base 16 stride 4 | {} PEs multiplied\n"
                                       "  row0  # 0       # 0       # 0       . 0\n"
                                       "  row1  # 0       # 0       . 0       . 0\n"
                                       "  row2  # 0       . 0       . 0       . 0\n"
                                       "  row3  . 0       . 0       . 0       . 0\n",
                                       TensorCoreRun::busy_pes(2))),
              std::string::npos)
        << run.out;
    // TSTC: the first word of C goes out on core 0's tile port; the grid holds C's accumulators.
    const size_t store = run.out.find("  tensor STORE TSTC word 0,0 | base 32 stride 4 | 0 PEs multiplied\n");
    ASSERT_NE(store, std::string::npos) << run.out;
    std::string row0 = "  row0 ";
    for (unsigned j = 0; j < TensorCoreRun::kC; ++j) row0 += fmt::format(" . {:<7}", TensorCoreRun::c(0, j));
    EXPECT_EQ(run.out.compare(run.out.find('\n', store) + 1, row0.find_last_not_of(' ') + 1,
                              row0.substr(0, row0.find_last_not_of(' ') + 1)), 0)
        << run.out.substr(store, 300);
    EXPECT_NE(run.out.find(fmt::format("data memory: ch0 - ch1 - ch2 - ch3 - tile0 write @32={} tile1 -", TensorCoreRun::c(0, 0)),
                           store),
              std::string::npos);
    fs::remove_all(dir);
}

// matmul's four threads store C = [7 10; 15 22] at 8..11 together: the requests go out on
// the four data channels in cycle 426 and the words land at the edge into cycle 427.
TEST_F(GpuStepper, MemShowsTheDataMemoryAsCIsWritten) {
    const CliRun run = run_cli("step " + trace_dir("matmul") + " -e 'goto 426' -e 'mem 8..11' -e next -e next -e 'mem off' -e first");
    ASSERT_EQ(run.status, 0) << run.err;
    const size_t at426 = run.out.find("data memory at cycle 426, words 8..11 (* written at the edge into this cycle)");
    ASSERT_NE(at426, std::string::npos) << run.out;
    EXPECT_NE(run.out.find("data memory: ch0 write @8=7 ch1 write @9=10 ch2 write @10=15 ch3 write @11=22"), std::string::npos);
    EXPECT_LT(run.out.find("     8 |      0       0       0       0 \n", at426), run.out.find("== cycle 427")) << run.out.substr(at426);
    const size_t at427 = run.out.find("data memory at cycle 427, words 8..11");
    ASSERT_NE(at427, std::string::npos) << run.out;
    EXPECT_NE(run.out.find("     8 |      7*     10*     15*     22*\n", at427), std::string::npos) << run.out.substr(at427);
    const size_t at428 = run.out.find("data memory at cycle 428, words 8..11");
    ASSERT_NE(at428, std::string::npos) << run.out;
    EXPECT_NE(run.out.find("     8 |      7      10      15      22 \n", at428), std::string::npos) << run.out.substr(at428);
    EXPECT_EQ(run.out.find("data memory at cycle 0"), std::string::npos) << "mem off: the view leaves the memory out";

    // Without a range: every word the run starts with (A and B at 0..7) or writes (C at 8..11).
    const CliRun all = run_cli("step " + trace_dir("matmul") + " -e 'goto 300' -e mem");
    EXPECT_NE(all.out.find("data memory at cycle 300, words 0..15 (* written"), std::string::npos) << all.out;
    EXPECT_NE(all.out.find("     0 |      1       2       3       4       1       2       3       4 \n"
                           "     8 |      0       0       0       0       0       0       0       0 \n"),
              std::string::npos) << all.out;
}

TEST(Stepper, MemShowsSignedValuesAndChecksItsRange) {
    const std::string dir = trace_dir("signed");
    const std::string program = write_temp("signed.asm", ".threads 1\n.data 255 128 1\nRET\n");
    ASSERT_EQ(run_cli("run " + program + " --engine model --trace " + dir).status, 0);
    const CliRun run = run_cli("step " + dir + " -e 'mem 0..2 -s' -e 'mem 0..2' -e 'mem 0..256' -e 'mem 5..2'");
    EXPECT_EQ(run.status, 2) << "the bad ranges are rejected";
    EXPECT_NE(run.out.find("     0 |     -1    -128       1 \n"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("     0 |    255     128       1 \n"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("error: mem 0..256: the data memory has words 0..255"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("error: mem 5..2: the data memory has words 0..255"), std::string::npos) << run.out;
    const std::string gemm = trace_dir("mem_gemm");
    ASSERT_EQ(record_gemm_trace("--m 4 --k 4 --n 4", gemm), 0);
    EXPECT_NE(run_cli("step " + gemm + " -e mem").out.find("error: mem: an array trace has no data memory"), std::string::npos);
}

TEST_F(GpuStepper, BadCommandsAreReportedAndTheSessionGoesOn) {
    const CliRun run = step(trace_dir("matmul"), "jump 4\nbreak pe=1,1\ngoto x\ncontinue\ngoto 5\n");
    EXPECT_EQ(run.status, 2) << "a script with a rejected command fails, after running the rest";
    EXPECT_NE(run.out.find("error: unknown command 'jump' (help lists them)"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("error: unknown breakpoint 'pe=1,1'"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("error: goto needs a cycle number"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("error: no breakpoints"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("== cycle 5 (of 0..444)"), std::string::npos) << run.out;
}

TEST_F(GpuStepper, NoGtkwaveWithoutAVcd) {
    EXPECT_FALSE(fs::exists(trace_dir("matmul") + "/gpu.gtkw")) << "a model run has no VCD to save a GTKWave view of";
}

TEST(Stepper, MismatchBreakpointGoesToTheFirstDifference) {
    const std::string dir = trace_dir("fault");
    const CliRun run = run_cli("run " + source_path("programs/matmul.asm") + " --config " +
                               source_path("configs/tiny-gpu.yaml") + " --inject-fault 100:0.1:R5=77 --trace " + dir);
    ASSERT_EQ(run.status, 1);
    const CliRun session = step(dir, "break mismatch\nc\n");
    EXPECT_NE(session.out.find("breakpoint 'mismatch' at cycle 100"), std::string::npos) << session.out;
    EXPECT_NE(session.out.find("R5=77"), std::string::npos) << "the model's state at the mismatch";
}

TEST(Stepper, SystolicGridFoldsAndPes) {
    const std::string dir = trace_dir("gemm");
    ASSERT_EQ(record_gemm_trace("--m 6 --k 9 --n 5", dir), 0);
    const CliRun run = step(dir, "break pe=3,3\nc\nbreak fold=2\nc\ngoto 7\nq\n");
    ASSERT_EQ(run.status, 0) << run.err;
    // ws on 4x4: PE(3,3) first multiplies after the 4 preload cycles and 3 + 3 cycles of skew.
    EXPECT_NE(run.out.find("breakpoint 'pe=3,3' at cycle 10"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("breakpoint 'fold=2' at cycle 32"), std::string::npos) << run.out;   // 2 folds of 16
    EXPECT_NE(run.out.find("RUN fold 0 of 6, cycle 7 of 16 (fill); 10 PEs MAC"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("left reads: 0:@27 1:@19 2:@11 3:@3"), std::string::npos) << run.out;
}

TEST(StateFile, RandomAccessMatchesWhatWasWritten) {
    const std::string path = temp_path("states.bin");
    std::mt19937 rng(5);
    std::vector<std::vector<uint32_t>> written;
    {
        trace::StateWriter writer(path, gpu_trace_header(), gpu_trace_fields());
        std::vector<uint32_t> fields(gpu_trace_fields(), 0);
        for (int c = 0; c < 5000; ++c) {
            for (int k = 0; k < 3; ++k) fields[rng() % fields.size()] = rng() % 3 == 0 ? rng() : rng() % 100;
            writer.append(fields);
            written.push_back(fields);
        }
        writer.finish({{"cycles", 5000}});
    }
    trace::StateReader reader(path);
    EXPECT_EQ(reader.cycles(), 5000u);
    EXPECT_EQ(reader.meta()["kind"], "gpu");
    EXPECT_EQ(reader.meta()["cycles"], 5000);
    for (uint64_t c : {0ull, 1ull, 1023ull, 1024ull, 1025ull, 4999ull, 17ull, 3000ull, 2999ull}) {
        EXPECT_EQ(reader.at(c), written[c]) << c;
    }
}

// Array records are stored as differences from a prediction of how data moves; whatever the
// data (here random, which the prediction never guesses), reading gives back what was written.
TEST(StateFile, ArrayPredictionIsLosslessWhateverTheData) {
    for (const char* dataflow : {"os", "ws"}) {
        const std::string path = temp_path(std::string("predicted_") + dataflow + ".bin");
        systolic::ArrayShape shape;
        shape.rows = 3;
        shape.cols = 4;
        shape.acc_bits = 24;
        const size_t fields = trace::systolic_field_count(shape);
        std::mt19937 rng(7);
        std::vector<std::vector<uint32_t>> written;
        {
            nlohmann::json header = array_trace_header();
            const systolic::Mapping map(*systolic::dataflow_from_name(dataflow), {6, 9, 5}, shape.rows, shape.cols);
            header.update({{"rows", 3}, {"cols", 4}, {"acc_bits", 24}, {"dataflow", dataflow}, {"folds", map.folds()},
                           {"fold_length", map.fold_length}, {"preload", map.preload}, {"stream", map.stream}});
            trace::StateWriter writer(path, header, fields);
            std::vector<uint32_t> cycle(fields, 0);
            for (int c = 0; c < 3000; ++c) {
                for (int k = 0; k < 12; ++k) cycle[rng() % fields] = rng() % 2 ? rng() : rng() % 256;
                cycle[3] = rng() % 6;   // the phase, which the prediction reads
                writer.append(cycle);
                written.push_back(cycle);
            }
            writer.finish({});
        }
        trace::StateReader reader(path);
        for (uint64_t c : {0ull, 1ull, 2ull, 1023ull, 1024ull, 1025ull, 2999ull, 5ull, 2048ull, 2047ull}) {
            EXPECT_EQ(reader.at(c), written[c]) << dataflow << " cycle " << c;
        }
    }
}

// A 16x16 array moves 512 operands a cycle; predicted, only the edges and ports are stored.
TEST(StateFile, ArrayTracesStaySmall) {
    const std::string dir = trace_dir("gemm16");
    ASSERT_EQ(record_gemm_trace("--rows 16 --cols 16 --dataflow os --m 64 --k 64 --n 64", dir), 0);
    const trace::StateReader reader(dir + "/states.bin");
    const double per_cycle = static_cast<double>(fs::file_size(dir + "/states.bin")) / static_cast<double>(reader.cycles());
    EXPECT_LT(per_cycle, 150.0) << "bytes per cycle (1577 without the prediction, 113 with it)";
}

TEST(StateFile, DamagedFilesGiveClearErrors) {
    const std::string dir = trace_dir("damaged");
    ASSERT_EQ(record_gpu_trace("matadd.asm", dir), 0);
    const std::string bin = dir + "/states.bin";
    fs::resize_file(bin, fs::file_size(bin) - 10);
    CliRun run = step(dir, "q\n");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find(bin + ": truncated"), std::string::npos) << run.err;
    std::ofstream(bin) << "hello, this is not a trace at all, just some text to fill it up";
    run = step(dir, "q\n");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find(bin + ": not a Lockstep state trace"), std::string::npos) << run.err;
    std::ofstream(bin) << "LSSTATE1 and then whatever an older Lockstep wrote, long enough to be read";
    run = step(dir, "q\n");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find(bin + ": written by an older Lockstep"), std::string::npos) << run.err;
    run = step("/nonexistent", "q\n");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("/nonexistent/states.bin: cannot open file"), std::string::npos) << run.err;
}

// The hand-made files of damaged_traces.h are what StateWriter writes, so the damaged ones
// differ from a real trace only where a case breaks them.
TEST(StateFile, HandMadeFilesAreWhatTheWriterWrites) {
    for (const bool gpu : {true, false}) {
        const nlohmann::json header = gpu ? gpu_trace_header() : array_trace_header();
        const size_t fields = gpu ? gpu_trace_fields() : array_trace_fields();
        const std::string dir = trace_dir(gpu ? "hand_made_gpu" : "hand_made_array");
        fs::create_directories(dir);
        {
            trace::StateWriter writer(dir + "/states.bin", header, fields);
            for (int r = 0; r < 3; ++r) writer.append(std::vector<uint32_t>(fields, 0));
            writer.finish(nlohmann::json::object());
        }
        EXPECT_EQ(read_text(dir + "/states.bin"), states_bytes(header.dump(), fields));
        const CliRun run = step(dir, "last\n");
        EXPECT_EQ(run.status, 0) << run.err;
        EXPECT_NE(run.out.find("== cycle 2 (of 0..2) =="), std::string::npos) << run.out;
    }
}

// Each header field is checked when the trace is opened: exit status 2 and one line naming
// the file and the field, never a crash, an internal error or a silently wrong shape.
class DamagedHeaderStep : public ::testing::TestWithParam<DamagedHeader> {};

TEST_P(DamagedHeaderStep, NamesTheFileAndTheField) {
    const std::string dir = trace_dir("header_" + GetParam().name);
    const std::string bin = write_states(dir, damaged_bytes(GetParam()));
    const CliRun run = step(dir, "last\nq\n");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: " + bin + ": " + GetParam().error + "\n");
    EXPECT_EQ(run.out, "");
}

INSTANTIATE_TEST_SUITE_P(StateFile, DamagedHeaderStep, ::testing::ValuesIn(damaged_headers()),
                         [](const auto& info) { return info.param.name; });

class DamagedFileStep : public ::testing::TestWithParam<DamagedFile> {};

TEST_P(DamagedFileStep, NamesTheFileAndWhatIsWrong) {
    const std::string dir = trace_dir("file_" + GetParam().name);
    const std::string bin = write_states(dir, GetParam().bytes);
    const CliRun run = step(dir, "last\nq\n");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err, "lockstep: error: " + bin + ": " + GetParam().error + "\n");
}

INSTANTIATE_TEST_SUITE_P(StateFile, DamagedFileStep, ::testing::ValuesIn(damaged_files()),
                         [](const auto& info) { return info.param.name; });

TEST_F(GpuStepper, BenchmarkRunsOnAGivenTrace) {
    const CliRun run = run_cli("bench --design stepper --min-time 0.01 --trace " + trace_dir("matmul"));
    ASSERT_EQ(run.status, 0) << run.err;
    for (const char* name : {"stepper/open_and_show", "stepper/goto_random_cycle", "stepper/reverse_whole_run"}) {
        EXPECT_NE(run.out.find(name), std::string::npos) << run.out;
    }
    const CliRun missing = run_cli("bench --design stepper --trace " + trace_dir("nothing_here"));
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.err.find(trace_dir("nothing_here") + "/states.bin"), std::string::npos) << missing.err;
    const std::string array = trace_dir("bench_gemm");
    ASSERT_EQ(record_gemm_trace("--m 8 --k 6 --n 5", array), 0);
    const CliRun on_array = run_cli("bench --design stepper --min-time 0.01 --trace " + array);
    EXPECT_EQ(on_array.status, 0) << on_array.err;
    EXPECT_NE(on_array.out.find("stepper/reverse_whole_run"), std::string::npos) << on_array.out;
    const CliRun misplaced = run_cli("bench --trace " + trace_dir("matmul"));
    EXPECT_EQ(misplaced.status, 2);
    EXPECT_NE(misplaced.err.find("--trace is for --design stepper"), std::string::npos) << misplaced.err;
}

TEST_F(GpuStepper, BreakpointValuesAreCheckedAndTheEndIsNamed) {
    const CliRun run = step(trace_dir("matmul"), "break state=bogus\nbreak lsu=busy\nbreak instr=\nbreak instr=FOO\n"
                                                 "break pc=256\nbreak instr=brx\ndelete 0\ngoto 9999\n");
    EXPECT_EQ(run.status, 2);
    for (const char* message :
         {"error: state='bogus' is not one of idle, fetch, decode, request, wait, execute, update, done",
          "error: lsu='busy' is not one of idle, requesting, waiting, done",
          "error: instr='' does not start with an instruction", "error: instr='foo' does not start with an instruction",
          "error: pc=256 is past the program memory (0..255)", "error: instr='brx' does not start with an instruction",
          "error: no breakpoint 0",
          "the run ends at cycle 444\n== cycle 444 (of 0..444)"}) {
        EXPECT_NE(run.out.find(message), std::string::npos) << message << "\n" << run.out;
    }
}

// Each core entering the state is a hit, also while another core is already in it.
TEST(Stepper, EveryCoreEnteringAStateIsAHit) {
    const std::string dir = trace_dir("matmul4x4");
    ASSERT_EQ(record_gpu_trace("matmul4x4.asm", dir, "configs/gpu-4x8.yaml"), 0);
    const CliRun run = step(dir, "goto 244\nbreak state=wait\nc\nc\ngoto 254\nq\n");
    ASSERT_EQ(run.status, 0) << run.out;
    const size_t first = run.out.find("breakpoint 'state=wait' at cycle 247");
    ASSERT_NE(first, std::string::npos) << run.out;
    EXPECT_NE(run.out.find("core0 WAIT", first), std::string::npos);
    const size_t second = run.out.find("breakpoint 'state=wait' at cycle 255", first);
    ASSERT_NE(second, std::string::npos) << "core 1 enters WAIT while core 0 waits:\n" << run.out;
    const std::string at255 = run.out.substr(second, run.out.find("> goto 254") - second);
    EXPECT_NE(at255.find("core0 WAIT"), std::string::npos) << at255;
    EXPECT_NE(at255.find("core1 WAIT"), std::string::npos) << at255;
    const std::string at254 = run.out.substr(run.out.find("== cycle 254 (of"));
    EXPECT_NE(at254.find("core0 WAIT"), std::string::npos) << at254;
    EXPECT_EQ(at254.find("core1 WAIT"), std::string::npos) << "core 1 was not waiting the cycle before:\n" << at254;
}

// A run that stops with an error still leaves a trace that opens at the cycle it stopped.
TEST(Stepper, FailedRunsLeaveATraceToStepThrough) {
    const std::string gpu = trace_dir("runaway");
    const CliRun run = run_cli("run " + source_path("programs/matmul.asm") + " --max-cycles 100 --trace " + gpu);
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("did not finish within 100 cycles"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("The trace up to there is in " + gpu + "/ (lockstep step " + gpu + ")"), std::string::npos)
        << run.err;
    const CliRun session = step(gpu, "last\n");
    ASSERT_EQ(session.status, 0) << session.out;
    EXPECT_NE(session.out.find("== cycle 100 (of 0..100) =="), std::string::npos) << session.out;
    EXPECT_NE(session.out.find("the run stopped here: " + source_path("programs/matmul.asm") +
                               ": did not finish within 100 cycles"),
              std::string::npos)
        << session.out;
    EXPECT_TRUE(fs::exists(gpu + "/utilisation.svg"));

    const std::string array = trace_dir("gemm_runaway");
    const CliRun gemm = run_cli("gemm --config " + source_path("configs/systolic.yaml") +
                                " --m 8 --k 6 --n 5 --engine model --max-cycles 20 --trace " + array);
    EXPECT_EQ(gemm.status, 2);
    const CliRun array_session =
        step(array, "last\nbreak phase=bogus\nbreak fold=4\nbreak pe=1,2,junk\n");   // cycles 0..19
    EXPECT_NE(array_session.out.find("error: pe=ROW,COL with ROW < 4 and COL < 4"), std::string::npos);
    EXPECT_NE(array_session.out.find("== cycle 19 (of 0..19) =="), std::string::npos) << array_session.out;
    EXPECT_NE(array_session.out.find("the run stopped here: GEMM did not finish within 20 cycles"), std::string::npos);
    EXPECT_NE(array_session.out.find("error: phase='bogus' is not one of idle, preload, fill, steady, drain, done"),
              std::string::npos)
        << array_session.out;
    // 8x6x5 ws on 4x4: 2 row folds of the 6-long K by 2 column folds of N = 5: folds 0..3.
    EXPECT_NE(array_session.out.find("error: fold=4: this run has folds 0..3"), std::string::npos) << array_session.out;
}

// A trace directory describes one run: a model run after an RTL run leaves no stale VCD.
TEST(TraceDirectory, ANewRunRemovesWhatTheLastOneLeft) {
    const std::string dir = trace_dir("reused");
    ASSERT_EQ(run_cli("run " + source_path("programs/matadd.asm") + " --engine rtl --trace " + dir).status, 0);
    ASSERT_TRUE(fs::exists(dir + "/gpu.vcd"));
    ASSERT_TRUE(fs::exists(dir + "/gpu.gtkw"));
    ASSERT_EQ(run_cli("view " + dir).status, 0);
    std::ofstream(dir + "/notes.txt") << "mine";
    const CliRun model = run_cli("run " + source_path("programs/matadd.asm") + " --engine model --trace " + dir);
    ASSERT_EQ(model.status, 0) << model.err;
    for (const char* stale : {"gpu.vcd", "gpu.gtkw", "view.html"}) EXPECT_FALSE(fs::exists(dir + "/" + stale)) << stale;
    EXPECT_TRUE(fs::exists(dir + "/notes.txt")) << "only names a trace uses are removed";
    EXPECT_EQ(model.out.find("gpu.vcd"), std::string::npos) << model.out;
    EXPECT_NE(model.out.find("Traces: " + dir + "/ (heatmap.svg, notes.txt, perfetto.json, states.bin, summary.json, "
                             "trace.log, utilisation.csv, utilisation.svg)"),
              std::string::npos)
        << model.out;
}

}  // namespace
}  // namespace lockstep::testing
