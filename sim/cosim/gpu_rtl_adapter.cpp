// Adapter from the Verilated `gpu` to GpuDevice. Compiled once per GPU shape into a shared
// library by rtl_cache.cpp (the shape arrives as LS_* macros) and loaded with dlopen.
#include "Vgpu.h"

#include "common/bits.h"
#include "cosim/verilated_bits.h"
#include "cosim/verilated_top.h"
#include "gpu/gpu_types.h"

#include <memory>
#include <type_traits>

#ifndef LS_NumCores
#error "compile with the GPU shape: -DLS_NumCores=... (see rtl_cache.cpp)"
#endif

namespace {

using namespace lockstep;
using namespace lockstep::gpu;
using lockstep::cosim::get;
using lockstep::cosim::get_fields;
using lockstep::cosim::set;

constexpr unsigned kCores = LS_NumCores, kTpb = LS_ThreadsPerBlock, kDataChannels = LS_DataChannels,
                   kProgramChannels = LS_ProgramChannels, kDataBits = LS_DataBits, kPcBits = LS_ProgramAddrBits;
// Warps (docs/architecture.md, "Warps"): context x = w * kCores + c is warp w of core c; the
// per-core observation ports but the fetcher's are per context, the per-thread ports per
// context lane x * kTpb + t. With one warp a core the warp schedulers are not observed.
constexpr unsigned kWarps = LS_WarpsPerCore;
constexpr unsigned kContexts = kCores * kWarps;
constexpr unsigned kWBits = [] { unsigned b = 0; while ((1u << b) < kWarps) ++b; return b > 0 ? b : 1; }();
constexpr unsigned kThreads = kContexts * kTpb;
constexpr unsigned kCountBits = [] { unsigned b = 0; while ((1u << b) < kTpb) ++b; return b + 1; }();
// Tensor core (TcRows = 0: none; its ports then have one entry and read 0).
constexpr unsigned kTcRows = LS_TcRows, kTcCols = LS_TcCols, kTcIn = LS_TcInBits, kTcAcc = LS_TcAccBits;
constexpr bool kTensorCore = kTcRows > 0;
constexpr unsigned kTcA = kTensorCore ? kTcRows * kTcRows : 1, kTcPes = kTensorCore ? kTcRows * kTcCols : 1;
// Branch divergence (StackDepth = 0: none; program words are 16 bits and its ports have one
// entry per core that reads 0). A program word carries {exit, ipdom} above the instruction.
constexpr unsigned kStackDepth = LS_StackDepth;
constexpr bool kDivergence = kStackDepth > 0;
constexpr unsigned kProgWordBits = kDivergence ? 16 + kPcBits + 1 : 16;
constexpr unsigned kStackEntries = kDivergence ? kStackDepth : 1;
constexpr unsigned kSpBits = [] { unsigned b = 0; while ((1u << b) < kStackEntries + 1) ++b; return b; }();
// Coalescer (SegmentWords = 0: none): a data channel carries a segment of kSegWords words,
// word k of channel ch at bit (ch * kSegWords + k) * kDataBits, and a write mask of kSegWords bits.
constexpr unsigned kSegWords = LS_SegmentWords > 0 ? LS_SegmentWords : 1;
// Data cache (CacheSets = 0: none): data memory then has the cache's one channel instead of
// the controller's kDataChannels, and its lines k = set * ways + way are observed.
// Without a cache gpu_design passes no cache parameters and the RTL's defaults hold.
#ifndef LS_CacheSets
#define LS_CacheSets 0
#endif
#ifndef LS_CacheWays
#define LS_CacheWays 1
#endif
constexpr unsigned kCacheSets = LS_CacheSets, kCacheWays = LS_CacheWays;
constexpr bool kCache = kCacheSets > 0;
constexpr unsigned kMemChannels = kCache ? 1 : kDataChannels;
constexpr unsigned kCacheLines = kCache ? kCacheSets * kCacheWays : 1;
constexpr unsigned kAgeBits = [] { unsigned b = 0; while ((1u << b) < kCacheWays) ++b; return b > 0 ? b : 1; }();
constexpr unsigned kPortBits = [] { unsigned b = 0; while ((1u << b) < kDataChannels) ++b; return b > 0 ? b : 1; }();

// Core c's part of a core-major unpacked tensor-core port into a snapshot field, sign-extended
// if the field is signed.
template <typename Port, typename T>
void read_tc(const Port& port, unsigned first, unsigned bits, std::vector<T>& field) {
    for (size_t p = 0; p < field.size(); ++p) {
        const uint32_t raw = get(port[first + p], 0, bits);
        field[p] = std::is_signed_v<T> ? sign_extend(raw, bits) : static_cast<T>(raw);
    }
}

class RtlGpu final : public GpuDevice {
public:
    explicit RtlGpu(const char* vcd_path) : top_("gpu", vcd_path) {}

