// YAML -> Config. Every key is checked against a fixed schema so a typo is an error.
#include "common/config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "common/plural.h"
#include "common/spelling.h"

namespace lockstep {
namespace {

// Known sections and their keys, in the order of the structs in config.h.
const std::vector<std::pair<std::string, std::vector<std::string>>> kSchema = {
    {"gpu",
     {"cores", "threads_per_block", "data_channels", "program_channels", "data_width", "data_addr_bits",
      "program_addr_bits"}},
    {"memory", {"latency", "data_latency", "bandwidth"}},
    {"sim", {"max_cycles"}},
    {"systolic", {"rows", "cols", "dataflow", "in_bits", "acc_bits", "buffer_addr_bits", "dram_lanes"}},
    {"tensor_core", {"rows", "cols", "dataflow", "in_bits", "acc_bits"}},
    {"divergence", {"stack_depth"}},
    {"warps", {"count", "scheduler"}},
    {"coalescer", {"segment_words"}},
    {"cache", {"size_words", "ways", "hit_latency", "write_policy"}},
};

// Keys whose value is a word from a fixed list rather than an unsigned integer.
const std::map<std::string, std::vector<std::string>> kChoices = {
    {"systolic.dataflow", {"os", "ws", "is"}},
    {"tensor_core.dataflow", {"os", "ws", "is"}},
    {"warps.scheduler", {"rr", "gto"}},
    {"cache.write_policy", {"write_back", "write_through"}},
};

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

std::vector<std::string> section_names() {
    std::vector<std::string> names;
    for (const auto& s : kSchema) names.push_back(s.first);
    return names;
}

constexpr const char* kTabIndent = "a tab indents this line; YAML indents with spaces";

// yaml-cpp's message for a tab in the indentation ("illegal map value") names neither the
// tab nor the fix. Blank lines are left to yaml-cpp, which refuses only some of them.
void refuse_tab_indents(const std::string& yaml_text, const std::string& path) {
    std::istringstream lines(yaml_text);
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        const size_t text = line.find_first_not_of(" \t\r");
        if (text == std::string::npos || line[text] == '#') continue;   // blank or a comment
        if (line.find('\t') < text) throw error_at(path, number, kTabIndent);
    }
}

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }  // Mark is 0-based

std::string kind_of(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Sequence: return "a sequence";
        case YAML::NodeType::Map: return "a mapping";
        case YAML::NodeType::Null: return "nothing";
        default: return "'" + node.Scalar() + "'";
    }
}

// One key as written in the file, already known to be an unsigned integer.
struct Setting {
    uint64_t value;    // saturated at the uint64 maximum, so it fails any range check
    std::string text;  // as written, for messages
    int line;
};

class ConfigReader {
public:
    explicit ConfigReader(const std::string& path) : path_(path) {}

    void read(const YAML::Node& root) {
        if (root.IsNull()) return;  // an empty file: all defaults
        if (!root.IsMap())
            throw error_at(path_, line_of(root), "expected a mapping with sections " + join(section_names()));
        std::map<std::string, int> seen;
        for (const auto& entry : root) {
            const std::string section = entry.first.Scalar();
            const int line = line_of(entry.first);
            const auto known = std::find_if(kSchema.begin(), kSchema.end(),
                                            [&](const auto& s) { return s.first == section; });
            if (known == kSchema.end()) {
                const std::vector<std::string> names = section_names();
                for (const auto& [owner, keys] : kSchema) {   // a key written at the top level
                    if (std::find(keys.begin(), keys.end(), section) == keys.end()) continue;
                    throw error_at(path_, line, fmt::format("unknown section '{}': it is a key of '{}', indent it "
                                                            "under '{}:'", section, owner, owner));
                }
                throw error_at(path_, line, fmt::format("unknown section '{}'{} (known: {})", section,
                                                        did_you_mean(section, names), join(names)));
            }
            if (const auto [it, fresh] = seen.emplace(section, line); !fresh) {
                throw error_at(
                    path_, line,
                    fmt::format("duplicate section '{}' (first on line {})", section, it->second));
            }
            sections_[section] = line;
            read_section(section, known->second, entry.second, line);
        }
    }

    // Copies a key into *field if the file set it and `valid` accepts it (`range` says what is).
    template <typename T, typename Valid>
    void apply(const std::string& key, T* field, Valid valid, const std::string& range) const {
        const auto it = settings_.find(key);
        if (it == settings_.end()) return;
        if (!valid(it->second.value)) {
            throw error_at(path_, it->second.line,
                           fmt::format("{}: {} out of range ({})", key, it->second.text, range));
        }
        *field = static_cast<T>(it->second.value);
    }

    // Copies a word-valued key into *field if the file set it.
    void apply_choice(const std::string& key, std::string* field) const {
        const auto it = settings_.find(key);
        if (it != settings_.end()) *field = it->second.text;
    }

