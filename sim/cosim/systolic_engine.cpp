#include "cosim/systolic_engine.h"

#include "common/error.h"
#include "common/plural.h"
#include "cosim/systolic_compare.h"
#include "systolic/systolic_model.h"
#include "trace/systolic_trace.h"

#include <fmt/format.h>

#include <immintrin.h>

#include <algorithm>
#include <memory>

namespace lockstep::cosim {

using namespace systolic;

void check_gemm(const SystolicConfig& config, const GemmSize& g) {
    for (auto [name, value] : {std::pair{"M", g.m}, std::pair{"K", g.k}, std::pair{"N", g.n}}) {
        if (!kGemmDim.contains(value)) {
            throw Error(fmt::format("GEMM size {} = {} out of range {}..{}", name, value, kGemmDim.lo, kGemmDim.hi));
        }
    }
    const uint64_t words = uint64_t{1} << config.buffer_addr_bits;
    const std::pair<const char*, uint64_t> needs[] = {{"A (M*K)", uint64_t{g.m} * g.k},
                                                      {"B (K*N)", uint64_t{g.k} * g.n},
                                                      {"C (M*N)", uint64_t{g.m} * g.n}};
    for (const auto& [what, count] : needs) {
        if (count > words) {
            throw Error(fmt::format("GEMM M={} K={} N={}: {} needs {}, the buffers hold {} "
                                    "(systolic.buffer_addr_bits = {})",
                                    g.m, g.k, g.n, what, plural(count, "word"), words, config.buffer_addr_bits));
        }
    }
}

namespace {

// What a GEMM's sizes and the cycles it ran (r.cycles, r.stopped) give: its folds, their
// mapping, the host port's cycles and the utilisation.
void add_figures(GemmResult& r, const GemmRequest& request, const ArrayShape& shape) {
    const Mapping map(request.dataflow, request.size, shape.rows, shape.cols);
    r.folds = map.folds();
    r.cycles_per_fold = map.fold_length;
    r.mapping_efficiency = map.mapping_efficiency(shape.rows, shape.cols);
    r.load_cycles = request.a.size() + request.b.size();
    r.unload_cycles = static_cast<uint64_t>(request.size.m) * request.size.n;
    const double pe_cycles = static_cast<double>(r.cycles) * shape.rows * shape.cols;
    const GemmSize& g = request.size;
    // A stopped run did part of the MACs in part of the cycles: no utilisation to report.
    if (!r.stopped) r.utilisation = pe_cycles > 0 ? static_cast<double>(g.m) * g.n * g.k / pe_cycles : 0;
}

// The check of every GEMM, so it must be quicker than the simulation it checks: C is built
// in blocks of 4 rows by 512 columns whose sums stay in L1, and each row of B read serves
// the four rows of A; the innermost loop runs along rows of B and C, which the compiler
// vectorises. Sums wrap in uint32 and are then cut to the accumulator width, as the PEs do.
constexpr uint32_t kBlockRows = 4, kBlockCols = 512;

// The walk over C that both checks share: each block of up to kBlockRows x kBlockCols
// sums is zeroed, filled by `fill(m0, n0, rows, cols, sums)` (a call to a function built for
// the machine's vector instructions, which a lambda could not be), and cut to the
// accumulator width into C.
template <typename Fill>
std::vector<int32_t> blocked_gemm(const GemmSize& g, unsigned acc_bits, Fill fill) {
    std::vector<int32_t> c(static_cast<size_t>(g.m) * g.n, 0);
    std::vector<uint32_t> sums(static_cast<size_t>(kBlockRows) * kBlockCols);
    for (uint32_t m0 = 0; m0 < g.m; m0 += kBlockRows) {
        const uint32_t rows = std::min(kBlockRows, g.m - m0);
        for (uint32_t n0 = 0; n0 < g.n; n0 += kBlockCols) {
            const uint32_t cols = std::min(kBlockCols, g.n - n0);
            std::fill(sums.begin(), sums.end(), 0u);
            fill(m0, n0, rows, cols, sums.data());
            for (uint32_t i = 0; i < rows; ++i) {
                for (uint32_t j = 0; j < cols; ++j) {
                    c[static_cast<size_t>(m0 + i) * g.n + n0 + j] =
                        sign_extend(sums[static_cast<size_t>(i) * kBlockCols + j], acc_bits);
                }
            }
        }
    }
    return c;
}

// One block of any 32-bit words. Built for AVX-512, AVX2 and the baseline, picked at load time.
__attribute__((target_clones("avx512f", "avx2", "default")))
void words_block(const GemmRequest& r, uint32_t m0, uint32_t n0, uint32_t rows, uint32_t cols, uint32_t* sums) {
    const GemmSize& g = r.size;
    for (uint32_t k = 0; k < g.k; ++k) {
        const int32_t* b = &r.b[static_cast<size_t>(k) * g.n + n0];
        for (uint32_t i = 0; i < rows; ++i) {
            const auto a = static_cast<uint32_t>(r.a[static_cast<size_t>(m0 + i) * g.k + k]);
            uint32_t* sum = &sums[static_cast<size_t>(i) * kBlockCols];
            for (uint32_t j = 0; j < cols; ++j) sum[j] += a * static_cast<uint32_t>(b[j]);
        }
    }
}

std::vector<int32_t> gemm_words(const GemmRequest& r, unsigned acc_bits) {
    return blocked_gemm(r.size, acc_bits, [&](uint32_t m0, uint32_t n0, uint32_t rows, uint32_t cols, uint32_t* sums) {
        words_block(r, m0, n0, rows, cols, sums);
    });
}

// A and B in 16 bits (in_bits is at most 16): products come in pairs along k from one
// multiply-add of 16-bit pairs (vpmaddwd: a[k] * b[k][j] + a[k+1] * b[k+1][j] into 32 bits,
// sixteen products an instruction against eight for a 32-bit multiply). It is exact in
// wrapping arithmetic: a pair's sum overflows only when all four are -32768, and then it is
// 2^31, which is the wrapped sum. B is packed first as k-pairs per column, in strips of 16
// columns each contiguous over all of k (walking a strip down k then reads one stream, where
// rows of B a whole row apart had landed in the same few cache sets), A read as pairs.
struct Pairs {
    GemmSize g;
    uint32_t k2;                 // pairs along k
    std::vector<int16_t> b;      // b[at(kk, j) + e] = B[2kk + e][j], 0 past the last column
    std::vector<uint32_t> a;     // A[i][2kk] in the low half, A[i][2kk+1] high
    static constexpr uint32_t kStrip = 16;   // columns a strip
    size_t at(uint32_t kk, uint32_t j) const {
        return ((static_cast<size_t>(j / kStrip) * k2 + kk) * kStrip + j % kStrip) * 2;
    }
};

__attribute__((target("avx2")))
void pairs_block(const Pairs& p, uint32_t m0, uint32_t n0, uint32_t rows, uint32_t cols, uint32_t* sums) {
    const uint32_t k2 = p.k2;
    const std::vector<int16_t>& b = p.b;
    const std::vector<uint32_t>& a = p.a;
    // Four rows by 16 columns at a time, their sums in registers over all of k; the columns
    // left over, and blocks of fewer rows, a row at a time through `sums`.
    const uint32_t tiled = rows == kBlockRows ? cols & ~15u : 0;
    for (uint32_t j0 = 0; j0 < tiled; j0 += 16) {
        __m256i acc[kBlockRows][2] = {};
        for (uint32_t kk = 0; kk < k2; ++kk) {
            const auto* pairs = reinterpret_cast<const __m256i*>(&b[p.at(kk, n0 + j0)]);
            const __m256i b0 = _mm256_loadu_si256(pairs), b1 = _mm256_loadu_si256(pairs + 1);
            for (uint32_t i = 0; i < kBlockRows; ++i) {
                const __m256i av = _mm256_set1_epi32(static_cast<int32_t>(a[static_cast<size_t>(m0 + i) * k2 + kk]));
                acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(b0, av));
                acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(b1, av));
            }
        }
        for (uint32_t i = 0; i < kBlockRows; ++i) {
            auto* to = reinterpret_cast<__m256i*>(&sums[static_cast<size_t>(i) * kBlockCols + j0]);
            _mm256_storeu_si256(to, acc[i][0]);
            _mm256_storeu_si256(to + 1, acc[i][1]);
        }
    }
    const uint32_t whole = tiled + ((cols - tiled) & ~7u);
    for (uint32_t kk = 0; kk < k2 && tiled < cols; ++kk) {
        for (uint32_t i = 0; i < rows; ++i) {
            const uint32_t ai = a[static_cast<size_t>(m0 + i) * k2 + kk];
            const __m256i av = _mm256_set1_epi32(static_cast<int32_t>(ai));
            uint32_t* sum = &sums[static_cast<size_t>(i) * kBlockCols];
            for (uint32_t j = tiled; j < whole; j += 8) {   // (8 columns stay inside a strip)
                const __m256i bv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&b[p.at(kk, n0 + j)]));
                __m256i* to = reinterpret_cast<__m256i*>(sum + j);
                _mm256_storeu_si256(to, _mm256_add_epi32(_mm256_loadu_si256(to), _mm256_madd_epi16(bv, av)));
            }
            const auto a0 = static_cast<uint32_t>(static_cast<int16_t>(ai & 0xffff));
            const auto a1 = static_cast<uint32_t>(static_cast<int16_t>(ai >> 16));
            for (uint32_t j = whole; j < cols; ++j) {
                const int16_t* pair = &b[p.at(kk, n0 + j)];
                sum[j] += a0 * static_cast<uint32_t>(pair[0]) + a1 * static_cast<uint32_t>(pair[1]);
            }
        }
    }
}

