// Streamed layers on the RTL alone (docs/systolic.md, "Streamed layers"): the Verilated array
// runs jobs tile by tile against the harness DRAM, and the ofmap it leaves there must equal the
// GEMM or the direct convolution computed here; the single-tile GEMM's cycles are derived from
// the contract. The shape is configs/systolic.yaml's (4x4, 4 DRAM lanes), which is prebuilt.
#include "common/config.h"
#include "cosim/rtl_cache.h"
#include "cosim/systolic_engine.h"
#include "systolic/dram.h"
#include "systolic/systolic_types.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <random>

namespace lockstep::testing {
namespace {

using namespace systolic;

constexpr uint32_t kIfmapBase = 37, kFilterBase = 3001, kOfmapBase = 6007, kDramWords = 9000;
constexpr int32_t kPoison = 0x5a5a5a5a;   // the ofmap before the job: a word never written shows

ArrayShape shape() { return ArrayShape::from(load_config("configs/systolic.yaml").systolic); }

std::unique_ptr<SystolicDevice> make_device() {
    return cosim::make_rtl<SystolicDevice>(cosim::systolic_design(shape()), "");
}

// A layer: its job (bases and halves filled in by the test) and its operands in DRAM layout.
struct Layer {
    StreamJob job;
    std::vector<int32_t> ifmap, filter;   // HWC ifmap; filter n's K weights at n*K
    std::vector<int32_t> expected;        // the ofmap, C[m][n] at m*N + n
};

std::vector<int32_t> random_values(size_t count, std::mt19937& rng) {
    std::uniform_int_distribution<int32_t> int8(-128, 127);
    std::vector<int32_t> v(count);
    for (int32_t& x : v) x = int8(rng);
    return v;
}

// Halves a little larger than the tiles, so that half 1 starts at an address of its own.
void set_halves(StreamJob& j) {
    j.half_a = j.mt * j.kt + 3;
    j.half_b = j.kt * j.nt + 5;
    j.half_c = j.mt * j.nt + 7;
}

// C = A * B as a conv: A is the ifmap of M rows of K (iw = fw = K, ch = ew = 1, strides 1).
Layer gemm_layer(Dataflow df, uint32_t m, uint32_t k, uint32_t n, uint32_t mt, uint32_t kt, uint32_t nt,
                 uint32_t lanes, unsigned seed) {
    std::mt19937 rng(seed);
    Layer l;
    StreamJob& j = l.job;
    j.dataflow = df;
    j.m = m, j.k = k, j.n = n;
    j.mt = mt, j.kt = kt, j.nt = nt;
    j.iw = k, j.ch = 1, j.ew = 1, j.fw = k, j.sh = 1, j.sw = 1;
    j.lanes = lanes;
    set_halves(j);
    l.ifmap = random_values(size_t{m} * k, rng);
    l.filter = random_values(size_t{k} * n, rng);
    l.expected.assign(size_t{m} * n, 0);
    for (uint32_t mi = 0; mi < m; ++mi) {
        for (uint32_t ni = 0; ni < n; ++ni) {
            int32_t sum = 0;
            for (uint32_t ki = 0; ki < k; ++ki) sum += l.ifmap[mi * k + ki] * l.filter[ni * k + ki];
            l.expected[mi * n + ni] = sum;
        }
    }
    return l;
}

// A conv layer: H x W x C ifmap, F filters of R x S x C, stride s; ofmap E x E' x F computed directly.
Layer conv_layer(Dataflow df, uint32_t h, uint32_t w, uint32_t c, uint32_t r, uint32_t s, uint32_t f, uint32_t stride,
                 uint32_t mt, uint32_t kt, uint32_t nt, uint32_t lanes, unsigned seed) {
    std::mt19937 rng(seed);
    const uint32_t eh = (h - r) / stride + 1, ew = (w - s) / stride + 1;
    Layer l;
    StreamJob& j = l.job;
    j.dataflow = df;
    j.m = eh * ew, j.k = r * s * c, j.n = f;
    j.mt = mt, j.kt = kt, j.nt = nt;
    j.iw = w, j.ch = c, j.ew = ew, j.fw = s, j.sh = stride, j.sw = stride;
    j.lanes = lanes;
    set_halves(j);
    l.ifmap = random_values(size_t{h} * w * c, rng);
    l.filter = random_values(size_t{j.k} * f, rng);
    l.expected.assign(size_t{j.m} * f, 0);
    for (uint32_t oh = 0; oh < eh; ++oh) {
        for (uint32_t ow = 0; ow < ew; ++ow) {
            for (uint32_t fi = 0; fi < f; ++fi) {
                int32_t sum = 0;
                for (uint32_t ri = 0; ri < r; ++ri) {
                    for (uint32_t si = 0; si < s; ++si) {
                        for (uint32_t ci = 0; ci < c; ++ci) {
                            const int32_t x = l.ifmap[((oh * stride + ri) * w + ow * stride + si) * c + ci];
                            sum += x * l.filter[fi * j.k + (ri * s + si) * c + ci];
                        }
                    }
                }
                l.expected[(oh * ew + ow) * f + fi] = sum;
            }
        }
    }
    return l;
}

struct Outcome {
    uint64_t cycles = 0;              // from the edge that samples job_start to the first cycle in SqDone
    std::vector<int32_t> ofmap;
    uint64_t dram_writes = 0;
    uint64_t output_stalls = 0;       // cycles the array holds a finished tile while the storer is busy
};

// Runs one job to SqDone and back to SqIdle: responses before each edge, requests and writes
// taken after it. The device is reset first unless `keep` (a second job on the same device).
Outcome run_job(SystolicDevice& device, const Layer& layer, unsigned latency, bool keep = false) {
    const ArrayShape s = shape();
    StreamJob job = layer.job;
    job.ifmap_base = kIfmapBase, job.filter_base = kFilterBase, job.ofmap_base = kOfmapBase;
    Dram dram(kDramWords, latency, s.dram_lanes);
    std::copy(layer.ifmap.begin(), layer.ifmap.end(), dram.words.begin() + kIfmapBase);
    std::copy(layer.filter.begin(), layer.filter.end(), dram.words.begin() + kFilterBase);
    std::fill(dram.words.begin() + kOfmapBase, dram.words.end(), kPoison);

    SystolicInputs in;
    SystolicSnapshot snap;
    snap.resize(s);
    if (!keep) {
        in.rst_n = false;
        device.tick(in);
        in.rst_n = true;
    }
    in.job = job;
    in.job_start = true;
    Outcome out;
    for (uint64_t edge = 0;; ++edge) {
        dram.respond(edge, in.a_rsp, in.b_rsp);
        device.tick(in);
        if (const RtlStop* stop = device.stopped()) {
            ADD_FAILURE() << "RTL stopped: " << stop->name << " " << stop->message;
            return out;
        }
        device.observe(snap);
        dram.accept(edge, snap.stream.a_loader, snap.stream.b_loader, snap.stream.storer);
        for (const DramLane& lane : snap.stream.storer.lanes) out.dram_writes += lane.valid;
        out.output_stalls += snap.state == SaState::Done && snap.stream.cp_valid && snap.stream.storer.busy;
        if (snap.stream.state == SqState::Done) {
            out.cycles = edge + 1;
            break;
        }
        if (edge > 200000) {
            ADD_FAILURE() << "the job did not finish";
            return out;
        }
    }
    EXPECT_TRUE(dram.idle()) << "reads still outstanding at SqDone";
    in.job_start = false;
    in.a_rsp.clear();
    in.b_rsp.clear();
    device.tick(in);
    device.observe(snap);
    EXPECT_EQ(snap.stream.state, SqState::Idle);
    out.ofmap.assign(dram.words.begin() + kOfmapBase, dram.words.begin() + kOfmapBase + layer.expected.size());
    EXPECT_EQ(dram.words[kOfmapBase + layer.expected.size()], kPoison) << "a write past the ofmap";
    return out;
}

std::string describe(const StreamJob& j, unsigned latency) {
    return fmt::format("{} M={} K={} N={} tiles {}x{}x{}, {} lanes, latency {}", name(j.dataflow), j.m, j.k, j.n, j.mt,
                       j.kt, j.nt, j.lanes, latency);
}

// The single-tile GEMM's cycles, from the contract (d = latency, L = lanes, and the A, B and C
// tiles of cA = M*K, cB = K*N, cC = M*N words):
//   edge 0 samples job_start: both loaders start and issue L words each per edge, A at edges
//     0 .. ceil(cA/L)-1; each answer comes d edges later, so a loader's last answer (and its
//     busy_q falling) is at edge d-1+ceil(c/L); call the later of the two T;
//   edge T+1: handoff (cp_valid_q rises); edge T+2: the array, in StIdle, takes the start;
//   StRun lasts F*Lf cycles, and os drains R more (D cycles in all): StDone after edge T+2+D;
//   edge T+3+D: release, and the storer starts, writing L words per edge, its busy_q falling
//     at the edge of its last words, T+2+D+ceil(cC/L);
//   the next edge, T+3+D+ceil(cC/L), finds nothing loading, computing or storing: SqDone.
// Cycles run from cycle 0 (before edge 0) to that edge's cycle:
//   d + 3 + max(ceil(cA/L), ceil(cB/L)) + D + ceil(cC/L).
uint64_t single_tile_cycles(Dataflow df, uint32_t m, uint32_t k, uint32_t n, uint32_t lanes, unsigned latency) {
    const ArrayShape s = shape();
    auto ceil_div = [](uint64_t a, uint64_t b) { return (a + b - 1) / b; };
    const Mapping map(df, GemmSize{m, k, n}, s.rows, s.cols);
    const uint64_t compute = map.folds() * map.fold_length + (df == Dataflow::Os ? s.rows : 0);
    return latency + 3 + std::max(ceil_div(m * k, lanes), ceil_div(k * n, lanes)) + compute + ceil_div(m * n, lanes);
}

TEST(StreamRtl, SingleTileGemmCyclesAndValues) {
    auto device = make_device();
    // M=5, K=4, N=3 on 4x4: cA = 20, cB = 12, cC = 15 words.
    //   ws: F = 1, Lf = 2R+C+M-2 = 15, D = 15; 4 lanes, latency 1: 1+3+5+15+4 = 28.
    //   os: F = 2 (M over 4 rows), Lf = K+R+C-2 = 10, D = 20+4 = 24: 1+3+5+24+4 = 37.
    //   is: F = 2 (M over 4 columns), Lf = 2R+C+N-2 = 13, D = 26: 1+3+5+26+4 = 39.
    //   ws, 1 lane, latency 3: 3+3+20+15+15 = 56.
    const struct {
        Dataflow df;
        uint32_t lanes;
        unsigned latency;
        uint64_t cycles;
    } cases[] = {{Dataflow::Ws, 4, 1, 28}, {Dataflow::Os, 4, 1, 37}, {Dataflow::Is, 4, 1, 39}, {Dataflow::Ws, 1, 3, 56}};
    for (const auto& c : cases) {
        const Layer layer = gemm_layer(c.df, 5, 4, 3, 5, 4, 3, c.lanes, 11);
        const std::string what = describe(layer.job, c.latency);
        ASSERT_EQ(c.cycles, single_tile_cycles(c.df, 5, 4, 3, c.lanes, c.latency)) << what;
        const Outcome out = run_job(*device, layer, c.latency);
        EXPECT_EQ(out.cycles, c.cycles) << what;
        EXPECT_EQ(out.ofmap, layer.expected) << what;
        EXPECT_EQ(out.dram_writes, layer.expected.size()) << what;
    }
}

// Tiles along m, k and n (k tiles accumulate into the C half), and the two reuse cases: B kept
// for later m tiles (one k tile), A kept for every tile (one m and one k tile). The last GEMM's
// 32-word C tiles take longer to store on one lane than the next tile to compute: the array
// waits in StDone for the storer.
TEST(StreamRtl, TiledGemmsInEveryDataflow) {
    auto device = make_device();
    const struct {
        uint32_t m, k, n, mt, kt, nt;
    } gemms[] = {{10, 9, 7, 4, 4, 3}, {10, 6, 7, 4, 6, 3}, {5, 6, 11, 5, 6, 4},
                 {9, 13, 5, 9, 5, 5},  {3, 2, 9, 2, 1, 2},  {8, 1, 12, 8, 1, 4}};
    unsigned seed = 1;
    for (const Dataflow df : {Dataflow::Os, Dataflow::Ws, Dataflow::Is}) {
        for (const auto& g : gemms) {
            for (const auto& [lanes, latency] : {std::pair{1u, 1u}, std::pair{4u, 3u}, std::pair{3u, 1u}}) {
                const Layer layer = gemm_layer(df, g.m, g.k, g.n, g.mt, g.kt, g.nt, lanes, ++seed);
                const std::string what = describe(layer.job, latency);
                const Outcome out = run_job(*device, layer, latency);
                EXPECT_EQ(out.ofmap, layer.expected) << what;
                EXPECT_EQ(out.dram_writes, layer.expected.size()) << what;
                if (g.k == 1 && lanes == 1) {
                    EXPECT_GT(out.output_stalls, 0u) << what;
                }
            }
        }
    }
}

// A 6x6x3 ifmap through four 3x3 filters, stride 1 (4x4 ofmap) and 2 (2x2): A comes through
// im2col. Two jobs back to back on one device, the second without a reset.
TEST(StreamRtl, ConvLayersMatchADirectConvolution) {
    auto device = make_device();
    unsigned seed = 100;
    for (const Dataflow df : {Dataflow::Os, Dataflow::Ws, Dataflow::Is}) {
        for (const auto& [lanes, latency] : {std::pair{1u, 3u}, std::pair{4u, 1u}}) {
            const Layer stride1 = conv_layer(df, 6, 6, 3, 3, 3, 4, 1, 5, 10, 3, lanes, ++seed);
            const Layer stride2 = conv_layer(df, 6, 6, 3, 3, 3, 4, 2, 3, 27, 4, lanes, ++seed);
            ASSERT_EQ(stride1.job.m, 16u);
            ASSERT_EQ(stride2.job.m, 4u);
            bool keep = false;
            for (const Layer* layer : {&stride1, &stride2}) {
                const std::string what = describe(layer->job, latency);
                const Outcome out = run_job(*device, *layer, latency, keep);
                EXPECT_EQ(out.ofmap, layer->expected) << what;
                EXPECT_EQ(out.dram_writes, layer->expected.size()) << what;
                keep = true;
            }
        }
    }
}

// The host-port GEMM after a streamed job whose last tile sat in half 1 and accumulated: the
// sequencer's held registers must not leak into it (bases 0, no accumulation).
TEST(StreamRtl, HostGemmAfterAStreamedJobIsUnchanged) {
    auto device = make_device();
    const Layer layer = gemm_layer(Dataflow::Ws, 10, 9, 7, 4, 4, 3, 4, 5);
    const Outcome streamed = run_job(*device, layer, 1);
    ASSERT_EQ(streamed.ofmap, layer.expected);
    SystolicSnapshot snap;
    snap.resize(shape());
    device->observe(snap);
    ASSERT_GT(snap.stream.cp.k0, 0u) << "the last tile accumulated";

    for (const Dataflow df : {Dataflow::Os, Dataflow::Ws, Dataflow::Is}) {
        const uint32_t m = 6, k = 5, n = 7;
        std::mt19937 rng(static_cast<unsigned>(df) + 40);
        const std::vector<int32_t> a = random_values(m * k, rng), b = random_values(k * n, rng);
        SystolicInputs in;
        in.host_we = true;
        for (const auto& [sel, words] : {std::pair{HostSel::A, &a}, std::pair{HostSel::B, &b}}) {
            in.host_sel = sel;
            for (uint32_t i = 0; i < words->size(); ++i) {
                in.host_addr = i;
                in.host_wdata = (*words)[i];
                device->tick(in);
            }
        }
        in.host_we = false;
        in.start = true;
        in.dataflow = df;
        in.size = GemmSize{m, k, n};
        for (int edges = 0; snap.state != SaState::Done; ++edges) {
            ASSERT_LT(edges, 10000);
            device->tick(in);
            ASSERT_EQ(device->stopped(), nullptr);
            device->observe(snap);
        }
        in.start = false;
        device->tick(in);
        device->observe(snap);
        ASSERT_EQ(snap.state, SaState::Idle);
        for (uint32_t mi = 0; mi < m; ++mi) {
            for (uint32_t ni = 0; ni < n; ++ni) {
                int32_t sum = 0;
                for (uint32_t ki = 0; ki < k; ++ki) sum += a[mi * k + ki] * b[ki * n + ni];
                EXPECT_EQ(device->host_read(HostSel::C, mi * n + ni), sum) << name(df) << " C[" << mi << "][" << ni << "]";
            }
        }
    }
}

}  // namespace
}  // namespace lockstep::testing
