#include "trace/systolic_trace.h"

#include "common/error.h"

#include <fmt/format.h>

#include <filesystem>
#include <iterator>

namespace lockstep::trace {

using namespace systolic;

const char* phase_name(Phase phase) {
    static const char* const names[] = {"idle", "preload", "fill", "steady", "drain", "done"};
    const auto i = static_cast<unsigned>(phase);
    return i < std::size(names) ? names[i] : "invalid";   // a damaged trace must not crash the reader
}

Phase phase_of(const SystolicSnapshot& during, const Mapping& map) {
    switch (during.state) {
    case SaState::Idle: return Phase::Idle;
    case SaState::Done: return Phase::Done;
    case SaState::Drain: return Phase::Drain;
    case SaState::Run: break;
    }
    if (during.t < map.preload) return Phase::Preload;
    const uint32_t s = during.t - map.preload;
    if (s >= map.stream) return Phase::Drain;   // no more vectors enter; the wavefront leaves
    const unsigned span = static_cast<unsigned>(during.left.size() + during.top.size()) - 2;   // R + C - 2
    return s < span ? Phase::Fill : Phase::Steady;
}

SystolicTrace::SystolicTrace(const std::string& dir, const ArrayShape& shape, Dataflow dataflow, const GemmSize& size)
    : dir_(dir), shape_(shape), map_(dataflow, size, shape.rows, shape.cols) {
    if (!dir_.enabled()) return;
    cycles_ = &dir_.open("cycles.csv");
    activity_ = &dir_.open("pe_activity.txt");
    left_ = &dir_.open("left_reads.csv");
    top_ = &dir_.open("top_reads.csv");
    out_ = &dir_.open("c_writes.csv");
    *cycles_ << "cycle,state,fold,t,phase,active_pes,utilisation_pct,cumulative_utilisation_pct\n";
    *activity_ << fmt::format("# rows {} cols {} dataflow {} m {} k {} n {}\n", shape.rows, shape.cols, name(dataflow),
                             size.m, size.k, size.n);
    *activity_ << "# per cycle: cycle, fold, phase, then each row's PEs: '#' MAC, 'o' moving operand, "
                 "'w' stationary operand only, '.' empty\n";
    auto header = [](std::ofstream& out, const char* port, unsigned count) {
        out << "cycle";
        for (unsigned i = 0; i < count; ++i) out << fmt::format(",{}{}", port, i);
        out << "\n";
    };
    header(*left_, "row", shape.rows);
    header(*top_, "col", shape.cols);
    header(*out_, "col", shape.cols);
    const nlohmann::json meta = {{"kind", "systolic"},  {"rows", shape.rows},        {"cols", shape.cols},
                                 {"dataflow", name(dataflow)}, {"m", size.m}, {"k", size.k}, {"n", size.n},
                                 {"folds", map_.folds()}, {"fold_length", map_.fold_length},
                                 {"preload", map_.preload}, {"stream", map_.stream}, {"in_bits", shape.in_bits},
                                 {"acc_bits", shape.acc_bits}, {"buffer_addr_bits", shape.buffer_addr_bits},
                                 {"predictor", kSystolicPredictor}};
    dir_.open_states(meta, systolic_field_count(shape));
    cycle_.after.resize(shape);
}

char SystolicTrace::pe_glyph(SaState during, const SystolicSnapshot& s, size_t p) {
    return pe_glyph(during == SaState::Run && s.mac[p] != 0, s.hv[p] || s.vv[p], s.wv[p] != 0);
}

uint64_t SystolicTrace::macs(SaState during, const SystolicSnapshot& after) {
    if (during != SaState::Run) return 0;
    uint64_t active = 0;
    for (uint8_t m : after.mac) active += m;
    return active;
}

void SystolicTrace::write_ports(std::ofstream& out, uint64_t cycle, const std::vector<PortAccess>& ports) {
    out << cycle;
    for (const PortAccess& p : ports) {
        if (p.valid) {
            out << ',' << p.addr;
        } else {
            out << ",-1";
        }
    }
    out << '\n';
}

void SystolicTrace::record(uint64_t cycle, const SystolicSnapshot& during, const SystolicSnapshot& after) {
    ++recorded_;
    const uint64_t active = macs(during.state, after);
    macs_ += active;
    const double pes = static_cast<double>(shape_.rows) * shape_.cols;
    const Phase phase = phase_of(during, map_);
    std::string line = fmt::format("cycle {:>6} | {:<5} fold {:>3} t {:>4} | {:<7} | {:>4}/{} PEs MAC |", cycle,
                                   name(during.state), during.fold, during.t, phase_name(phase), active,
                                   shape_.rows * shape_.cols);
    for (const PortAccess& p : after.out) line += p.valid ? fmt::format(" C@{}={}", p.addr, p.data) : "";
    recent_.push(cycle, line);
    if (!dir_.enabled()) return;
    *cycles_ << fmt::format("{},{},{},{},{},{},{:.2f},{:.2f}\n", cycle, name(during.state), during.fold, during.t,
                           phase_name(phase), active, 100.0 * active / pes,
                           100.0 * static_cast<double>(macs_) / (pes * static_cast<double>(recorded_)));
    if (cycle < kTextLogCycles) {   // one character per PE per cycle: long runs stop here
        std::string grid = fmt::format("{} {} {} ", cycle, during.fold, phase_name(phase));
        for (unsigned i = 0; i < shape_.rows; ++i) {
            if (i) grid += '/';
            for (unsigned j = 0; j < shape_.cols; ++j) grid += pe_glyph(during.state, after, static_cast<size_t>(i) * shape_.cols + j);
        }
        *activity_ << grid << '\n';
    } else if (cycle == kTextLogCycles) {
        *activity_ << fmt::format("# pe_activity.txt stops at cycle {} to stay small; states.bin and `lockstep step` "
                                 "cover every cycle\n", kTextLogCycles);
    }
    write_ports(*left_, cycle, after.left);
    write_ports(*top_, cycle, after.top);
    write_ports(*out_, cycle, after.out);
    cycle_.state = during.state;
    cycle_.fold = during.fold;
    cycle_.t = during.t;
    cycle_.phase = static_cast<uint32_t>(phase);
    cycle_.macs_so_far = macs_;
    cycle_.after = after;
    systolic_to_fields(cycle_, fields_);
    dir_.append(fields_);
}

void SystolicTrace::finish(const nlohmann::json& summary) {
    nlohmann::json out = summary;
    out["mac_count"] = macs_;
    out["last_cycle"] = recorded_ ? recorded_ - 1 : 0;   // records are cycles 0..last_cycle
    dir_.finish(out);
}

}  // namespace lockstep::trace
