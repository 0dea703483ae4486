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

// How the RTL and its adapter are compiled; part of the cache key.
constexpr const char* kVerilatorFlags = "-O3 --x-assign fast --x-initial fast --noassert -Wno-fatal -CFLAGS '-fPIC -O2'";
constexpr const char* kAdapterFlags =
    "-std=c++17 -O2 -fPIC -shared -DVM_TRACE=1 -DVM_TRACE_VCD=1 -DVM_COVERAGE=0 -DVM_SC=0";

namespace {

// The files a design is built from, by path relative to the source tree, and their bytes.
using Snapshot = std::vector<std::pair<std::string, std::string>>;

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string() + ": cannot open file (needed to build the RTL)");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

fs::path verilator_include() { return fs::path(build_info::kVerilatorRoot) / "include"; }

// Everything that goes into the library, read once: what is hashed is exactly what is built,
// even if a file is edited while Verilator runs.
Snapshot snapshot(const RtlDesign& design) {
    const fs::path src = build_info::kSourceDir;
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(src / "rtl" / design.top)) {
        if (entry.path().extension() == ".sv") files.push_back("rtl/" + design.top + "/" + entry.path().filename().string());
    }
    std::sort(files.begin(), files.end());
    const std::string package = "rtl/" + design.top + "/" + design.top + "_pkg.sv";   // first on Verilator's command line
    std::stable_partition(files.begin(), files.end(), [&](const std::string& f) { return f == package; });
    const std::string waiver = "rtl/lint/" + design.top + "_waiver.vlt";
    if (fs::exists(src / waiver)) files.push_back(waiver);
    files.push_back("sim/cosim/" + design.adapter);
    files.push_back("sim/cosim/verilated_bits.h");
    files.push_back("sim/cosim/verilated_top.h");
    for (const std::string& header : design.adapter_headers) files.push_back("sim/" + header);
    Snapshot out;
    for (const std::string& f : files) out.emplace_back(f, read_all(src / f));
    return out;
}

std::string content_hash(const Snapshot& files, const RtlDesign& design) {
    uint64_t h = 1469598103934665603ull;   // FNV-1a
    auto mix = [&](const std::string& text) {
        for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
    };
    for (const auto& [path, text] : files) {
        mix(path);
        mix(text);
    }
    for (const auto& [name, value] : design.params) mix(fmt::format("{}={};", name, value));
    mix(read_all(verilator_include() / "verilated_config.h"));   // the Verilator version
    mix(kVerilatorFlags);
    mix(kAdapterFlags);
    return fmt::format("{:016x}", h).substr(0, 12);
}

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

void run(const std::string& command, const fs::path& log, const std::string& top) {
    const std::string full = command + " >>" + quote(log) + " 2>&1";
    if (std::system(full.c_str()) != 0) {
        std::ifstream in(log);
        std::string line, tail;
        std::vector<std::string> lines;
        while (std::getline(in, line)) lines.push_back(line);
        for (size_t i = lines.size() > 20 ? lines.size() - 20 : 0; i < lines.size(); ++i) tail += lines[i] + "\n";
        throw Error(fmt::format("building the {} RTL failed; full log in {}\n{}", top, log.string(), tail));
    }
}

void build(const RtlDesign& design, const fs::path& dir, const Snapshot& files) {
    const fs::path tmp = dir.string() + ".tmp";
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    const fs::path log = tmp / "build.log";
    const fs::path src = tmp / "src";
    for (const auto& [path, text] : files) {
        fs::create_directories((src / path).parent_path());
        std::ofstream(src / path, std::ios::binary) << text;
    }
    std::string generics, defines;
    for (const auto& [name, value] : design.params) {
        generics += fmt::format(" -G{}={}", name, value);
        defines += fmt::format(" -DLS_{}={}", name, value);
    }
    std::string verilate = fmt::format("{} --cc --build -j 2 --trace {} --top-module {} -Mdir {}{}",
                                       build_info::kVerilator, kVerilatorFlags, design.top, quote(tmp / "obj"), generics);
    for (const auto& file : files) {
        if (file.first.rfind("rtl/", 0) == 0) verilate += " " + quote(src / file.first);
    }
    if (std::string(build_info::kCcache).size() > 0) verilate = "OBJCACHE=" + std::string(build_info::kCcache) + " " + verilate;
    try {
        run(verilate, log, design.top);
        // Without --exe Verilator builds only the design's archive; its runtime is compiled here.
        const fs::path include = verilator_include();
        std::string runtime;
        for (const char* file : {"verilated.cpp", "verilated_vcd_c.cpp", "verilated_threads.cpp"}) {
            runtime += " " + quote(include / file);
        }
        const std::string compiler = std::string(build_info::kCcache).empty()
                                         ? std::string(build_info::kCxx)
                                         : std::string(build_info::kCcache) + " " + build_info::kCxx;
        const std::string link = fmt::format("{} {} -o {} -I{} -I{} -I{} -I{}{} {}{} {} -pthread", compiler,
                                             kAdapterFlags, quote(tmp / "librtl.so"), quote(tmp / "obj"),
                                             quote(include), quote(include / "vltstd"), quote(src / "sim"), defines,
                                             quote(src / "sim/cosim" / design.adapter), runtime,
                                             quote(tmp / "obj" / ("V" + design.top + "__ALL.a")));
        run(link, log, design.top);
    } catch (...) {
        fs::remove_all(tmp / "obj");   // keep the log for the error message, not 50 MB of objects
        throw;
    }
    fs::remove_all(tmp / "obj");   // keep the cache small: the library, its sources and the log
    fs::remove_all(dir);
    fs::rename(tmp, dir);
}

// Deletes older builds of the same design that no process is using or building.
void drop_stale(const fs::path& cache, const RtlDesign& design, const fs::path& keep) {
    std::error_code ec;
    const auto newest = fs::last_write_time(keep, ec);
    for (const auto& entry : fs::directory_iterator(cache, ec)) {
        const fs::path path = entry.path();
        const std::string name = path.filename().string();
        if (path == keep || name.rfind(design.key + "-", 0) != 0 || !entry.is_directory()) continue;
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) continue;   // a build under way
        if (fs::last_write_time(path, ec) >= newest) continue;
        const std::string lock_path = path.string() + ".lock";
        const int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR, 0644);
        if (lock < 0) continue;
        if (::flock(lock, LOCK_EX | LOCK_NB) == 0) fs::remove_all(path, ec);
        ::close(lock);
    }
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
    const Snapshot files = snapshot(design);
    const fs::path cache = build_info::kRtlCacheDir;
    const fs::path dir = cache / (design.key + "-" + content_hash(files, design));
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
            build(design, dir, files);
            drop_stale(cache, design, dir);
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
