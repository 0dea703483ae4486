// The systolic array: SCALE-Sim cycle counts and exact values in every dataflow, lock-step
// agreement with the RTL, and every kind of bad input.
#include "cli_testing.h"

#include "common/config.h"
#include "cosim/systolic_engine.h"
#include "systolic/systolic_model.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <tuple>

namespace lockstep::testing {
namespace {

using systolic::Dataflow;

const std::vector<std::pair<unsigned, unsigned>> kModelShapes = {{1, 1}, {4, 4}, {8, 4}, {4, 8}, {3, 5}, {16, 16}};

// Shapes for the bursts' test: strips of 16 columns and a partial one, 12-bit accumulators, and
// more rows than a burst's longest, 64 cycles.
SystolicConfig burst_shape(unsigned rows, unsigned cols, unsigned acc_bits) {
    SystolicConfig c;
    c.rows = rows;
    c.cols = cols;
    c.acc_bits = acc_bits;
    return c;
}
const std::vector<SystolicConfig> kBurstShapes = {burst_shape(2, 37, 12), burst_shape(70, 3, 32)};

// SystemC builds every model before the first run in this process.
class BuildModels : public ::testing::Environment {
public:
    void SetUp() override {
        for (const auto& [rows, cols] : kModelShapes) {
            SystolicConfig c;
            c.rows = rows;
            c.cols = cols;
            systolic::SystolicModel::instance(systolic::ArrayShape::from(c));
        }
        for (const SystolicConfig& c : kBurstShapes) systolic::SystolicModel::instance(systolic::ArrayShape::from(c));
    }
};
const auto* const kBuild = ::testing::AddGlobalTestEnvironment(new BuildModels);

cosim::GemmRequest random_request(Dataflow df, uint32_t m, uint32_t k, uint32_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int32_t> int8(-128, 127);
    cosim::GemmRequest r;
    r.dataflow = df;
    r.size = {m, k, n};
    r.a.resize(static_cast<size_t>(m) * k);
    r.b.resize(static_cast<size_t>(k) * n);
    for (int32_t& v : r.a) v = int8(rng);
    for (int32_t& v : r.b) v = int8(rng);
    return r;
}

TEST(SystolicModel, CyclesAndValuesOnEveryShapeAndDataflow) {
    const std::vector<std::array<uint32_t, 3>> gemms = {{1, 1, 1}, {3, 9, 17}, {13, 20, 6}, {5, 1, 7}, {17, 3, 11}, {32, 32, 32}};
    for (const auto& [rows, cols] : kModelShapes) {
        for (const char* df : {"os", "ws", "is"}) {
            for (const auto& [m, k, n] : gemms) {
                Config config;
                config.systolic.rows = rows;
                config.systolic.cols = cols;
                cosim::GemmOptions options;
                options.engine = cosim::Engine::Model;
                const auto request = random_request(*systolic::dataflow_from_name(df), m, k, n, m * 1000 + k * 10 + n);
                const cosim::GemmResult r = cosim::run_gemm(config, request, options);
                const std::string what = fmt::format("{} on {}x{}, M={} K={} N={}", df, rows, cols, m, k, n);
                EXPECT_EQ(r.cycles, scale_sim_cycles(df, rows, cols, m, k, n)) << what;
                EXPECT_TRUE(r.result_ok) << what;
                EXPECT_EQ(r.c, cosim::reference_gemm(request, 32)) << what;
                EXPECT_EQ(r.drain_cycles, std::string(df) == "os" ? rows : 0u) << what;
            }
        }
    }
}

// A fast run clocks the cycles of each fold but its last in bursts (Systolic::burst: all of a
// burst's feeds, its steps at once, then its C writes; ws and is: within the preload or the
// streaming). Stopped after any number of edges, as the cycle limit stops it, it leaves what
// clocking edge by edge leaves: the whole snapshot (state, fold, t, every PE register and valid
// bit, the mac flags, the ports of the last cycle), C and the cycles counted in StRun. The cases
// have a partial strip of columns alone (3x5) and after whole ones (2x37, whose 12-bit sums
// wrap), several bursts a fold and rings that move back between them (16x16, 150 vectors a
// fold), more rows than a burst's 64 cycles (70x3), and os drains during bursts.
TEST(SystolicModel, BurstsLeaveWhatEdgeByEdgeClockingLeaves) {
    struct Case {
        SystolicConfig shape;
        Dataflow dataflow;
        uint32_t m, k, n;
    };
    const Case cases[] = {{burst_shape(3, 5, 32), Dataflow::Ws, 11, 7, 13},
                          {burst_shape(3, 5, 32), Dataflow::Is, 13, 7, 90},
                          {burst_shape(2, 37, 12), Dataflow::Ws, 40, 5, 40},
                          {burst_shape(2, 37, 12), Dataflow::Is, 45, 3, 30},
                          {burst_shape(16, 16, 32), Dataflow::Ws, 150, 20, 20},
                          {burst_shape(70, 3, 32), Dataflow::Is, 7, 80, 100},
                          {burst_shape(3, 5, 32), Dataflow::Os, 11, 7, 13},
                          {burst_shape(2, 37, 12), Dataflow::Os, 9, 30, 40},
                          {burst_shape(16, 16, 32), Dataflow::Os, 20, 150, 20},
                          {burst_shape(70, 3, 32), Dataflow::Os, 75, 100, 4}};
    struct RestorePairSweep {
        ~RestorePairSweep() { systolic::PeArray::pair_sweep = true; }
    } restore;   // (also when an assertion below ends the test)
    for (const bool pairs : {true, false}) {   // the 16-bit pair sweep where the machine has it, and the 32-bit one
        systolic::PeArray::pair_sweep = pairs;
        for (const Case& c : cases) {
            const auto shape = systolic::ArrayShape::from(c.shape);
            auto& model = systolic::SystolicModel::instance(shape);
            systolic::Systolic& top = model.top();
            const auto request = random_request(c.dataflow, c.m, c.k, c.n, c.m + c.k + c.n);
            const size_t c_words = static_cast<size_t>(c.m) * c.n;
            // A reset edge, A and B into their buffers, C cleared; then the inputs that start the GEMM.
            const auto start = [&] {
                systolic::SystolicInputs in;
                in.rst_n = false;
                model.tick(in);
                std::copy(request.a.begin(), request.a.end(), top.a.begin());
                std::copy(request.b.begin(), request.b.end(), top.b.begin());
                std::fill_n(top.c.begin(), c_words, 0);
                top.run_cycles = 0;
                in = systolic::SystolicInputs{};
                in.start = true;
                in.dataflow = c.dataflow;
                in.size = request.size;
                return in;
            };
            struct After {
                systolic::SystolicSnapshot snapshot;
                std::vector<int32_t> c;
                uint64_t run_cycles;
            };
            std::vector<After> edges;   // edge by edge, after each edge
            const systolic::SystolicInputs in = start();
            do {
                model.tick(in);
                After after;
                model.observe(after.snapshot);
                after.c.assign(top.c.begin(), top.c.begin() + static_cast<std::ptrdiff_t>(c_words));
                after.run_cycles = top.run_cycles;
                edges.push_back(std::move(after));
            } while (edges.back().snapshot.state != systolic::SaState::Done && edges.size() < 100000);
            const std::string what = fmt::format("{} on {}x{} ({}-bit sums), M={} K={} N={}, pair sweep {}",
                                                 systolic::name(c.dataflow), shape.rows, shape.cols, shape.acc_bits, c.m,
                                                 c.k, c.n, pairs);
            ASSERT_EQ(edges.back().snapshot.state, systolic::SaState::Done) << what;
            ASSERT_EQ(edges.back().c, cosim::reference_gemm(request, shape.acc_bits)) << what;
            // Every stopping point on the shorter runs, every 13th (and the last) on the longer.
            const size_t total = edges.size(), step = total > 600 ? 13 : 1;
            uint64_t most_in_bursts = 0;
            for (size_t stop = 1; stop <= total; stop = stop == total ? total + 1 : std::min(total, stop + step)) {
                const uint64_t ran = model.run_until_done(start(), stop);
                ASSERT_EQ(ran, stop) << what;
                most_in_bursts = std::max(most_in_bursts, top.burst_edges);
                const After& want = edges[stop - 1];
                systolic::SystolicSnapshot got;
                model.observe(got);
                ASSERT_EQ(got, want.snapshot) << what << ", stopped after " << stop << " edges (t " << got.t << " of fold "
                                              << got.fold << ", expected t " << want.snapshot.t << ")";
                ASSERT_TRUE(std::equal(want.c.begin(), want.c.end(), top.c.begin())) << what << ", C after " << stop << " edges";
                ASSERT_EQ(top.run_cycles, want.run_cycles) << what << ", after " << stop << " edges";
            }
            // Most edges went in bursts (which this test is about).
            EXPECT_GT(most_in_bursts, total * 3 / 4) << what;
        }
    }
}

// One GEMM split into runs of whole tiles (os, ws: column tiles of N; is: column tiles of M;
// os: its row tiles of M when it has more of them), as `gemm --jobs` runs it on several
// processes: each part run on its own, their C's put together and their results merged give
// the whole GEMM's report and C, field for field, on shapes whose last tile is partial and
// with more parts asked for than there are tiles.
TEST(SystolicModel, PartsAddUpToTheWholeGemm) {
    const std::vector<std::array<uint32_t, 3>> gemms = {{13, 20, 6}, {17, 3, 11}, {9, 7, 32}, {30, 5, 23}};
    for (const auto& [rows, cols] : std::vector<std::pair<unsigned, unsigned>>{{4, 4}, {3, 5}, {1, 1}}) {
        Config config;
        config.systolic.rows = rows;
        config.systolic.cols = cols;
        const auto shape = systolic::ArrayShape::from(config.systolic);
        cosim::GemmOptions options;
        options.engine = cosim::Engine::Model;
        for (const char* df : {"os", "ws", "is"}) {
            for (const auto& [m, k, n] : gemms) {
                const auto request = random_request(*systolic::dataflow_from_name(df), m, k, n, m * 7 + k * 3 + n);
                const cosim::GemmResult whole = cosim::run_gemm(config, request, options);
                const systolic::Mapping map(request.dataflow, request.size, rows, cols);
                // Which way it splits, and in tiles of how many rows or columns of how many.
                const bool by_rows = request.dataflow == Dataflow::Is ||
                                     (request.dataflow == Dataflow::Os && map.row_tiles > map.col_tiles);
                const bool os_rows = request.dataflow == Dataflow::Os && by_rows;
                const uint32_t tile = os_rows ? rows : cols, tiles = os_rows ? map.row_tiles : map.col_tiles;
                for (unsigned asked : {2u, 3u, 50u}) {
                    const std::string what = fmt::format("{} on {}x{}, M={} K={} N={}, {} parts", df, rows, cols, m, k, n, asked);
                    const std::vector<cosim::GemmPart> parts = cosim::split_gemm(request, shape, asked);
                    ASSERT_EQ(parts.size(), std::min(asked, tiles)) << what;
                    std::vector<int32_t> c(static_cast<size_t>(m) * n, -1);
                    std::vector<cosim::GemmResult> results;
                    uint32_t next = 0;   // the parts cover the rows or columns in order, whole tiles each
                    for (const cosim::GemmPart& part : parts) {
                        EXPECT_EQ(part.rows, by_rows) << what;
                        EXPECT_EQ(part.first, next) << what;
                        EXPECT_EQ(part.first % tile, 0u) << what;
                        const systolic::Mapping part_map(part.request.dataflow, part.request.size, rows, cols);
                        EXPECT_EQ(part_map.fold_length, map.fold_length) << what;
                        next += by_rows ? part.request.size.m : part.request.size.n;
                        results.push_back(cosim::run_gemm(config, part.request, options));
                        cosim::place_part(request, part, results.back().c, c.data());
                    }
                    EXPECT_EQ(next, by_rows ? m : n) << what;
                    const cosim::GemmResult merged = cosim::merge_parts(request, shape, results, c);
                    EXPECT_EQ(cosim::to_json(merged, config.systolic, request), cosim::to_json(whole, config.systolic, request))
                        << what;
                    EXPECT_EQ(merged.c, whole.c) << what;
                    EXPECT_EQ(merged.launch_cycles, whole.launch_cycles) << what;
                }
            }
        }
    }
}

// The blocked, vectorised check against the plain definition, on shapes that end inside a
// block (4 rows, 512 columns) and odd K (the 16-bit path's last pair is half empty), with sums
// that wrap at 32 and at 16 bits. Operands of up to 16 bits take the paired multiply-add path,
// wider ones the 32-bit one; all -32768 is where a pair's sum overflows 32 bits. The paired path
// runs on AVX-512BW where the machine has it, and on AVX2 as well.
TEST(ReferenceGemm, EqualsTheDefinition) {
    std::mt19937_64 rng(7);
    const auto check = [](const cosim::GemmRequest& request, const std::string& what) {
        const auto [m, k, n] = request.size;
        for (unsigned bits : {32u, 16u}) {
            std::vector<int32_t> expected;
            for (uint32_t row = 0; row < m; ++row) {
                for (uint32_t col = 0; col < n; ++col) {
                    int64_t sum = 0;
                    for (uint32_t i = 0; i < k; ++i) sum += int64_t{request.a[row * k + i]} * request.b[i * n + col];
                    const uint64_t low = static_cast<uint64_t>(sum) & ((uint64_t{1} << bits) - 1);
                    const int64_t wrapped = low >= (uint64_t{1} << (bits - 1)) ? int64_t(low) - (int64_t{1} << bits) : int64_t(low);
                    expected.push_back(static_cast<int32_t>(wrapped));
                }
            }
            for (const bool avx512 : {true, false}) {   // AVX-512BW where the machine has it, and AVX2
                cosim::reference_gemm_avx512 = avx512;
                EXPECT_EQ(cosim::reference_gemm(request, bits), expected)
                    << what << " " << m << "x" << k << "x" << n << " at " << bits << " bits, AVX-512 " << avx512;
            }
            cosim::reference_gemm_avx512 = true;
        }
    };
    for (const auto& [m, k, n] : {std::tuple{1u, 1u, 1u}, std::tuple{5u, 3u, 513u}, std::tuple{9u, 70u, 1030u},
                                  std::tuple{4u, 200u, 512u}, std::tuple{3u, 9u, 21u}}) {
        for (const int32_t low : {-32768, -(1 << 30)}) {
            std::uniform_int_distribution<int32_t> any(low, -low - 1);
            cosim::GemmRequest request;
            request.size = {m, k, n};
            for (size_t i = 0; i < size_t{m} * k; ++i) request.a.push_back(any(rng));
            for (size_t i = 0; i < size_t{k} * n; ++i) request.b.push_back(any(rng));
            check(request, low == -32768 ? "16-bit operands" : "32-bit operands");
            std::fill(request.a.begin(), request.a.end(), low);
            std::fill(request.b.begin(), request.b.end(), low);
            check(request, "all " + std::to_string(low));
        }
    }
}

// The figures SCALE-Sim printed (reference.md), plus one.
TEST(SystolicModel, ScaleSimExamples) {
    struct Case { const char* df; unsigned rows, cols; uint32_t m, n, k; uint64_t cycles; };
    for (const Case& c : {Case{"os", 4, 8, 3, 17, 9, 57}, Case{"ws", 8, 4, 13, 6, 20, 186},
                          Case{"is", 8, 4, 13, 6, 20, 288}}) {
        Config config;
        config.systolic.rows = c.rows;
        config.systolic.cols = c.cols;
        cosim::GemmOptions options;
        options.engine = cosim::Engine::Model;
        const cosim::GemmResult r =
            cosim::run_gemm(config, random_request(*systolic::dataflow_from_name(c.df), c.m, c.k, c.n, 7), options);
        EXPECT_EQ(r.cycles, c.cycles) << c.df;
        EXPECT_TRUE(r.result_ok) << c.df;
    }
}

TEST(SystolicModel, UtilisationAndMappingEfficiency) {
    Config config;   // 4 x 4
    cosim::GemmOptions options;
    options.engine = cosim::Engine::Model;
    const cosim::GemmResult r = cosim::run_gemm(config, random_request(Dataflow::Os, 6, 5, 4, 3), options);
    // folds: ceil(6/4) * ceil(4/4) = 2 of 5 + 4 + 4 - 2 = 11 cycles; tiles use 16 and 8 PEs.
    EXPECT_EQ(r.folds, 2u);
    EXPECT_EQ(r.cycles_per_fold, 11u);
    EXPECT_DOUBLE_EQ(r.utilisation.value(), 6.0 * 4 * 5 / (22.0 * 16));
    EXPECT_DOUBLE_EQ(r.mapping_efficiency, (16.0 / 16 + 8.0 / 16) / 2);
}

// Through the CLI: one process per run, each with its own RTL shape.
std::string gemm_args(const std::string& df, unsigned rows, unsigned cols, uint32_t m, uint32_t k, uint32_t n,
                      uint64_t seed) {
    return fmt::format("gemm --config {} --rows {} --cols {} --dataflow {} --m {} --k {} --n {} --seed {} --json",
                       source_path("configs/systolic.yaml"), rows, cols, df, m, k, n, seed);
}

TEST(SystolicCosim, EveryDataflowOnTheCiShapes) {
    const std::vector<std::array<uint32_t, 3>> gemms = {{1, 1, 1}, {3, 9, 17}, {13, 20, 6}, {9, 4, 2}};
    for (const auto& [rows, cols] : std::vector<std::pair<unsigned, unsigned>>{{4, 4}, {8, 4}, {1, 1}, {3, 5}}) {
        for (const char* df : {"os", "ws", "is"}) {
            for (const auto& [m, k, n] : gemms) {
                const CliRun run = run_cli(gemm_args(df, rows, cols, m, k, n, 5));
                const std::string what = fmt::format("{} on {}x{}, M={} K={} N={}", df, rows, cols, m, k, n);
                ASSERT_EQ(run.status, 0) << what << "\n" << run.err;
                EXPECT_EQ(run.json["cycles"], scale_sim_cycles(df, rows, cols, m, k, n)) << what;
                EXPECT_EQ(run.json["mismatches"], 0) << what;
                EXPECT_EQ(run.json["result_ok"], true) << what;
                EXPECT_EQ(run.json["engine"], "cosim");
            }
        }
    }
}

TEST(SystolicCosim, FiftyRandomCases) {
    std::mt19937_64 rng(2026);
    const std::vector<std::pair<unsigned, unsigned>> shapes = {{4, 4}, {8, 4}, {1, 1}, {3, 5}};
    for (int i = 0; i < 50; ++i) {
        const auto [rows, cols] = shapes[rng() % shapes.size()];
        const char* df = std::array{"os", "ws", "is"}[rng() % 3];
        const uint32_t m = 1 + rng() % 20, k = 1 + rng() % 20, n = 1 + rng() % 20;
        const uint64_t seed = rng() % 100000;
        const std::string args = gemm_args(df, rows, cols, m, k, n, seed);
        const CliRun run = run_cli(args);
        ASSERT_EQ(run.status, 0) << "rerun: lockstep " << args << "\n" << run.err;
        EXPECT_EQ(run.json["mismatches"], 0) << "rerun: lockstep " << args;
        EXPECT_EQ(run.json["result_ok"], true) << "rerun: lockstep " << args;
        EXPECT_EQ(run.json["cycles"], scale_sim_cycles(df, rows, cols, m, k, n)) << "rerun: lockstep " << args;
    }
}

// A second GEMM after start drops, without a reset: the array starts from the first one's
// leftovers (accumulators, valid bits, stationary operands) and must still agree and be right.
TEST(SystolicCosim, SecondGemmWithoutResetInEveryDataflow) {
    for (const auto& [rows, cols] : std::vector<std::pair<unsigned, unsigned>>{{4, 4}, {3, 5}}) {
        for (const char* df : {"os", "ws", "is"}) {
            const std::string args = gemm_args(df, rows, cols, 9, 7, 6, 11) + " --launches 3";
            const CliRun run = run_cli(args);
            ASSERT_EQ(run.status, 0) << "rerun: lockstep " << args << "\n" << run.err;
            EXPECT_EQ(run.json["mismatches"], 0) << args;
            EXPECT_EQ(run.json["result_ok"], true) << args;
            EXPECT_EQ(run.json["cycles"], scale_sim_cycles(df, rows, cols, 9, 7, 6)) << "the last launch alone: " << args;
        }
    }
}

// A reset in the middle of a GEMM (--reset-at) leaves nothing behind in any dataflow.
TEST(SystolicCosim, MidRunResetThenTheFullGemm) {
    for (const char* df : {"os", "ws", "is"}) {
        for (uint64_t at : {1u, 9u, 30u}) {
            const std::string args = gemm_args(df, 4, 4, 9, 7, 6, 12) + " --reset-at " + std::to_string(at);
            const CliRun run = run_cli(args);
            ASSERT_EQ(run.status, 0) << "rerun: lockstep " << args << "\n" << run.err;
            EXPECT_EQ(run.json["mismatches"], 0) << args;
            EXPECT_EQ(run.json["result_ok"], true) << args;
            EXPECT_EQ(run.json["cycles"], scale_sim_cycles(df, 4, 4, 9, 7, 6)) << args;
        }
    }
}

// configs/systolic-acc16.yaml: 16-bit accumulators wrap, in the RTL and the model alike.
// The same random A and B on 32-bit accumulators give the sums before wrapping.
std::vector<long> csv_values(const std::string& text) {
    std::vector<long> values;
    std::string cell;
    for (char ch : text + "\n") {
        if (ch == ',' || ch == '\n') {
            if (!cell.empty()) values.push_back(std::stol(cell));
            cell.clear();
        } else {
            cell += ch;
        }
    }
    return values;
}

TEST(SystolicCosim, AccumulatorsWrapAt16Bits) {
    for (const char* df : {"os", "ws", "is"}) {
        const std::string wrapped = temp_path(std::string("acc16_") + df + ".csv");
        const std::string wide = temp_path(std::string("acc32_") + df + ".csv");
        const std::string sizes = fmt::format("--dataflow {} --m 6 --k 40 --n 5 --seed 3 --json --out ", df);
        const std::string args = "gemm --config " + source_path("configs/systolic-acc16.yaml") + " " + sizes + wrapped;
        const CliRun run = run_cli(args);
        ASSERT_EQ(run.status, 0) << "rerun: lockstep " << args << "\n" << run.err;
        EXPECT_EQ(run.json["mismatches"], 0) << args;
        EXPECT_EQ(run.json["result_ok"], true) << args;
        ASSERT_EQ(run_cli("gemm --engine model --rows 4 --cols 4 --config " + source_path("configs/systolic.yaml") + " " +
                          sizes + wide).status, 0);
        const std::vector<long> c16 = csv_values(read_text(wrapped)), c32 = csv_values(read_text(wide));
        ASSERT_EQ(c16.size(), 30u);
        ASSERT_EQ(c32.size(), 30u);
        int wraps = 0;
        for (size_t i = 0; i < c16.size(); ++i) {
            EXPECT_EQ(c16[i], static_cast<int16_t>(static_cast<uint16_t>(c32[i] & 0xFFFF))) << df << " C[" << i << "]";
            wraps += c16[i] != c32[i];
        }
        EXPECT_GT(wraps, 0) << df << ": no sum left 16 bits, so nothing wrapped";
    }
}

TEST(SystolicCosim, ComparatorNamesPeCycleAndSignal) {
    const CliRun run = run_cli(gemm_args("os", 4, 4, 4, 6, 4, 1) + " --inject-fault 5:1.2:acc=12345");
    EXPECT_EQ(run.status, 1);
    const nlohmann::json& m = run.json["first_mismatch"];
    ASSERT_TRUE(m.is_object()) << run.out << run.err;
    EXPECT_EQ(m["cycle"], 5);
    EXPECT_EQ(m["unit"], "pe(1,2)");
    EXPECT_EQ(m["signal"], "acc");
    EXPECT_EQ(m["model"], "12345");
    EXPECT_EQ(m["in_flight"], "fold 0 cycle 5 of 12 (fill)");
    EXPECT_NE(run.err.find("LOCK-STEP MISMATCH at cycle 5"), std::string::npos) << run.err;
}

// The PE assertions name the first PE (index p = i*Cols + j) that broke them, and its values.
// A and B are all ones on a 4x4 ws array, and each case is a copy of the RTL with one change
// to the PE step (LOCKSTEP_RTL_DIR builds it apart from the real one):
// - the ws step also takes the os sum into acc: row 0's sums add h * 0, so the first acc to
//   change is PE(1, 0)'s, p = 4, from 0 to 1 * 1 when the first partial sum reaches it;
// - the ws step takes the (invalid, 0) top port into the stationary operand: at the first
//   streaming edge PE 0's weight, 1, becomes 0.
TEST(SystolicRtl, PeAssertionsNameTheFirstPeThatBrokeThem) {
    namespace fs = std::filesystem;
    struct Case {
        const char* find;
        const char* replace;
        const char* label;
        const char* message;
    };
    const Case cases[] = {
        {"v_d[p]   = psum;", "v_d[p]   = psum; acc_d[p] = acc_sum_o[p];", "PeAccOnlyInOs",
         "acc of PE 4 changed 0 -> 1 outside an os run"},
        {"mac_d[p] = mac_ws;", "mac_d[p] = mac_ws; w_d[p] = w_i;", "PeWeightOnlyInPreload",
         "stationary operand of PE 0 changed 1 -> 0 outside the preload"},
    };
    std::string ones_a, ones_b;
    for (int r = 0; r < 6; ++r) ones_a += "1,1,1,1,1\n";
    for (int r = 0; r < 5; ++r) ones_b += "1,1,1,1,1,1,1\n";
    const std::string a = write_temp("pe_assert_a.csv", ones_a), b = write_temp("pe_assert_b.csv", ones_b);
    for (const Case& c : cases) {
        const std::string root = temp_path(std::string("pe_assert_") + c.label);
        fs::remove_all(root);
        fs::create_directories(root);
        fs::copy(source_path("rtl"), root + "/rtl", fs::copy_options::recursive);
        const std::string file = root + "/rtl/systolic/pe_array.sv";
        std::string text = read_text(file);
        const size_t at = text.find(c.find);
        ASSERT_NE(at, std::string::npos) << c.find;
        ASSERT_EQ(text.find(c.find, at + 1), std::string::npos) << c.find << " is not unique";
        text.replace(at, std::string(c.find).size(), c.replace);
        std::ofstream(file) << text;
        const std::string env =
            "LOCKSTEP_RTL_DIR=" + root + "/rtl LOCKSTEP_RTL_CACHE=" + root + "/cache LOCKSTEP_RTL_OPT=-O0 ";
        std::string out, err;
        const int status = run_shell(env + lockstep_binary() + " gemm --config " + source_path("configs/systolic.yaml") +
                                         " --dataflow ws --m 6 --k 5 --n 7 --a " + a + " --b " + b +
                                         " --engine rtl --json",
                                     &out, &err);
        EXPECT_EQ(status, 1) << c.label << err;
        const nlohmann::json json = nlohmann::json::parse(out, nullptr, false);
        ASSERT_TRUE(json.is_object()) << c.label << out << err;
        const nlohmann::json& m = json["first_mismatch"];
        EXPECT_EQ(m["kind"], "assertion") << c.label;
        EXPECT_EQ(m["assertion"], c.label);
        EXPECT_EQ(m["unit"], "systolic.u_pe_array") << c.label;
        EXPECT_EQ(m["rtl"], c.message) << c.label;
        fs::remove_all(root);
    }
}

TEST(SystolicCosim, ModelAndRtlWriteIdenticalTraces) {
    const std::string model_dir = temp_path("sa_model");
    const std::string rtl_dir = temp_path("sa_rtl");
    const std::string args = gemm_args("ws", 4, 4, 6, 9, 5, 3);
    ASSERT_EQ(run_cli(args + " --engine model --trace " + model_dir).status, 0);
    ASSERT_EQ(run_cli(args + " --engine rtl --trace " + rtl_dir).status, 0);
    for (const char* file : {"cycles.csv", "pe_activity.txt", "left_reads.csv", "top_reads.csv", "c_writes.csv"}) {
        std::ifstream a(model_dir + "/" + file), b(rtl_dir + "/" + file);
        const std::string ta((std::istreambuf_iterator<char>(a)), {}), tb((std::istreambuf_iterator<char>(b)), {});
        EXPECT_FALSE(ta.empty()) << file;
        EXPECT_EQ(ta, tb) << file;
    }
    EXPECT_TRUE(std::filesystem::exists(rtl_dir + "/systolic.vcd"));
    // ws on 4x4, K=9 N=5: 3 x 2 folds of 2*4 + 4 + 6 - 2 = 16 cycles; one CSV row per cycle.
    std::ifstream cycles(model_dir + "/cycles.csv");
    const std::string text((std::istreambuf_iterator<char>(cycles)), {});
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 96);
    EXPECT_NE(text.find("\n0,RUN,0,0,preload,0,"), std::string::npos);
}

TEST(SystolicCli, CsvInAndOut) {
    const std::string a = write_temp("A.csv", "1,2,3\n-4,5,-6\n");
    const std::string b = write_temp("B.csv", "1,0\n0,1\n2,-1\n");
    const std::string out = temp_path("C.csv");
    const CliRun run = run_cli("gemm --rows 2 --cols 2 --engine model --a " + a + " --b " + b + " --out " + out +
                               " --json --config " + source_path("configs/systolic.yaml"));
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.json["m"], 2);
    EXPECT_EQ(run.json["k"], 3);
    EXPECT_EQ(run.json["n"], 2);
    std::ifstream c(out);
    const std::string text((std::istreambuf_iterator<char>(c)), {});
    EXPECT_EQ(text, "7,-1\n-16,11\n");
}