    void tick(const GpuInputs& in) override {
        top_->rst_ni = in.rst_n;
        top_->start_i = in.start;
        top_->dcr_we_i = in.dcr_we;
        top_->dcr_data_i = in.dcr_data;
        for (unsigned ch = 0; ch < kMemChannels; ++ch) {
            set(top_->data_read_ready_i, ch, 1, in.data[ch].read_ready);
            for (unsigned k = 0; k < kSegWords; ++k) {
                set(top_->data_read_data_i, (ch * kSegWords + k) * kDataBits, kDataBits,
                    static_cast<uint32_t>(in.data[ch].read_data >> (k * kDataBits)));
            }
            set(top_->data_write_ready_i, ch, 1, in.data[ch].write_ready);
        }
        if constexpr (kTensorCore) {
            for (unsigned c = 0; c < kCores; ++c) {
                const MemResponse& r = in.data[kMemChannels + c];
                set(top_->tc_read_ready_i, c, 1, r.read_ready);
                set(top_->tc_read_data_i, c * kDataBits, kDataBits, r.read_data);
                set(top_->tc_write_ready_i, c, 1, r.write_ready);
            }
        }
        for (unsigned ch = 0; ch < kProgramChannels; ++ch) {
            set(top_->prog_read_ready_i, ch, 1, in.program[ch].read_ready);
            set(top_->prog_read_data_i, ch * kProgWordBits, kProgWordBits, in.program[ch].read_data);
        }
        top_.edge();
    }

    const RtlStop* stopped() const override { return top_.stopped(); }

