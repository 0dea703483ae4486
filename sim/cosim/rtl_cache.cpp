#include "cosim/rtl_cache.h"

#include "build_info.h"
#include "common/error.h"

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
// Assertions are on: a failed one stops the run (verilated_hooks.cpp catches Verilator's
// $stop and its messages, which would otherwise go to stdout and abort()).
constexpr const char* kVerilatorFlags = "-O3 --x-assign fast --x-initial fast --assert -Wno-fatal";
constexpr const char* kAdapterFlags =
    "-std=c++17 -fPIC -shared -DVM_TRACE=1 -DVM_TRACE_VCD=1 -DVM_COVERAGE=0 -DVM_SC=0 "
    "-DVL_USER_STOP -DVL_USER_FATAL -DVL_PRINTF=lockstep_vl_printf";

namespace {

fs::path env_path(const char* name, const fs::path& fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? fs::path(value) : fallback;
}

// Where the RTL is read from: the source tree's rtl/, or LOCKSTEP_RTL_DIR (mutation testing
// builds changed copies of it).
fs::path rtl_root() { return env_path("LOCKSTEP_RTL_DIR", fs::path(build_info::kSourceDir) / "rtl"); }
bool rtl_overridden() { return std::getenv("LOCKSTEP_RTL_DIR") != nullptr; }

// How hard the C++ compiler optimises the RTL: -O2, or LOCKSTEP_RTL_OPT (-O0..-O3); mutation
// testing builds many short-lived RTL libraries at -O1, where compiling dominates running.
std::string rtl_opt() {
    const char* value = std::getenv("LOCKSTEP_RTL_OPT");
    if (value == nullptr || *value == '\0') return "-O2";
    const std::string opt = value;
    if (opt != "-O0" && opt != "-O1" && opt != "-O2" && opt != "-O3") {
        throw Error("LOCKSTEP_RTL_OPT='" + opt + "': expected -O0, -O1, -O2 or -O3");
    }
    return opt;
}

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
    std::vector<std::string> files = rtl_file_list(design.top);
    files.push_back("sim/cosim/" + design.adapter);
    files.push_back("sim/cosim/verilated_bits.h");
    files.push_back("sim/cosim/verilated_top.h");
    files.push_back("sim/cosim/verilated_hooks.h");
    files.push_back("sim/cosim/verilated_hooks.cpp");
    files.push_back("sim/common/device.h");
    files.push_back("sim/common/bits.h");
    for (const std::string& header : design.adapter_headers) files.push_back("sim/" + header);
    Snapshot out;
    for (const std::string& f : files) {
        out.emplace_back(f, read_all(f.rfind("rtl/", 0) == 0 ? rtl_root() / f.substr(4) : src / f));
    }
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
    mix(rtl_opt());
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
                                       build_info::kVerilator, fmt::format("{} -CFLAGS '-fPIC {}'", kVerilatorFlags, rtl_opt()),
                                       design.top, quote(tmp / "obj"), generics);
    for (const auto& file : files) {
        const bool rtl = file.first.rfind("rtl/", 0) == 0, list = fs::path(file.first).extension() == ".f";
        if (rtl && !list) verilate += " " + quote(src / file.first);
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
        runtime += " " + quote(src / "sim/cosim/verilated_hooks.cpp");
        const std::string compiler = std::string(build_info::kCcache).empty()
                                         ? std::string(build_info::kCxx)
                                         : std::string(build_info::kCcache) + " " + build_info::kCxx;
        const std::string link = fmt::format("{} {} -include {} -o {} -I{} -I{} -I{} -I{}{} {}{} {} -pthread", compiler,
                                             std::string(kAdapterFlags) + " " + rtl_opt(),
                                             quote(src / "sim/cosim/verilated_hooks.h"),
                                             quote(tmp / "librtl.so"), quote(tmp / "obj"),
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
        if (::flock(lock, LOCK_EX | LOCK_NB) == 0) {
            fs::remove_all(path, ec);
            fs::remove(lock_path, ec);   // nobody can be waiting on it: its build is gone
        }
        ::close(lock);
    }
}

}  // namespace

std::vector<std::string> rtl_file_list(const std::string& top) {
    const fs::path list = rtl_root() / top / (top + ".f");
    std::ifstream in(list);
    if (!in) throw Error(list.string() + ": cannot open the RTL file list of design '" + top + "'");
    std::vector<std::string> files{"rtl/" + top + "/" + top + ".f"};
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        line = line.substr(0, line.find("//"));
        const size_t first = line.find_first_not_of(" \t\r"), last = line.find_last_not_of(" \t\r");
        if (first == std::string::npos) continue;
        line = line.substr(first, last - first + 1);
        const fs::path file = (fs::path(top) / line).lexically_normal();
        if (line.find_first_of(" \t") != std::string::npos || line[0] == '-' || file.is_absolute() ||
            *file.begin() == "..") {
            throw error_at(list.string(), number, "'" + line + "': expected one file path relative to this list");
        }
        if (!fs::exists(rtl_root() / file)) throw error_at(list.string(), number, "'" + line + "': no such file");
        files.push_back("rtl/" + file.generic_string());
    }
    return files;
}

std::string ensure_rtl_library(const RtlDesign& design) {
    const Snapshot files = snapshot(design);
    const fs::path cache = env_path("LOCKSTEP_RTL_CACHE", build_info::kRtlCacheDir);
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
            if (!rtl_overridden()) drop_stale(cache, design, dir);   // mutants keep the real builds
        }
    } catch (...) {
        ::close(lock);
        throw;
    }
    ::close(lock);
    return library.string();
}

void* rtl_factory(const RtlDesign& design) {
    static std::map<std::string, void*> loaded;   // by library path: each is loaded once per process
    const std::string library = ensure_rtl_library(design);
    auto found = loaded.find(library);
    if (found != loaded.end()) return found->second;
    void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw Error(fmt::format("cannot load {}: {}", library, dlerror()));
    void* make = dlsym(handle, kRtlFactorySymbol);
    if (make == nullptr) throw Error(fmt::format("{} has no {}", library, kRtlFactorySymbol));
    return loaded.emplace(library, make).first->second;
}

}  // namespace lockstep::cosim