// The same on AVX-512BW: 16 columns a vector register, so a whole strip's pairs are one load
// and each row of the block one multiply-add a pair of k; the columns left over (fewer than 16)
// and blocks of fewer rows go through pairs_block.
__attribute__((target("avx512f,avx512bw")))
void pairs_block_512(const Pairs& p, uint32_t m0, uint32_t n0, uint32_t rows, uint32_t cols, uint32_t* sums) {
    const uint32_t tiled = rows == kBlockRows ? cols & ~15u : 0;
    const std::vector<int16_t>& b = p.b;
    const std::vector<uint32_t>& a = p.a;
    for (uint32_t j0 = 0; j0 < tiled; j0 += 16) {
        __m512i acc[kBlockRows] = {};
        for (uint32_t kk = 0; kk < p.k2; ++kk) {
            const __m512i pairs = _mm512_loadu_si512(&b[p.at(kk, n0 + j0)]);
            for (uint32_t i = 0; i < kBlockRows; ++i) {
                const __m512i av = _mm512_set1_epi32(static_cast<int32_t>(a[static_cast<size_t>(m0 + i) * p.k2 + kk]));
                acc[i] = _mm512_add_epi32(acc[i], _mm512_madd_epi16(pairs, av));
            }
        }
        for (uint32_t i = 0; i < kBlockRows; ++i) _mm512_storeu_si512(&sums[static_cast<size_t>(i) * kBlockCols + j0], acc[i]);
    }
    if (tiled < cols) pairs_block(p, m0, n0 + tiled, rows, cols - tiled, sums + tiled);
}

