// SCALE-Sim v2 inputs as `lockstep scale` reads them: the .cfg (configparser syntax, every key
// SCALE-Sim knows, typed) and the topology CSV (conv and GEMM rows, the DP split), with
// file:line errors for everything SCALE-Sim would read differently or fail on.
#include "cli_testing.h"
#include "common/error.h"
#include "scale/network.h"
#include "scale/scale_config.h"

#include <gtest/gtest.h>

#include <string>

namespace lockstep::testing {
namespace {

using namespace lockstep::scale;

constexpr const char* kArch =
    "[general]\nrun_name = net\n\n[architecture_presets]\nArrayHeight:    8\nArrayWidth:     4\n"
    "IfmapSramSzkB:   64\nFilterSramSzkB:  32\nOfmapSramSzkB:   16\nIfmapOffset:    0\nFilterOffset:   10000000\n"
    "OfmapOffset:    20000000\nBandwidth : 10,20,30\nDataflow : ws\nMemoryBanks:   1\n\n"
    "[run_presets]\nInterfaceBandwidth: USER\n";

// The error message of parsing `text` as a .cfg named "arch.cfg", or "" when it parses.
std::string config_error(const std::string& text) {
    try {
        parse_scale_config(text, "arch.cfg");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
}

TEST(ScaleConfig, ReadsEveryKeyTyped) {
    const ScaleConfig c = parse_scale_config(kArch, "arch.cfg");
    EXPECT_EQ(c.run_name, "net");
    EXPECT_EQ(c.array_height, 8u);
    EXPECT_EQ(c.array_width, 4u);
    EXPECT_EQ(c.ifmap_sram_kb, 64u);
    EXPECT_EQ(c.filter_sram_kb, 32u);
    EXPECT_EQ(c.ofmap_sram_kb, 16u);
    EXPECT_EQ(c.filter_offset, 10000000);
    EXPECT_EQ(c.ofmap_offset, 20000000);
    EXPECT_EQ(c.bandwidth, (std::vector<uint32_t>{10, 20, 30}));
    EXPECT_EQ(c.dataflow, Dataflow::kWs);
    EXPECT_TRUE(c.user_bandwidth);
    EXPECT_EQ(c.memory_banks, "1");
}

TEST(ScaleConfig, KeysIgnoreCaseAndCommentsAndBothDelimitersWork) {
    const ScaleConfig c = parse_scale_config(
        replaced(replaced(kArch, "ArrayHeight:    8", "# a comment\n; another\narrayheight = 16"), "ArrayWidth:     4",
                 "ARRAYWIDTH=2"), "arch.cfg");
    EXPECT_EQ(c.array_height, 16u);
    EXPECT_EQ(c.array_width, 2u);
}

TEST(ScaleConfig, CalcModeNeitherNeedsNorChecksBandwidth) {
    const std::string calc = replaced(replaced(kArch, "USER", "CALC"), "Bandwidth : 10,20,30", "Bandwidth : whatever");
    const ScaleConfig c = parse_scale_config(calc, "arch.cfg");
    EXPECT_FALSE(c.user_bandwidth);
    EXPECT_TRUE(c.bandwidth.empty());
    EXPECT_EQ(config_error(replaced(kArch, "Bandwidth : 10,20,30\n", "")),
              "arch.cfg: missing Bandwidth in [architecture_presets] (SCALE-Sim requires it)");
}

TEST(ScaleConfig, TopologyCsvLocIsAcceptedAndIgnored) {
    const ScaleConfig c = parse_scale_config(std::string(kArch) + "\n[network_presets]\nTopologyCsvLoc = \"net.csv\"\n",
                                             "arch.cfg");
    EXPECT_EQ(c.topology_csv_loc, "\"net.csv\"");
}

TEST(ScaleConfig, ErrorsNameTheFileAndLine) {
    EXPECT_EQ(config_error(replaced(kArch, "ArrayWidth:", "ArrayWidht:")),
              "arch.cfg:6: unknown key 'ArrayWidht' in [architecture_presets]: did you mean 'ArrayWidth'?");
    EXPECT_EQ(config_error(replaced(kArch, "[run_presets]", "[run_preset]")),
              "arch.cfg:17: unknown section [run_preset]: did you mean 'run_presets'?; SCALE-Sim's are 'general', "
              "'architecture_presets', 'run_presets' or 'network_presets'");
    EXPECT_EQ(config_error(replaced(kArch, "Dataflow : ws", "Dataflow : rs")), "arch.cfg:14: Dataflow = 'rs': use os, ws or is");
    EXPECT_EQ(config_error(replaced(kArch, "USER", "user")), "arch.cfg:18: InterfaceBandwidth = 'user': use USER or CALC");
    EXPECT_EQ(config_error(replaced(kArch, "ArrayHeight:    8", "ArrayHeight: 8x")),
              "arch.cfg:5: ArrayHeight = '8x' is not an integer");
    EXPECT_EQ(config_error(replaced(kArch, "ArrayHeight:    8", "ArrayHeight: 0")),
              "arch.cfg:5: ArrayHeight = 0 is out of range: use 1..4096");
    EXPECT_EQ(config_error(replaced(kArch, "IfmapSramSzkB:   64", "IfmapSramSzkB: 99999999999999999999")),
              "arch.cfg:7: IfmapSramSzkB = 99999999999999999999 is out of range: use 1..1048576");
    EXPECT_EQ(config_error(replaced(kArch, "Bandwidth : 10,20,30", "Bandwidth : 10,,30")),
              "arch.cfg:13: Bandwidth = '' is not an integer");
    EXPECT_EQ(config_error(replaced(kArch, "ArrayHeight:    8\n", "")),
              "arch.cfg: missing ArrayHeight in [architecture_presets] (SCALE-Sim requires it)");
    EXPECT_EQ(config_error(replaced(kArch, "MemoryBanks:   1", "MemoryBanks:   1\nDataflow: os")),
              "arch.cfg:16: Dataflow again (first on line 14)");
    EXPECT_EQ(config_error("run_name = x\n"), "arch.cfg:1: a key before any [section]");
    EXPECT_EQ(config_error(replaced(kArch, "run_name = net", "run_name = a/b")),
              "arch.cfg:2: run_name = 'a/b' cannot be a folder name");
    EXPECT_EQ(config_error(replaced(kArch, "IfmapOffset:    0", "IfmapOffset: -5")),
              "arch.cfg:10: IfmapOffset = -5 is out of range: use 0..1125899906842624");
}

TEST(ScaleConfig, AMissingFileIsAnError) {
    EXPECT_THROW(read_scale_config("/nonexistent/arch.cfg"), Error);
}

// The error message of reading `lines` (after a header) as a topology, or "" when it reads.
std::string topology_error(const std::string& lines, TopologyKind kind = TopologyKind::kConv) {
    const std::string path = write_temp("net.csv", "Layer name, ...,\n" + lines);
    try {
        read_network(path, kind);
    } catch (const Error& e) {
        const std::string message = e.what();
        return message.substr(message.find("net.csv"));
    }
    return "";
}

TEST(ScaleNetwork, ReadsConvRowsWithAndWithoutTheTrailingCommaAndASecondStride) {
    const std::string path = write_temp("conv.csv", "Layer name, IFMAP Height, ...\nc1, 14, 12, 3, 3, 16, 32, 2,\n\n"
                                                    "c2, 10, 10, 1, 1, 8, 4, 1, 3\n");
    const std::vector<ConvLayer> layers = read_network(path, TopologyKind::kConv);
    ASSERT_EQ(layers.size(), 2u);
    EXPECT_EQ(layers[0].name, "c1");
    EXPECT_EQ(layers[0].ifmap_w, 12u);
    EXPECT_EQ(layers[0].stride_h, 2u);
    EXPECT_EQ(layers[0].stride_w, 2u);
    EXPECT_EQ(layers[0].line, 2);
    EXPECT_EQ(layers[1].stride_h, 1u);
    EXPECT_EQ(layers[1].stride_w, 3u);
    EXPECT_EQ(layers[1].line, 4);
}

TEST(ScaleNetwork, AGemmRowBecomesSCALESimsConvLayer) {
    const std::string path = write_temp("gemm.csv", "Layer, M, N, K,\nfc, 100, 50, 30,\n");
    const ConvLayer l = read_network(path, TopologyKind::kGemm).at(0);
    EXPECT_EQ(l.ifmap_h, 100u);
    EXPECT_EQ(l.ifmap_w, 30u);
    EXPECT_EQ(l.filter_h, 1u);
    EXPECT_EQ(l.filter_w, 30u);
    EXPECT_EQ(l.channels, 1u);
    EXPECT_EQ(l.num_filter, 50u);
    const GemmShape g = gemm_shape(l, OfmapRule::kCeil);
    EXPECT_EQ(g.m, 100u);
    EXPECT_EQ(g.n, 50u);
    EXPECT_EQ(g.k, 30u);
}

TEST(ScaleNetwork, OfmapSizeFloorByDefaultCeilForSCALESim) {
    const ConvLayer l{"s2", 14, 16, 3, 7, 1, 1, 2, 2, 1};
    EXPECT_EQ(ofmap_height(l, OfmapRule::kFloor), 6u);
    EXPECT_EQ(ofmap_height(l, OfmapRule::kCeil), 7u);
    EXPECT_EQ(ofmap_width(l, OfmapRule::kFloor), 5u);
    EXPECT_EQ(ofmap_width(l, OfmapRule::kCeil), 6u);
    EXPECT_EQ(gemm_shape(l, OfmapRule::kFloor).m, 30u);
    EXPECT_EQ(gemm_shape(l, OfmapRule::kCeil).m, 42u);
    EXPECT_EQ(gemm_shape(l, OfmapRule::kCeil).k, 21u);
}

TEST(ScaleNetwork, DPLayersSplitPerChannel) {
    const std::vector<ConvLayer> in = {{"DPconv", 14, 14, 3, 3, 3, 1, 1, 1, 2}, {"dense", 8, 8, 1, 1, 4, 2, 1, 1, 3}};
    const std::vector<ConvLayer> out = split_depthwise(in);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].name, "DPconvChannel_0");
    EXPECT_EQ(out[2].name, "DPconvChannel_2");
    EXPECT_EQ(out[2].channels, 1u);
    EXPECT_EQ(out[2].num_filter, 1u);
    EXPECT_EQ(out[3].name, "dense");
    EXPECT_EQ(out[3].channels, 4u);
}

TEST(ScaleNetwork, BadLinesAreErrorsWithFileAndLine) {
    EXPECT_EQ(topology_error("c1, 14, 14, 3, 3, 16,\n"),
              "net.csv:2: expected 'name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
              "Strides[, Stride W]', got 6 fields");
    EXPECT_EQ(topology_error("c1, 14, 14, 3, x, 16, 32, 1,\n"), "net.csv:2: 'x' is not a size (field 5)");
    EXPECT_EQ(topology_error("c1, 14, 14, 3, 3, 0, 32, 1,\n"), "net.csv:2: field 6 is 0: sizes and strides start at 1");
    EXPECT_EQ(topology_error("c1, 4, 14, 5, 3, 1, 1, 1,\n"), "net.csv:2: the 5x3 filter is larger than the 4x14 ifmap");
    EXPECT_EQ(topology_error("c1, 14, 14, 3, 3, 1, 1, 1,\nc1, 8, 8, 1, 1, 1, 1, 1,\n"),
              "net.csv:3: layer 'c1' is already on line 2: names must be unique");
    EXPECT_EQ(topology_error("fc, 10, 20,\n", TopologyKind::kGemm), "net.csv:2: expected 'name, M, N, K', got 3 fields");
    EXPECT_EQ(topology_error("fc, 10, -2, 3\n", TopologyKind::kGemm), "net.csv:2: '-2' is not a size (field 3)");
    EXPECT_EQ(topology_error(""), "net.csv: no layers (the first line is the header)");
    const std::string headless = write_temp("headless.csv", "fc, 10, 20, 30,\n");
    EXPECT_THROW(read_network(headless, TopologyKind::kGemm), Error);
}

TEST(ScaleCli, InputErrorsExitTwoWithTheMessage) {
    const std::string cfg = write_temp("cli.cfg", replaced(kArch, "Dataflow : ws", "Dataflow : xs"));
    const std::string topo = write_temp("cli.csv", "Layer, M, N, K,\nfc, 8, 8, 8,\n");
    const CliRun bad_cfg = run_cli("scale --compat scalesim -i gemm -c " + cfg + " -t " + topo + " -p " + temp_path("cli_out"));
    EXPECT_EQ(bad_cfg.status, 2);
    EXPECT_NE(bad_cfg.err.find("cli.cfg:14: Dataflow = 'xs': use os, ws or is"), std::string::npos) << bad_cfg.err;
    const CliRun bad_type = run_cli("scale --compat scalesim -i matrix -c " + cfg + " -t " + topo);
    EXPECT_EQ(bad_type.status, 2);
    const CliRun bad_compat = run_cli("scale --compat scalesim2 -c " + cfg + " -t " + topo + " --json");
    EXPECT_EQ(bad_compat.status, 2);
    EXPECT_TRUE(bad_compat.json.contains("error")) << bad_compat.out;
    const CliRun help = run_cli("scale --help");
    EXPECT_EQ(help.status, 0);
    EXPECT_NE(help.out.find("--compat"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::testing