    void observe(GpuSnapshot& out) const override {
        const Vgpu& t = *top_;
        out.done = t.done_o;
        for (unsigned x = 0; x < kContexts; ++x) {
            CoreView& v = out.cores[x];
            v.state = static_cast<CoreState>(get(t.dbg_core_state_o, x * 3, 3));
            v.pc = get(t.dbg_core_pc_o, x * kPcBits, kPcBits);
            v.diverged = get(t.dbg_core_diverged_o, x, 1);
            v.start = get(t.dbg_core_start_o, x, 1);
            v.reset = get(t.dbg_core_reset_o, x, 1);
            v.block_id = get(t.dbg_core_block_o, x * 8, 8);
            v.thread_count = get(t.dbg_core_threads_o, x * kCountBits, kCountBits);
            v.fetcher = static_cast<FetcherState>(get(t.dbg_fetcher_state_o, (x % kCores) * 2, 2));
            v.instruction = static_cast<uint16_t>(get(t.dbg_instruction_o, x * 16, 16));
        }
        if constexpr (kWarps > 1) {
            for (unsigned c = 0; c < kCores; ++c) {
                WarpSchedulerView& w = out.warp_schedulers[c];
                w.owner_valid = get(t.dbg_warp_owner_valid_o, c, 1);
                w.owner = get(t.dbg_warp_owner_o, c * kWBits, kWBits);
                w.last = get(t.dbg_warp_last_o, c * kWBits, kWBits);
            }
        }
        for (unsigned i = 0; i < kThreads; ++i) {
            ThreadView& v = out.threads[i];
            v.lsu = static_cast<LsuState>(get(t.dbg_lsu_state_o, i * 2, 2));
            v.lsu_out = get(t.dbg_lsu_out_o, i * kDataBits, kDataBits);
            v.alu_out = get(t.dbg_alu_out_o, i * kDataBits, kDataBits);
            v.nzp = static_cast<uint8_t>(get(t.dbg_nzp_o, i * 3, 3));
            v.next_pc = get(t.dbg_next_pc_o, i * kPcBits, kPcBits);
            get_fields(t.dbg_regs_o, i * kRegisters * kDataBits, kDataBits, kRegisters, v.regs.data());
        }
        for (unsigned ch = 0; ch < kMemChannels; ++ch) {
            MemRequest& r = out.data_requests[ch];
            r.read_valid = get(t.data_read_valid_o, ch, 1);
            r.read_address = get(t.data_read_address_o, ch * kDataBits, kDataBits);
            r.write_valid = get(t.data_write_valid_o, ch, 1);
            r.write_address = get(t.data_write_address_o, ch * kDataBits, kDataBits);
            r.write_data = 0;
            for (unsigned k = 0; k < kSegWords; ++k) {
                r.write_data |= static_cast<uint64_t>(get(t.data_write_data_o, (ch * kSegWords + k) * kDataBits, kDataBits))
                                << (k * kDataBits);
            }
            r.write_mask = get(t.data_write_mask_o, ch * kSegWords, kSegWords);
        }
        for (unsigned ch = 0; ch < kProgramChannels; ++ch) {
            MemRequest& r = out.program_requests[ch];
            r.read_valid = get(t.prog_read_valid_o, ch, 1);
            r.read_address = get(t.prog_read_address_o, ch * kPcBits, kPcBits);
        }
        if constexpr (kTensorCore) observe_tensor_cores(t, out);
        if constexpr (kDivergence) observe_stacks(t, out);
        if constexpr (kCache) observe_cache(t, out.cache[0]);
    }

private:
    static void observe_cache(const Vgpu& t, CacheView& v) {
        v.state = static_cast<CacheState>(get(t.dbg_cache_state_o, 0, 3));
        v.port = get(t.dbg_cache_port_o, 0, kPortBits);
        v.addr = get(t.dbg_cache_addr_o, 0, kDataBits);
        v.way = get(t.dbg_cache_way_o, 0, kAgeBits);
        v.count = get(t.dbg_cache_count_o, 0, 5);
        v.hit = get(t.dbg_cache_hit_o, 0, 1);
        for (unsigned k = 0; k < kCacheLines; ++k) {
            v.valid[k] = static_cast<uint8_t>(get(t.dbg_cache_valid_o, k, 1));
            v.dirty[k] = static_cast<uint8_t>(get(t.dbg_cache_dirty_o, k, 1));
            v.tag[k] = get(t.dbg_cache_tag_o, k * kDataBits, kDataBits);
            v.age[k] = get(t.dbg_cache_age_o, k * kAgeBits, kAgeBits);
            v.data[k] = 0;
            for (unsigned j = 0; j < kSegWords; ++j) {
                v.data[k] |= static_cast<uint64_t>(get(t.dbg_cache_data_o, (k * kSegWords + j) * kDataBits, kDataBits))
                             << (j * kDataBits);
            }
        }
        v.hits = get(t.dbg_cache_hits_o, 0, 32);
        v.misses = get(t.dbg_cache_misses_o, 0, 32);
        v.evictions = get(t.dbg_cache_evictions_o, 0, 32);
        v.writebacks = get(t.dbg_cache_writebacks_o, 0, 32);
    }