std::vector<int32_t> gemm_pairs_avx2(const GemmRequest& r, unsigned acc_bits) {
    const GemmSize& g = r.size;
    Pairs p{g, (g.k + 1) / 2, {}, {}};
    p.b.assign(p.at(0, (g.n + Pairs::kStrip - 1) / Pairs::kStrip * Pairs::kStrip), 0);
    for (uint32_t k = 0; k < g.k; ++k) {
        const int32_t* row = &r.b[static_cast<size_t>(k) * g.n];
        for (uint32_t j = 0; j < g.n; ++j) p.b[p.at(k / 2, j) + (k & 1)] = static_cast<int16_t>(row[j]);
    }
    p.a.assign(static_cast<size_t>(g.m) * p.k2, 0);
    for (uint32_t i = 0; i < g.m; ++i) {
        for (uint32_t k = 0; k < g.k; ++k) {
            const auto half = static_cast<uint16_t>(r.a[static_cast<size_t>(i) * g.k + k]);
            p.a[static_cast<size_t>(i) * p.k2 + k / 2] |= uint32_t{half} << (16 * (k & 1));
        }
    }
    static const bool avx512bw = __builtin_cpu_supports("avx512bw");
    const bool wide = avx512bw && reference_gemm_avx512;
    return blocked_gemm(g, acc_bits, [&](uint32_t m0, uint32_t n0, uint32_t rows, uint32_t cols, uint32_t* sums) {
        if (wide) {
            pairs_block_512(p, m0, n0, rows, cols, sums);
        } else {
            pairs_block(p, m0, n0, rows, cols, sums);
        }
    });
}

