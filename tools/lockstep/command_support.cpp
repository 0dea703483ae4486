#include "command_support.h"

#include "build_info.h"
#include "common/error.h"

#include <fmt/format.h>

#include <filesystem>

namespace lockstep {

std::string source_file(const std::string& relative) {
    return std::string(build_info::kSourceDir) + "/" + relative;
}

std::string default_config() {
    const std::string path = source_file("configs/tiny-gpu.yaml");
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

cosim::Engine engine_named(const std::string& name) {
    const auto engine = cosim::engine_from_name(name);
    if (!engine) throw Error(fmt::format("--engine '{}': expected model, rtl or cosim", name));
    return *engine;
}

}  // namespace lockstep
