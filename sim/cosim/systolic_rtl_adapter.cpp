// Adapter from the Verilated `systolic` to SystolicDevice. Compiled once per array shape
// into a shared library by rtl_cache.cpp (the shape arrives as LS_* macros).
#include "Vsystolic.h"

#include "cosim/verilated_bits.h"
#include "cosim/verilated_top.h"
#include "systolic/systolic_types.h"

#include <memory>
#include <type_traits>
#include <vector>

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
constexpr unsigned kLanes = LS_DramLanes;
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

// One DRAM read interface's responses into its ports; lanes the harness left out are idle.
template <typename Valid, typename Tag, typename Data>
void drive_responses(const std::vector<DramLane>& rsp, Valid& valid, Tag& tag, Data& data) {
    for (unsigned l = 0; l < kLanes; ++l) {
        const DramLane none{}, &r = l < rsp.size() ? rsp[l] : none;
        valid[l] = r.valid;
        set(tag[l], 0, kAddr, r.tag);
        set(data[l], 0, kIn, static_cast<uint32_t>(r.data));
    }
}

// A loader's registers and its DRAM read requests of the cycle that ended.
template <typename Valid, typename Addr, typename Tag>
void read_loader(MoverState& m, bool busy, uint32_t count, uint32_t issued, uint32_t returned, const Valid& valid,
                 const Addr& addr, const Tag& tag) {
    m.busy = busy;
    m.count = count;
    m.issued = issued;
    m.returned = returned;
    m.lanes.resize(kLanes);
    for (unsigned l = 0; l < kLanes; ++l) {
        m.lanes[l] = DramLane{get(valid[l], 0, 1) != 0, get(addr[l], 0, 32), get(tag[l], 0, kAddr), 0};
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
        const StreamJob& j = in.job;
        top_->job_start_i = in.job_start;
        top_->job_dataflow_i = static_cast<uint8_t>(j.dataflow);
        top_->job_m_i = j.m;
        top_->job_k_i = j.k;
        top_->job_n_i = j.n;
        top_->job_mt_i = static_cast<uint16_t>(j.mt);
        top_->job_kt_i = static_cast<uint16_t>(j.kt);
        top_->job_nt_i = static_cast<uint16_t>(j.nt);
        top_->job_iw_i = static_cast<uint16_t>(j.iw);
        top_->job_ch_i = static_cast<uint16_t>(j.ch);
        top_->job_ew_i = static_cast<uint16_t>(j.ew);
        top_->job_fw_i = static_cast<uint16_t>(j.fw);
        top_->job_sh_i = static_cast<uint16_t>(j.sh);
        top_->job_sw_i = static_cast<uint16_t>(j.sw);
        top_->job_ifmap_base_i = j.ifmap_base;
        top_->job_filter_base_i = j.filter_base;
        top_->job_ofmap_base_i = j.ofmap_base;
        set(top_->job_half_a_i, 0, kAddr, j.half_a);
        set(top_->job_half_b_i, 0, kAddr, j.half_b);
        set(top_->job_half_c_i, 0, kAddr, j.half_c);
        top_->job_lanes_i = static_cast<uint8_t>(j.lanes);
        drive_responses(in.a_rsp, top_->dram_a_rsp_valid_i, top_->dram_a_rsp_tag_i, top_->dram_a_rsp_data_i);
        drive_responses(in.b_rsp, top_->dram_b_rsp_valid_i, top_->dram_b_rsp_tag_i, top_->dram_b_rsp_data_i);
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
        observe_stream(t, s.stream);
    }

private:
    static void observe_stream(const Vsystolic& t, StreamSnapshot& s) {
        s.state = static_cast<SqState>(get(t.dbg_sq_state_o, 0, 2));
        s.ld_valid = t.dbg_sq_ld_valid_o != 0;
        s.ld = TileOrigin{t.dbg_sq_ld_m0_o, t.dbg_sq_ld_k0_o, t.dbg_sq_ld_n0_o};
        s.ld_a_half = t.dbg_sq_ld_a_half_o;
        s.ld_b_half = t.dbg_sq_ld_b_half_o;
        s.a_last = t.dbg_sq_a_last_o;
        s.b_last = t.dbg_sq_b_last_o;
        s.cp_valid = t.dbg_sq_cp_valid_o != 0;
        s.cp = TileOrigin{t.dbg_sq_cp_m0_o, t.dbg_sq_cp_k0_o, t.dbg_sq_cp_n0_o};
        s.cp_a_half = t.dbg_sq_cp_a_half_o;
        s.cp_b_half = t.dbg_sq_cp_b_half_o;
        s.c_half = t.dbg_sq_c_half_o;
        read_loader(s.a_loader, t.dbg_a_busy_o != 0, t.dbg_a_count_o, t.dbg_a_issued_o, t.dbg_a_returned_o,
                    t.dram_a_req_valid_o, t.dram_a_req_addr_o, t.dram_a_req_tag_o);
        read_loader(s.b_loader, t.dbg_b_busy_o != 0, t.dbg_b_count_o, t.dbg_b_issued_o, t.dbg_b_returned_o,
                    t.dram_b_req_valid_o, t.dram_b_req_addr_o, t.dram_b_req_tag_o);
        MoverState& st = s.storer;
        st.busy = t.dbg_c_busy_o != 0;
        st.count = t.dbg_c_count_o;
        st.issued = t.dbg_c_issued_o;
        st.returned = 0;
        st.lanes.resize(kLanes);
        for (unsigned l = 0; l < kLanes; ++l) {
            st.lanes[l] = DramLane{get(t.dram_c_wr_valid_o[l], 0, 1) != 0, get(t.dram_c_wr_addr_o[l], 0, 32), 0,
                                   sign_extend(get(t.dram_c_wr_data_o[l], 0, kAcc), kAcc)};
        }
    }

    lockstep::cosim::VerilatedTop<Vsystolic> top_;
};

}  // namespace

extern "C" SystolicDevice* lockstep_make_rtl(const char* vcd_path) { return new RtlSystolic(vcd_path); }