bool fits_16_bits(const std::vector<int32_t>& words) {
    return std::all_of(words.begin(), words.end(), [](int32_t x) { return x >= -32768 && x <= 32767; });
}

}  // namespace

std::vector<int32_t> reference_gemm(const GemmRequest& r, unsigned acc_bits) {
    if (__builtin_cpu_supports("avx2") && fits_16_bits(r.a) && fits_16_bits(r.b)) return gemm_pairs_avx2(r, acc_bits);
    return gemm_words(r, acc_bits);
}

RtlDesign systolic_design(const ArrayShape& s) {
    return RtlDesign{"systolic", "systolic-" + s.key(),
                     {{"Rows", s.rows}, {"Cols", s.cols}, {"InBits", s.in_bits}, {"AccBits", s.acc_bits},
                      {"BufAddrBits", s.buffer_addr_bits}, {"DramLanes", s.dram_lanes}},
                     "systolic_rtl_adapter.cpp",
                     {"systolic/systolic_types.h", "common/config.h"},
                     // The grid is loops over arrays (rtl/systolic/pe_array.sv), little code:
                     // -O2 compiles it 15% (16x16) to 50% (32x32) longer than -O1 and runs it
                     // 1.3 to 1.4 times as fast.
                     "-O2"};
}

namespace {

// The array plugged into the lock-step driver (cosim/driver.h lists what a design provides).
class SystolicDesign {
public:
    using Device = SystolicDevice;
    using Trace = trace::SystolicTrace;

    // One engine behind its host port, stepped one clock edge at a time.
    class Bench {
    public:
        Bench(Device& device, const SystolicDesign& design) : device_(device) {
            snapshot_.resize(design.shape_);
            previous_.resize(design.shape_);
        }

        void edge(uint64_t = 0) {
            device_.tick(inputs_);
            std::swap(previous_, snapshot_);
            device_.observe(snapshot_);
        }
        SystolicInputs& inputs() { return inputs_; }
        const SystolicSnapshot& snapshot() const { return snapshot_; }
        const SystolicSnapshot& previous() const { return previous_; }   // state during the cycle that ended
        Device& device() { return device_; }
        void observe() { device_.observe(snapshot_); }   // after the device was changed behind our back

    private:
        Device& device_;
        SystolicInputs inputs_;
        SystolicSnapshot snapshot_, previous_;
    };

    SystolicDesign(const Config& config, const GemmRequest& request, const GemmOptions& options)
        : config_(config), request_(request), options_(options), shape_(ArrayShape::from(config.systolic)),
          map_(request.dataflow, request.size, shape_.rows, shape_.cols) {}

    // One model per shape serves every run of the process, and its buffers, like the RTL's,
    // have no reset. In lock-step, where the end compares every buffer word with a freshly made
    // RTL's, it starts with zeroed buffers too; alone, words outside this GEMM are never read.
    Device& model() {
        SystolicModel& model = SystolicModel::instance(shape_);
        if (options_.engine == Engine::Cosim) {
            for (auto* buffer : {&model.top().a, &model.top().b, &model.top().c}) *buffer = ZeroedWords(buffer->size());
        }
        return model;
    }
    std::unique_ptr<Device> rtl(const std::string& vcd) { return make_rtl<Device>(systolic_design(shape_), vcd); }
    const char* vcd_name() const { return "systolic.vcd"; }
    std::unique_ptr<Trace> trace(const std::string& dir) const {
        return std::make_unique<Trace>(dir, shape_, request_.dataflow, request_.size);
    }
    void record(Trace& trace, uint64_t cycle, const Bench& b) const { trace.record(cycle, b.previous(), b.snapshot()); }

