// perfetto.json: Chrome trace-event JSON (what ui.perfetto.dev and chrome://tracing open).
// Slices are complete events (ph X) on named tracks (a process per core or array, a thread
// per track inside it); counters (ph C) are written only when their value changes. One
// clock cycle is shown as 1 us.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace lockstep::trace {

class PerfettoWriter {
public:
    // Names a process (a group of tracks) and a track in it; `sort` orders them in the UI.
    void process(unsigned pid, const std::string& name, int sort);
    void track(unsigned pid, unsigned tid, const std::string& name, int sort);
    // A slice [begin, end); `args` is left out when it is not a non-empty object.
    void slice(unsigned pid, unsigned tid, const std::string& name, uint64_t begin, uint64_t end,
               const nlohmann::json& args);
    void counter(unsigned pid, const std::string& name, uint64_t ts, double value);
    // Writes the file; `about` goes into otherData. Throws lockstep::Error.
    void write(const std::string& path, const nlohmann::json& about);

private:
    nlohmann::json events_ = nlohmann::json::array();
    std::map<std::pair<unsigned, std::string>, double> last_;
};

// One track whose slices follow each other: a cycle either goes on the open slice (same
// name and key) or closes it and opens the next.
class SliceTrack {
public:
    SliceTrack(PerfettoWriter& out, unsigned pid, unsigned tid) : out_(&out), pid_(pid), tid_(tid) {}
    // Cycle `cycle` belongs to a slice `name` (empty: to none). Returns the args of a slice
    // opened here, to fill in, or null when the open slice goes on.
    nlohmann::json* at(uint64_t cycle, const std::string& name, uint64_t key);
    void close(uint64_t cycle);
    bool open() const { return open_; }
    void rename(const std::string& name) { name_ = name; }   // the open slice's name, once known

private:
    PerfettoWriter* out_;
    unsigned pid_, tid_;
    bool open_ = false;
    std::string name_;
    uint64_t key_ = 0, since_ = 0;
    nlohmann::json args_;
};

}  // namespace lockstep::trace
