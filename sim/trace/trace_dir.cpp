#include "trace/trace_dir.h"

#include "common/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace lockstep::trace {

namespace fs = std::filesystem;

void prepare_trace_dir(const std::string& dir) {
    std::error_code ec;
    if (!fs::create_directories(dir, ec) && !fs::is_directory(dir)) {
        throw Error(dir + ": cannot create the trace directory");
    }
    for (const char* name : {"states.bin", "summary.json", "utilisation.svg", "heatmap.svg", "perfetto.json",
                             "view.html", "gpu.vcd", "gpu.gtkw", "trace.log", "utilisation.csv", "systolic.vcd",
                             "systolic.gtkw", "cycles.csv", "pe_activity.txt", "left_reads.csv", "top_reads.csv",
                             "c_writes.csv", "stream.csv"}) {
        fs::remove(fs::path(dir) / name, ec);
    }
}

std::string trace_files(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    return list;
}

TraceDir::TraceDir(const std::string& dir) : dir_(dir) {
    if (dir_.empty()) return;
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (!fs::is_directory(dir_)) throw Error(fmt::format("{}: cannot create the trace directory", dir_));
}

std::ofstream& TraceDir::open(const std::string& name) {
    files_.push_back(std::make_unique<std::ofstream>(dir_ + "/" + name));
    if (!*files_.back()) throw Error(fmt::format("{}: cannot write trace files there ({})", dir_, name));
    return *files_.back();
}

void TraceDir::open_states(const nlohmann::json& meta, size_t fields) {
    states_ = std::make_unique<StateWriter>(dir_ + "/states.bin", meta, fields);
}

void TraceDir::finish(const nlohmann::json& summary) {
    if (!enabled()) return;
    std::ofstream(dir_ + "/summary.json") << summary.dump(2) << "\n";
    if (states_) states_->finish(summary);
    for (auto& file : files_) file->close();
}

}  // namespace lockstep::trace