TEST(SystolicCli, ScaleSimTopology) {
    const std::string topo = write_temp("topo.csv", "Layer name, M, N, K,\nfc1, 8, 6, 5,\nfc2, 3, 17, 9,\n");
    const CliRun run = run_cli("gemm --rows 4 --cols 8 --dataflow os --engine model --json --topology " + topo +
                               " --config " + source_path("configs/systolic.yaml"));
    ASSERT_EQ(run.status, 0) << run.err;
    ASSERT_EQ(run.json["layers"].size(), 2u);
    EXPECT_EQ(run.json["layers"][0]["layer"], "fc1");
    EXPECT_EQ(run.json["layers"][0]["cycles"], scale_sim_cycles("os", 4, 8, 8, 5, 6));
    EXPECT_EQ(run.json["layers"][1]["cycles"], 57);
}

// In lock-step, a layer after a larger one: the model's buffers start each run zeroed, as the
// freshly made RTL's do (a smaller C left the last layer's words behind in the model once).
TEST(SystolicCli, TopologyLayersAgreeInLockStepAfterLargerOnes) {
    const std::string topo = write_temp("shrink.csv", "Layer name, M, N, K,\nbig, 12, 10, 9,\nsmall, 5, 4, 3,\n");
    for (const char* dataflow : {"os", "ws", "is"}) {
        const CliRun run = run_cli(std::string("gemm --dataflow ") + dataflow + " --json --topology " + topo +
                                   " --config " + source_path("configs/systolic.yaml"));
        EXPECT_EQ(run.status, 0) << dataflow << "\n" << run.err;
        ASSERT_EQ(run.json["layers"].size(), 2u) << dataflow;
        for (const nlohmann::json& layer : run.json["layers"]) EXPECT_EQ(layer["mismatches"], 0) << dataflow;
    }
}

