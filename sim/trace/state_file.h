// states.bin: every cycle's observable state, compact and randomly accessible, for the
// stepper and the viewer. A snapshot is flattened to a vector of 32-bit fields; each cycle
// stores only the fields that changed (varint index delta, value), with a full keyframe
// every kKeyframe cycles and an index of keyframes at the end (docs/traces.md).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace lockstep::trace {

class StateWriter {
public:
    static constexpr uint32_t kKeyframe = 1024;

    // `meta` describes the run (kind, shape, program listing...) for the reader.
    StateWriter(const std::string& path, const nlohmann::json& meta, size_t fields);
    void append(const std::vector<uint32_t>& fields);   // the next cycle
    void finish(const nlohmann::json& final_meta);      // writes the index and trailer

private:
    std::ofstream out_;
    std::string path_;
    size_t fields_;
    uint64_t cycles_ = 0;
    std::vector<uint32_t> previous_;
    std::vector<uint64_t> keyframes_;                    // file offset of every keyframe
    std::string buffer_;
};

class StateReader {
public:
    // Throws lockstep::Error naming the file on a missing, malformed or truncated file.
    explicit StateReader(const std::string& path);

    const nlohmann::json& meta() const { return meta_; }   // header metadata merged with the trailer's
    const std::string& path() const { return path_; }
    uint64_t cycles() const { return cycles_; }             // records stored
    size_t fields() const { return fields_; }
    // The fields of record `index` (0 .. cycles()-1).
    const std::vector<uint32_t>& at(uint64_t index);

private:
    void decode_from(uint64_t keyframe);
    void decode_next();
    [[noreturn]] void corrupt(const std::string& what) const;

    std::string path_;
    std::vector<char> data_;
    nlohmann::json meta_;
    size_t fields_ = 0;
    uint64_t cycles_ = 0;
    std::vector<uint64_t> keyframes_;
    uint64_t current_ = UINT64_MAX;                      // record held in state_
    size_t offset_ = 0;                                  // where the next record starts
    std::vector<uint32_t> state_;
    // The records of one keyframe block, decoded at once, so stepping backwards is as cheap
    // as stepping forwards (only when a block fits in kBlockCacheBytes).
    static constexpr size_t kBlockCacheBytes = 64u << 20;
    std::vector<uint32_t> block_;
    uint64_t block_index_ = UINT64_MAX, block_records_ = 0;
    std::vector<uint32_t> out_;
};

}  // namespace lockstep::trace
