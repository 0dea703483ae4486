// `lockstep run`: a kernel on the SystemC model, the Verilated RTL, or both in lock-step.
#include "command_line.h"
#include "command_support.h"
#include "commands.h"
#include "common/data_file.h"
#include "common/error.h"
#include "common/isa.h"
#include "common/plural.h"
#include "cosim/gpu_engine.h"
#include "trace/pictures.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <numeric>
#include <optional>

namespace lockstep {

namespace {

// Which data words the tables show, and how.
struct MemoryView {
    size_t from = 0, count = 16;  // words from address `from`, in rows of eight
    bool is_signed = false;       // two's complement of data_bits
    unsigned data_bits = 8;

    long long value(uint32_t word) const {
        const bool negative = is_signed && (word >> (data_bits - 1)) & 1;
        return negative ? static_cast<long long>(word) - (1LL << data_bits) : word;
    }
    nlohmann::json values(const std::vector<uint32_t>& words) const {
        nlohmann::json out = nlohmann::json::array();
        for (uint32_t word : words) out.push_back(value(word));
        return out;
    }
};

// tiny-gpu style memory table, eight words a row.
void print_memory(const std::string& title, const std::vector<uint32_t>& words, const MemoryView& view) {
    const int width = view.is_signed && view.data_bits > 8 ? 6 : 5;   // -32768
    fmt::print("{}\n  addr |", title);
    for (unsigned i = 0; i < 8; ++i) fmt::print(" {:>{}}", fmt::format("+{}", i), width);
    fmt::print("\n  -----+{}\n", std::string(8 * (width + 1), '-'));
    const size_t end = view.from + view.count;
    for (size_t row = view.from; row < end; row += 8) {
        fmt::print("  {:>4} |", row);
        for (size_t i = row; i < row + 8 && i < end && i < words.size(); ++i) fmt::print(" {:>{}}", view.value(words[i]), width);
        fmt::print("\n");
    }
}

// --dump FROM..TO (inclusive; decimal or 0x hex) within the data memory.
MemoryView dump_range(const std::string& text, size_t words) {
    const size_t dots = text.find("..");
    auto number = [](const std::string& part, size_t* value) {   // the assembler's number rules
        const std::optional<long long> n = parse_number(part);
        if (!n || *n < 0) return false;
        *value = static_cast<size_t>(*n);
        return true;
    };
    size_t from = 0, to = 0;
    if (dots == std::string::npos || !number(text.substr(0, dots), &from) || !number(text.substr(dots + 2), &to) ||
        from > to || to >= words) {
        throw Error(fmt::format("--dump '{}': expected FROM..TO with FROM <= TO <= {} (the last data address), e.g. 0..31",
                                text, words - 1));
    }
    MemoryView view;
    view.from = from;
    view.count = to - from + 1;
    return view;
}

// Words from 0 to the last one that is not zero before or after, in whole rows, two at least.
size_t words_to_show(const std::vector<uint32_t>& before, const std::vector<uint32_t>& after) {
    size_t last = 0;
    for (size_t i = 0; i < after.size(); ++i) {
        if (after[i] != 0 || before[i] != 0) last = i + 1;
    }
    return std::max<size_t>(2, (last + 7) / 8) * 8;
}

std::string pct_list(const nlohmann::json& values) {
    std::string out;
    for (const auto& v : values) out += fmt::format("{}{:.1f}%", out.empty() ? "" : " ", v.get<double>());
    return out;
}

// CYCLE:CORE.THREAD:R<n>=VALUE (e.g. 40:0.1:R5=7), CYCLE:CORE.wWARP.THREAD:R<n>=VALUE for a
// resident warp other than 0, or CYCLE:CORE.pe.ROW.COL:(h|v|w|acc)=VALUE for a register of a
// tensor core's PE; the whole text, nothing before, between or after. Cycle 0 is the state
// before the first edge, so the first a fault can follow is 1.
cosim::Fault parse_fault(const std::string& text) {
    const Error bad(fmt::format("--inject-fault '{}': expected CYCLE:CORE.THREAD:R<n>=VALUE, e.g. 40:0.1:R5=7 "
                                "(CORE.wWARP.THREAD for a warp other than 0, e.g. 40:0.w1.1:R5=7), or "
                                "CYCLE:CORE.pe.ROW.COL:(h|v|w|acc)=VALUE for a tensor core's PE, e.g. 60:0.pe.1.2:acc=-5 "
                                "(CYCLE from 1)", text));
    const std::vector<std::string> fields = split(text, ':');
    if (fields.size() != 3) throw bad;
    const std::vector<std::string> where = split(fields[1], '.'), assign = split(fields[2], '=');
    if (assign.size() != 2) throw bad;
    const auto cycle = parse_whole(fields[0]), core = parse_whole(where[0]);
    if (!cycle || *cycle == 0 || !core || *core > 65535) throw bad;
    cosim::Fault fault;
    fault.cycle = *cycle;
    fault.core = static_cast<unsigned>(*core);
    if (where.size() == 4 && where[1] == "pe") {
        fault.pe = parse_pe_fault(*cycle, where[2], where[3], fields[2]);
        if (!fault.pe) throw bad;
        return fault;
    }
    const bool warp_named = where.size() == 3 && where[1].size() >= 2 && where[1][0] == 'w';
    if ((where.size() != 2 && !warp_named) || assign[0].size() < 2 || assign[0][0] != 'R') throw bad;
    if (warp_named) {
        const auto warp = parse_whole(where[1].substr(1));
        if (!warp || *warp > 65535) throw bad;
        fault.warp = static_cast<unsigned>(*warp);
    }
    const auto thread = parse_whole(where.back()), reg = parse_whole(assign[0].substr(1)), value = parse_whole(assign[1]);
    if (!thread || !reg || !value || *thread > 65535 || *reg > 15 || *value > UINT32_MAX) throw bad;
    fault.thread = static_cast<unsigned>(*thread);
    fault.reg = static_cast<unsigned>(*reg);
    fault.value = static_cast<uint32_t>(*value);
    return fault;
}

// " over 3 launches", or "" for one.
std::string ran_over(size_t launches) { return launches > 1 ? " over " + plural(launches, "launch") : ""; }

}  // namespace

int run_command(const RunArgs& args) {
    const Config config = read_config(args.config);
    Program program = assemble_file(args.program, limits_for(config.gpu));
    if (!args.data.empty()) overlay_data(&program, read_data_file(args.data, limits_for(config.gpu)));
    if (!args.data_values.empty()) {   // one line each: "--data-values 8: 1 2" is "8:", "1", "2"
        std::string lines;
        for (const std::string& values : args.data_values) lines += values + "\n";
        overlay_data(&program, parse_data_words(lines, "--data-values", limits_for(config.gpu), 0));
    }
    MemoryView view;
    if (!args.dump.empty()) view = dump_range(args.dump, size_t{1} << config.gpu.data_addr_bits);
    view.is_signed = args.signed_words;
    view.data_bits = config.gpu.data_width;
    cosim::RunOptions options = driver_options<cosim::RunOptions>(args);
    if (!args.fault.empty()) {
        options.fault = parse_fault(args.fault);
        const cosim::Fault& f = *options.fault;
        const TensorCoreConfig& tc = config.gpu.tensor_core;
        if (f.pe && (f.core >= config.gpu.cores || f.pe->row >= tc.rows || f.pe->col >= tc.cols)) {
            throw Error(tc.present() ? fmt::format("--inject-fault '{}': needs core < {}, PE row < {} and column < {}",
                                                   args.fault, config.gpu.cores, tc.rows, tc.cols)
                                     : fmt::format("--inject-fault '{}': {} has no tensor core", args.fault,
                                                   config.path));
        }
        if (!f.pe &&
            (f.core >= config.gpu.cores || f.warp >= config.gpu.warps_per_core ||
             f.thread >= config.gpu.threads_per_block || f.reg >= isa::kFirstReadOnly ||
             f.value > (1ull << config.gpu.data_width) - 1)) {
            throw Error(fmt::format("--inject-fault '{}': needs core < {}, warp < {}, thread < {}, R0..R12 and a value "
                                    "below 2^{}", args.fault, config.gpu.cores, config.gpu.warps_per_core,
                                    config.gpu.threads_per_block, config.gpu.data_width));
        }
    }
    const cosim::RunResult result = cosim::run_gpu(config, program, options);

    if (args.json) {
        nlohmann::json json = cosim::to_json(result);
        if (args.signed_words) json["memory"] = view.values(result.memory);
        if (!args.dump.empty()) {
            auto range = [&](const std::vector<uint32_t>& words) {
                const auto first = words.begin() + static_cast<std::ptrdiff_t>(view.from);
                return view.values({first, first + static_cast<std::ptrdiff_t>(view.count)});
            };
            json["dump"] = {{"from", view.from}, {"to", view.from + view.count - 1},
                            {"before", range(result.initial_memory)}, {"after", range(result.memory)}};
        }
        std::cout << json.dump() << std::endl;
    } else {
        const GpuConfig& g = config.gpu;
        const TensorCoreConfig& tc = g.tensor_core;
        const std::string tensor =
            tc.present() ? fmt::format(", a {}x{} {} tensor core each", tc.rows, tc.cols, tc.dataflow) : "";
        fmt::print("lockstep: {} on {} ({} x {}, {}{}), engine {}\n\n", program.path, config.path,
                   plural(g.cores, "core"), plural(g.threads_per_block, "thread"), plural(g.data_channels, "data channel"),
                   tensor, cosim::name(result.engine));
        if (args.dump.empty()) view.count = words_to_show(result.initial_memory, result.memory);
        print_memory("DATA MEMORY before", result.initial_memory, view);
        const size_t ran = result.launch_cycles.size();
        if (result.stopped) {
            fmt::print("\nStopped by a mismatch after {}{}\n\n", plural(result.cycles, "cycle"),
                       args.launches > 1 ? fmt::format(" of launch {} of {}", std::max<size_t>(ran, 1), args.launches) : "");
        } else if (ran > 1) {
            fmt::print("\nCompleted {}: {} cycles\n\n", plural(ran, "launch"), comma_list(result.launch_cycles));
        } else {
            fmt::print("\nCompleted in {}\n\n", plural(result.cycles, "cycle"));
        }
        print_memory("DATA MEMORY after", result.memory, view);
        const nlohmann::json& u = result.utilisation;
        fmt::print("\nUtilisation{}: {} issued, {}, SIMT efficiency {:.1f}%\n",
                   result.stopped ? " up to the stop" : "", plural(u["instructions_issued"].get<uint64_t>(), "instruction"),
                   plural(u["thread_instructions"].get<uint64_t>(), "thread-instruction"),
                   u["simt_efficiency_pct"].get<double>());
        fmt::print("  cores active {:.1f}%, ALU busy {:.1f}%, LSU busy {:.1f}%, fetch stall {:.1f}%\n",
                   u["core_active_pct"].get<double>(), u["alu_busy_pct"].get<double>(),
                   u["lsu_busy_pct"].get<double>(), u["fetch_stall_pct"].get<double>());
        fmt::print("  data channels busy {}, {}program channels busy {}\n", pct_list(u["data_channel_busy_pct"]),
                   u.contains("tile_port_busy_pct") ? "tile ports busy " + pct_list(u["tile_port_busy_pct"]) + ", " : "",
                   pct_list(u["program_channel_busy_pct"]));
        if (const auto tc = u.find("tensor_core"); tc != u.end()) {
            const nlohmann::json& phase = tc->at("phase_pct");
            fmt::print("  tensor cores: MAC utilisation {:.1f}%, busy {:.1f}% (load {:.1f}%, compute {:.1f}%, store {:.1f}%); "
                       "{}, {} loaded, {} stored\n",
                       tc->at("mac_utilisation_pct").get<double>(), tc->at("busy_pct").get<double>(),
                       phase.at("LOAD").get<double>(), phase.at("COMPUTE").get<double>(), phase.at("STORE").get<double>(),
                       plural(tc->at("macs").get<uint64_t>(), "MAC"),
                       plural(tc->at("tile_words_loaded").get<uint64_t>(), "tile word"),
                       plural(tc->at("tile_words_stored").get<uint64_t>(), "tile word"));
        }
        if (!args.trace.empty()) {
            fmt::print("Traces: {}/ ({})\n  step through the run: lockstep step {} (or lockstep view {})\n",
                       args.trace, trace::trace_files(args.trace), args.trace, args.trace);
        }
    }
    if (result.first_mismatch) {
        std::cerr << cosim::format_report(*result.first_mismatch);
        return 1;
    }
    if (!args.json && result.engine == cosim::Engine::Cosim) {
        const uint64_t total = std::accumulate(result.launch_cycles.begin(), result.launch_cycles.end(), uint64_t{0});
        fmt::print("Lock-step: model and RTL agreed on every cycle ({}{}) and on the final data memory\n",
                   plural(total, "cycle"), ran_over(result.launch_cycles.size()));
    }
    return 0;
}

void add_run_command(CLI::App& app, CommandTable& table) {
    auto args = std::make_shared<RunArgs>();
    args->config = default_config();
    CLI::App* cli = app.add_subcommand("run", "Run a kernel (.asm) and print memory, cycles and utilisation");
    cli->add_option("program", args->program, "Assembly file (tiny-gpu syntax)")->required();
    cli->add_option("--config", args->config, "GPU config (YAML)")->capture_default_str();
    cli->add_option("--engine", args->engine, "model | rtl | cosim (both in lock-step)")->capture_default_str();
    cli->add_option("--max-cycles", args->max_cycles, "Stop with an error after this many cycles (default: sim.max_cycles)")
        ->check(whole_number(1, 1000000000));
    cli->add_option("--trace", args->trace, "Write trace.log, utilisation.csv, summary.json (and gpu.vcd) here");
    cli->add_flag("--json", args->json, "Print one JSON object on stdout");
    cli->add_option("--launches", args->launches, "Launch the kernel this many times without reset")
        ->check(whole_number(1, 1000));
    cli->add_option("--reset-at", args->reset_at,
                    "Reset the GPU after this many cycles of a first launch, then run the kernel from the start "
                    "(checks that a reset mid-run leaves nothing behind)")
        ->check(whole_number(1, 1000000000));
    cli->add_option("--data", args->data,
                    "Data words laid over the program's .data: values by spaces or commas, decimal or 0x hex, "
                    "'ADDR:' to move, ';' comments (docs/isa.md)");
    cli->add_option("--data-values", args->data_values,
                    "Data words as lines of a --data file, e.g. \"8: 1 2 -3\"; laid over --data");
    cli->add_flag("--signed", args->signed_words, "Show data words as signed (two's complement), also in --json");
    cli->add_option("--dump", args->dump, "Data addresses to show, FROM..TO (e.g. 0..31); in --json as \"dump\"");
    cli->add_option("--inject-fault", args->fault,
                    "Overwrite a model register after a cycle, CYCLE:CORE.THREAD:R<n>=VALUE (CORE.wWARP.THREAD for "
                    "a resident warp other than 0), or a tensor core PE's, CYCLE:CORE.pe.ROW.COL:(h|v|w|acc)=VALUE "
                    "(tests the comparator)");
    table.push_back({cli, [args] { return run_command(*args); }, [args] { return args->json; }});
}

}  // namespace lockstep