// The model's fast path (no trace: run_until_done, no per-cycle records) and the observed
// path (every cycle recorded, or compared with the RTL) give the same C and the same cycles.
TEST(SystolicCli, FastPathAndObservedPathsAgree) {
    for (const char* dataflow : {"os", "ws", "is"}) {
        const std::string gemm = std::string("gemm --rows 3 --cols 5 --m 11 --k 7 --n 13 --seed 4 --json --dataflow ") +
                                 dataflow + " --config " + source_path("configs/systolic.yaml");
        struct Path { const char* name; std::string args; };
        const Path paths[] = {{"fast", "--engine model"},
                              {"traced", "--engine model --trace " + temp_path(std::string("fast_") + dataflow)},
                              {"cosim", "--engine cosim"}};
        std::string first_c;
        nlohmann::json first;
        for (const Path& path : paths) {
            const std::string c = temp_path(std::string("c_") + path.name + "_" + dataflow + ".csv");
            const CliRun run = run_cli(gemm + " " + path.args + " --out " + c);
            ASSERT_EQ(run.status, 0) << dataflow << " " << path.name << "\n" << run.err;
            EXPECT_EQ(run.json["result_ok"], true) << dataflow << " " << path.name;
            if (first.is_null()) {
                first = run.json;
                first_c = read_text(c);
                ASSERT_FALSE(first_c.empty());
                continue;
            }
            EXPECT_EQ(read_text(c), first_c) << dataflow << ": C of the " << path.name << " path";
            for (const char* key : {"cycles", "drain_cycles", "folds", "cycles_per_fold"}) {
                EXPECT_EQ(run.json[key], first[key]) << dataflow << " " << path.name << " " << key;
            }
        }
    }
}