    // First launch: reset, then A and B through the host port one word a cycle, then the
    // edge that samples start. A later one: start dropped for a cycle (DONE -> IDLE) first,
    // the buffers and PEs as the last GEMM left them.
    bool setup_step(Bench& b, unsigned launch, size_t step) {
        SystolicInputs& in = b.inputs();
        if (launch > 0) {
            if (step > 1) return false;
            if (step == 0) {   // once per launch, though every engine's bench steps through here
                if (launch_cycles_.size() < launch) launch_cycles_.push_back(run_cycles_);
                run_cycles_ = drain_cycles_ = 0;   // count the last launch
            }
            set_start(b, step == 1);
            b.edge();
            return true;
        }
        const size_t a = request_.a.size(), words = a + request_.b.size();
        if (step > words + 1) return false;
        in = SystolicInputs{};
        if (step == 0) {
            run_cycles_ = drain_cycles_ = 0;
            launch_cycles_.clear();   // a reset (--reset-at) abandons what ran before
            in.rst_n = false;
        } else if (step <= words) {
            const bool is_a = step <= a;
            in.host_we = true;
            in.host_sel = is_a ? HostSel::A : HostSel::B;
            in.host_addr = static_cast<uint32_t>(is_a ? step - 1 : step - 1 - a);
            in.host_wdata = is_a ? request_.a[in.host_addr] : request_.b[in.host_addr];
        } else {
            set_start(b, true);   // the edge that samples start
        }
        b.edge();
        return true;
    }
    void set_start(Bench& b, bool on) const {
        b.inputs().start = on;
        b.inputs().dataflow = request_.dataflow;
        b.inputs().size = request_.size;
    }
    // The model alone, untraced and unchanged, one launch: A and B land in the buffers
    // directly and the SystemC kernel clocks it until done.
    bool run_fast(Bench& b) {
        if (options_.launches != 1) return false;
        b.inputs() = SystolicInputs{};
        b.inputs().rst_n = false;
        b.edge();
        b.inputs().rst_n = true;
        Systolic& top = static_cast<SystolicModel&>(b.device()).top();
        std::copy(request_.a.begin(), request_.a.end(), top.a.begin());
        std::copy(request_.b.begin(), request_.b.end(), top.b.begin());
        set_start(b, true);
        top.run_cycles = top.drain_cycles = 0;
        static_cast<SystolicModel&>(b.device()).run_until_done(b.inputs(), options_.max_cycles + 1);   // +1: the edge that samples start
        if (top.controller.q.state != SaState::Done) {
            throw Error(fmt::format("GEMM did not finish within {} (raise --max-cycles or sim.max_cycles)",
                                    plural(options_.max_cycles, "cycle")));
        }
        run_cycles_ = top.run_cycles;
        drain_cycles_ = top.drain_cycles;
        return true;
    }
    unsigned launches() const { return options_.launches; }
    bool records_start_state() const { return false; }
    bool finished(const Bench& main) const { return main.snapshot().state == SaState::Done; }
    void after_edge(uint64_t, const Bench& main) {
        if (main.previous().state == SaState::Run) ++run_cycles_;
        if (main.previous().state == SaState::Drain) ++drain_cycles_;
    }
    void check(uint64_t, const Bench&) const {}
    // Drop start (back to StIdle) so that C can be read through the host port.
    void epilogue(Bench& b) const {
        set_start(b, false);
        b.edge();
    }

