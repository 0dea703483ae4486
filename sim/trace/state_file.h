// states.bin: every cycle's observable state, compact and randomly accessible, for the
// stepper and the viewer. A snapshot is flattened to a vector of 32-bit fields; each cycle
// stores only the fields that changed (varint index delta, value), with a full keyframe
// every kKeyframe cycles and an index of keyframes at the end (docs/traces.md).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace lockstep::trace {

// The human-readable dumps (trace.log, pe_activity.txt) stop after this many cycles to stay
// small; states.bin and the CSV files cover every cycle.
inline constexpr uint64_t kTextLogCycles = 20000;

// What a record between keyframes stores instead of the cycle's fields: here, each field
// minus a prediction made from the cycle before, so fields that move as predicted stay 0
// and cost nothing in the deltas. Lossless whatever the prediction.
class FieldTransform {
public:
    virtual ~FieldTransform() = default;
    virtual void encode(const std::vector<uint32_t>& previous, const std::vector<uint32_t>& current,
                        std::vector<uint32_t>& stored) const = 0;
    virtual void decode(const std::vector<uint32_t>& previous, const std::vector<uint32_t>& stored,
                        std::vector<uint32_t>& current) const = 0;
};

// The transform a trace's header names ("predictor"), or null for none (snapshot_fields.cpp).
// Throws lockstep::Error when the header's shape does not give `fields` fields.
std::shared_ptr<const FieldTransform> transform_for(const nlohmann::json& meta, size_t fields);

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
    std::shared_ptr<const FieldTransform> transform_;
    std::vector<uint32_t> previous_;                     // the last record as stored
    std::vector<uint32_t> previous_cycle_, stored_;      // with a transform: the last cycle's fields
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
    uint64_t read_varint(const char* where);              // at offset_, which it moves on
    const std::vector<uint32_t>& decoded() const { return transform_ ? cycle_ : state_; }
    [[noreturn]] void corrupt(const std::string& what) const;

    std::string path_;
    std::vector<char> data_;
    nlohmann::json meta_;
    size_t fields_ = 0;
    uint64_t cycles_ = 0;
    std::vector<uint64_t> keyframes_;
    uint64_t current_ = UINT64_MAX;                      // record held in state_
    size_t offset_ = 0;                                  // where the next record starts
    size_t records_end_ = 0;                             // the keyframe index follows the records
    std::vector<uint32_t> state_;                        // the record as stored
    std::shared_ptr<const FieldTransform> transform_;
    std::vector<uint32_t> cycle_, next_cycle_;            // with a transform: the cycle's fields
    // The records of one keyframe block, decoded at once, so stepping backwards is as cheap
    // as stepping forwards (only when a block fits in kBlockCacheBytes).
    static constexpr size_t kBlockCacheBytes = 64u << 20;
    std::vector<uint32_t> block_;
    uint64_t block_index_ = UINT64_MAX, block_records_ = 0;
    std::vector<uint32_t> out_;
};

}  // namespace lockstep::trace