// --jobs runs the layers in worker processes: the same lines, the same JSON, in layer order.
TEST(SystolicCli, TopologyJobsGiveTheSameOutputAsOne) {
    const std::string topo = write_temp("jobs.csv", "Layer name, M, N, K,\nl1, 40, 30, 20,\nl2, 64, 16, 33,\n"
                                                    "l3, 9, 70, 12,\nl4, 100, 8, 50,\nl5, 30, 30, 30,\n");
    const std::string gemm = "gemm --rows 8 --cols 8 --dataflow ws --engine model --topology " + topo + " --config " +
                             source_path("configs/systolic.yaml");
    const CliRun one = run_cli(gemm), one_json = run_cli(gemm + " --json");
    ASSERT_EQ(one.status, 0) << one.err;
    EXPECT_EQ(one_json.json["layers"].size(), 5u);
    for (const char* jobs : {"2", "3", "8"}) {
        const CliRun many = run_cli(gemm + " --jobs " + jobs), many_json = run_cli(gemm + " --json --jobs " + jobs);
        EXPECT_EQ(many.status, 0) << jobs << "\n" << many.err;
        EXPECT_EQ(many.out, one.out) << jobs;
        EXPECT_EQ(many_json.out, one_json.out) << jobs;
    }
    // An error in a worker (the cycle limit in every layer here) is the command's error.
    const CliRun limited = run_cli(gemm + " --jobs 2 --max-cycles 50");
    EXPECT_EQ(limited.status, 2);
    EXPECT_NE(limited.err.find("GEMM did not finish within 50 cycles"), std::string::npos) << limited.err;
    EXPECT_EQ(run_cli(gemm + " --jobs 0").status, 2);
}

