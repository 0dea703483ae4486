#include "systolic/systolic_types.h"

#include <fmt/format.h>

namespace lockstep::systolic {

const char* name(Dataflow d) {
    switch (d) {
    case Dataflow::Os: return "os";
    case Dataflow::Ws: return "ws";
    default: return "is";
    }
}

const char* name(SaState s) {
    static const char* const names[] = {"IDLE", "RUN", "DRAIN", "DONE"};
    return names[static_cast<unsigned>(s) & 3];
}

const char* name(SqState s) {
    static const char* const names[] = {"IDLE", "RUN", "DONE", "?"};
    return names[static_cast<unsigned>(s) & 3];
}

std::optional<Dataflow> dataflow_from_name(const std::string& text) {
    if (text == "os") return Dataflow::Os;
    if (text == "ws") return Dataflow::Ws;
    if (text == "is") return Dataflow::Is;
    return std::nullopt;
}

ArrayShape ArrayShape::from(const SystolicConfig& c) {
    return ArrayShape{c.rows, c.cols, c.in_bits, c.acc_bits, c.buffer_addr_bits, c.dram_lanes};
}

std::string ArrayShape::key() const {
    return fmt::format("r{}_c{}_i{}_a{}_b{}_l{}", rows, cols, in_bits, acc_bits, buffer_addr_bits, dram_lanes);
}

Mapping::Mapping(Dataflow d, const GemmSize& g, unsigned rows, unsigned cols) {
    rows_dim = d == Dataflow::Os ? g.m : g.k;
    cols_dim = d == Dataflow::Is ? g.m : g.n;
    stream = d == Dataflow::Os ? g.k : d == Dataflow::Ws ? g.m : g.n;
    preload = d == Dataflow::Os ? 0 : rows;
    fold_length = d == Dataflow::Os ? g.k + rows + cols - 2 : 2 * rows + cols + stream - 2;
    row_tiles = (rows_dim + rows - 1) / rows;
    col_tiles = (cols_dim + cols - 1) / cols;
}

double Mapping::mapping_efficiency(unsigned rows, unsigned cols) const {
    double sum = 0;
    for (uint32_t rt = 0; rt < row_tiles; ++rt) {
        for (uint32_t ct = 0; ct < col_tiles; ++ct) {
            const uint32_t used_rows = std::min<uint32_t>(rows, rows_dim - rt * rows);
            const uint32_t used_cols = std::min<uint32_t>(cols, cols_dim - ct * cols);
            sum += static_cast<double>(used_rows) * used_cols / (static_cast<double>(rows) * cols);
        }
    }
    return sum / static_cast<double>(folds());
}

void SystolicSnapshot::resize(const ArrayShape& shape) {
    const size_t pes = static_cast<size_t>(shape.rows) * shape.cols;
    h.assign(pes, 0);
    v.assign(pes, 0);
    acc.assign(pes, 0);
    w.assign(pes, 0);
    hv.assign(pes, 0);
    vv.assign(pes, 0);
    wv.assign(pes, 0);
    mac.assign(pes, 0);
    left.assign(shape.rows, {});
    top.assign(shape.cols, {});
    out.assign(shape.cols, {});
    stream = StreamSnapshot{};
    for (MoverState* m : {&stream.a_loader, &stream.b_loader, &stream.storer}) m->lanes.assign(shape.dram_lanes, {});
}

bool StreamJob::operator==(const StreamJob& o) const {
    return dataflow == o.dataflow && m == o.m && k == o.k && n == o.n && mt == o.mt && kt == o.kt && nt == o.nt &&
           iw == o.iw && ch == o.ch && ew == o.ew && fw == o.fw && sh == o.sh && sw == o.sw &&
           ifmap_base == o.ifmap_base && filter_base == o.filter_base && ofmap_base == o.ofmap_base &&
           half_a == o.half_a && half_b == o.half_b && half_c == o.half_c && lanes == o.lanes;
}

bool StreamSnapshot::operator==(const StreamSnapshot& o) const {
    return state == o.state && ld_valid == o.ld_valid && cp_valid == o.cp_valid && ld == o.ld && cp == o.cp &&
           ld_a_half == o.ld_a_half && ld_b_half == o.ld_b_half && a_last == o.a_last && b_last == o.b_last &&
           cp_a_half == o.cp_a_half && cp_b_half == o.cp_b_half && c_half == o.c_half && a_loader == o.a_loader &&
           b_loader == o.b_loader && storer == o.storer;
}

bool SystolicSnapshot::operator==(const SystolicSnapshot& o) const {
    return state == o.state && fold == o.fold && t == o.t && h == o.h && v == o.v && acc == o.acc && w == o.w &&
           hv == o.hv && vv == o.vv && wv == o.wv && mac == o.mac && left == o.left && top == o.top && out == o.out && stream == o.stream;
}

}  // namespace lockstep::systolic
