// Shared vocabulary of the tensor core: dataflows, how a GEMM maps onto the array, the
// observable state both engines expose each cycle (docs/systolic.md).
#pragma once

#include "common/bits.h"
#include "common/config.h"
#include "common/device.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::systolic {

enum class Dataflow : uint8_t { Os = 0, Ws = 1, Is = 2 };
enum class SaState : uint8_t { Idle = 0, Run = 1, Drain = 2, Done = 3 };
enum class HostSel : uint8_t { A = 0, B = 1, C = 2 };   // which buffer the host port reaches

const char* name(Dataflow d);
const char* name(SaState s);
std::optional<Dataflow> dataflow_from_name(const std::string& text);

// The array's shape (RTL parameters).
struct ArrayShape {
    unsigned rows = 4, cols = 4, in_bits = 8, acc_bits = 32, buffer_addr_bits = 14;
    static ArrayShape from(const SystolicConfig& config);
    std::string key() const;          // "r4_c4_i8_a32_b14"
};

struct GemmSize {
    uint32_t m = 1, k = 1, n = 1;
};
inline constexpr Range kGemmDim{1, 65535};   // M, K and N each (the RTL's size registers are 16 bits)

// How a GEMM is laid over the array: the table in docs/systolic.md.
struct Mapping {
    Mapping(Dataflow dataflow, const GemmSize& size, unsigned rows, unsigned cols);
    uint32_t rows_dim, cols_dim;      // GEMM dimensions along array rows and columns
    uint32_t stream;                  // S: vectors streamed per fold
    uint32_t preload;                 // P: 0 (os) or rows (ws, is)
    uint32_t fold_length;             // L: cycles per fold
    uint32_t row_tiles, col_tiles;
    uint64_t folds() const { return static_cast<uint64_t>(row_tiles) * col_tiles; }
    // Mean over folds of the fraction of PEs mapped to real data.
    double mapping_efficiency(unsigned rows, unsigned cols) const;
};

// One buffer port's access in the cycle that ended.
struct PortAccess {
    bool valid = false;
    uint32_t addr = 0;
    int32_t data = 0;                 // out ports only
    bool operator==(const PortAccess& o) const { return valid == o.valid && addr == o.addr && data == o.data; }
};

// Everything both engines expose after a clock edge (PE index p = i * cols + j).
struct SystolicSnapshot {
    SaState state = SaState::Idle;
    uint32_t fold = 0, t = 0;
    std::vector<int32_t> h, v, acc, w;
    std::vector<uint8_t> hv, vv, wv, mac;
    std::vector<PortAccess> left, top, out;

    void resize(const ArrayShape& shape);
    bool operator==(const SystolicSnapshot& o) const;
};

// What the harness drives for the coming edge.
struct SystolicInputs {
    bool rst_n = true;
    bool start = false;
    Dataflow dataflow = Dataflow::Os;
    GemmSize size;
    bool host_we = false;
    HostSel host_sel = HostSel::A;
    uint32_t host_addr = 0;
    int32_t host_wdata = 0;
};

// The SystemC model or the Verilated RTL of the array.
class SystolicDevice : public Device<SystolicInputs, SystolicSnapshot> {
public:
    virtual int32_t host_read(HostSel sel, uint32_t addr) = 0;   // combinational host port read
};


}  // namespace lockstep::systolic