// --jobs with one GEMM runs its tiles in worker processes: the same lines, the same JSON and
// the same C as one process, in every dataflow (os splits its 4 row tiles, not its 3 column
// tiles, here); a cycle limit stops it as it stops one process; it is refused where the run
// follows one array through every fold.
TEST(SystolicCli, OneGemmJobsGiveTheSameOutputAsOne) {
    for (const char* dataflow : {"os", "ws", "is"}) {
        const std::string gemm = std::string("gemm --rows 4 --cols 3 --m 14 --k 9 --n 8 --seed 5 --engine model --dataflow ") +
                                 dataflow + " --config " + source_path("configs/systolic.yaml");
        const std::string c_one = temp_path(std::string("jobs_c1_") + dataflow + ".csv");
        const CliRun one = run_cli(gemm + " --out " + c_one), one_json = run_cli(gemm + " --json");
        ASSERT_EQ(one.status, 0) << one.err;
        for (const char* jobs : {"2", "3", "9"}) {
            const std::string c_many = temp_path(std::string("jobs_c") + jobs + "_" + dataflow + ".csv");
            const CliRun many = run_cli(gemm + " --jobs " + jobs + " --out " + c_many);
            const CliRun many_json = run_cli(gemm + " --json --jobs " + jobs);
            EXPECT_EQ(many.status, 0) << dataflow << " " << jobs << "\n" << many.err;
            EXPECT_EQ(many.out, one.out) << dataflow << " " << jobs;
            EXPECT_EQ(many_json.out, one_json.out) << dataflow << " " << jobs;
            EXPECT_EQ(read_text(c_many), read_text(c_one)) << dataflow << " " << jobs;
        }
        const CliRun limited_one = run_cli(gemm + " --max-cycles 40"), limited = run_cli(gemm + " --jobs 2 --max-cycles 40");
        EXPECT_EQ(limited.status, 2);
        EXPECT_EQ(limited.err, limited_one.err);
        EXPECT_NE(limited.err.find("GEMM did not finish within 40 cycles"), std::string::npos) << limited.err;
    }
    // With --topology, --jobs is the layers at once, in any engine, also for one layer.
    const std::string one_layer = write_temp("jobs_one_layer.csv", "Layer name, M, N, K,\nonly, 8, 8, 8,\n");
    const CliRun layers = run_cli("gemm --engine cosim --jobs 2 --topology " + one_layer + " --config " +
                                  source_path("configs/systolic.yaml"));
    EXPECT_EQ(layers.status, 0) << layers.err;
    const std::string gemm = "gemm --m 8 --k 8 --n 8 --jobs 2 --config " + source_path("configs/systolic.yaml");
    for (const char* refused : {"--engine cosim", "--engine rtl", "--engine model --trace x",
                                "--engine model --launches 2", "--engine model --reset-at 5",
                                "--engine model --inject-fault 3:0.0:h=1"}) {
        const CliRun run = run_cli(gemm + " " + refused);
        EXPECT_EQ(run.status, 2) << refused;
        EXPECT_EQ(run.err, "lockstep: error: --jobs with one GEMM runs its tiles in separate processes: it needs "
                           "--engine model, without --trace, --inject-fault, --reset-at or --launches\n")
            << refused;
    }
}

