#include "trace/state_file.h"

#include "common/error.h"
#include "trace/trace_header.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>

namespace lockstep::trace {

namespace {

constexpr char kMagic[8] = {'L', 'S', 'S', 'T', 'A', 'T', 'E', '2'};
constexpr char kOldMagic[8] = {'L', 'S', 'S', 'T', 'A', 'T', 'E', '1'};   // before values were zigzag-coded
constexpr uint8_t kKey = 'K', kDelta = 'D';

void put_varint(std::string& out, uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7F) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

// Field values as zigzag varints: small negative numbers (signed operands, differences
// from a prediction) take one or two bytes instead of five.
uint32_t zigzag(uint32_t value) {
    const auto v = static_cast<int32_t>(value);
    return (value << 1) ^ static_cast<uint32_t>(v >> 31);
}
uint32_t unzigzag(uint64_t stored) {
    const auto z = static_cast<uint32_t>(stored);
    return (z >> 1) ^ (0u - (z & 1u));
}

void put_u64(std::string& out, uint64_t value) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

}  // namespace

StateWriter::StateWriter(const std::string& path, const nlohmann::json& meta, size_t fields)
    : out_(path, std::ios::binary), path_(path), fields_(fields), transform_(transform_for(meta, fields)) {
    if (!out_) throw Error(path + ": cannot write file");
    const std::string header = meta.dump();
    std::string head(kMagic, sizeof kMagic);
    put_varint(head, header.size());
    head += header;
    put_varint(head, fields);
    out_.write(head.data(), static_cast<std::streamsize>(head.size()));
}

void StateWriter::append(const std::vector<uint32_t>& cycle) {
    const bool keyframe = cycles_ % kKeyframe == 0;
    if (transform_ && !keyframe) transform_->encode(previous_cycle_, cycle, stored_);
    const std::vector<uint32_t>& fields = transform_ && !keyframe ? stored_ : cycle;   // keyframes hold the cycle
    buffer_.clear();
    if (keyframe) {
        keyframes_.push_back(static_cast<uint64_t>(out_.tellp()));
        buffer_.push_back(static_cast<char>(kKey));
        for (uint32_t v : fields) put_varint(buffer_, zigzag(v));
    } else {
        std::string changes;
        uint64_t count = 0, last = 0;
        for (size_t i = 0; i < fields.size(); ++i) {
            if (fields[i] == previous_[i]) continue;
            put_varint(changes, i - last);   // index gap since the previous change
            put_varint(changes, zigzag(fields[i]));
            last = i;
            ++count;
        }
        buffer_.push_back(static_cast<char>(kDelta));
        put_varint(buffer_, count);
        buffer_ += changes;
    }
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    previous_ = fields;
    if (transform_) previous_cycle_ = cycle;
    ++cycles_;
}

void StateWriter::finish(const nlohmann::json& final_meta) {
    const uint64_t index_at = static_cast<uint64_t>(out_.tellp());
    std::string tail;
    put_u64(tail, keyframes_.size());
    for (uint64_t offset : keyframes_) put_u64(tail, offset);
    const std::string trailer = final_meta.dump();
    tail += trailer;
    put_u64(tail, trailer.size());
    put_u64(tail, cycles_);
    put_u64(tail, index_at);
    tail.append(kMagic, sizeof kMagic);
    out_.write(tail.data(), static_cast<std::streamsize>(tail.size()));
    out_.close();
    if (!out_) throw Error(path_ + ": write failed");
}

StateReader::StateReader(const std::string& path) : path_(path) {
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    data_.assign(std::istreambuf_iterator<char>(in), {});
    if (data_.size() >= sizeof kOldMagic && std::memcmp(data_.data(), kOldMagic, sizeof kOldMagic) == 0) {
        corrupt("written by an older Lockstep in a format this one does not read: run it again");
    }
    if (data_.size() < 2 * sizeof kMagic + 32 || std::memcmp(data_.data(), kMagic, sizeof kMagic) != 0) {
        corrupt("not a Lockstep state trace");
    }
    if (std::memcmp(data_.data() + data_.size() - sizeof kMagic, kMagic, sizeof kMagic) != 0) {
        corrupt("truncated (no trailer: did the run stop before finishing its trace?)");
    }
    auto u64_at = [&](size_t at) {
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[at + i])) << (8 * i);
        return v;
    };
    // magic | header, field count, records | index at index_at | trailer | 3 x u64 | magic.
    // Each offset read from the file is checked against the bytes left, never by a sum that could wrap.
    const size_t sizes_at = data_.size() - sizeof kMagic - 24;
    const uint64_t trailer_size = u64_at(sizes_at);
    cycles_ = u64_at(sizes_at + 8);
    const uint64_t index_at = u64_at(sizes_at + 16);
    if (trailer_size > sizes_at - sizeof kMagic) corrupt(fmt::format("bad trailer (its length {} is past the file's start)", trailer_size));
    const size_t trailer_at = sizes_at - trailer_size;
    if (index_at < sizeof kMagic || index_at > trailer_at || trailer_at - index_at < 8) {
        corrupt(fmt::format("bad keyframe index (at offset {})", index_at));
    }
    records_end_ = index_at;
    const uint64_t keyframes = u64_at(index_at);
    const uint64_t index_bytes = trailer_at - index_at - 8;
    if (index_bytes % 8 != 0 || keyframes != index_bytes / 8 ||
        keyframes != cycles_ / StateWriter::kKeyframe + (cycles_ % StateWriter::kKeyframe != 0)) {
        corrupt(fmt::format("bad keyframe index ({} keyframes for {} records)", keyframes, cycles_));
    }
    for (uint64_t k = 0; k < keyframes; ++k) keyframes_.push_back(u64_at(index_at + 8 + 8 * k));
    offset_ = sizeof kMagic;
    const uint64_t header_size = read_varint("header");
    if (header_size > records_end_ - offset_) {
        corrupt(fmt::format("truncated header ({} bytes from offset {}, the records end at {})", header_size, offset_,
                            records_end_));
    }
    const auto header_at = data_.begin() + static_cast<long>(offset_);
    meta_ = nlohmann::json::parse(header_at, header_at + static_cast<long>(header_size), nullptr, false);
    const auto trailer_begin = data_.begin() + static_cast<long>(trailer_at);
    const nlohmann::json trailer = nlohmann::json::parse(trailer_begin, trailer_begin + static_cast<long>(trailer_size),
                                                         nullptr, false);
    if (meta_.is_discarded() || !meta_.is_object() || trailer.is_discarded()) corrupt("bad metadata");
    if (trailer.is_object()) meta_.update(trailer);
    offset_ += header_size;
    fields_ = read_varint("header");
    if (fields_ == 0 || fields_ > (1u << 24)) corrupt(fmt::format("bad field count {}", fields_));
    // Keyframes in order, the first where the records start, each before the index.
    for (uint64_t k = 0; k < keyframes; ++k) {
        const uint64_t at = keyframes_[k];
        if ((k == 0 && at != offset_) || (k > 0 && at <= keyframes_[k - 1]) || at >= records_end_) {
            corrupt(fmt::format("bad keyframe index (keyframe {} at offset {})", k, at));
        }
    }
    state_.assign(fields_, 0);
    try {
        check_header(meta_, fields_);
        transform_ = transform_for(meta_, fields_);
    } catch (const Error& e) {
        corrupt(e.what());
    }
    cycle_.assign(fields_, 0);
}