    // The line of a section or key the file has, 0 when it has none.
    int section_line(const std::string& section) const {
        const auto it = sections_.find(section);
        return it == sections_.end() ? 0 : it->second;
    }
    int key_line(const std::string& key) const {
        const auto it = settings_.find(key);
        return it == settings_.end() ? 0 : it->second.line;
    }

    template <typename T>
    void apply(const std::string& key, T* field, Range range, const std::string& text = "") const {
        apply(
            key, field, [=](uint64_t v) { return range.contains(v); },
            text.empty() ? fmt::format("{}..{}", range.lo, range.hi) : text);
    }

private:
    void read_section(const std::string& section, const std::vector<std::string>& keys,
                      const YAML::Node& node, int line) {
        if (node.IsNull()) return;
        if (!node.IsMap()) {
            throw error_at(
                path_, line,
                fmt::format("'{}' must be a mapping of keys, got {}", section, kind_of(node)));
        }
        for (const auto& entry : node) {
            const std::string key = entry.first.Scalar();
            const int key_line = line_of(entry.first);
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
                throw error_at(
                    path_, key_line,
                    fmt::format("unknown key '{}' in '{}'{} (known: {})", key, section, did_you_mean(key, keys),
                                join(keys)));
            }
            const std::string name = section + "." + key;
            if (const auto it = settings_.find(name); it != settings_.end()) {
                throw error_at(path_, key_line,
                               fmt::format("duplicate key '{}' in '{}' (first on line {})", key, section,
                                           it->second.line));
            }
            const auto choices = kChoices.find(name);
            settings_[name] = choices == kChoices.end() ? unsigned_value(name, entry.second, key_line)
                                                        : choice_value(name, choices->second, entry.second, key_line);
        }
    }

    Setting choice_value(const std::string& name, const std::vector<std::string>& choices, const YAML::Node& node,
                         int line) const {
        const std::string text = node.IsScalar() ? node.Scalar() : "";
        if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
            throw error_at(path_, line, fmt::format("{}: expected one of {}, got {}", name, join(choices), kind_of(node)));
        }
        return {0, text, line};
    }

    Setting unsigned_value(const std::string& name, const YAML::Node& node, int line) const {
        const std::string text = node.IsScalar() ? node.Scalar() : "";
        const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits) {
            throw error_at(path_, line,
                           fmt::format("{}: expected an unsigned integer, got {}", name, kind_of(node)));
        }
        uint64_t value = 0;
        for (char c : text) {
            const uint64_t digit = static_cast<uint64_t>(c - '0');
            const uint64_t max = std::numeric_limits<uint64_t>::max();
            value = value > (max - digit) / 10 ? max : value * 10 + digit;
        }
        return {value, text, line};
    }

    std::string path_;
    std::map<std::string, Setting> settings_;  // "gpu.cores" -> value as set in the file
    std::map<std::string, int> sections_;      // sections the file has, and their lines
};

// The `divergence:` section: present means divergent branches run both paths
// (docs/architecture.md, "Branch divergence").
void read_divergence(const ConfigReader& reader, const std::string& path, GpuConfig& gpu) {
    const int section = reader.section_line("divergence");
    if (section == 0) return;
    if (reader.key_line("divergence.stack_depth") == 0) {
        throw error_at(path, section, fmt::format("divergence: 'stack_depth' is required (reconvergence stack "
                                                  "entries per core, {}..{})", limits::kStackDepth.lo,
                                                  limits::kStackDepth.hi));
    }
    reader.apply("divergence.stack_depth", &gpu.stack_depth, limits::kStackDepth);
    if (gpu.tensor_core.present()) {
        throw error_at(path, section, "divergence: not available with a tensor_core section yet (the tile "
                                      "instructions take their operands from thread slot 0, which a divergent "
                                      "path may leave out); remove one of the two sections");
    }
}

// The `warps:` section: resident warps per core and the warp scheduler (docs/architecture.md, "Warps").
void read_warps(const ConfigReader& reader, const std::string& path, GpuConfig& gpu) {
    const int section = reader.section_line("warps");
    if (section == 0) return;
    if (reader.key_line("warps.count") == 0) {
        throw error_at(path, section, fmt::format("warps: 'count' is required (resident warps per core, {}..{})",
                                                  limits::kWarpsPerCore.lo, limits::kWarpsPerCore.hi));
    }
    reader.apply("warps.count", &gpu.warps_per_core, limits::kWarpsPerCore);
    reader.apply_choice("warps.scheduler", &gpu.warp_scheduler);
    if (gpu.warps() && gpu.tensor_core.present()) {
        throw error_at(path, section, "warps: more than one warp per core is not available with a tensor_core "
                                      "section yet (one tensor core would serve several warps); remove one of the "
                                      "two sections or use count: 1");
    }
}

