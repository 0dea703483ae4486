// The systolic array as a design of the lock-step driver: runs one GEMM on the model, the
// RTL, or both in lock-step.
#pragma once

#include "common/config.h"
#include "cosim/compare.h"
#include "cosim/driver.h"
#include "cosim/rtl_cache.h"
#include "systolic/systolic_types.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::cosim {

struct GemmRequest {
    systolic::Dataflow dataflow = systolic::Dataflow::Ws;
    systolic::GemmSize size;
    std::vector<int32_t> a, b;        // row-major M x K and K x N
};

// Overwrites one model PE register after a cycle, to prove the comparator catches it.
struct PeFault {
    uint64_t cycle = 0;
    unsigned row = 0, col = 0;
    std::string signal;               // h, v, acc, w
    int32_t value = 0;
};

// launches > 1: start drops after done and the GEMM runs again on what the buffers hold.
struct GemmOptions : DriverOptions<PeFault> {
    bool check_result = true;         // compare C with a plain GEMM (benchmarks skip it)
    bool read_back = true;            // read C through the host port afterwards
};

struct GemmResult {
    Engine engine = Engine::Cosim;
    uint64_t cycles = 0;              // compute cycles (StRun) of the last launch, SCALE-Sim's figure
    std::vector<uint64_t> launch_cycles;   // the same, per launch (the last one cut short when stopped)
    bool stopped = false;             // a mismatch stopped it: cycles are those that ran
    uint64_t drain_cycles = 0;        // os: output drain after the last fold (StDrain)
    uint64_t load_cycles = 0;         // host-port cycles writing A and B (one word a cycle)
    uint64_t unload_cycles = 0;       // host-port cycles reading C
    uint64_t folds = 0;
    uint32_t cycles_per_fold = 0;
    std::optional<double> utilisation;   // M*N*K / (cycles * R * C); none when stopped
    double mapping_efficiency = 0;
    std::vector<int32_t> c;           // row-major M x N
    bool result_ok = false;           // C equals a plain GEMM of A and B
    uint64_t mismatches = 0;
    std::optional<Mismatch> first_mismatch;
    uint64_t mac_count = 0;           // real MACs counted in the trace (0 without one)
};

// Checks sizes against the array's buffers; throws lockstep::Error naming what does not fit.
void check_gemm(const SystolicConfig& config, const systolic::GemmSize& size);

// A plain int32 (acc_bits, wrapping) GEMM.
std::vector<int32_t> reference_gemm(const GemmRequest& request, unsigned acc_bits);
// Whether reference_gemm may use AVX-512BW where the machine has it: on by default; tests turn
// it off to check its AVX2 path on such a machine too.
inline bool reference_gemm_avx512 = true;

GemmResult run_gemm(const Config& config, const GemmRequest& request, const GemmOptions& options);

nlohmann::json to_json(const GemmResult& result, const SystolicConfig& array, const GemmRequest& request);

// One GEMM as GEMMs of whole tiles, for several processes (`lockstep gemm --jobs`): the
// array's columns hold N (os, ws) or M (is), and a part takes a run of column tiles, so its
// own GEMM has the whole one's fold length and its folds are the whole one's folds of those
// tiles; os, whose folds each make a tile of C of their own, splits its row tiles (M) instead
// when it has more of them. The parts' cycles add up to the whole GEMM's, and their C's are
// its C's columns or rows.
struct GemmPart {
    GemmRequest request;
    bool rows = false;                // it has rows of A and C, else columns of B and C
    uint32_t first = 0;               // the whole GEMM's first row or column it has
};
// At most `parts` parts (no more than the tiles), as even as whole tiles allow, in order: how
// many, part `index` of them, and all of them.
unsigned gemm_parts(const GemmRequest& whole, const systolic::ArrayShape& shape, unsigned parts);
GemmPart gemm_part(const GemmRequest& whole, const systolic::ArrayShape& shape, unsigned parts, unsigned index);
std::vector<GemmPart> split_gemm(const GemmRequest& whole, const systolic::ArrayShape& shape, unsigned parts);
// Writes a part's C (its own M x N) where it belongs in the whole GEMM's C (M x N).
void place_part(const GemmRequest& whole, const GemmPart& part, const std::vector<int32_t>& part_c, int32_t* whole_c);
// The whole GEMM's result, as its untraced model run gives it, from its parts' results (in
// split_gemm's order; their C's are not read) and its C.
GemmResult merge_parts(const GemmRequest& whole, const systolic::ArrayShape& shape,
                       const std::vector<GemmResult>& parts, std::vector<int32_t> c);

// The array's RTL at this shape, for the RTL cache.
RtlDesign systolic_design(const systolic::ArrayShape& shape);

}  // namespace lockstep::cosim
