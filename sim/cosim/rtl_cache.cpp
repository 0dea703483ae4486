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

std::vector<fs::path> rtl_sources(const std::string& top) {
    const fs::path root = fs::path(build_info::kSourceDir) / "rtl" / top;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(root)) {
        if (entry.path().extension() == ".sv") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    // The package must come first on Verilator's command line.
    const std::string package = top + "_pkg.sv";
    std::stable_partition(files.begin(), files.end(), [&](const fs::path& p) { return p.filename() == package; });
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

fs::path waiver(const std::string& top) {
    const fs::path src = build_info::kSourceDir;
    return top == "gpu" ? src / "rtl/lint/verilator_waiver.vlt" : src / "rtl/lint" / (top + "_waiver.vlt");
}

void build(const RtlDesign& design, const fs::path& dir, const std::vector<fs::path>& sources) {
    const fs::path src = build_info::kSourceDir;
    const fs::path tmp = dir.string() + ".tmp";
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    const fs::path log = tmp / "build.log";
    std::string generics, defines;
    for (const auto& [name, value] : design.params) {
        generics += fmt::format(" -G{}={}", name, value);
        defines += fmt::format(" -DLS_{}={}", name, value);
    }
    std::string verilate = fmt::format(
        "{} --cc --build -j 2 --trace -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal "
        "--top-module {} -Mdir {} -CFLAGS '-fPIC -O2'{}",
        build_info::kVerilator, design.top, quote(tmp / "obj"), generics);
    if (fs::exists(waiver(design.top))) verilate += " " + quote(waiver(design.top));
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
        "-DVM_COVERAGE=0 -DVM_SC=0{} {}{} {} -pthread",
        compiler, quote(tmp / "librtl.so"), quote(tmp / "obj"), quote(include), quote(include / "vltstd"),
        quote(src / "sim"), defines, quote(src / "sim/cosim" / design.adapter), runtime,
        quote(tmp / "obj" / ("V" + design.top + "__ALL.a")));
    run(link, log);
    fs::remove_all(tmp / "obj");   // keep the cache small: only the library and the log
    fs::remove_all(dir);
    fs::rename(tmp, dir);
}

template <typename Device>
using MakeFn = Device* (*)(const char*);

// Loads the library once per process and returns its factory.
void* factory(const RtlDesign& design, const char* symbol) {
    static std::map<std::string, void*> loaded;
    const std::string library = ensure_rtl_library(design);
    auto found = loaded.find(library);
    if (found != loaded.end()) return found->second;
    void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw Error(fmt::format("cannot load {}: {}", library, dlerror()));
    void* make = dlsym(handle, symbol);
    if (make == nullptr) throw Error(fmt::format("{} has no {}", library, symbol));
    return loaded.emplace(library, make).first->second;
}

}  // namespace

RtlDesign gpu_design(const GpuConfig& c) {
    return RtlDesign{"gpu", "gpu-" + gpu::shape_key(c),
                     {{"NumCores", c.cores}, {"ThreadsPerBlock", c.threads_per_block}, {"DataChannels", c.data_channels},
                      {"ProgramChannels", c.program_channels}, {"DataBits", c.data_width},
                      {"ProgramAddrBits", c.program_addr_bits}},
                     "rtl_gpu_wrapper.cpp",
                     {"gpu/gpu_types.h", "common/memory.h", "common/config.h"}};
}

RtlDesign systolic_design(const systolic::ArrayShape& s) {
    return RtlDesign{"systolic", "systolic-" + s.key(),
                     {{"Rows", s.rows}, {"Cols", s.cols}, {"InBits", s.in_bits}, {"AccBits", s.acc_bits},
                      {"BufAddrBits", s.buffer_addr_bits}},
                     "rtl_systolic_wrapper.cpp",
                     {"systolic/systolic_types.h", "common/config.h"}};
}

std::string ensure_rtl_library(const RtlDesign& design) {
    std::vector<fs::path> inputs = rtl_sources(design.top);
    const fs::path src = build_info::kSourceDir;
    inputs.push_back(waiver(design.top));
    inputs.push_back(src / "sim/cosim" / design.adapter);
    for (const std::string& header : design.adapter_headers) inputs.push_back(src / "sim" / header);
    const fs::path cache = build_info::kRtlCacheDir;
    const fs::path dir = cache / (design.key + "-" + content_hash(inputs));
    const fs::path library = dir / "librtl.so";
    if (fs::exists(library)) return library.string();

    fs::create_directories(cache);
    const std::string lock_path = dir.string() + ".lock";
    const int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR, 0644);
    if (lock < 0) throw Error("cannot create lock file " + lock_path);
    ::flock(lock, LOCK_EX);   // another process may be building the same design
    try {
        if (!fs::exists(library)) {
            fmt::print(stderr, "lockstep: building the {} RTL for {} (once; cached in {})\n", design.top, design.key,
                       dir.string());
            build(design, dir, rtl_sources(design.top));
            // Builds of this design from older sources are dead weight now.
            for (const auto& entry : fs::directory_iterator(cache)) {
                const std::string name = entry.path().filename().string();
                if (name.rfind(design.key + "-", 0) == 0 && entry.path() != dir &&
                    name != dir.filename().string() + ".lock") {
                    std::error_code ignored;
                    fs::remove_all(entry.path(), ignored);
                }
            }
        }
    } catch (...) {
        ::close(lock);
        throw;
    }
    ::close(lock);
    return library.string();
}

std::unique_ptr<gpu::GpuDevice> make_rtl_gpu(const GpuConfig& config, const std::string& vcd_path) {
    auto make = reinterpret_cast<MakeFn<gpu::GpuDevice>>(factory(gpu_design(config), "lockstep_make_rtl_gpu"));
    return std::unique_ptr<gpu::GpuDevice>(make(vcd_path.empty() ? nullptr : vcd_path.c_str()));
}

std::unique_ptr<systolic::SystolicDevice> make_rtl_systolic(const systolic::ArrayShape& shape,
                                                            const std::string& vcd_path) {
    auto make = reinterpret_cast<MakeFn<systolic::SystolicDevice>>(
        factory(systolic_design(shape), "lockstep_make_rtl_systolic"));
    return std::unique_ptr<systolic::SystolicDevice>(make(vcd_path.empty() ? nullptr : vcd_path.c_str()));
}

}  // namespace lockstep::cosim