// The `coalescer:` section: data memory is read and written in aligned segments, and a warp's
// lanes that access one segment share one request (docs/architecture.md, "Coalescer").
void read_coalescer(const ConfigReader& reader, const std::string& path, GpuConfig& gpu) {
    const int section = reader.section_line("coalescer");
    if (section == 0) return;
    const int line = reader.key_line("coalescer.segment_words");
    if (line == 0) {
        throw error_at(path, section, fmt::format("coalescer: 'segment_words' is required (words of an aligned "
                                                  "data-memory segment, a power of two up to {}; 0 for none)",
                                                  limits::kSegmentWords.hi));
    }
    reader.apply("coalescer.segment_words", &gpu.segment_words, limits::kSegmentWords);
    const unsigned s = gpu.segment_words;
    if ((s & (s - 1)) != 0) {
        throw error_at(path, line, fmt::format("coalescer.segment_words: {} is not a power of two (1, 2, 4 or 8; 0 "
                                               "for no coalescer)", s));
    }
    if (s * gpu.data_width > limits::kSegmentBits) {
        throw error_at(path, line, fmt::format("coalescer.segment_words: {} words of {} bits make a {}-bit request; "
                                               "a request carries at most {} bits ({} words at data_width {})",
                                               s, gpu.data_width, s * gpu.data_width, limits::kSegmentBits,
                                               limits::kSegmentBits / gpu.data_width, gpu.data_width));
    }
    if (s > (1u << gpu.data_addr_bits)) {
        throw error_at(path, line, fmt::format("coalescer.segment_words: {} is more than the {} words of data memory "
                                               "(gpu.data_addr_bits = {})", s, 1u << gpu.data_addr_bits,
                                               gpu.data_addr_bits));
    }
    if (gpu.coalescer() && gpu.tensor_core.present()) {
        throw error_at(path, section, "coalescer: not available with a tensor_core section yet (the tile port "
                                      "moves one word a request); remove one of the two sections");
    }
}

// The `cache:` section: a data cache between the data controller and memory whose lines are
// what one request moves, a segment or a word (docs/architecture.md, "Data cache").
void read_cache(const ConfigReader& reader, const std::string& path, GpuConfig& gpu) {
    const int section = reader.section_line("cache");
    if (section == 0) return;
    const int size_line = reader.key_line("cache.size_words");
    if (size_line == 0) {
        throw error_at(path, section, "cache: 'size_words' is required (words the cache holds: sets x ways x "
                                      "the words of a line; 0 for no cache)");
    }
    unsigned size = 0;
    reader.apply("cache.size_words", &size, Range{0, 1u << 16});
    if (size == 0) return;   // no cache, as without the section (a sweep's "off")
    if (gpu.tensor_core.present()) {
        throw error_at(path, section, "cache: not available with a tensor_core section yet (the tile port goes to "
                                      "memory past the cache, which could then hold stale lines); remove one of the "
                                      "two sections");
    }
    reader.apply("cache.ways", &gpu.cache_ways, limits::kCacheWays);
    reader.apply("cache.hit_latency", &gpu.cache_hit_latency, limits::kCacheHitLatency);
    std::string policy = "write_back";
    reader.apply_choice("cache.write_policy", &policy);
    gpu.cache_write_back = policy == "write_back";
    const unsigned line = gpu.request_words(), lines = size / line;   // a line is what one request moves
    if (size % line != 0 || !limits::kCacheLines.contains(lines)) {
        throw error_at(path, size_line, fmt::format("cache.size_words: {} is not {}..{} lines of {} (a line is "
                                                    "one data request: a segment with a coalescer, else a word): "
                                                    "give a multiple of {} up to {}", size, limits::kCacheLines.lo,
                                                    limits::kCacheLines.hi, plural(line, "word"), line,
                                                    limits::kCacheLines.hi * line));
    }
    const unsigned sets = lines / gpu.cache_ways;
    if (lines % gpu.cache_ways != 0 || (sets & (sets - 1)) != 0) {
        throw error_at(path, size_line, fmt::format("cache.size_words: {} lines in {} ways make {} sets; the sets "
                                                    "must be a power of two (size_words = sets x ways x {})", lines,
                                                    gpu.cache_ways, static_cast<double>(lines) / gpu.cache_ways, line));
    }
    gpu.cache_sets = sets;
}