    static void observe_stacks(const Vgpu& t, GpuSnapshot& out) {
        for (unsigned x = 0; x < kContexts; ++x) {
            CoreView& v = out.cores[x];
            v.active = get(t.dbg_core_active_o, x * kTpb, kTpb);
            v.reconv = get(t.dbg_core_reconv_o, x * (kPcBits + 1), kPcBits + 1);
            v.sp = get(t.dbg_core_sp_o, x * kSpBits, kSpBits);
            v.overflow = get(t.dbg_core_overflow_o, x, 1);
            for (unsigned i = 0; i < kStackDepth; ++i) {
                const unsigned e = x * kStackEntries + i;
                StackEntry& s = v.stack[i];
                s.pc = get(t.dbg_stack_pc_o, e * kPcBits, kPcBits);
                s.rpc = get(t.dbg_stack_rpc_o, e * (kPcBits + 1), kPcBits + 1);
                s.mask = get(t.dbg_stack_mask_o, e * kTpb, kTpb);
            }
        }
    }

    static void observe_tensor_cores(const Vgpu& t, GpuSnapshot& out) {
        for (unsigned c = 0; c < kCores; ++c) {
            MemRequest& r = out.data_requests[kMemChannels + c];
            r.read_valid = get(t.tc_read_valid_o, c, 1);
            r.read_address = get(t.tc_read_address_o, c * kDataBits, kDataBits);
            r.write_valid = get(t.tc_write_valid_o, c, 1);
            r.write_address = get(t.tc_write_address_o, c * kDataBits, kDataBits);
            r.write_data = get(t.tc_write_data_o, c * kDataBits, kDataBits);
            r.write_mask = 1;   // the tile port moves one word at a time

            TensorCoreView& v = out.tensor[c];
            v.state = static_cast<TcState>(get(t.dbg_tc_state_o, c * 3, 3));
            v.op = static_cast<TcOp>(get(t.dbg_tc_op_o, c * 3, 3));
            v.fault = static_cast<TcFault>(get(t.dbg_tc_fault_o, c * 2, 2));
            v.fault_thread = get(t.dbg_tc_fault_thread_o, c * 8, 8);
            v.t = get(t.dbg_tc_t_o, c * 8, 8);
            v.row = get(t.dbg_tc_row_o, c * 8, 8);
            v.col = get(t.dbg_tc_col_o, c * 8, 8);
            v.base = get(t.dbg_tc_base_o, c * kDataBits, kDataBits);
            v.stride = get(t.dbg_tc_stride_o, c * kDataBits, kDataBits);
            read_tc(t.dbg_tc_a_o, c * kTcA, kTcIn, v.a);
            read_tc(t.dbg_tc_b_o, c * kTcPes, kTcIn, v.b);
            read_tc(t.dbg_tc_acc_o, c * kTcPes, kTcAcc, v.acc);
            read_tc(t.dbg_tc_h_o, c * kTcPes, kTcIn, v.h);
            read_tc(t.dbg_tc_v_o, c * kTcPes, kTcAcc, v.v);
            read_tc(t.dbg_tc_pacc_o, c * kTcPes, kTcAcc, v.pacc);
            read_tc(t.dbg_tc_w_o, c * kTcPes, kTcIn, v.w);
            read_tc(t.dbg_tc_hv_o, c * kTcPes, 1, v.hv);
            read_tc(t.dbg_tc_vv_o, c * kTcPes, 1, v.vv);
            read_tc(t.dbg_tc_wv_o, c * kTcPes, 1, v.wv);
            read_tc(t.dbg_tc_mac_o, c * kTcPes, 1, v.mac);
        }
    }

    lockstep::cosim::VerilatedTop<Vgpu> top_;
};

}  // namespace

extern "C" lockstep::gpu::GpuDevice* lockstep_make_rtl(const char* vcd_path) {
    return new RtlGpu(vcd_path);
}
