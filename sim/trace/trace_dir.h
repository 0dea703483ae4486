// One run's trace directory, as every design's trace writes it: made (and cleared of an
// earlier run's files) once, text files opened by name, states.bin, and summary.json at the
// end. A TraceDir on an empty path writes nothing, so a design's trace counts either way.
#pragma once

#include "trace/state_file.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace lockstep::trace {

// Makes DIR for a run's trace and removes the files an earlier run there may have left and
// this one might not rewrite (a VCD and its GTKWave file, view.html...), so the directory
// describes one run. Removes only names a trace uses. Throws lockstep::Error.
void prepare_trace_dir(const std::string& dir);

// The files in DIR, by name, comma-separated: what a run tells the user it wrote.
std::string trace_files(const std::string& dir);

class TraceDir {
public:
    explicit TraceDir(const std::string& dir);    // "" : no files
    bool enabled() const { return !dir_.empty(); }
    const std::string& path() const { return dir_; }

    // DIR/name, opened for writing. Throws lockstep::Error naming it.
    std::ofstream& open(const std::string& name);
    // states.bin with this header; append() adds one record of `fields` fields.
    void open_states(const nlohmann::json& meta, size_t fields);
    void append(const std::vector<uint32_t>& fields) { states_->append(fields); }
    // Writes summary.json, closes states.bin with `summary` in its trailer, closes the files.
    void finish(const nlohmann::json& summary);

private:
    std::string dir_;
    std::vector<std::unique_ptr<std::ofstream>> files_;
    std::unique_ptr<StateWriter> states_;
};

// The last `size` records of a run (with their cycle numbers), formatted into lines only
// when a mismatch report asks: what the report shows before the difference.
template <typename Record>
class RecentRecords {
public:
    explicit RecentRecords(size_t size) : ring_(size), cycles_(size, 0) {}
    void push(uint64_t cycle, const Record& record) {
        ring_[count_ % ring_.size()] = record;
        cycles_[count_ % ring_.size()] = cycle;
        ++count_;
    }
    template <typename Format>
    std::vector<std::string> lines(Format format) const {
        std::vector<std::string> out;
        const uint64_t n = count_ < ring_.size() ? count_ : ring_.size();
        for (uint64_t i = count_ - n; i < count_; ++i) out.push_back(format(cycles_[i % ring_.size()], ring_[i % ring_.size()]));
        return out;
    }
    uint64_t count() const { return count_; }

private:
    std::vector<Record> ring_;
    std::vector<uint64_t> cycles_;
    uint64_t count_ = 0;
};

}  // namespace lockstep::trace
