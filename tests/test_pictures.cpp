// The pictures every trace directory gets, and the copies the README embeds: those must be
// what the current build makes from the runs in tools/docs-images.sh, byte for byte.
#include "cli_testing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

TEST(ReadmePictures, AreWhatTheCurrentBuildMakes) {
    const std::string out = temp_path("docs_images");
    std::string err;
    ASSERT_EQ(run_shell(source_path("tools/docs-images.sh") + " " + lockstep_binary() + " " + out, nullptr, &err), 0) << err;
    size_t compared = 0;
    for (const auto& made : fs::directory_iterator(out)) {
        const fs::path committed = fs::path(source_path("docs/images")) / made.path().filename();
        ASSERT_TRUE(fs::exists(committed)) << committed << " is missing: run make docs-images";
        EXPECT_EQ(read_text(made.path().string()), read_text(committed.string())) << committed << " is stale: run make docs-images";
        ++compared;
    }
    EXPECT_EQ(compared, 3u);
    const std::string readme = read_text(source_path("README.md"));
    for (const char* name : {"gemm-8x8-os-utilisation.svg", "gemm-8x8-os-heatmap.svg", "matmul4x4-utilisation.svg"}) {
        EXPECT_NE(readme.find(std::string("docs/images/") + name), std::string::npos) << name << " is embedded";
    }
    fs::remove_all(out);
}

TEST(ReadmePictures, HeatmapNamesRowsColumnsAndShares) {
    const std::string dir = temp_path("heatmap");
    ASSERT_EQ(record_gemm_trace("--rows 8 --cols 8 --dataflow os --m 20 --k 16 --n 12", dir), 0);
    const std::string svg = read_text(dir + "/heatmap.svg");
    // os maps M to rows and N to columns: 20 x 12 outputs on 8 x 8 PEs are 3 row folds
    // (8, 8, 4 rows) by 2 column folds (8, 4 columns); a PE multiplies K=16 times in each
    // fold that uses it. The run is 6 folds of K + R + C - 2 = 30 cycles plus 8 drain cycles.
    const double cycles = 6 * 30 + 8;
    auto share = [&](int folds) { return fmt::format("{:.1f}%", 100.0 * folds * 16 / cycles); };
    EXPECT_NE(svg.find("Share of cycles each PE multiplied, % (8x8 os array, M=20 K=16 N=12)"), std::string::npos);
    EXPECT_NE(svg.find("<title>row 0, column 0: " + share(6) + "</title>"), std::string::npos) << svg.substr(0, 3000);
    EXPECT_NE(svg.find("<title>row 0, column 7: " + share(3) + "</title>"), std::string::npos);
    EXPECT_NE(svg.find("<title>row 7, column 0: " + share(4) + "</title>"), std::string::npos);
    EXPECT_NE(svg.find("<title>row 7, column 7: " + share(2) + "</title>"), std::string::npos);
    EXPECT_NE(svg.find("text-anchor='end'>7</text>"), std::string::npos) << "row numbers down the left edge";
    EXPECT_NE(svg.find("text-anchor='middle'>7</text>"), std::string::npos) << "column numbers along the top";
    fs::remove_all(dir);
}

}  // namespace
}  // namespace lockstep::testing
