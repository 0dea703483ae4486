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
enum class SqState : uint8_t { Idle = 0, Run = 1, Done = 2 };   // the stream sequencer's

const char* name(Dataflow d);
const char* name(SaState s);
const char* name(SqState s);
std::optional<Dataflow> dataflow_from_name(const std::string& text);

// The array's shape (RTL parameters).
struct ArrayShape {
    unsigned rows = 4, cols = 4, in_bits = 8, acc_bits = 32, buffer_addr_bits = 14, dram_lanes = 4;
    static ArrayShape from(const SystolicConfig& config);
    std::string key() const;          // "r4_c4_i8_a32_b14_l4"
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

// A streamed layer: the job's fields (docs/systolic.md, "Streamed layers").
struct StreamJob {
    Dataflow dataflow = Dataflow::Os;
    uint32_t m = 1, k = 1, n = 1;                 // the layer's GEMM
    uint32_t mt = 1, kt = 1, nt = 1;              // tile sizes
    uint32_t iw = 1, ch = 1, ew = 1, fw = 1, sh = 1, sw = 1;   // conv geometry of A's im2col
    uint32_t ifmap_base = 0, filter_base = 0, ofmap_base = 0;  // DRAM word addresses
    uint32_t half_a = 1, half_b = 1, half_c = 1;  // SRAM half sizes in words
    uint32_t lanes = 1;                           // DRAM words per cycle on each interface
    bool operator==(const StreamJob& o) const;
};

// Where the array reads and writes: the SRAM halves of the stream sequencer's compute tile
// (all 0 for a host-port GEMM).
struct ArrayWindow {
    uint32_t a_base = 0, b_base = 0, c_base = 0;
    bool accumulate = false;          // add to the C words it overwrites (a later k tile)
};

// One DRAM lane in one cycle: a read request (addr, tag), a read response (tag, data) or a
// write (addr, data). Unused fields are 0.
struct DramLane {
    bool valid = false;
    uint32_t addr = 0;
    uint32_t tag = 0;                 // SRAM word the response goes to
    int32_t data = 0;
    bool operator==(const DramLane& o) const {
        return valid == o.valid && addr == o.addr && tag == o.tag && data == o.data;
    }
};

struct TileOrigin {
    uint32_t m0 = 0, k0 = 0, n0 = 0;
    bool operator==(const TileOrigin& o) const { return m0 == o.m0 && k0 == o.k0 && n0 == o.n0; }
};

// A tile loader's or the storer's registers (the storer has no responses: returned stays 0).
struct MoverState {
    bool busy = false;
    uint32_t count = 0, issued = 0, returned = 0;
    std::vector<DramLane> lanes;      // requests (loaders) or writes (storer) of the cycle that ended
    bool operator==(const MoverState& o) const {
        return busy == o.busy && count == o.count && issued == o.issued && returned == o.returned && lanes == o.lanes;
    }
};

// The stream sequencer's registers and its three movers.
struct StreamSnapshot {
    SqState state = SqState::Idle;
    bool ld_valid = false, cp_valid = false;
    TileOrigin ld, cp;
    uint8_t ld_a_half = 0, ld_b_half = 0, a_last = 0, b_last = 0, cp_a_half = 0, cp_b_half = 0, c_half = 0;
    MoverState a_loader, b_loader, storer;
    bool operator==(const StreamSnapshot& o) const;
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
    StreamSnapshot stream;

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
    bool job_start = false;           // hold from SqIdle until the job is done
    StreamJob job;
    std::vector<DramLane> a_rsp, b_rsp;   // DRAM read responses for this edge (dram_lanes each)
};

// The SystemC model or the Verilated RTL of the array.
class SystolicDevice : public Device<SystolicInputs, SystolicSnapshot> {
public:
    virtual int32_t host_read(HostSel sel, uint32_t addr) = 0;   // combinational host port read
};


}  // namespace lockstep::systolic
