#include "cosim/rtl_cache.h"

#include "build_info.h"
#include "common/error.h"
#include "common/status_line.h"

#include <fmt/format.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <sstream>
#include <thread>
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

// Bumped when build_makefile() changes how the library is compiled: older builds are stale.
constexpr const char* kBuildRecipe = "recipe 2: one make, slow code at -O0, runtime at -O2";

namespace {

fs::path env_path(const char* name, const fs::path& fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? fs::path(value) : fallback;
}

// Where the RTL is read from: the source tree's rtl/, or LOCKSTEP_RTL_DIR (mutation testing
// builds changed copies of it).
fs::path rtl_root() { return env_path("LOCKSTEP_RTL_DIR", fs::path(build_info::kSourceDir) / "rtl"); }
bool rtl_overridden() { return std::getenv("LOCKSTEP_RTL_DIR") != nullptr; }

// How hard the C++ compiler optimises the Verilated design's per-cycle code: the design's
// own choice (RtlDesign::opt), or LOCKSTEP_RTL_OPT (-O0..-O3).
std::string rtl_opt(const RtlDesign& design) {
    const char* value = std::getenv("LOCKSTEP_RTL_OPT");
    if (value == nullptr || *value == '\0') return design.opt;
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
    mix(rtl_opt(design));
    mix(kBuildRecipe);
    return fmt::format("{:016x}", h).substr(0, 12);
}

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

std::string log_tail(const fs::path& log) {
    std::ifstream in(log);
    std::string line, tail;
    std::vector<std::string> lines;
    while (std::getline(in, line)) lines.push_back(line);
    for (size_t i = lines.size() > 20 ? lines.size() - 20 : 0; i < lines.size(); ++i) tail += lines[i] + "\n";
    return tail;
}

// Runs `command` (output appended to `log`) while `progress` is called a few times a second
// with the seconds elapsed; throws with the log's tail if it fails.
void run(const std::string& command, const fs::path& log, const std::string& top,
         const std::function<void(double)>& progress) {
    const std::string full = command + " >>" + quote(log) + " 2>&1";
    const auto begin = std::chrono::steady_clock::now();
    auto status = std::async(std::launch::async, [&full] { return std::system(full.c_str()); });
    while (status.wait_for(std::chrono::milliseconds(250)) != std::future_status::ready) {
        progress(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
    }
    if (status.get() != 0) {
        throw Error(fmt::format("building the {} RTL failed; full log in {}\n{}", top, log.string(), log_tail(log)));
    }
}

// How many objects Verilator's makefile compiles: one per generated file when it splits the
// design (VM_PARALLEL_BUILDS), else one.
size_t verilated_objects(const fs::path& classes_mk) {
    std::ifstream in(classes_mk);
    std::string line;
    bool parallel = false, listing = false;
    size_t count = 0;
    while (std::getline(in, line)) {
        if (line.rfind("VM_PARALLEL_BUILDS = 1", 0) == 0) parallel = true;
        if (line.rfind("VM_CLASSES_", 0) == 0 || line.rfind("VM_SUPPORT_", 0) == 0) {
            listing = true;
        } else if (line.rfind("VM_", 0) == 0 || line.empty()) {
            listing = false;
        } else if (listing && line[0] == '\t') {
            ++count;
        }
    }
    return parallel ? count : 1;
}

size_t objects_in(const fs::path& dir) {
    std::error_code ec;
    size_t count = 0;
    for (const auto& entry : fs::directory_iterator(dir, ec)) count += entry.path().extension() == ".o";
    return count;
}

// The makefile that turns Verilator's output, its runtime, our hooks and the adapter into
// librtl.so. One `make -j` over all of it, so both cores compile; each object goes through
// ccache, so the runtime (the same for every shape) compiles once per machine. Code Verilator
// marks slow (construction, trace set-up: it runs once) is compiled without optimisation:
// at -O2 it took most of a big shape's build. Paths into the build folder are relative to it
// (make runs there), so a command line, and what ccache hashes, is the same whichever
// folder a shape or a mutant is built in.
std::string build_makefile(const RtlDesign& design, const std::string& defines) {
    const fs::path src = "src";
    const fs::path include = verilator_include();
    const std::string cache = build_info::kCcache;
    const std::string cxx = (cache.empty() ? "" : cache + " ") + build_info::kCxx;
    const std::string flags =
        fmt::format("{} -O2 -include {} -I{} -I{} -I{} -Iobj", kAdapterFlags,
                    quote(src / "sim/cosim/verilated_hooks.h"), quote(include), quote(include / "vltstd"),
                    quote(src / "sim"));
    const std::string archive = "obj/V" + design.top + "__ALL.a";
    std::string text = "# Written by lockstep (sim/cosim/rtl_cache.cpp).\nall: librtl.so\n";
    text += fmt::format("{}:\n\t+$(MAKE) -C obj -f V{}.mk V{}__ALL.a OPT_FAST={} OPT_GLOBAL={} OPT_SLOW=-O0{}\n",
                        archive, design.top, design.top, rtl_opt(design), rtl_opt(design),
                        cache.empty() ? "" : " OBJCACHE=" + cache);
    std::vector<std::pair<std::string, fs::path>> objects;
    for (const char* file : {"verilated", "verilated_vcd_c", "verilated_threads"}) {
        objects.emplace_back(std::string("rt/") + file + ".o", include / (std::string(file) + ".cpp"));
    }
    objects.emplace_back("rt/verilated_hooks.o", src / "sim/cosim/verilated_hooks.cpp");
    std::string all;
    for (const auto& [object, source] : objects) {
        text += fmt::format("{}:\n\t@mkdir -p rt\n\t{} {} -c -o {} {}\n", object, cxx, flags, object, quote(source));
        all += " " + object;
    }
    // The adapter includes the Verilated class's header, so it waits for Verilator's build.
    text += fmt::format("rt/adapter.o: {}\n\t@mkdir -p rt\n\t{} {}{} -c -o rt/adapter.o {}\n", archive, cxx, flags,
                        defines, quote(src / "sim/cosim" / design.adapter));
    text += fmt::format("librtl.so:{} rt/adapter.o {}\n\t{} -shared -o librtl.so{} rt/adapter.o {} -pthread\n", all,
                        archive, build_info::kCxx, all, archive);
    return text;
}

void build(const RtlDesign& design, const fs::path& dir, const Snapshot& files, StatusLine& status) {
    const auto begin = std::chrono::steady_clock::now();
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
    // Verilator runs in the build folder on relative paths, so the C++ it writes names the
    // sources (in assertion messages) the same way wherever it is built.
    std::string verilate = fmt::format("cd {} && {} --cc --trace {} -CFLAGS -fPIC --top-module {} -Mdir obj{}",
                                       quote(tmp), build_info::kVerilator, kVerilatorFlags, design.top, generics);
    for (const auto& file : files) {
        const bool rtl = file.first.rfind("rtl/", 0) == 0, list = fs::path(file.first).extension() == ".f";
        if (rtl && !list) verilate += " " + quote(fs::path("src") / file.first);
    }
    const unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    double verilator_seconds = 0;
    try {
        run(verilate, log, design.top, [&](double seconds) {
            verilator_seconds = seconds;
            status.show(fmt::format("  Verilator: translating the {} RTL to C++ ({})", design.top, duration_text(seconds)));
        });
        std::ofstream(tmp / "build.mk") << build_makefile(design, defines);
        const size_t total = verilated_objects(tmp / "obj" / ("V" + design.top + "_classes.mk")) + 5;
        // A make that runs us (CMake's build) would hand its job server down; ours is our own.
        const std::string make = fmt::format("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C {} -f build.mk -j {}",
                                             quote(tmp), jobs);
        run(make, log, design.top, [&](double seconds) {
            const size_t done = objects_in(tmp / "obj") + objects_in(tmp / "rt");
            status.show(done < total ? fmt::format("  C++ compiler: {} of {} objects ({})", done, total,
                                                   duration_text(seconds))
                                     : fmt::format("  linking ({})", duration_text(seconds)));
        });
    } catch (...) {
        status.clear();
        fs::remove_all(tmp / "obj");   // keep the log for the error message, not 50 MB of objects
        fs::remove_all(tmp / "rt");
        throw;
    }
    status.clear();
    const double total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    fmt::print(stderr, "lockstep: built in {} (Verilator {}, C++ compiler {})\n", duration_text(total_seconds),
               duration_text(verilator_seconds), duration_text(total_seconds - verilator_seconds));
    fs::remove_all(tmp / "obj");   // keep the cache small: the library, its sources and the log
    fs::remove_all(tmp / "rt");
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

namespace {

fs::path cache_dir() { return env_path("LOCKSTEP_RTL_CACHE", build_info::kRtlCacheDir); }

fs::path library_dir(const RtlDesign& design, const Snapshot& files) {
    return cache_dir() / (design.key + "-" + content_hash(files, design));
}

}  // namespace

bool rtl_library_cached(const RtlDesign& design) {
    return fs::exists(library_dir(design, snapshot(design)) / "librtl.so");
}

std::string ensure_rtl_library(const RtlDesign& design) {
    const Snapshot files = snapshot(design);
    const fs::path cache = cache_dir();
    const fs::path dir = library_dir(design, files);
    const fs::path library = dir / "librtl.so";
    if (fs::exists(library)) return library.string();

    fs::create_directories(cache);
    const std::string lock_path = dir.string() + ".lock";
    const int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR, 0644);
    if (lock < 0) throw Error("cannot create lock file " + lock_path);
    ::flock(lock, LOCK_EX);   // another process may be building the same design
    try {
        if (!fs::exists(library)) {
            fmt::print(stderr,
                       "lockstep: building the {} RTL for {} (once, a minute or more; cached in {}). "
                       "--engine model needs no build.\n",
                       design.top, design.key, dir.string());
            StatusLine status;
            build(design, dir, files, status);
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