    std::optional<Mismatch> compare(const Bench& rtl, const Bench& model) const {
        auto m = compare_systolic(rtl.snapshot(), model.snapshot(), shape_.cols);
        if (m) m->in_flight = in_flight(rtl);
        return m;
    }
    // Every word of the three buffers, C first: a stray write anywhere shows.
    std::optional<Mismatch> compare_final(Bench& rtl, Bench& model) const {
        const uint32_t size = uint32_t{1} << shape_.buffer_addr_bits;
        for (const auto& [sel, unit] : {std::pair{HostSel::C, "c_buffer"}, {HostSel::A, "a_buffer"}, {HostSel::B, "b_buffer"}}) {
            for (uint32_t i = 0; i < size; ++i) {
                const int32_t r = rtl.device().host_read(sel, i), m = model.device().host_read(sel, i);
                if (r != m) return difference(unit, fmt::format("[{}]", i), std::to_string(r), std::to_string(m), "after the run");
            }
        }
        return std::nullopt;
    }
    std::string in_flight(const Bench& b) const {
        const SystolicSnapshot& during = b.previous();
        return fmt::format("fold {} cycle {} of {} ({})", during.fold, during.t, map_.fold_length,
                           trace::phase_name(trace::phase_of(during, map_)));
    }
    void inject(Device& model, const PeFault& f) const {
        static_cast<SystolicModel&>(model).top().array.overwrite(f.row, f.col, f.signal, f.value);
    }
    std::string runaway(uint64_t max_cycles, const Bench&) const {
        return fmt::format("GEMM did not finish within {} (raise --max-cycles or sim.max_cycles)",
                           plural(max_cycles, "cycle"));
    }

    GemmResult finish(const Outcome& outcome, Bench& main, Trace& trace) const {
        GemmResult result;
        result.engine = outcome.engine;
        result.cycles = run_cycles_;
        result.launch_cycles = launch_cycles_;
        result.launch_cycles.push_back(run_cycles_);
        result.stopped = outcome.stopped;
        result.drain_cycles = drain_cycles_;
        result.first_mismatch = outcome.first_mismatch;
        result.mismatches = outcome.first_mismatch ? 1 : 0;
        result.mac_count = outcome.fast ? 0 : trace.mac_count();
        result.c.resize(options_.read_back ? words() : 0);
        for (uint32_t i = 0; i < result.c.size(); ++i) result.c[i] = main.device().host_read(HostSel::C, i);
        result.result_ok = options_.check_result && result.c == reference_gemm(request_, shape_.acc_bits);
        add_figures(result, request_, shape_);
        if (!outcome.fast) {
            nlohmann::json summary = to_json(result, config_.systolic, request_);
            if (result.first_mismatch) summary["first_mismatch"]["record"] = outcome.mismatch_record;
            trace.finish(summary);
        }
        return result;
    }

private:
    uint32_t words() const { return request_.size.m * request_.size.n; }

    const Config& config_;
    const GemmRequest& request_;
    const GemmOptions& options_;
    ArrayShape shape_;
    Mapping map_;
    uint64_t run_cycles_ = 0, drain_cycles_ = 0;
    std::vector<uint64_t> launch_cycles_;   // run cycles of the launches before the current one
};

}  // namespace

GemmResult run_gemm(const Config& config, const GemmRequest& request, const GemmOptions& options) {
    check_gemm(config.systolic, request.size);
    GemmOptions run = options;
    if (!run.max_cycles) run.max_cycles = config.sim.max_cycles;
    SystolicDesign design(config, request, run);
    return Driver<SystolicDesign>::run(design, run);
}

namespace {

// Where a GEMM splits into runs of whole tiles that do not depend on each other: the array's
// columns hold N (os, ws) or M (is), and each fold works on one tile of them; os's rows hold
// M, and each os fold makes its own tile of C, so os takes whichever has more tiles.
struct SplitAxis {
    bool rows;                        // rows of A and C (M), else columns of B and C (N)
    uint32_t tile, tiles, extent;     // the tile's length, how many, and M or N
};

SplitAxis split_axis(const GemmRequest& whole, const ArrayShape& shape) {
    const Mapping map(whole.dataflow, whole.size, shape.rows, shape.cols);
    if (whole.dataflow == Dataflow::Os && map.row_tiles > map.col_tiles) {
        return {true, shape.rows, map.row_tiles, whole.size.m};
    }
    return {whole.dataflow == Dataflow::Is, shape.cols, map.col_tiles, map.cols_dim};
}

}  // namespace

unsigned gemm_parts(const GemmRequest& whole, const ArrayShape& shape, unsigned parts) {
    return std::clamp<unsigned>(parts, 1, split_axis(whole, shape).tiles);
}

