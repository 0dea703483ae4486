#include "trace/gtkwave.h"

#include "common/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

namespace lockstep::trace {

namespace {

// GTKWave display flags: right-justified hex, decimal, binary, signed decimal, and a label.
constexpr unsigned kHex = 0x22, kDecimal = 0x24, kBinary = 0x28, kSigned = 0x424, kLabel = 0x200;

class SaveFile {
public:
    explicit SaveFile(const std::string& vcd) { text_ = fmt::format("[dumpfile] \"{}\"\n[timestart] 0\n", vcd); }
    // Opens the view at `start` (ps) with the primary marker at `marker`: the '*' line is
    // zoom, marker, then the 26 named markers (unset).
    SaveFile(const std::string& vcd, uint64_t start, uint64_t marker) {
        text_ = fmt::format("[dumpfile] \"{}\"\n[timestart] {}\n*-6.000000 {}", vcd, start, marker);
        for (int i = 0; i < 26; ++i) text_ += " -1";
        text_ += "\n";
    }

    void group(const std::string& label) {
        flags(kLabel);
        text_ += "-" + label + "\n";
    }
    void signal(unsigned display, const std::string& name) {
        flags(display);
        text_ += name + "\n";
    }
    void save(const std::string& path) const {
        std::ofstream out(path);
        out << text_;
        if (!out) throw Error(path + ": cannot write file");
    }

private:
    void flags(unsigned display) {
        if (display != current_) text_ += fmt::format("@{:x}\n", display);
        current_ = display;
    }
    std::string text_;
    unsigned current_ = 0;
};

// A packed vector as GTKWave names it: "x[7:0]", and "x[0]" when it is one bit wide (a
// port sized by a parameter that is 1). GTKWave also joins one-bit array elements x[0],
// x[1], ... into x[N-1:0], so unpacked arrays of flags are named the same way.
std::string bits(const std::string& name, unsigned width) {
    return width == 1 ? name + "[0]" : fmt::format("{}[{}:0]", name, width - 1);
}

// An interior PE of a grid (row and column 1 where the grid has them, so both neighbours
// feed it) under `grid` ("systolic.systolic.u_pe_array."): its group of signals, titled
// `what` followed by the PE's position. The grid keeps each register as one array over the
// PEs (index p = row*cols + col), so the PE's operands are its neighbours' registers, or the
// edge ports where it has no neighbour; its one-bit registers show as the grid's vectors
// of flags (GTKWave joins one-bit elements), bit p being the PE's.
void pe_group(SaveFile& f, const std::string& what, const std::string& grid, unsigned rows, unsigned cols,
              unsigned in_bits, unsigned acc_bits) {
    const unsigned row = std::min(1u, rows - 1), col = std::min(1u, cols - 1), p = row * cols + col;
    const unsigned pes = rows * cols;
    auto element = [&](const std::string& name, unsigned index, unsigned width) {
        return grid + fmt::format("{}[{}][{}:0]", name, index, width - 1);
    };
    f.group(fmt::format("{}PE ({}, {}) (p = {}): operand from the left, from above, stationary, accumulator", what,
                        row, col, p));
    if (col > 0) {
        f.signal(kBinary, bits(grid + "hv_q", pes));
        f.signal(kSigned, element("h_q", p - 1, in_bits));
    } else {
        f.signal(kBinary, bits(grid + "left_valid_i", rows));
        f.signal(kSigned, element("left_data_i", row, in_bits));
    }
    if (row > 0) {
        f.signal(kBinary, bits(grid + "vv_q", pes));
        f.signal(kSigned, element("v_q", p - cols, acc_bits));
    } else {
        f.signal(kBinary, bits(grid + "top_valid_i", cols));
        f.signal(kSigned, element("top_data_i", col, in_bits));
    }
    f.signal(kBinary, bits(grid + "wv_q", pes));
    f.signal(kSigned, element("w_q", p, in_bits));
    f.signal(kBinary, bits(grid + "mac_q", pes));
    f.signal(kSigned, element("acc_q", p, acc_bits));
    f.signal(kSigned, element("h_q", p, in_bits));
    f.signal(kSigned, element("v_q", p, acc_bits));
}

}  // namespace

uint64_t gemm_cycle0_ps(uint64_t load_cycles) { return kClockPs / 2 + kClockPs * (load_cycles + 1); }

void write_gpu_gtkw(const std::string& dir, const GpuConfig& g) {
    SaveFile f("gpu.vcd");
    f.group("clock and launch");
    for (const char* name : {"gpu.clk_i", "gpu.rst_ni", "gpu.start_i", "gpu.done_o"}) f.signal(kBinary, name);
    // Per warp context x = w * cores + c (one a core without a warps: section).
    f.group(fmt::format("{} {}..0, packed (state 3 bits, PC {} bits, instruction 16 bits each)",
                        g.warps() ? "warps" : "cores", g.contexts() - 1, g.program_addr_bits));
    f.signal(kHex, bits("gpu.dbg_core_state_o", g.contexts() * 3));
    f.signal(kHex, bits("gpu.dbg_core_pc_o", g.contexts() * g.program_addr_bits));
    f.signal(kHex, bits("gpu.dbg_instruction_o", g.contexts() * 16));
    f.signal(kHex, bits("gpu.dbg_fetcher_state_o", g.cores * 2));

    const std::string core = "gpu.gpu.g_core[0].u_core.";
    const std::string warp = core + "g_warp[0].";
    const std::string thread = warp + "g_thread[0].";
    f.group("core 0, warp 0: state, PC, the core's fetcher; thread 0: LSU state, NZP, next PC");
    f.signal(kDecimal, warp + "u_scheduler.state_q[2:0]");
    f.signal(kDecimal, bits(warp + "u_scheduler.pc_q", g.program_addr_bits));
    f.signal(kDecimal, core + "fetcher_state[1:0]");
    f.signal(kDecimal, thread + "u_lsu.state_q[1:0]");
    f.signal(kBinary, thread + "u_pc.nzp_q[2:0]");
    f.signal(kDecimal, bits(thread + "u_pc.next_pc_q", g.program_addr_bits));

    f.group("program memory");
    f.signal(kBinary, bits("gpu.prog_read_valid_o", g.program_channels));
    f.signal(kBinary, bits("gpu.prog_read_ready_i", g.program_channels));
    f.signal(kHex, bits("gpu.prog_read_address_o", g.program_channels * g.program_addr_bits));
    // With a data cache only its one channel reaches memory; a request moves a segment.
    const unsigned channels = g.cache() ? 1 : g.data_channels, words = g.request_words();
    f.group(g.cache() ? "data memory (the cache's channel)" : "data memory");
    f.signal(kBinary, bits("gpu.data_read_valid_o", channels));
    f.signal(kBinary, bits("gpu.data_read_ready_i", channels));
    f.signal(kHex, bits("gpu.data_read_address_o", channels * g.data_width));   // DataBits wide, as registers are
    f.signal(kHex, bits("gpu.data_read_data_i", channels * words * g.data_width));
    f.signal(kBinary, bits("gpu.data_write_valid_o", channels));
    f.signal(kBinary, bits("gpu.data_write_ready_i", channels));
    f.signal(kHex, bits("gpu.data_write_address_o", channels * g.data_width));
    f.signal(kHex, bits("gpu.data_write_data_o", channels * words * g.data_width));
    f.signal(kBinary, bits("gpu.data_write_mask_o", channels * words));
    if (g.cache()) {
        f.group("data cache: state (0 idle, 1 hit, 2 respond, 3 evict, 4 fill, 5 write-through, 6 flush, 7 done), "
                "channel, segment, counters");
        f.signal(kDecimal, "gpu.dbg_cache_state_o[2:0]");
        f.signal(kDecimal, bits("gpu.dbg_cache_addr_o", g.data_width));
        f.signal(kDecimal, "gpu.dbg_cache_hits_o[31:0]");
        f.signal(kDecimal, "gpu.dbg_cache_misses_o[31:0]");
    }
    if (const TensorCoreConfig& tc = g.tensor_core; tc.present()) {
        const std::string unit = core + "g_tensor_core.u_tensor_core.";
        f.group("core 0's tensor core: state (0 idle, 1 start, 2 load, 3 store, 4 compute, 5 done, 6 fault), "
                "op, fold cycle, tile word");
        f.signal(kDecimal, unit + "state_q[2:0]");
        f.signal(kDecimal, unit + "op_q[2:0]");
        f.signal(kDecimal, unit + "t_q[7:0]");
        f.signal(kDecimal, unit + "row_q[7:0]");
        f.signal(kDecimal, unit + "col_q[7:0]");
        f.group(fmt::format("tile ports, cores {}..0 (one word per request)", g.cores - 1));
        f.signal(kBinary, bits("gpu.tc_read_valid_o", g.cores));
        f.signal(kBinary, bits("gpu.tc_read_ready_i", g.cores));
        f.signal(kBinary, bits("gpu.tc_write_valid_o", g.cores));
        f.signal(kBinary, bits("gpu.tc_write_ready_i", g.cores));
        f.signal(kHex, bits("gpu.tc_read_address_o", g.cores * g.data_width));
        f.signal(kHex, bits("gpu.tc_read_data_i", g.cores * g.data_width));
        f.signal(kHex, bits("gpu.tc_write_data_o", g.cores * g.data_width));
        pe_group(f, "core 0's tensor core, ", unit + "u_pe_array.", tc.rows, tc.cols, tc.in_bits, tc.acc_bits);
    }
    f.save(dir + "/gpu.gtkw");
}

void write_systolic_gtkw(const std::string& dir, const systolic::ArrayShape& s, uint64_t load_cycles) {
    const uint64_t cycle0 = gemm_cycle0_ps(load_cycles);
    SaveFile f("systolic.vcd", cycle0 - 2 * kClockPs, cycle0);
    f.group("clock and launch");
    for (const char* name : {"systolic.clk_i", "systolic.rst_ni", "systolic.start_i", "systolic.done_o"}) {
        f.signal(kBinary, name);
    }
    f.group("controller: state (0 idle, 1 run, 2 drain, 3 done), fold, cycle in fold");
    f.signal(kDecimal, "systolic.dbg_state_o[1:0]");
    f.signal(kDecimal, "systolic.dbg_fold_o[31:0]");
    f.signal(kDecimal, "systolic.dbg_t_o[31:0]");

    const std::string addr = fmt::format("[{}:0]", s.buffer_addr_bits - 1);
    f.group("array edges: A reads on the left (row 0 first), B or weights at the top, C writes");
    f.signal(kBinary, bits("systolic.dbg_left_valid_o", s.rows));
    f.signal(kDecimal, "systolic.dbg_left_addr_o[0]" + addr);
    f.signal(kBinary, bits("systolic.dbg_top_valid_o", s.cols));
    f.signal(kDecimal, "systolic.dbg_top_addr_o[0]" + addr);
    f.signal(kBinary, bits("systolic.dbg_out_valid_o", s.cols));
    f.signal(kDecimal, "systolic.dbg_out_addr_o[0]" + addr);
    f.signal(kSigned, fmt::format("systolic.dbg_out_data_o[0][{}:0]", s.acc_bits - 1));

    pe_group(f, "", "systolic.systolic.u_pe_array.", s.rows, s.cols, s.in_bits, s.acc_bits);
    f.save(dir + "/systolic.gtkw");
}

}  // namespace lockstep::trace
