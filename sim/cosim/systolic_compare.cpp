#include "cosim/systolic_compare.h"

#include <fmt/format.h>

namespace lockstep::cosim {

using namespace systolic;

namespace {

std::string show_access(const PortAccess& a) {
    return a.valid ? fmt::format("@{} = {}", a.addr, a.data) : std::string("idle");
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
    return c.found;
}

}  // namespace lockstep::cosim
