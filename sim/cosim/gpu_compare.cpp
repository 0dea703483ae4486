#include "cosim/gpu_compare.h"

#include "common/isa.h"

#include <fmt/format.h>

namespace lockstep::cosim {

namespace {

using namespace gpu;

std::string show_request(const MemRequest& r, unsigned words = 1, unsigned data_bits = 8) {
    if (r.read_valid) return fmt::format("read @{}", r.read_address);
    if (r.write_valid) return fmt::format("write @{} = {}", r.write_address, write_text(r, words, data_bits));
    return "idle";
}

// The data cache: its request in hand, then each line (named set.way), then the counters.
void compare_cache(Checker& c, const CacheView& r, const CacheView& m, const GpuConfig& config) {
    const std::string unit = "dcache";
    c.check(unit, "state", r.state, m.state, "", [](CacheState s) { return std::string(name(s)); });
    c.check(unit, "port", r.port, m.port);
    c.check(unit, "addr", r.addr, m.addr);
    c.check(unit, "way", r.way, m.way);
    c.check(unit, "count", r.count, m.count);
    c.check(unit, "hit", r.hit, m.hit);
    const auto words = [&](uint64_t data) {
        MemRequest as_write;
        as_write.write_data = data;
        as_write.write_mask = (1u << config.request_words()) - 1;
        return write_text(as_write, config.request_words(), config.data_width);
    };
    for (size_t k = 0; k < r.valid.size() && k < m.valid.size(); ++k) {
        const std::string line = fmt::format("line[{}.{}].", k / config.cache_ways, k % config.cache_ways);
        c.check(unit, line + "valid", r.valid[k], m.valid[k], "", [](uint8_t v) { return std::to_string(v); });
        c.check(unit, line + "dirty", r.dirty[k], m.dirty[k], "", [](uint8_t v) { return std::to_string(v); });
        c.check(unit, line + "tag", r.tag[k], m.tag[k]);
        c.check(unit, line + "age", r.age[k], m.age[k]);
        c.check(unit, line + "data", r.data[k], m.data[k], "", words);
    }
    c.check(unit, "hits", r.hits, m.hits);
    c.check(unit, "misses", r.misses, m.misses);
    c.check(unit, "evictions", r.evictions, m.evictions);
    c.check(unit, "writebacks", r.writebacks, m.writebacks);
}

}  // namespace

// One core's tensor core: control registers, then tiles and accumulators by element, then
// the PE registers by PE, each named by its row and column.
void compare_tensor(Checker& c, const TensorCoreView& r, const TensorCoreView& m, const std::string& core,
                    const std::string& flight, const TensorCoreConfig& shape) {
    const unsigned rows = shape.rows, cols = shape.cols;
    const std::string unit = core + ".tensor_core";
    c.check(unit, "state", r.state, m.state, flight, [](TcState s) { return std::string(name(s)); });
    c.check(unit, "op", r.op, m.op, flight, [](TcOp s) { return std::string(name(s)); });
    c.check(unit, "fault", r.fault, m.fault, flight, [](TcFault s) { return std::string(name(s)); });
    c.check(unit, "fault_thread", r.fault_thread, m.fault_thread, flight);
    c.check(unit, "t", r.t, m.t, flight);
    c.check(unit, "row", r.row, m.row, flight);
    c.check(unit, "col", r.col, m.col, flight);
    c.check(unit, "base", r.base, m.base, flight);
    c.check(unit, "stride", r.stride, m.stride, flight);
    auto tile = [&](const char* name, const std::vector<int32_t>& rv, const std::vector<int32_t>& mv, unsigned width) {
        for (size_t e = 0; e < rv.size() && !c.done(); ++e) {
            c.check(unit, fmt::format("{}[{}][{}]", name, e / width, e % width), rv[e], mv[e], flight);
        }
    };
    tile("a", r.a, m.a, rows);
    tile("b", r.b, m.b, cols);
    tile("acc", r.acc, m.acc, cols);
    check_pe_grid(c, unit + ".", {r.h, r.hv, r.v, r.vv, r.pacc, r.w, r.wv, r.mac},
                  {m.h, m.hv, m.v, m.vv, m.pacc, m.w, m.wv, m.mac}, cols, flight);
}

std::optional<Mismatch> compare_gpu(const GpuSnapshot& rtl, const GpuSnapshot& model, const GpuConfig& config) {
    if (rtl == model) return std::nullopt;   // the common case, without building any names
    const unsigned tpb = config.threads_per_block;
    Checker c;
    c.check("gpu", "done", rtl.done, model.done, "");
    for (size_t i = 0; i < rtl.cores.size(); ++i) {
        const CoreView& r = rtl.cores[i];
        const CoreView& m = model.cores[i];
        const std::string core = context_name(config, static_cast<unsigned>(i));
        const std::string flight = gpu_in_flight(core, r);
        c.check(core + ".scheduler", "state", r.state, m.state, flight,
                [](CoreState s) { return std::string(name(s)); });
        c.check(core + ".scheduler", "pc", r.pc, m.pc, flight);
        c.check(core + ".scheduler", "diverged", r.diverged, m.diverged, flight);
        const auto lanes = [](uint32_t mask) { return fmt::format("0b{:b}", mask); };
        c.check(core + ".scheduler", "active", r.active, m.active, flight, lanes);
        c.check(core + ".scheduler", "sp", r.sp, m.sp, flight);
        c.check(core + ".scheduler", "overflow", r.overflow, m.overflow, flight);
        for (size_t e = 0; e < r.stack.size() && e < m.stack.size(); ++e) {
            const std::string entry = fmt::format("stack[{}].", e);
            c.check(core + ".scheduler", entry + "pc", r.stack[e].pc, m.stack[e].pc, flight);
            c.check(core + ".scheduler", entry + "rpc", r.stack[e].rpc, m.stack[e].rpc, flight);
            c.check(core + ".scheduler", entry + "mask", r.stack[e].mask, m.stack[e].mask, flight, lanes);
        }
        c.check(core + ".fetcher", "reconv", r.reconv, m.reconv, flight);
        c.check(core + ".fetcher", "state", r.fetcher, m.fetcher, flight,
                [](FetcherState s) { return std::string(name(s)); });
        c.check(core + ".fetcher", "instruction", r.instruction, m.instruction, flight,
                [](uint16_t w) { return fmt::format("0x{:04X} ({})", w, isa::disassemble(w)); });
        c.check("dispatcher", core + "_start", r.start, m.start, flight);
        c.check("dispatcher", core + "_reset", r.reset, m.reset, flight);
        c.check("dispatcher", core + "_block_id", r.block_id, m.block_id, flight);
        c.check("dispatcher", core + "_thread_count", r.thread_count, m.thread_count, flight);
    }
    for (size_t i = 0; i < rtl.threads.size(); ++i) {
        const ThreadView& r = rtl.threads[i];
        const ThreadView& m = model.threads[i];
        const std::string thread = fmt::format("{}.thread{}", context_name(config, static_cast<unsigned>(i / tpb)), i % tpb);
        const std::string flight =
            gpu_in_flight(context_name(config, static_cast<unsigned>(i / tpb)), rtl.cores[i / tpb]);
        for (unsigned reg = 0; reg < kRegisters; ++reg) {
            c.check(thread + ".registers", isa::register_name(static_cast<uint8_t>(reg)), r.regs[reg],
                    m.regs[reg], flight);
        }
        c.check(thread + ".lsu", "state", r.lsu, m.lsu, flight, [](LsuState s) { return std::string(name(s)); });
        c.check(thread + ".lsu", "out", r.lsu_out, m.lsu_out, flight);
        c.check(thread + ".alu", "out", r.alu_out, m.alu_out, flight);
        c.check(thread + ".pc", "nzp", r.nzp, m.nzp, flight, [](uint8_t v) { return fmt::format("{:03b}", v); });
        c.check(thread + ".pc", "next_pc", r.next_pc, m.next_pc, flight);
    }
    for (size_t i = 0; i < rtl.tensor.size() && i < model.tensor.size(); ++i) {
        compare_tensor(c, rtl.tensor[i], model.tensor[i], fmt::format("core{}", i), gpu_in_flight(fmt::format("core{}", i), rtl.cores[i]),
                       config.tensor_core);
    }
    const auto show_segment = [&](const MemRequest& r) { return show_request(r, config.request_words(), config.data_width); };
    for (size_t ch = 0; ch < rtl.data_requests.size(); ++ch) {
        const bool tile_port = ch >= config.data_channels;
        const size_t core = ch - config.data_channels;
        if (tile_port) {
            c.check(fmt::format("core{}.tensor_core.tile_port", core), "request", rtl.data_requests[ch],
                    model.data_requests[ch], gpu_in_flight(fmt::format("core{}", core), rtl.cores[core]),
                    [](const MemRequest& r) { return show_request(r); });
        } else {
            c.check(config.cache() ? std::string("dcache.memory") : fmt::format("data_controller.channel{}", ch),
                    "request", rtl.data_requests[ch], model.data_requests[ch], "", show_segment);
        }
    }
    if (!rtl.cache.empty() && !model.cache.empty()) compare_cache(c, rtl.cache[0], model.cache[0], config);
    for (size_t ch = 0; ch < rtl.program_requests.size(); ++ch) {
        c.check(fmt::format("program_controller.channel{}", ch), "request", rtl.program_requests[ch],
                model.program_requests[ch], "", [](const MemRequest& r) { return show_request(r); });
    }
    for (size_t i = 0; i < rtl.warp_schedulers.size() && i < model.warp_schedulers.size(); ++i) {
        const WarpSchedulerView& r = rtl.warp_schedulers[i];
        const WarpSchedulerView& m = model.warp_schedulers[i];
        const std::string unit = fmt::format("core{}.warp_scheduler", i);
        c.check(unit, "owner_valid", r.owner_valid, m.owner_valid, "");
        c.check(unit, "owner", r.owner, m.owner, "");
        c.check(unit, "last", r.last, m.last, "");
    }
    return c.found;
}

std::string gpu_in_flight(const std::string& who, const CoreView& core) {
    if (core.state == CoreState::Idle || core.state == CoreState::Fetch || core.state == CoreState::Done) {
        return fmt::format("{} {} at PC {} (no instruction decoded)", who, name(core.state), core.pc);
    }
    return fmt::format("{} PC {}: {} ({})", who, core.pc, isa::disassemble(core.instruction), name(core.state));
}

}  // namespace lockstep::cosim