void expect_gemm_error(const std::string& args, const std::string& message) {
    const CliRun run = run_cli("gemm --engine model --config " + source_path("configs/systolic.yaml") + " " + args);
    EXPECT_EQ(run.status, 2) << args << "\n" << run.err;
    EXPECT_NE(run.err.find(message), std::string::npos) << args << "\nstderr: " << run.err;
}

TEST(SystolicCli, BadInput) {
    expect_gemm_error("--m 0 --k 4 --n 4", "--m: '0' is not a whole number in 1..65535");
    expect_gemm_error("--m 200 --k 100 --n 4", "GEMM M=200 K=100 N=4: A (M*K) needs 20000 words, the buffers hold 16384");
    expect_gemm_error("--m 70000 --k 1 --n 1", "--m: '70000' is not a whole number in 1..65535");
    expect_gemm_error("--m 4 --k 4 --n 4 --dataflow rs", "--dataflow 'rs': expected os, ws or is");
    expect_gemm_error("--m 4 --k 4 --n 4 --rows 0", "--rows: '0' is not a whole number in 1..256");
    const std::string good = write_temp("good.csv", "1,2\n3,4\n");
    const std::string ragged = write_temp("ragged.csv", "1,2\n3\n");
    expect_gemm_error("--a " + ragged + " --b " + good, ragged + ":2: row has 1 value, the first row has 2");
    const std::string word = write_temp("word.csv", "1,x\n3,4\n");
    expect_gemm_error("--a " + word + " --b " + good, word + ":1: 'x' is not an integer");
    const std::string big = write_temp("big.csv", "1,2\n3,200\n");
    expect_gemm_error("--a " + big + " --b " + good, big + ":2: 200 out of range -128..127 (in_bits = 8)");
    const std::string tall = write_temp("tall.csv", "1,2\n3,4\n5,6\n");
    expect_gemm_error("--a " + tall + " --b " + tall, "A's columns must equal B's rows");
    expect_gemm_error("--a /nonexistent.csv --b " + good, "/nonexistent.csv: cannot open file");
    const std::string topo = write_temp("badtopo.csv", "Layer name, M, N, K,\nfc1, 8, six, 5,\n");
    expect_gemm_error("--topology " + topo, topo + ":2: 'six' is not a size");
    const std::string yaml = write_temp("bad_sa.yaml", "systolic:\n  rows: 4\n  colz: 4\n");
    const CliRun run = run_cli("gemm --m 2 --k 2 --n 2 --config " + yaml);
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find(yaml + ":3: unknown key 'colz' in 'systolic'"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace lockstep::testing
