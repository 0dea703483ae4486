// Adapter from the Verilated `systolic` to SystolicDevice. Compiled once per array shape
// into a shared library by rtl_cache.cpp (the shape arrives as LS_* macros).
#include "Vsystolic.h"

#include "cosim/verilated_bits.h"
#include "cosim/verilated_top.h"
#include "systolic/systolic_types.h"

#include <memory>
#include <type_traits>

#ifndef LS_Rows
#error "compile with the array shape: -DLS_Rows=... (see rtl_cache.cpp)"
#endif

namespace {

using namespace lockstep::systolic;
using lockstep::RtlStop;
using lockstep::sign_extend;
using lockstep::cosim::get;
using lockstep::cosim::set;

constexpr unsigned kRows = LS_Rows, kCols = LS_Cols, kIn = LS_InBits, kAcc = LS_AccBits, kAddr = LS_BufAddrBits;
constexpr unsigned kPes = kRows * kCols;

// One per-PE port into a snapshot field, sign-extended if the field is signed: a loop per
// field over storage that does not overlap (restrict) is a copy the compiler vectorises.
template <typename Word, typename T>
void read_pes(const Word* __restrict port, unsigned bits, T* __restrict field) {
    for (unsigned p = 0; p < kPes; ++p) {
        const uint32_t raw = get(port[p], 0, bits);
        field[p] = std::is_signed_v<T> ? sign_extend(raw, bits) : static_cast<T>(raw);
    }
}

class RtlSystolic final : public SystolicDevice {
public:
    explicit RtlSystolic(const char* vcd_path) : top_("systolic", vcd_path) {}

    void tick(const SystolicInputs& in) override {
        top_->rst_ni = in.rst_n;
        top_->start_i = in.start;
        top_->dataflow_i = static_cast<uint8_t>(in.dataflow);
        top_->m_i = static_cast<uint16_t>(in.size.m);
        top_->k_i = static_cast<uint16_t>(in.size.k);
        top_->n_i = static_cast<uint16_t>(in.size.n);
        top_->host_we_i = in.host_we;
        top_->host_sel_i = static_cast<uint8_t>(in.host_sel);
        set(top_->host_addr_i, 0, kAddr, in.host_addr);
        set(top_->host_wdata_i, 0, kAcc, static_cast<uint32_t>(in.host_wdata));
        top_.edge();
    }

    const RtlStop* stopped() const override { return top_.stopped(); }

    int32_t host_read(HostSel sel, uint32_t addr) override {
        top_->host_we_i = 0;
        top_->host_sel_i = static_cast<uint8_t>(sel);
        set(top_->host_addr_i, 0, kAddr, addr);
        top_->eval();
        return sign_extend(get(top_->host_rdata_o, 0, kAcc), kAcc);
    }

    void observe(SystolicSnapshot& s) const override {
        const Vsystolic& t = *top_;
        s.state = static_cast<SaState>(get(t.dbg_state_o, 0, 2));
        s.fold = get(t.dbg_fold_o, 0, 32);
        s.t = get(t.dbg_t_o, 0, 32);
        read_pes(&t.dbg_h_o[0], kIn, s.h.data());
        read_pes(&t.dbg_v_o[0], kAcc, s.v.data());
        read_pes(&t.dbg_acc_o[0], kAcc, s.acc.data());
        read_pes(&t.dbg_w_o[0], kIn, s.w.data());
        read_pes(&t.dbg_hv_o[0], 1, s.hv.data());
        read_pes(&t.dbg_vv_o[0], 1, s.vv.data());
        read_pes(&t.dbg_wv_o[0], 1, s.wv.data());
        read_pes(&t.dbg_mac_o[0], 1, s.mac.data());
        for (unsigned i = 0; i < kRows; ++i) {
            s.left[i] = PortAccess{get(t.dbg_left_valid_o[i], 0, 1) != 0, get(t.dbg_left_addr_o[i], 0, kAddr), 0};
        }
        for (unsigned j = 0; j < kCols; ++j) {
            s.top[j] = PortAccess{get(t.dbg_top_valid_o[j], 0, 1) != 0, get(t.dbg_top_addr_o[j], 0, kAddr), 0};
            s.out[j] = PortAccess{get(t.dbg_out_valid_o[j], 0, 1) != 0, get(t.dbg_out_addr_o[j], 0, kAddr),
                                  sign_extend(get(t.dbg_out_data_o[j], 0, kAcc), kAcc)};
        }
    }

private:
    lockstep::cosim::VerilatedTop<Vsystolic> top_;
};

}  // namespace

extern "C" SystolicDevice* lockstep_make_rtl(const char* vcd_path) { return new RtlSystolic(vcd_path); }
