#include "cosim/systolic_compare.h"

#include <fmt/format.h>

namespace lockstep::cosim {

using namespace systolic;

namespace {

std::string show_access(const PortAccess& a) {
    return a.valid ? fmt::format("@{} = {}", a.addr, a.data) : std::string("idle");
}

std::string show_tile(const TileOrigin& t) { return fmt::format("m0 {} k0 {} n0 {}", t.m0, t.k0, t.n0); }

std::string show_lane(const DramLane& l) {
    return l.valid ? fmt::format("@{} tag {} data {}", l.addr, l.tag, l.data) : std::string("idle");
}

// The stream sequencer's registers and its movers' (a streamed layer; all idle otherwise).
void compare_stream(Checker& c, const StreamSnapshot& r, const StreamSnapshot& m) {
    if (r == m) return;
    const char* seq = "stream_sequencer";
    c.check(seq, "state", r.state, m.state, "", [](SqState s) { return std::string(name(s)); });
    c.check(seq, "ld_valid", r.ld_valid, m.ld_valid);
    c.check(seq, "ld_tile", r.ld, m.ld, "", show_tile);
    c.check(seq, "ld_a_half", r.ld_a_half, m.ld_a_half);
    c.check(seq, "ld_b_half", r.ld_b_half, m.ld_b_half);
    c.check(seq, "a_last", r.a_last, m.a_last);
    c.check(seq, "b_last", r.b_last, m.b_last);
    c.check(seq, "cp_valid", r.cp_valid, m.cp_valid);
    c.check(seq, "cp_tile", r.cp, m.cp, "", show_tile);
    c.check(seq, "cp_a_half", r.cp_a_half, m.cp_a_half);
    c.check(seq, "cp_b_half", r.cp_b_half, m.cp_b_half);
    c.check(seq, "c_half", r.c_half, m.c_half);
    for (const auto& [unit, rm, mm] : {std::tuple{"a_loader", &r.a_loader, &m.a_loader},
                                       std::tuple{"b_loader", &r.b_loader, &m.b_loader},
                                       std::tuple{"tile_storer", &r.storer, &m.storer}}) {
        c.check(unit, "busy", rm->busy, mm->busy);
        c.check(unit, "count", rm->count, mm->count);
        c.check(unit, "issued", rm->issued, mm->issued);
        c.check(unit, "returned", rm->returned, mm->returned);
        for (size_t l = 0; l < rm->lanes.size() && l < mm->lanes.size(); ++l) {
            c.check(unit, fmt::format("lane{}", l), rm->lanes[l], mm->lanes[l], "", show_lane);
        }
    }
}

}  // namespace

std::optional<Mismatch> compare_systolic(const SystolicSnapshot& rtl, const SystolicSnapshot& model, unsigned cols) {
    if (rtl == model) return std::nullopt;   // the common case, without building any names
    Checker c;
    c.check("controller", "state", rtl.state, model.state, "", [](SaState s) { return std::string(name(s)); });
    c.check("controller", "fold", rtl.fold, model.fold);
    c.check("controller", "t", rtl.t, model.t);
    check_pe_grid(c, "", {rtl.h, rtl.hv, rtl.v, rtl.vv, rtl.acc, rtl.w, rtl.wv, rtl.mac},
                  {model.h, model.hv, model.v, model.vv, model.acc, model.w, model.wv, model.mac}, cols);
    auto ports = [&](const char* unit, const std::vector<PortAccess>& r, const std::vector<PortAccess>& m) {
        for (size_t i = 0; i < r.size(); ++i) c.check(fmt::format("{}{}", unit, i), "access", r[i], m[i], "", show_access);
    };
    ports("left_port", rtl.left, model.left);
    ports("top_port", rtl.top, model.top);
    ports("out_port", rtl.out, model.out);
    compare_stream(c, rtl.stream, model.stream);
    return c.found;
}

}  // namespace lockstep::cosim