// The `tensor_core:` section: present means every core has one (docs/architecture.md).
void read_tensor_core(const ConfigReader& reader, const std::string& path, GpuConfig& gpu) {
    const int section = reader.section_line("tensor_core");
    if (section == 0) return;
    TensorCoreConfig& tc = gpu.tensor_core;
    for (const char* key : {"rows", "cols"}) {
        if (reader.key_line(std::string("tensor_core.") + key) == 0) {
            throw error_at(path, section, fmt::format("tensor_core: '{}' is required (PE {} of each core's "
                                                      "tensor core, {}..{})", key, key[0] == 'r' ? "rows" : "columns",
                                                      limits::kTcRows.lo, limits::kTcRows.hi));
        }
    }
    reader.apply("tensor_core.rows", &tc.rows, limits::kTcRows);
    reader.apply("tensor_core.cols", &tc.cols, limits::kTcCols);
    reader.apply_choice("tensor_core.dataflow", &tc.dataflow);
    tc.in_bits = gpu.data_width;   // by default a tile element is a whole data word
    reader.apply("tensor_core.in_bits", &tc.in_bits, limits::tc_in_bits(gpu.data_width),
                 fmt::format("2..data_width = {}: tile elements are data words", gpu.data_width));
    reader.apply("tensor_core.acc_bits", &tc.acc_bits, limits::tc_acc_bits(gpu.data_width),
                 fmt::format("data_width = {}..32: TSTC stores the accumulators' low data_width bits",
                             gpu.data_width));
    if (tc.dataflow == "is" && tc.rows > tc.cols) {
        const int line = reader.key_line("tensor_core.dataflow");
        throw error_at(path, line ? line : section,
                       fmt::format("tensor_core: input-stationary needs rows <= cols (the R x R A tile lies across "
                                   "the columns), got rows {}, cols {}", tc.rows, tc.cols));
    }
}

}  // namespace

std::vector<std::string> config_keys() {
    std::vector<std::string> keys;
    for (const auto& [section, names] : kSchema) {
        for (const std::string& key : names) keys.push_back(section + "." + key);
    }
    return keys;
}

Config parse_config(const std::string& yaml_text, const std::string& path) {
    refuse_tab_indents(yaml_text, path);
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        const int line = std::max(1, e.mark.line + 1);
        if (e.msg.find("tab") != std::string::npos) throw error_at(path, line, kTabIndent);
        throw error_at(path, line, "YAML syntax error: " + e.msg);
    }
    ConfigReader reader(path);
    reader.read(root);

    Config config;
    config.path = path;
    GpuConfig& gpu = config.gpu;
    reader.apply("gpu.cores", &gpu.cores, limits::kCores);
    reader.apply("gpu.threads_per_block", &gpu.threads_per_block, limits::kThreadsPerBlock);
    reader.apply("gpu.data_channels", &gpu.data_channels, limits::kDataChannels);
    reader.apply("gpu.program_channels", &gpu.program_channels, limits::program_channels(gpu.cores),
                 fmt::format("1..cores = {}", gpu.cores));
    reader.apply("gpu.data_width", &gpu.data_width, limits::is_data_width,
                 fmt::format("{} or {}", limits::kDataWidths[0], limits::kDataWidths[1]));
    reader.apply("gpu.data_addr_bits", &gpu.data_addr_bits, limits::data_addr_bits(gpu.data_width),
                 fmt::format("1..data_width = {}", gpu.data_width));
    reader.apply("gpu.program_addr_bits", &gpu.program_addr_bits, limits::kProgramAddrBits);
    read_tensor_core(reader, path, gpu);
    read_divergence(reader, path, gpu);
    read_warps(reader, path, gpu);
    read_coalescer(reader, path, gpu);
    read_cache(reader, path, gpu);
    reader.apply("memory.latency", &config.memory.latency, limits::kLatency);
    if (reader.key_line("memory.data_latency") != 0) {
        unsigned data_latency = 0;
        reader.apply("memory.data_latency", &data_latency, limits::kLatency);
        config.memory.data_latency = static_cast<int>(data_latency);
    }
    reader.apply("memory.bandwidth", &config.memory.bandwidth, limits::kBandwidth);
    reader.apply("sim.max_cycles", &config.sim.max_cycles, limits::kMaxCycles);
    SystolicConfig& sa = config.systolic;
    reader.apply("systolic.rows", &sa.rows, limits::kArrayRows);
    reader.apply("systolic.cols", &sa.cols, limits::kArrayCols);
    reader.apply_choice("systolic.dataflow", &sa.dataflow);
    reader.apply("systolic.in_bits", &sa.in_bits, limits::kInBits);
    reader.apply("systolic.acc_bits", &sa.acc_bits, limits::kAccBits);
    reader.apply("systolic.buffer_addr_bits", &sa.buffer_addr_bits, limits::kBufferAddrBits);
    reader.apply("systolic.dram_lanes", &sa.dram_lanes, limits::kDramLanes);
    return config;
}

Config load_config(const std::string& path) {
    std::ifstream file(path);
    // A directory opens like a file and reads as empty, so it is refused by name.
    if (!file || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    std::stringstream text;
    text << file.rdbuf();
    return parse_config(text.str(), path);
}

}  // namespace lockstep
