// lockstep: run GPU kernels on the SystemC model, the Verilated RTL, or both in lock-step.
#include "build_info.h"
#include "commands.h"
#include "common/assembler.h"
#include "common/config.h"
#include "common/error.h"
#include "common/isa.h"
#include "common/program_generator.h"
#include "cosim/gpu_engine.h"
#include "cosim/rtl_cache.h"
#include "cosim/systolic_engine.h"
#include "trace/pictures.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace lockstep {

namespace {

std::string default_config() {
    const std::string path = std::string(build_info::kSourceDir) + "/configs/tiny-gpu.yaml";
    return std::filesystem::exists(path) ? path : "";
}

Config read_config(const std::string& path) {
    if (path.empty()) {
        Config config;
        config.path = "<defaults>";
        return config;
    }
    return load_config(path);
}

AsmLimits limits_for(const GpuConfig& gpu) {
    AsmLimits limits;
    limits.program_words = 1u << gpu.program_addr_bits;
    limits.data_words = 1u << gpu.data_addr_bits;
    limits.data_bits = gpu.data_width;
    return limits;
}

// tiny-gpu style memory table, eight words a row.
void print_memory(const std::string& title, const std::vector<uint32_t>& words, size_t rows_of_8) {
    fmt::print("{}\n  addr |", title);
    for (unsigned i = 0; i < 8; ++i) fmt::print(" {:>5}", fmt::format("+{}", i));
    fmt::print("\n  -----+{}\n", std::string(48, '-'));
    for (size_t row = 0; row < rows_of_8; ++row) {
        fmt::print("  {:>4} |", row * 8);
        for (size_t i = row * 8; i < row * 8 + 8 && i < words.size(); ++i) fmt::print(" {:>5}", words[i]);
        fmt::print("\n");
    }
}

size_t rows_to_show(const std::vector<uint32_t>& before, const std::vector<uint32_t>& after) {
    size_t last = 0;
    for (size_t i = 0; i < after.size(); ++i) {
        if (after[i] != 0 || before[i] != 0) last = i + 1;
    }
    return std::max<size_t>(2, (last + 7) / 8);
}

std::string pct_list(const nlohmann::json& values) {
    std::string out;
    for (const auto& v : values) out += fmt::format("{}{:.1f}%", out.empty() ? "" : " ", v.get<double>());
    return out;
}

cosim::Fault parse_fault(const std::string& text) {
    // CYCLE:CORE.THREAD:R<reg>=VALUE, e.g. 40:0.1:R5=7
    unsigned long long cycle = 0;
    unsigned core = 0, thread = 0, reg = 0, value = 0;
    if (std::sscanf(text.c_str(), "%llu:%u.%u:R%u=%u", &cycle, &core, &thread, &reg, &value) != 5 || reg > 15) {
        throw Error(fmt::format("--inject-fault '{}': expected CYCLE:CORE.THREAD:R<n>=VALUE, e.g. 40:0.1:R5=7", text));
    }
    return cosim::Fault{cycle, core, thread, reg, value};
}

struct RunArgs {
    std::string program, config = default_config(), engine = "cosim", trace, fault;
    uint64_t max_cycles = 0;
    unsigned launches = 1;
    bool json = false;
};

int run_command(const RunArgs& args) {
    const Config config = read_config(args.config);
    const Program program = assemble_file(args.program, limits_for(config.gpu));
    cosim::RunOptions options;
    auto engine = cosim::engine_from_name(args.engine);
    if (!engine) throw Error(fmt::format("--engine '{}': expected model, rtl or cosim", args.engine));
    options.engine = *engine;
    options.max_cycles = args.max_cycles;
    options.trace_dir = args.trace;
    options.launches = args.launches;
    if (!args.fault.empty()) {
        options.fault = parse_fault(args.fault);
        const cosim::Fault& f = *options.fault;
        if (options.engine == cosim::Engine::Rtl) throw Error("--inject-fault changes the model: use --engine cosim or model");
        if (f.core >= config.gpu.cores || f.thread >= config.gpu.threads_per_block || f.reg >= isa::kFirstReadOnly ||
            f.value > (1ull << config.gpu.data_width) - 1) {
            throw Error(fmt::format("--inject-fault '{}': needs core < {}, thread < {}, R0..R12 and a value below 2^{}",
                                    args.fault, config.gpu.cores, config.gpu.threads_per_block, config.gpu.data_width));
        }
    }
    const cosim::RunResult result = cosim::run_gpu(config, program, options);

    if (args.json) {
        std::cout << cosim::to_json(result).dump() << std::endl;
    } else {
        const GpuConfig& g = config.gpu;
        fmt::print("lockstep: {} on {} ({} cores x {} threads, {} data channels), engine {}\n\n", program.path,
                   config.path, g.cores, g.threads_per_block, g.data_channels, cosim::name(result.engine));
        const size_t rows = rows_to_show(result.initial_memory, result.memory);
        print_memory("DATA MEMORY before", result.initial_memory, rows);
        fmt::print("\nCompleted in {} cycles\n\n", result.cycles);
        print_memory("DATA MEMORY after", result.memory, rows);
        const nlohmann::json& u = result.utilisation;
        fmt::print("\nUtilisation: {} instructions issued, {} thread-instructions, SIMT efficiency {:.1f}%\n",
                   u["instructions_issued"].get<uint64_t>(), u["thread_instructions"].get<uint64_t>(),
                   u["simt_efficiency_pct"].get<double>());
        fmt::print("  cores active {:.1f}%, ALU busy {:.1f}%, LSU busy {:.1f}%, fetch stall {:.1f}%\n",
                   u["core_active_pct"].get<double>(), u["alu_busy_pct"].get<double>(),
                   u["lsu_busy_pct"].get<double>(), u["fetch_stall_pct"].get<double>());
        fmt::print("  data channels busy {}, program channels busy {}\n", pct_list(u["data_channel_busy_pct"]),
                   pct_list(u["program_channel_busy_pct"]));
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
        fmt::print("Lock-step: model and RTL agreed on every cycle ({} cycles) and on the final data memory\n",
                   result.cycles);
    }
    return 0;
}

int asm_command(const std::string& path, const std::string& config_path, const std::string& out) {
    const Config config = read_config(config_path);
    const Program program = assemble_file(path, limits_for(config.gpu));
    if (!out.empty()) {
        std::ofstream file(out);
        if (!file) throw Error(out + ": cannot write file");
        for (uint16_t word : program.code) file << fmt::format("{:04X}\n", word);
    }
    std::cout << listing(program);
    return 0;
}

int disasm_command(const std::string& path) {
    std::ifstream in(path);
    if (!in || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    std::string token;
    int line = 0;
    std::string text;
    unsigned address = 0;
    while (std::getline(in, text)) {
        ++line;
        std::istringstream words(text.substr(0, text.find(';')));
        while (words >> token) {
            size_t used = 0;
            unsigned long value = 0;
            try {
                value = std::stoul(token, &used, 16);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != token.size() || value > 0xFFFF) {
                throw error_at(path, line, fmt::format("'{}' is not a 16-bit hex word", token));
            }
            fmt::print("{:>3}  {:04X}  {}\n", address++, value, isa::disassemble(static_cast<uint16_t>(value)));
        }
    }
    return 0;
}

int fuzz_command(uint64_t start, uint64_t seeds, const std::string& config_path, const std::string& engine_name,
                 const std::string& save_dir) {
    const Config config = read_config(config_path);
    auto engine = cosim::engine_from_name(engine_name);
    if (!engine) throw Error(fmt::format("--engine '{}': expected model, rtl or cosim", engine_name));
    if (start > UINT64_MAX - seeds) throw Error("--start-seed + --seeds is beyond the largest seed");
    unsigned passed = 0, failed = 0;
    for (uint64_t seed = start; seed < start + seeds; ++seed) {
        const std::string text = generate_program(seed, config.gpu);
        const std::string name = fmt::format("fuzz-seed-{}.asm", seed);
        std::string problem;
        try {
            const Program program = assemble(text, name, limits_for(config.gpu));
            cosim::RunOptions options;
            options.engine = *engine;
            const cosim::RunResult result = cosim::run_gpu(config, program, options);
            if (result.first_mismatch) problem = cosim::format_report(*result.first_mismatch);
        } catch (const Error& e) {
            problem = e.what();
        }
        if (problem.empty()) {
            ++passed;
            continue;
        }
        ++failed;
        fmt::print("seed {} FAILED (rerun: lockstep fuzz --start-seed {} --seeds 1 --config {} --engine {})\n{}\n",
                   seed, seed, config.path, engine_name, problem);
        if (!save_dir.empty()) {
            std::filesystem::create_directories(save_dir);
            std::ofstream(save_dir + "/" + name) << text;
        }
    }
    fmt::print("fuzz: {} passed, {} failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"lockstep: a tiny-gpu compatible GPU as SystemC model and Verilated RTL, run in lock-step"};
    app.require_subcommand(1);
    bool json_errors = false;

    RunArgs run;
    auto* run_cmd = app.add_subcommand("run", "Run a kernel (.asm) and print memory, cycles and utilisation");
    run_cmd->add_option("program", run.program, "Assembly file (tiny-gpu syntax)")->required();
    run_cmd->add_option("--config", run.config, "GPU config (YAML)")->capture_default_str();
    run_cmd->add_option("--engine", run.engine, "model | rtl | cosim (both in lock-step)")->capture_default_str();
    run_cmd->add_option("--max-cycles", run.max_cycles, "Stop with an error after this many cycles (default: sim.max_cycles)")
        ->check(CLI::Range(uint64_t{1}, uint64_t{1000000000}));
    run_cmd->add_option("--trace", run.trace, "Write trace.log, utilisation.csv, summary.json (and gpu.vcd) here");
    run_cmd->add_flag("--json", run.json, "Print one JSON object on stdout");
    run_cmd->add_option("--launches", run.launches, "Launch the kernel this many times without reset")
        ->check(CLI::Range(1u, 1000u));
    run_cmd->add_option("--inject-fault", run.fault,
                        "Overwrite a model register after a cycle, CYCLE:CORE.THREAD:R<n>=VALUE (tests the comparator)");

    std::string asm_path, asm_config = default_config(), asm_out;
    auto* asm_cmd = app.add_subcommand("asm", "Assemble a kernel and print its listing");
    asm_cmd->add_option("program", asm_path, "Assembly file")->required();
    asm_cmd->add_option("--config", asm_config, "GPU config (sets memory sizes)")->capture_default_str();
    asm_cmd->add_option("-o,--output", asm_out, "Also write the machine words, one hex word per line");

    std::string disasm_path;
    auto* disasm_cmd = app.add_subcommand("disasm", "Disassemble a file of hex words (as `asm -o` writes)");
    disasm_cmd->add_option("file", disasm_path, "Hex words, whitespace separated; ';' starts a comment")->required();

    std::string build_config = default_config(), build_design = "gpu";
    unsigned build_rows = 0, build_cols = 0;
    auto* build_cmd = app.add_subcommand("build-rtl", "Verilate and compile the RTL for a config now (else on first use)");
    build_cmd->add_option("--config", build_config, "Config (YAML)")->capture_default_str();
    build_cmd->add_option("--design", build_design, "gpu or systolic")->capture_default_str()
        ->check(CLI::IsMember({"gpu", "systolic"}));
    build_cmd->add_option("--rows", build_rows, "systolic: override the config's rows")->check(CLI::Range(1u, 256u));
    build_cmd->add_option("--cols", build_cols, "systolic: override the config's cols")->check(CLI::Range(1u, 256u));

    GemmArgs gemm;
    gemm.config = std::string(build_info::kSourceDir) + "/configs/systolic.yaml";
    auto* gemm_cmd = app.add_subcommand("gemm", "Run a GEMM on the systolic array (SCALE-Sim compatible timing)");
    gemm_cmd->add_option("--config", gemm.config, "Config with a systolic: section")->capture_default_str();
    gemm_cmd->add_option("--rows", gemm.rows, "PE rows (overrides the config)");
    gemm_cmd->add_option("--cols", gemm.cols, "PE columns (overrides the config)");
    gemm_cmd->add_option("--dataflow", gemm.dataflow, "os | ws | is (overrides the config)");
    gemm_cmd->add_option("--m", gemm.m, "Rows of A and C");
    gemm_cmd->add_option("--k", gemm.k, "Columns of A, rows of B");
    gemm_cmd->add_option("--n", gemm.n, "Columns of B and C");
    gemm_cmd->add_option("--seed", gemm.seed, "Seed of the random int8 inputs")->capture_default_str();
    gemm_cmd->add_option("--a", gemm.a, "A as CSV (M rows of K integers)");
    gemm_cmd->add_option("--b", gemm.b, "B as CSV (K rows of N integers)");
    gemm_cmd->add_option("--out", gemm.out, "Write C as CSV");
    gemm_cmd->add_option("--engine", gemm.engine, "model | rtl | cosim")->capture_default_str();
    gemm_cmd->add_option("--trace", gemm.trace, "Write per-cycle traces here");
    gemm_cmd->add_option("--topology", gemm.topology, "SCALE-Sim GEMM topology CSV: run every layer");
    gemm_cmd->add_option("--max-cycles", gemm.max_cycles, "Stop with an error after this many cycles")
        ->check(CLI::Range(uint64_t{1}, uint64_t{1000000000}));
    gemm_cmd->add_option("--inject-fault", gemm.fault,
                         "Overwrite a model PE register after a cycle, CYCLE:ROW.COL:(h|v|w|acc)=VALUE");
    gemm_cmd->add_flag("--json", gemm.json, "Print one JSON object on stdout");

    uint64_t fuzz_start = 1, fuzz_seeds = 100;
    std::string fuzz_config = default_config(), fuzz_engine = "cosim", fuzz_save;
    auto* fuzz_cmd = app.add_subcommand("fuzz", "Run random kernels in lock-step; report any mismatch with its seed");
    fuzz_cmd->add_option("--start-seed", fuzz_start, "First seed")->capture_default_str();
    fuzz_cmd->add_option("--seeds", fuzz_seeds, "How many seeds")->capture_default_str();
    fuzz_cmd->add_option("--config", fuzz_config, "GPU config (YAML)")->capture_default_str();
    fuzz_cmd->add_option("--engine", fuzz_engine, "model | rtl | cosim")->capture_default_str();
    fuzz_cmd->add_option("--save", fuzz_save, "Write failing kernels to this directory");

    std::string step_dir;
    std::vector<std::string> step_commands;
    auto* step_cmd = app.add_subcommand("step", "Step through a recorded run (a --trace directory) cycle by cycle");
    step_cmd->add_option("trace_dir", step_dir, "Directory written by run/gemm --trace")->required();
    step_cmd->add_option("-e,--execute", step_commands, "Run these commands instead of reading stdin");
    bool step_plain = false;
    step_cmd->add_flag("--plain", step_plain, "On a terminal, read typed commands line by line instead of full-screen keys");

    std::string view_dir;
    auto* view_cmd = app.add_subcommand("view", "Write TRACE_DIR/view.html: a self-contained page to step through a run");
    view_cmd->add_option("trace_dir", view_dir, "Directory written by run/gemm --trace")->required();

    BenchArgs bench;
    bench.config = default_config();
    auto* bench_cmd = app.add_subcommand("bench", "Simulated cycles per second: model, RTL and cosim (Google Benchmark)");
    bench_cmd->add_option("--config", bench.config, "GPU config (YAML)")->capture_default_str();
    bench_cmd->add_option("--program", bench.program, "Kernel to run (default: programs/bench_loop.asm)");
    bench_cmd->add_option("--min-time", bench.min_time, "Seconds per benchmark")->capture_default_str();
    bench_cmd->add_option("--design", bench.design, "gpu, systolic, stepper (opening and seeking a trace) or view (view.html in Chromium)")
        ->capture_default_str()
        ->check(CLI::IsMember({"gpu", "systolic", "stepper", "view"}));
    bench_cmd->add_option("--trace", bench.trace, "stepper, view: trace directory (default: record programs/long_loop.asm or mid_loop.asm)");
    bool model_only = false;
    bench_cmd->add_flag("--model-only", model_only, "systolic: only the model (no 16x16/32x32 RTL builds)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    json_errors = run.json || gemm.json;
    try {
        if (*run_cmd) return run_command(run);
        if (*asm_cmd) return asm_command(asm_path, asm_config, asm_out);
        if (*disasm_cmd) return disasm_command(disasm_path);
        if (*build_cmd) {
            Config config = read_config(build_config);
            if (build_design == "gpu" && (build_rows || build_cols)) throw Error("--rows and --cols are for --design systolic");
            if (build_rows) config.systolic.rows = build_rows;
            if (build_cols) config.systolic.cols = build_cols;
            const cosim::RtlDesign design = build_design == "gpu"
                                                ? cosim::gpu_design(config.gpu)
                                                : cosim::systolic_design(systolic::ArrayShape::from(config.systolic));
            std::cout << cosim::ensure_rtl_library(design) << "\n";
            return 0;
        }
        if (*gemm_cmd) return gemm_command(gemm);
        if (*step_cmd) return step_command(step_dir, step_commands, step_plain);
        if (*view_cmd) return view_command(view_dir);
        if (*fuzz_cmd) return fuzz_command(fuzz_start, fuzz_seeds, fuzz_config, fuzz_engine, fuzz_save);
        if (*bench_cmd) {
            const bool reads_traces = bench.design == "stepper" || bench.design == "view";
            if (bench.design != "systolic" && model_only) throw Error("--model-only is for --design systolic");
            if (bench.design == "systolic" && !bench.program.empty()) throw Error("--program is for --design gpu");
            bench.with_rtl = !model_only;
            if (!reads_traces && !bench.trace.empty()) throw Error("--trace is for --design stepper or view");
            if (bench.design == "systolic") return bench_systolic_command(bench);
            if (bench.design == "stepper") return bench_stepper_command(bench, read_config(bench.config));
            if (bench.design == "view") return bench_view_command(bench, read_config(bench.config));
            return bench_command(bench, read_config(bench.config));
        }
    } catch (const Error& e) {
        std::cerr << "lockstep: error: " << e.what() << "\n";
        if (json_errors) std::cout << nlohmann::json{{"error", e.what()}}.dump() << std::endl;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "lockstep: internal error: " << e.what() << "\n";
        if (json_errors) std::cout << nlohmann::json{{"error", std::string("internal error: ") + e.what()}}.dump() << std::endl;
        return 3;
    }
    return 0;
}

}  // namespace lockstep

int main(int argc, char** argv) { return lockstep::main(argc, argv); }
