#include "scale/network.h"

#include "common/error.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace lockstep::scale {

namespace {

std::string trim(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

std::vector<std::string> cells_of(const std::string& line) {
    std::vector<std::string> cells;
    std::istringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(trim(cell));
    if (!line.empty() && line.back() == ',') cells.push_back("");
    if (!cells.empty() && cells.back().empty()) cells.pop_back();   // the trailing comma SCALE-Sim wants
    return cells;
}

bool is_number(const std::string& cell) {
    return !cell.empty() && cell.size() <= 9 && cell.find_first_not_of("0123456789") == std::string::npos;
}

constexpr const char* kConvFields = "'name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
                                    "Num Filter, Strides[, Stride W]'";
constexpr const char* kGemmFields = "'name, M, N, K'";

ConvLayer layer_from(const std::vector<std::string>& cells, TopologyKind kind, const std::string& path, int line) {
    const bool gemm = kind == TopologyKind::kGemm;
    const bool count_ok = gemm ? cells.size() == 4 : cells.size() == 8 || cells.size() == 9;
    if (!count_ok) {
        throw error_at(path, line, fmt::format("expected {}, got {} field{}", gemm ? kGemmFields : kConvFields,
                                               cells.size(), cells.size() == 1 ? "" : "s"));
    }
    if (cells[0].empty()) throw error_at(path, line, "a layer needs a name");
    std::vector<uint32_t> v;
    for (size_t i = 1; i < cells.size(); ++i) {
        if (!is_number(cells[i])) throw error_at(path, line, fmt::format("'{}' is not a size (field {})", cells[i], i + 1));
        v.push_back(static_cast<uint32_t>(std::stoul(cells[i])));
        if (v.back() == 0) throw error_at(path, line, fmt::format("field {} is 0: sizes and strides start at 1", i + 1));
    }
    ConvLayer l;
    l.name = cells[0];
    l.line = line;
    if (gemm) {   // M, N, K -> ifmap M x K, filter 1 x K, N filters (SCALE-Sim's own mapping)
        l.ifmap_h = v[0], l.ifmap_w = v[2], l.filter_h = 1, l.filter_w = v[2], l.channels = 1, l.num_filter = v[1];
        return l;
    }
    l.ifmap_h = v[0], l.ifmap_w = v[1], l.filter_h = v[2], l.filter_w = v[3], l.channels = v[4], l.num_filter = v[5];
    l.stride_h = v[6];
    l.stride_w = v.size() == 8 ? v[7] : v[6];
    if (l.filter_h > l.ifmap_h || l.filter_w > l.ifmap_w) {
        throw error_at(path, line, fmt::format("the {}x{} filter is larger than the {}x{} ifmap", l.filter_h, l.filter_w,
                                               l.ifmap_h, l.ifmap_w));
    }
    return l;
}

uint32_t out_size(uint32_t in, uint32_t filter, uint32_t stride, OfmapRule rule) {
    const uint32_t span = in - filter;
    return (rule == OfmapRule::kCeil ? (span + stride - 1) / stride : span / stride) + 1;
}

}  // namespace

uint32_t ofmap_height(const ConvLayer& l, OfmapRule rule) { return out_size(l.ifmap_h, l.filter_h, l.stride_h, rule); }
uint32_t ofmap_width(const ConvLayer& l, OfmapRule rule) { return out_size(l.ifmap_w, l.filter_w, l.stride_w, rule); }

GemmShape gemm_shape(const ConvLayer& l, OfmapRule rule) {
    return GemmShape{uint64_t{ofmap_height(l, rule)} * ofmap_width(l, rule), l.num_filter,
                     uint64_t{l.filter_h} * l.filter_w * l.channels};
}

std::vector<ConvLayer> read_network(const std::string& path, TopologyKind kind) {
    std::ifstream in(path);
    if (!in || std::filesystem::is_directory(path)) throw Error(path + ": cannot open file");
    std::vector<ConvLayer> layers;
    std::map<std::string, int> named_on;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        const std::vector<std::string> cells = cells_of(trim(line));
        if (number == 1) {   // SCALE-Sim skips the first line unread: make sure it is not a layer
            if (cells.size() > 1 && is_number(cells[1])) {
                throw error_at(path, 1, "the first line is a header that SCALE-Sim skips, but this one looks like a "
                                        "layer: add a header line");
            }
            continue;
        }
        if (cells.empty()) continue;
        ConvLayer layer = layer_from(cells, kind, path, number);
        if (const auto [at, fresh] = named_on.emplace(layer.name, number); !fresh) {
            throw error_at(path, number, fmt::format("layer '{}' is already on line {}: names must be unique",
                                                     layer.name, at->second));
        }
        layers.push_back(std::move(layer));
    }
    if (layers.empty()) throw Error(path + ": no layers (the first line is the header)");
    return layers;
}

std::vector<ConvLayer> split_depthwise(const std::vector<ConvLayer>& layers) {
    std::vector<ConvLayer> out;
    for (const ConvLayer& l : layers) {
        if (l.name.find("DP") == std::string::npos) {
            out.push_back(l);
            continue;
        }
        for (uint32_t c = 0; c < l.channels; ++c) {
            ConvLayer one = l;
            one.name = l.name + "Channel_" + std::to_string(c);
            one.channels = 1;
            out.push_back(one);
        }
    }
    return out;
}

}  // namespace lockstep::scale
