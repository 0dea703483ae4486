// Streamed layers (docs/systolic.md, "Streamed layers"): conv layers and GEMMs of any size
// through small SRAMs and a DRAM of limited bandwidth, checked against a direct convolution,
// with cycle counts derived from the contract.
#include "cli_testing.h"

#include "common/config.h"
#include "cosim/conv_layer.h"
#include "systolic/systolic_model.h"
#include "systolic/tiles.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

namespace lockstep::testing {
namespace {

using cosim::ConvShape;
using systolic::Dataflow;
using systolic::GemmSize;

const std::vector<std::pair<unsigned, unsigned>> kShapes = {{4, 4}, {3, 5}, {2, 2}};
const std::vector<std::pair<unsigned, unsigned>> kPrebuilt = {{4, 4}, {3, 5}};   // RTL built by rtl_prebuilt

class BuildModels : public ::testing::Environment {
public:
    void SetUp() override {
        for (const auto& [rows, cols] : kShapes) systolic::SystolicModel::instance(systolic::ArrayShape::from(array(rows, cols).systolic));
        for (const auto& [rows, cols] : kPrebuilt) systolic::SystolicModel::instance(systolic::ArrayShape::from(prebuilt(rows, cols).systolic));
    }
    static Config array(unsigned rows, unsigned cols) {
        Config c;
        c.systolic.rows = rows;
        c.systolic.cols = cols;
        c.systolic.buffer_addr_bits = 10;
        return c;
    }
    // configs/systolic.yaml's array at this size, as rtl_prebuilt builds it.
    static Config prebuilt(unsigned rows, unsigned cols) {
        Config c = load_config(source_path("configs/systolic.yaml"));
        c.systolic.rows = rows;
        c.systolic.cols = cols;
        return c;
    }
};
const auto* const kBuild = ::testing::AddGlobalTestEnvironment(new BuildModels);

struct Layer {
    std::vector<int32_t> ifmap, filter;
};

Layer random_layer(const ConvShape& s, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int32_t> int8(-128, 127);
    Layer l;
    l.ifmap.resize(s.ifmap_words());
    l.filter.resize(s.filter_words());
    for (int32_t& v : l.ifmap) v = int8(rng);
    for (int32_t& v : l.filter) v = int8(rng);
    return l;
}

// One case of the sweeps below: a layer's data in DRAM with SRAMs, lanes and latency taken
// from `seed`, and its description for failure messages.
struct StreamCase {
    Layer data;
    cosim::StreamRequest request;
    std::string what;
};

StreamCase stream_case(const ConvShape& layer, Dataflow df, const std::vector<std::array<uint32_t, 3>>& srams,
                       uint64_t seed, unsigned rows, unsigned cols) {
    const auto& sram = srams[seed % srams.size()];
    const unsigned lanes = 1 + seed % 4, latency = 1 + seed % 3;
    StreamCase c;
    c.data = random_layer(layer, seed + 1);
    c.request = cosim::conv_request(layer, df, c.data.ifmap, c.data.filter, sram[0], sram[1], sram[2], lanes, latency);
    c.what = fmt::format("{}x{} {} conv {}x{}x{} f{}x{} n{} s{}x{}, SRAMs {}/{}/{}, lanes {}, latency {}", rows, cols,
                         name(df), layer.ifmap_h, layer.ifmap_w, layer.channels, layer.filter_h, layer.filter_w,
                         layer.filters, layer.stride_h, layer.stride_w, sram[0], sram[1], sram[2], lanes, latency);
    return c;
}

TEST(StreamTiles, ChooseTilesHalvesTheLargestDimensionOfAnExceededBound) {
    EXPECT_EQ(systolic::choose_tiles({8, 8, 8}, 64, 64, 64).k, 8u) << "everything fits: one tile";
    const GemmSize t = systolic::choose_tiles({16, 64, 8}, 64, 64, 256);
    // A 16x64 > 64: k 64 -> 32 -> 16 -> 8 (B 8x8 fits at 8), then A 16x8 > 64: m and k tie at... m 16 > k 8: m -> 8.
    EXPECT_EQ(t.m, 8u);
    EXPECT_EQ(t.k, 8u);
    EXPECT_EQ(t.n, 8u);
    const GemmSize tall = systolic::choose_tiles({262144, 9, 1}, 1u << 22, 1u << 22, 1u << 22);
    EXPECT_EQ(tall.m, 65536u / 2) << "262144 rows fit the SRAMs but not the array's 16-bit size: halved until they do";
    const GemmSize odd = systolic::choose_tiles({5, 7, 3}, 6, 100, 100);
    EXPECT_LE(uint64_t{odd.m} * odd.k, 6u);
    EXPECT_EQ(odd.n, 3u);
}

TEST(StreamTiles, Im2colAddressesFollowScaleSimsOrder) {
    const ConvShape s{5, 6, 3, 2, 4, 7, 2, 1};   // 5x6 ifmap, 3x2 filter, 4 channels, stride 2x1
    const cosim::StreamRequest r = cosim::conv_request(s, Dataflow::Os, std::vector<int32_t>(s.ifmap_words()),
                                                       std::vector<int32_t>(s.filter_words()), 64, 64, 64, 1, 1);
    EXPECT_EQ(s.ofmap_h(), 2u) << "floor((5 - 3) / 2) + 1";
    EXPECT_EQ(s.ofmap_w(), 5u);
    // m = 7 is pixel (1, 2); k = 13 is filter row 1, column 1, channel 1 (k = (r*fw + s)*ch + c).
    EXPECT_EQ(systolic::a_address(r.job, 7, 13), ((1u * 2 + 1) * 6 + 2 + 1) * 4 + 1);
    EXPECT_EQ(systolic::b_address(r.job, 13, 3), r.job.filter_base + 3 * 24 + 13);
}

// One tile, os, on 4x4 with 4 lanes and latency 1. Edges counted from the one sampling
// job_start: loads issue ceil(16/4) = 4 edges, the last response lands latency 1 later; the
// handoff takes an edge, StIdle with start one more; the array runs F*L = 1*(4+4+4-2) = 10
// cycles plus the os drain of 4; the release takes the StDone edge; the storer issues
// ceil(16/4) = 4 edges and SqDone follows one edge later: 4 + 1 + 3 + 14 + 4 = 26.
TEST(StreamModel, OneTileCyclesFromTheContract) {
    const Config config = BuildModels::array(4, 4);
    const ConvShape gemm = ConvShape::gemm({4, 4, 4});
    const Layer data = random_layer(gemm, 1);
    for (unsigned latency : {1u, 3u}) {
        cosim::StreamOptions options;
        options.engine = cosim::Engine::Model;
        const cosim::StreamRequest request = cosim::conv_request(gemm, Dataflow::Os, data.ifmap, data.filter, 64, 64, 64, 4, latency);
        const cosim::StreamResult r = cosim::run_stream(config, request, options);
        EXPECT_EQ(r.cycles, 4 + latency + 3 + 14 + 4) << "latency " << latency;
        EXPECT_EQ(r.reason_cycles[0], 14u);
        EXPECT_EQ(r.reason_cycles[static_cast<size_t>(cosim::StallReason::Fill)], 4 + latency + 2);
        EXPECT_EQ(r.reason_cycles[static_cast<size_t>(cosim::StallReason::Handoff)], 1u);
        EXPECT_EQ(r.reason_cycles[static_cast<size_t>(cosim::StallReason::Drain)], 4u);
        EXPECT_EQ(r.tiles, 1u);
        EXPECT_EQ(r.mac_count, 64u);
        EXPECT_EQ(r.dram[cosim::kIfmap].words, 16u);
        EXPECT_EQ(r.dram[cosim::kOfmap].words, 16u);
        EXPECT_EQ(cosim::ofmap_of(request, r.dram_words), cosim::reference_conv(gemm, data.ifmap, data.filter, 32));
    }
}

// Conv layers and GEMMs of every kind through SRAMs too small for them: many tiles along m,
// k and n, accumulation, reuse, every dataflow, 1..4 lanes, latency 1..3.
TEST(StreamModel, LayersThroughSmallSramsMatchADirectConvolution) {
    const std::vector<ConvShape> layers = {
        {6, 6, 3, 3, 3, 4, 1, 1}, {7, 7, 3, 3, 2, 5, 2, 2}, {9, 8, 1, 1, 5, 6, 2, 3}, {5, 9, 2, 4, 3, 3, 1, 2},
        ConvShape::gemm({13, 9, 7}), ConvShape::gemm({1, 20, 3}), ConvShape::gemm({16, 16, 16})};
    const std::vector<std::array<uint32_t, 3>> srams = {{64, 64, 64}, {16, 32, 8}, {2, 2, 2}, {40, 10, 24}};
    uint64_t seed = 0;
    for (const auto& [rows, cols] : kShapes) {
        const Config config = BuildModels::array(rows, cols);
        for (const ConvShape& layer : layers) {
            for (Dataflow df : {Dataflow::Os, Dataflow::Ws, Dataflow::Is}) {
                const auto [data, request, what] = stream_case(layer, df, srams, seed++, rows, cols);
                cosim::StreamOptions options;
                options.engine = cosim::Engine::Model;
                const cosim::StreamResult r = cosim::run_stream(config, request, options);
                ASSERT_EQ(cosim::ofmap_of(request, r.dram_words), cosim::reference_conv(layer, data.ifmap, data.filter, 32)) << what;
                options.fast = false;   // the observed path gives the same figures
                const cosim::StreamResult observed = cosim::run_stream(config, request, options);
                EXPECT_EQ(nlohmann::json(cosim::to_json(observed)).dump(), nlohmann::json(cosim::to_json(r)).dump()) << what;
                EXPECT_EQ(observed.dram_words, r.dram_words) << what;
                const GemmSize g = layer.gemm_size();
                EXPECT_EQ(r.tiles, systolic::tile_count(request.job)) << what;
                EXPECT_EQ(r.dram[cosim::kOfmap].words, uint64_t{g.m} * g.n) << what << ": every ofmap word written once";
                EXPECT_EQ(r.mac_count, uint64_t{g.m} * g.n * g.k) << what;
                EXPECT_GE(r.dram[cosim::kIfmap].words, uint64_t{g.m} * g.k) << what;
                EXPECT_EQ(r.cycles, r.reason_cycles[0] + r.stall_cycles()) << what;
            }
        }
    }
}

// The RTL and the model in lock-step on streamed layers: every register of the sequencer and
// the movers, every DRAM lane, the PEs and the ports, each cycle; the DRAM and SRAMs at the end.
TEST(StreamCosim, LayersAgreeCycleByCycle) {
    const std::vector<ConvShape> layers = {{6, 6, 3, 3, 3, 4, 1, 1}, {7, 7, 3, 3, 2, 5, 2, 2}, {5, 9, 2, 4, 3, 3, 1, 2},
                                           ConvShape::gemm({13, 9, 7})};
    const std::vector<std::array<uint32_t, 3>> srams = {{64, 64, 64}, {16, 32, 8}, {40, 10, 24}};
    uint64_t seed = 100;
    for (const auto& [rows, cols] : kPrebuilt) {
        const Config config = BuildModels::prebuilt(rows, cols);
        for (const ConvShape& layer : layers) {
            for (Dataflow df : {Dataflow::Os, Dataflow::Ws, Dataflow::Is}) {
                const auto [data, request, what] = stream_case(layer, df, srams, seed++, rows, cols);
                cosim::StreamOptions options;
                options.engine = cosim::Engine::Cosim;
                const cosim::StreamResult r = cosim::run_stream(config, request, options);
                ASSERT_EQ(r.mismatches, 0u) << what << "\n" << (r.first_mismatch ? cosim::format_report(*r.first_mismatch) : "");
                EXPECT_EQ(cosim::ofmap_of(request, r.dram_words), cosim::reference_conv(layer, data.ifmap, data.filter, 32)) << what;
                options.engine = cosim::Engine::Model;
                EXPECT_EQ(cosim::run_stream(config, request, options).cycles, r.cycles) << what;
            }
        }
    }
}

// The same job twice without a reset (SqDone -> SqIdle -> the next start): the registers the
// second start does not name hold in both twins, and the second run takes the same cycles.
TEST(StreamCosim, ASecondJobWithoutAResetAgrees) {
    const Config config = BuildModels::prebuilt(4, 4);
    const std::vector<std::array<uint32_t, 3>> srams = {{16, 32, 8}};
    const auto [data, request, what] = stream_case({7, 7, 3, 3, 2, 5, 2, 2}, Dataflow::Ws, srams, 5, 4, 4);
    cosim::StreamOptions options;
    options.engine = cosim::Engine::Cosim;
    options.launches = 2;
    const cosim::StreamResult r = cosim::run_stream(config, request, options);
    ASSERT_EQ(r.mismatches, 0u) << what << "\n" << (r.first_mismatch ? cosim::format_report(*r.first_mismatch) : "");
    ASSERT_EQ(r.launch_cycles.size(), 2u);
    EXPECT_EQ(r.launch_cycles[0], r.launch_cycles[1]) << what;
    EXPECT_EQ(cosim::ofmap_of(request, r.dram_words), cosim::reference_conv({7, 7, 3, 3, 2, 5, 2, 2}, data.ifmap, data.filter, 32));
}

// A PE register changed in the model mid-layer: lock-step names it at that cycle.
TEST(StreamCosim, CatchesAnInjectedPeFault) {
    const Config config = BuildModels::prebuilt(4, 4);
    const ConvShape layer{6, 6, 3, 3, 3, 4, 1, 1};
    const Layer data = random_layer(layer, 7);
    cosim::StreamOptions options;
    options.engine = cosim::Engine::Cosim;
    options.fault = cosim::PeFault{40, 1, 2, "v", 12345};
    const cosim::StreamRequest request = cosim::conv_request(layer, Dataflow::Ws, data.ifmap, data.filter, 64, 64, 64, 2, 1);
    const cosim::StreamResult r = cosim::run_stream(config, request, options);
    ASSERT_TRUE(r.first_mismatch.has_value());
    EXPECT_EQ(r.first_mismatch->cycle, 40u);
    EXPECT_EQ(r.first_mismatch->unit, "pe(1,2)");
    EXPECT_EQ(r.first_mismatch->signal, "v");
    EXPECT_EQ(r.first_mismatch->model, "12345");
    EXPECT_TRUE(r.stopped);
}

}  // namespace
}  // namespace lockstep::testing
