#include "trace/stream_trace.h"

#include "trace/state_file.h"
#include "trace/svg_charts.h"

#include <fmt/format.h>

#include <fstream>

namespace lockstep::trace {

using namespace systolic;

std::vector<uint32_t> StreamCycle::fields() const {
    return {sequencer, array, reason, active_pes, tile, dram[0], dram[1], dram[2], sram[0], sram[1], sram[2]};
}

StreamCycle StreamCycle::from(const std::vector<uint32_t>& f) {
    StreamCycle c;
    c.sequencer = f.at(0), c.array = f.at(1), c.reason = f.at(2), c.active_pes = f.at(3), c.tile = f.at(4);
    for (size_t i = 0; i < 3; ++i) c.dram[i] = f.at(5 + i), c.sram[i] = f.at(8 + i);
    return c;
}

StreamTrace::StreamTrace(const std::string& dir, const ArrayShape& shape, const StreamJob& job,
                         std::vector<std::string> reasons)
    : dir_(dir), shape_(shape), reasons_(std::move(reasons)) {
    if (!dir_.enabled()) return;
    log_ = &dir_.open("trace.log");
    csv_ = &dir_.open("stream.csv");
    *csv_ << "cycle,sequencer,array,reason,tile,active_pes,utilisation_pct,dram_ifmap,dram_filter,dram_ofmap,"
             "sram_ifmap,sram_filter,sram_ofmap\n";
    const nlohmann::json meta = {{"kind", "stream"}, {"rows", shape.rows}, {"cols", shape.cols},
                                 {"dataflow", name(job.dataflow)}, {"m", job.m}, {"k", job.k}, {"n", job.n},
                                 {"mt", job.mt}, {"kt", job.kt}, {"nt", job.nt}, {"lanes", job.lanes},
                                 {"reasons", reasons_}};
    dir_.open_states(meta, StreamCycle::kFields);
}

std::string StreamTrace::line(uint64_t cycle, const StreamCycle& c) const {
    return fmt::format("cycle {:>7} | seq {:<4} | array {:<5} | tile {:>5} | {:<8} | {:>4}/{} PEs MAC | DRAM {}/{}/{} "
                       "| SRAM {}/{}/{}",
                       cycle, name(static_cast<SqState>(c.sequencer)), name(static_cast<SaState>(c.array)), c.tile,
                       c.reason < reasons_.size() ? reasons_[c.reason] : "?", c.active_pes, shape_.rows * shape_.cols,
                       c.dram[0], c.dram[1], c.dram[2], c.sram[0], c.sram[1], c.sram[2]);
}

void StreamTrace::record(uint64_t cycle, const StreamCycle& c) {
    ++recorded_;
    recent_.push(cycle, line(cycle, c));
    if (!dir_.enabled()) return;
    if (cycle < kTextLogCycles) {
        *log_ << line(cycle, c) << '\n';
    } else if (cycle == kTextLogCycles) {
        *log_ << fmt::format("# trace.log stops at cycle {}; stream.csv and states.bin cover every cycle\n", cycle);
    }
    const double pes = static_cast<double>(shape_.rows) * shape_.cols;
    *csv_ << fmt::format("{},{},{},{},{},{},{:.2f},{},{},{},{},{},{}\n", cycle, name(static_cast<SqState>(c.sequencer)),
                         name(static_cast<SaState>(c.array)), c.reason < reasons_.size() ? reasons_[c.reason] : "?",
                         c.tile, c.active_pes, 100.0 * c.active_pes / pes, c.dram[0], c.dram[1], c.dram[2], c.sram[0],
                         c.sram[1], c.sram[2]);
    dir_.append(c.fields());
}

void StreamTrace::finish(const nlohmann::json& summary) {
    if (dir_.enabled()) dir_.finish(summary);
}

void stream_pictures(const std::string& dir, StateReader& reader) {
    const nlohmann::json& m = reader.meta();
    const double pes = m.value("rows", 1.0) * m.value("cols", 1.0), lanes = m.value("lanes", 1.0);
    Series active{"PEs multiplying", "#1f77b4", {}}, stalled{"array stalled", "#d62728", {}};
    Series dram[3] = {{"DRAM ifmap lanes", "#2ca02c", {}}, {"DRAM filter lanes", "#9467bd", {}},
                      {"DRAM ofmap lanes", "#ff7f0e", {}}};
    const uint64_t records = reader.cycles();
    for (uint64_t i = 0; i < records; ++i) {
        const StreamCycle c = StreamCycle::from(reader.at(i));
        active.values.push_back(c.active_pes / pes);
        stalled.values.push_back(c.reason != 0);
        for (size_t k = 0; k < 3; ++k) dram[k].values.push_back(c.dram[k] / lanes);
    }
    const std::string title = fmt::format("{}x{} {} array, streamed layer M={} K={} N={} in tiles of {}x{}x{}",
                                          m.value("rows", 0), m.value("cols", 0), m.value("dataflow", ""),
                                          m.value("m", 0), m.value("k", 0), m.value("n", 0), m.value("mt", 0),
                                          m.value("kt", 0), m.value("nt", 0));
    std::ofstream(dir + "/utilisation.svg") << utilisation_svg(title, {active, stalled, dram[0], dram[1], dram[2]},
                                                               records, {});
}

}  // namespace lockstep::trace
