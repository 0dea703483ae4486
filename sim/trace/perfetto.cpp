#include "trace/perfetto.h"

#include "common/error.h"

#include <fstream>

namespace lockstep::trace {

void PerfettoWriter::process(unsigned pid, const std::string& name, int sort) {
    events_.push_back({{"ph", "M"}, {"pid", pid}, {"tid", 0}, {"name", "process_name"}, {"args", {{"name", name}}}});
    events_.push_back({{"ph", "M"}, {"pid", pid}, {"tid", 0}, {"name", "process_sort_index"}, {"args", {{"sort_index", sort}}}});
}

void PerfettoWriter::track(unsigned pid, unsigned tid, const std::string& name, int sort) {
    events_.push_back({{"ph", "M"}, {"pid", pid}, {"tid", tid}, {"name", "thread_name"}, {"args", {{"name", name}}}});
    events_.push_back({{"ph", "M"}, {"pid", pid}, {"tid", tid}, {"name", "thread_sort_index"}, {"args", {{"sort_index", sort}}}});
}

void PerfettoWriter::slice(unsigned pid, unsigned tid, const std::string& name, uint64_t begin, uint64_t end,
                           const nlohmann::json& args) {
    nlohmann::json e = {{"ph", "X"}, {"pid", pid}, {"tid", tid}, {"name", name}, {"ts", begin}, {"dur", end - begin}};
    if (args.is_object() && !args.empty()) e["args"] = args;
    events_.push_back(std::move(e));
}

void PerfettoWriter::counter(unsigned pid, const std::string& name, uint64_t ts, double value) {
    auto [it, fresh] = last_.emplace(std::make_pair(pid, name), value);
    if (!fresh && it->second == value) return;
    it->second = value;
    events_.push_back({{"ph", "C"}, {"pid", pid}, {"tid", 0}, {"name", name}, {"ts", ts}, {"args", {{"value", value}}}});
}

void PerfettoWriter::write(const std::string& path, const nlohmann::json& about) {
    std::ofstream out(path);
    out << nlohmann::json{{"traceEvents", events_}, {"displayTimeUnit", "ns"}, {"otherData", about}}.dump() << "\n";
    if (!out) throw Error(path + ": cannot write file");
}

nlohmann::json* SliceTrack::at(uint64_t cycle, const std::string& name, uint64_t key) {
    if (open_ && name == name_ && key == key_) return nullptr;
    close(cycle);
    if (name.empty()) return nullptr;
    open_ = true;
    name_ = name;
    key_ = key;
    since_ = cycle;
    args_ = nlohmann::json::object();
    return &args_;
}

void SliceTrack::close(uint64_t cycle) {
    if (open_ && cycle > since_) out_->slice(pid_, tid_, name_, since_, cycle, args_);
    open_ = false;
}

}  // namespace lockstep::trace