void StateReader::corrupt(const std::string& what) const {
    throw Error(fmt::format("{}: {}", path_, what));
}

uint64_t StateReader::read_varint(const char* where) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (offset_ >= records_end_) corrupt(fmt::format("truncated {}", where));
        const uint8_t byte = static_cast<uint8_t>(data_[offset_++]);
        value |= static_cast<uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80)) return value;
    }
    corrupt(fmt::format("bad number in {}", where));
}

void StateReader::decode_from(uint64_t keyframe) {
    offset_ = keyframes_.at(keyframe);
    if (static_cast<uint8_t>(data_[offset_]) != kKey) corrupt(fmt::format("keyframe {} is not a keyframe record", keyframe));
    current_ = keyframe * StateWriter::kKeyframe - 1;   // wraps for keyframe 0; decode_next adds one
    decode_next();
}

void StateReader::decode_next() {
    if (offset_ >= records_end_) corrupt("truncated record");
    const uint8_t kind = static_cast<uint8_t>(data_[offset_++]);
    if (kind == kKey) {
        for (uint32_t& v : state_) v = unzigzag(read_varint("record"));
    } else if (kind == kDelta) {
        const uint64_t count = read_varint("record");
        if (count > fields_) corrupt(fmt::format("{} changes in a record of {} fields", count, fields_));
        uint64_t index = 0;
        for (uint64_t c = 0; c < count; ++c) {
            const uint64_t gap = read_varint("record");
            if (gap >= fields_ - index) corrupt("field index out of range");
            index += gap;
            state_[index] = unzigzag(read_varint("record"));
        }
    } else {
        corrupt(fmt::format("bad record kind at offset {}", offset_ - 1));
    }
    if (transform_ && kind == kKey) {
        cycle_ = state_;
    } else if (transform_) {
        transform_->decode(cycle_, state_, next_cycle_);
        cycle_.swap(next_cycle_);
    }
    ++current_;
}

const std::vector<uint32_t>& StateReader::at(uint64_t index) {
    if (index >= cycles_) throw Error(fmt::format("{}: record {} out of range 0..{}", path_, index, cycles_ - 1));
    const uint64_t block = index / StateWriter::kKeyframe;
    if (fields_ * StateWriter::kKeyframe * sizeof(uint32_t) <= kBlockCacheBytes) {
        if (block != block_index_) {
            decode_from(block);
            block_records_ = std::min<uint64_t>(StateWriter::kKeyframe, cycles_ - block * StateWriter::kKeyframe);
            block_.resize(block_records_ * fields_);
            for (uint64_t r = 0; r < block_records_; ++r) {
                if (r > 0) decode_next();
                std::copy(decoded().begin(), decoded().end(), block_.begin() + static_cast<long>(r * fields_));
            }
            block_index_ = block;
        }
        const auto first = block_.begin() + static_cast<long>((index - block * StateWriter::kKeyframe) * fields_);
        out_.assign(first, first + static_cast<long>(fields_));
        return out_;
    }
    if (current_ == UINT64_MAX || index < current_ || index / StateWriter::kKeyframe != current_ / StateWriter::kKeyframe) {
        decode_from(index / StateWriter::kKeyframe);
    }
    while (current_ < index) decode_next();
    return decoded();
}

}  // namespace lockstep::trace
