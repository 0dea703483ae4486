#include "scale/scale_config.h"

#include "common/error.h"
#include "common/spelling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace lockstep::scale {

const char* dataflow_name(Dataflow df) {
    switch (df) {
        case Dataflow::kOs: return "os";
        case Dataflow::kWs: return "ws";
        case Dataflow::kIs: return "is";
    }
    return "?";
}

namespace {

// Sections and their keys as SCALE-Sim spells them; configparser matches keys ignoring case
// but section names exactly.
const std::vector<std::pair<std::string, std::vector<std::string>>> kSchema = {
    {"general", {"run_name"}},
    {"architecture_presets",
     {"ArrayHeight", "ArrayWidth", "IfmapSramSzkB", "FilterSramSzkB", "OfmapSramSzkB", "IfmapOffset",
      "FilterOffset", "OfmapOffset", "Bandwidth", "Dataflow", "MemoryBanks", "TopologyCsvLoc"}},
    {"run_presets", {"InterfaceBandwidth"}},
    {"network_presets", {"TopologyCsvLoc"}},
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

struct Entry {
    std::string value;
    int line = 0;
};
// section -> lower-cased key -> value and line
using Entries = std::map<std::string, std::map<std::string, Entry>>;

const std::vector<std::string>* keys_of(const std::string& section) {
    for (const auto& [name, keys] : kSchema) {
        if (name == section) return &keys;
    }
    return nullptr;
}

Entries parse_lines(const std::string& text, const std::string& path) {
    Entries entries;
    std::map<std::string, int> section_line;
    std::string section;
    std::istringstream in(text);
    int number = 0;
    for (std::string raw; std::getline(in, raw);) {
        ++number;
        const std::string line = trim(raw);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (raw.find_first_not_of(" \t") > 0 && !section.empty()) {
            throw error_at(path, number, "an indented line continues the value above it in configparser; "
                                         "put each key at the start of its line");
        }
        if (line.front() == '[') {
            if (line.back() != ']') throw error_at(path, number, "a section header is '[name]'");
            section = trim(line.substr(1, line.size() - 2));
            std::vector<std::string> names;
            for (const auto& s : kSchema) names.push_back(s.first);
            if (!keys_of(section)) {
                throw error_at(path, number, fmt::format("unknown section [{}]{}; SCALE-Sim's are {}", section,
                                                         did_you_mean(section, names), quoted_choices(names)));
            }
            if (const auto [at, fresh] = section_line.emplace(section, number); !fresh) {
                throw error_at(path, number, fmt::format("section [{}] again (first on line {})", section, at->second));
            }
            continue;
        }
        if (section.empty()) throw error_at(path, number, "a key before any [section]");
        const size_t cut = line.find_first_of("=:");
        if (cut == std::string::npos) throw error_at(path, number, fmt::format("'{}' is not 'key = value'", line));
        const std::string key = trim(line.substr(0, cut));
        const std::string value = trim(line.substr(cut + 1));
        const std::vector<std::string>& keys = *keys_of(section);
        const auto known = std::find_if(keys.begin(), keys.end(), [&](const std::string& k) { return lower(k) == lower(key); });
        if (known == keys.end()) {
            throw error_at(path, number, fmt::format("unknown key '{}' in [{}]{}", key, section, did_you_mean(key, keys)));
        }
        if (const auto [at, fresh] = entries[section].emplace(lower(key), Entry{value, number}); !fresh) {
            throw error_at(path, number, fmt::format("{} again (first on line {})", *known, at->second.line));
        }
    }
    return entries;
}

class Reader {
public:
    Reader(Entries entries, std::string path) : entries_(std::move(entries)), path_(std::move(path)) {}

    const Entry* find(const std::string& section, const std::string& key) const {
        const auto s = entries_.find(section);
        if (s == entries_.end()) return nullptr;
        const auto k = s->second.find(lower(key));
        return k == s->second.end() ? nullptr : &k->second;
    }
    const Entry& need(const std::string& section, const std::string& key) const {
        const Entry* e = find(section, key);
        if (!e) throw Error(fmt::format("{}: missing {} in [{}] (SCALE-Sim requires it)", path_, key, section));
        return *e;
    }
    // An integer as Python's int() reads it (sign, digits, '_' between digits), within [lo, hi].
    int64_t integer(const Entry& e, const std::string& key, const std::string& text, int64_t lo, int64_t hi) const {
        std::string digits;
        size_t i = 0;
        const bool negative = !text.empty() && text[0] == '-';
        if (!text.empty() && (text[0] == '-' || text[0] == '+')) i = 1;
        bool ok = i < text.size();
        for (; i < text.size() && ok; ++i) {
            if (std::isdigit(static_cast<unsigned char>(text[i]))) digits += text[i];
            else ok = text[i] == '_' && !digits.empty() && i + 1 < text.size() && text[i + 1] != '_';
        }
        if (!ok || digits.empty()) throw error_at(path_, e.line, fmt::format("{} = '{}' is not an integer", key, text));
        const std::string trimmed = digits.substr(std::min(digits.find_first_not_of('0'), digits.size() - 1));
        int64_t value = 0;
        if (trimmed.size() > 18) value = hi == INT64_MAX ? INT64_MAX : hi + 1;   // only to fail the range check
        else value = (negative ? -1 : 1) * std::stoll(trimmed);
        if (value < lo || value > hi) {
            throw error_at(path_, e.line, fmt::format("{} = {} is out of range: use {}..{}", key, text, lo, hi));
        }
        return value;
    }
    int64_t integer(const std::string& section, const std::string& key, int64_t lo, int64_t hi) const {
        const Entry& e = need(section, key);
        return integer(e, key, e.value, lo, hi);
    }

private:
    Entries entries_;
    std::string path_;
};

// Bounds that keep the emulation's arrays and counters sane; far above any real design.
constexpr int64_t kMaxArraySide = 4096;
constexpr int64_t kMaxSramKb = 1 << 20;        // 1 GiB of 1-byte words
constexpr int64_t kMaxBandwidth = 1 << 20;     // words per cycle
constexpr int64_t kMaxOffset = int64_t{1} << 50;   // addresses stay exact as SCALE-Sim's float64s

}  // namespace

ScaleConfig parse_scale_config(const std::string& text, const std::string& path) {
    const Reader r(parse_lines(text, path), path);
    ScaleConfig c;
    c.path = path;
    const Entry& name = r.need("general", "run_name");
    c.run_name = name.value;
    if (c.run_name.empty() || c.run_name == "." || c.run_name == ".." || c.run_name.find('/') != std::string::npos) {
        throw error_at(path, name.line, fmt::format("run_name = '{}' cannot be a folder name", c.run_name));
    }
    const Entry& mode = r.need("run_presets", "InterfaceBandwidth");
    if (mode.value != "USER" && mode.value != "CALC") {
        throw error_at(path, mode.line, fmt::format("InterfaceBandwidth = '{}': use USER or CALC", mode.value));
    }
    c.user_bandwidth = mode.value == "USER";
    const std::string arch = "architecture_presets";
    c.array_height = static_cast<uint32_t>(r.integer(arch, "ArrayHeight", 1, kMaxArraySide));
    c.array_width = static_cast<uint32_t>(r.integer(arch, "ArrayWidth", 1, kMaxArraySide));
    c.ifmap_sram_kb = static_cast<uint32_t>(r.integer(arch, "IfmapSramSzkB", 1, kMaxSramKb));
    c.filter_sram_kb = static_cast<uint32_t>(r.integer(arch, "FilterSramSzkB", 1, kMaxSramKb));
    c.ofmap_sram_kb = static_cast<uint32_t>(r.integer(arch, "OfmapSramSzkB", 1, kMaxSramKb));
    // Negative offsets are refused: an address of -1 would read as SCALE-Sim's "no access".
    c.ifmap_offset = r.integer(arch, "IfmapOffset", 0, kMaxOffset);
    c.filter_offset = r.integer(arch, "FilterOffset", 0, kMaxOffset);
    c.ofmap_offset = r.integer(arch, "OfmapOffset", 0, kMaxOffset);
    const Entry& df = r.need(arch, "Dataflow");
    if (df.value == "os") c.dataflow = Dataflow::kOs;
    else if (df.value == "ws") c.dataflow = Dataflow::kWs;
    else if (df.value == "is") c.dataflow = Dataflow::kIs;
    else throw error_at(path, df.line, fmt::format("Dataflow = '{}': use os, ws or is", df.value));
    // SCALE-Sim reads Bandwidth only in USER mode; in CALC mode it may be anything.
    if (const Entry* bw = r.find(arch, "Bandwidth"); bw && c.user_bandwidth) {
        std::istringstream items(bw->value);
        for (std::string item; std::getline(items, item, ',');) {
            c.bandwidth.push_back(static_cast<uint32_t>(r.integer(*bw, "Bandwidth", trim(item), 1, kMaxBandwidth)));
        }
        if (c.bandwidth.empty()) throw error_at(path, bw->line, "Bandwidth is empty");
    } else if (c.user_bandwidth) {
        r.need(arch, "Bandwidth");
    }
    if (const Entry* banks = r.find(arch, "MemoryBanks")) c.memory_banks = banks->value;
    if (const Entry* topo = r.find("network_presets", "TopologyCsvLoc")) c.topology_csv_loc = topo->value;
    if (const Entry* topo = r.find(arch, "TopologyCsvLoc")) c.topology_csv_loc = topo->value;
    return c;
}

ScaleConfig read_scale_config(const std::string& path) {
    std::ifstream in(path);
    if (!in || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_scale_config(text.str(), path);
}

}  // namespace lockstep::scale
