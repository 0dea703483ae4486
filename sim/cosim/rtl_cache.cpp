#include "cosim/rtl_cache.h"

#include "build_info.h"
#include "common/error.h"
#include "gpu/gpu_model.h"

#include <fmt/format.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;

namespace lockstep::cosim {

namespace {

using MakeFn = gpu::GpuDevice* (*)(const char*);

std::vector<fs::path> rtl_sources() {
    const fs::path root = fs::path(build_info::kSourceDir) / "rtl" / "gpu";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(root)) {
        if (entry.path().extension() == ".sv") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    // The package must come first on Verilator's command line.
    std::stable_partition(files.begin(), files.end(),
                          [](const fs::path& p) { return p.filename() == "gpu_pkg.sv"; });
    return files;
}

// A hash of everything that goes into the library, so an edited RTL file is rebuilt.
std::string content_hash(const std::vector<fs::path>& inputs) {
    uint64_t h = 1469598103934665603ull;   // FNV-1a
    for (const fs::path& path : inputs) {
        std::ifstream in(path, std::ios::binary);
        std::stringstream text;
        text << path.filename().string() << in.rdbuf();
        for (unsigned char ch : text.str()) h = (h ^ ch) * 1099511628211ull;
    }
    return fmt::format("{:016x}", h).substr(0, 12);
}

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

void run(const std::string& command, const fs::path& log) {
    const std::string full = command + " >>" + quote(log) + " 2>&1";
    if (std::system(full.c_str()) != 0) {
        std::ifstream in(log);
        std::string line, tail;
        std::vector<std::string> lines;
        while (std::getline(in, line)) lines.push_back(line);
        for (size_t i = lines.size() > 20 ? lines.size() - 20 : 0; i < lines.size(); ++i) tail += lines[i] + "\n";
        throw Error(fmt::format("building the GPU RTL failed; full log in {}\n{}", log.string(), tail));
    }
}

void build(const GpuConfig& c, const fs::path& dir, const std::vector<fs::path>& sources) {
    const fs::path src = build_info::kSourceDir;
    const fs::path tmp = dir.string() + ".tmp";
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    const fs::path log = tmp / "build.log";
    std::string verilate = fmt::format(
        "{} --cc --build -j 2 --trace -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal "
        "--top-module gpu -Mdir {} -CFLAGS '-fPIC -O2' "
        "-GNumCores={} -GThreadsPerBlock={} -GDataChannels={} -GProgramChannels={} -GDataBits={} "
        "-GProgramAddrBits={} {}",
        build_info::kVerilator, quote(tmp / "obj"), c.cores, c.threads_per_block, c.data_channels,
        c.program_channels, c.data_width, c.program_addr_bits, quote(src / "rtl/lint/verilator_waiver.vlt"));
    for (const fs::path& s : sources) verilate += " " + quote(s);
    if (std::string(build_info::kCcache).size() > 0) verilate = "OBJCACHE=" + std::string(build_info::kCcache) + " " + verilate;
    run(verilate, log);
    // Without --exe Verilator builds only the design's archive; its runtime is compiled here.
    const fs::path include = "/usr/share/verilator/include";
    std::string runtime;
    for (const char* file : {"verilated.cpp", "verilated_vcd_c.cpp", "verilated_threads.cpp"}) {
        runtime += " " + quote(include / file);
    }
    const std::string compiler = std::string(build_info::kCcache).empty()
                                     ? std::string(build_info::kCxx)
                                     : std::string(build_info::kCcache) + " " + build_info::kCxx;
    const std::string link = fmt::format(
        "{} -std=c++17 -O2 -fPIC -shared -o {} -I{} -I{} -I{} -I{} -DVM_TRACE=1 -DVM_TRACE_VCD=1 "
        "-DVM_COVERAGE=0 -DVM_SC=0 -DLS_CORES={} -DLS_THREADS_PER_BLOCK={} -DLS_DATA_CHANNELS={} "
        "-DLS_PROGRAM_CHANNELS={} -DLS_DATA_BITS={} -DLS_PC_BITS={} {}{} {} -pthread",
        compiler, quote(tmp / "libgpu_rtl.so"), quote(tmp / "obj"), quote(include), quote(include / "vltstd"),
        quote(src / "sim"), c.cores, c.threads_per_block, c.data_channels, c.program_channels, c.data_width,
        c.program_addr_bits, quote(src / "sim/cosim/rtl_gpu_wrapper.cpp"), runtime, quote(tmp / "obj/Vgpu__ALL.a"));
    run(link, log);
    fs::remove_all(tmp / "obj");   // keep the cache small: only the library and the log
    fs::remove_all(dir);
    fs::rename(tmp, dir);
}

}  // namespace

std::string ensure_rtl_library(const GpuConfig& config) {
    std::vector<fs::path> inputs = rtl_sources();
    const fs::path src = build_info::kSourceDir;
    inputs.push_back(src / "rtl/lint/verilator_waiver.vlt");
    inputs.push_back(src / "sim/cosim/rtl_gpu_wrapper.cpp");
    inputs.push_back(src / "sim/gpu/gpu_types.h");
    inputs.push_back(src / "sim/common/memory.h");
    inputs.push_back(src / "sim/common/config.h");
    const fs::path cache = build_info::kRtlCacheDir;
    const fs::path dir = cache / ("gpu-" + gpu::shape_key(config) + "-" + content_hash(inputs));
    const fs::path library = dir / "libgpu_rtl.so";
    if (fs::exists(library)) return library.string();

    fs::create_directories(cache);
    const std::string lock_path = dir.string() + ".lock";
    const int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR, 0644);
    if (lock < 0) throw Error("cannot create lock file " + lock_path);
    ::flock(lock, LOCK_EX);   // another process may be building the same shape
    try {
        if (!fs::exists(library)) {
            fmt::print(stderr, "lockstep: building the GPU RTL for shape {} (once; cached in {})\n",
                       gpu::shape_key(config), dir.string());
            build(config, dir, rtl_sources());
        }
    } catch (...) {
        ::close(lock);
        throw;
    }
    ::close(lock);
    return library.string();
}

std::unique_ptr<gpu::GpuDevice> make_rtl_gpu(const GpuConfig& config, const std::string& vcd_path) {
    static std::map<std::string, MakeFn> loaded;
    const std::string library = ensure_rtl_library(config);
    auto found = loaded.find(library);
    if (found == loaded.end()) {
        void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) throw Error(fmt::format("cannot load {}: {}", library, dlerror()));
        auto make = reinterpret_cast<MakeFn>(dlsym(handle, "lockstep_make_rtl_gpu"));
        if (make == nullptr) throw Error(fmt::format("{} has no lockstep_make_rtl_gpu", library));
        found = loaded.emplace(library, make).first;
    }
    return std::unique_ptr<gpu::GpuDevice>(found->second(vcd_path.empty() ? nullptr : vcd_path.c_str()));
}

}  // namespace lockstep::cosim