GemmPart gemm_part(const GemmRequest& whole, const ArrayShape& shape, unsigned parts, unsigned index) {
    const SplitAxis axis = split_axis(whole, shape);
    parts = gemm_parts(whole, shape, parts);
    const uint32_t first = static_cast<uint32_t>(uint64_t{axis.tiles} * index / parts) * axis.tile;
    const uint32_t end = std::min(axis.extent, static_cast<uint32_t>(uint64_t{axis.tiles} * (index + 1) / parts) * axis.tile);
    const GemmSize& g = whole.size;
    GemmPart part;
    part.first = first;
    part.rows = axis.rows;
    part.request.dataflow = whole.dataflow;
    if (axis.rows) {   // rows of A
        part.request.size = {end - first, g.k, g.n};
        part.request.a.assign(whole.a.begin() + static_cast<ptrdiff_t>(uint64_t{first} * g.k),
                              whole.a.begin() + static_cast<ptrdiff_t>(uint64_t{end} * g.k));
        part.request.b = whole.b;
    } else {   // columns of B
        part.request.size = {g.m, g.k, end - first};
        part.request.a = whole.a;
        part.request.b.reserve(uint64_t{g.k} * (end - first));
        for (uint32_t k = 0; k < g.k; ++k) {
            const auto row = whole.b.begin() + static_cast<ptrdiff_t>(uint64_t{k} * g.n);
            part.request.b.insert(part.request.b.end(), row + first, row + end);
        }
    }
    return part;
}

std::vector<GemmPart> split_gemm(const GemmRequest& whole, const ArrayShape& shape, unsigned parts) {
    std::vector<GemmPart> out;
    for (unsigned p = 0, n = gemm_parts(whole, shape, parts); p < n; ++p) out.push_back(gemm_part(whole, shape, n, p));
    return out;
}

void place_part(const GemmRequest& whole, const GemmPart& part, const std::vector<int32_t>& part_c, int32_t* whole_c) {
    const GemmSize& p = part.request.size;
    if (part.rows) {   // rows first .. first + M of the whole C
        std::copy(part_c.begin(), part_c.end(), whole_c + uint64_t{part.first} * whole.size.n);
        return;
    }
    for (uint32_t m = 0; m < p.m; ++m) {   // columns first .. first + N of each row
        std::copy_n(part_c.begin() + static_cast<ptrdiff_t>(uint64_t{m} * p.n), p.n,
                    whole_c + uint64_t{m} * whole.size.n + part.first);
    }
}

GemmResult merge_parts(const GemmRequest& whole, const ArrayShape& shape, const std::vector<GemmResult>& parts,
                       std::vector<int32_t> c) {
    GemmResult r;
    r.engine = Engine::Model;
    r.result_ok = !parts.empty();
    for (const GemmResult& part : parts) {
        r.cycles += part.cycles;
        r.result_ok = r.result_ok && part.result_ok;
    }
    r.launch_cycles = {r.cycles};
    r.drain_cycles = parts.empty() ? 0 : parts.back().drain_cycles;   // after the last fold, which is the last part's
    r.c = std::move(c);
    add_figures(r, whole, shape);
    return r;
}

nlohmann::json to_json(const GemmResult& r, const SystolicConfig& array, const GemmRequest& request) {
    const nlohmann::json mismatch = to_json(r.first_mismatch);
    return {
        {"engine", name(r.engine)},
        {"rows", array.rows},
        {"cols", array.cols},
        {"dataflow", name(request.dataflow)},
        {"m", request.size.m},
        {"k", request.size.k},
        {"n", request.size.n},
        {"cycles", r.cycles},
        {"launch_cycles", r.launch_cycles},
        {"stopped", r.stopped},
        {"folds", r.folds},
        {"cycles_per_fold", r.cycles_per_fold},
        {"drain_cycles", r.drain_cycles},
        {"load_cycles", r.load_cycles},
        {"unload_cycles", r.unload_cycles},
        {"utilisation", r.utilisation ? nlohmann::json(*r.utilisation) : nlohmann::json(nullptr)},
        {"mapping_efficiency", r.mapping_efficiency},
        {"result_ok", r.result_ok},
        {"mismatches", r.mismatches},
        {"first_mismatch", mismatch},
    };
}

}  // namespace lockstep::cosim
