#include "cosim/compare.h"

namespace lockstep::cosim {

Mismatch assertion_mismatch(const RtlStop& stop) {
    Mismatch m;
    m.kind = "assertion";
    m.unit = stop.scope.empty() ? "rtl" : stop.scope;
    m.signal = stop.fatal ? "fatal" : stop.name;
    m.rtl = stop.message;
    m.where = stop.line ? fmt::format("{}:{}", stop.file, stop.line) : stop.file;
    return m;
}

nlohmann::json to_json(const std::optional<Mismatch>& m) {
    if (!m) return nullptr;
    nlohmann::json out = {{"kind", m->kind},   {"cycle", m->cycle}, {"unit", m->unit},
                          {"signal", m->signal}, {"rtl", m->rtl},     {"model", m->model},
                          {"in_flight", m->in_flight}, {"recent_trace", m->recent_trace}};
    if (m->kind == "assertion") {
        out["assertion"] = m->signal;
        out["where"] = m->where;
    }
    return out;
}

std::string format_report(const Mismatch& m) {
    std::string out;
    if (m.kind == "assertion") {
        out = fmt::format(
            "RTL ASSERTION FAILED at cycle {}\n"
            "  assertion: {}\n"
            "  where:     {} ({})\n",
            m.cycle, m.signal, m.where, m.unit);
        if (!m.rtl.empty()) out += fmt::format("  message:   {}\n", m.rtl);
    } else {
        out = fmt::format(
            "LOCK-STEP MISMATCH at cycle {}\n"
            "  unit:      {}\n"
            "  signal:    {}\n"
            "  RTL:       {}   (expected)\n"
            "  model:     {}   (got)\n",
            m.cycle, m.unit, m.signal, m.rtl, m.model);
    }
    if (!m.in_flight.empty()) out += fmt::format("  in flight: {}\n", m.in_flight);
    if (!m.recent_trace.empty()) {
        out += fmt::format("  last {} trace lines (model):\n", m.recent_trace.size());
        for (const std::string& line : m.recent_trace) out += "    " + line + "\n";
    }
    return out;
}

void check_pe_grid(Checker& c, const std::string& prefix, const PeGridView& rtl, const PeGridView& model,
                   unsigned cols, const std::string& flight) {
    auto bit = [](uint8_t v) { return std::to_string(v); };
    for (size_t p = 0; p < rtl.h.size() && !c.done(); ++p) {
        const std::string pe = fmt::format("{}pe({},{})", prefix, p / cols, p % cols);
        c.check(pe, "h", rtl.h[p], model.h[p], flight);
        c.check(pe, "h_valid", rtl.hv[p], model.hv[p], flight, bit);
        c.check(pe, "v", rtl.v[p], model.v[p], flight);
        c.check(pe, "v_valid", rtl.vv[p], model.vv[p], flight, bit);
        c.check(pe, "acc", rtl.acc[p], model.acc[p], flight);
        c.check(pe, "w", rtl.w[p], model.w[p], flight);
        c.check(pe, "w_valid", rtl.wv[p], model.wv[p], flight, bit);
        c.check(pe, "mac", rtl.mac[p], model.mac[p], flight, bit);
    }
}

}  // namespace lockstep::cosim
