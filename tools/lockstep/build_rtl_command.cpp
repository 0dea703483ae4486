// `lockstep build-rtl`: Verilate and compile the RTL for a config now, instead of on first use.
#include "command_line.h"
#include "command_support.h"
#include "commands.h"
#include "common/error.h"
#include "cosim/gpu_engine.h"
#include "cosim/rtl_cache.h"
#include "cosim/systolic_engine.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace lockstep {

int build_rtl_command(const BuildRtlArgs& args) {
    Config config = read_config(args.config);
    if (args.design == "gpu" && (args.rows || args.cols)) throw Error("--rows and --cols are for --design systolic");
    if (args.rows) config.systolic.rows = args.rows;
    if (args.cols) config.systolic.cols = args.cols;
    const cosim::RtlDesign design = args.design == "gpu"
                                        ? cosim::gpu_design(config.gpu)
                                        : cosim::systolic_design(systolic::ArrayShape::from(config.systolic));
    std::cout << cosim::ensure_rtl_library(design) << "\n";
    return 0;
}

void add_build_rtl_command(CLI::App& app, CommandTable& table) {
    auto args = std::make_shared<BuildRtlArgs>();
    args->config = default_config();
    CLI::App* cli = app.add_subcommand("build-rtl", "Verilate and compile the RTL for a config now (else on first use)");
    cli->add_option("--config", args->config, "Config (YAML)")->capture_default_str();
    cli->add_option("--design", args->design, "gpu or systolic")->capture_default_str()
        ->check(CLI::IsMember({"gpu", "systolic"}));
    cli->add_option("--rows", args->rows, "systolic: override the config's rows")->check(whole_number(1, 256));
    cli->add_option("--cols", args->cols, "systolic: override the config's cols")->check(whole_number(1, 256));
    table.push_back({cli, [args] { return build_rtl_command(*args); }});
}

}  // namespace lockstep
