// The draw behind `lockstep mutate --sample` (and make test's fixed sample): spread over files
// and operators, the same for the same seed, and changed by an edit only where the edit
// changes mutants. And which lines the automatic mutants come from.
#include "lockstep/mutation.h"
#include "cli_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lockstep::mutation {
namespace {

Mutant make(const std::string& file, unsigned line, const std::string& op, const std::string& find) {
    Mutant m;
    m.file = file;
    m.line = line;
    m.op = op;
    m.find = find;
    m.replace = find + " // " + op;
    m.id = file + ":" + std::to_string(line) + ":" + op;
    return m;
}

// Three files x two operators, ten lines each.
std::vector<Mutant> tree() {
    std::vector<Mutant> out;
    for (const std::string file : {"sim/gpu/a.cpp", "sim/gpu/b.cpp", "rtl/gpu/c.sv"}) {
        for (const std::string op : {"constant", "relational"}) {
            for (unsigned line = 1; line <= 10; ++line) out.push_back(make(file, line, op, "x = " + std::to_string(line)));
        }
    }
    return out;
}

std::set<std::string> ids(const std::vector<Mutant>& mutants) {
    std::set<std::string> out;
    for (const Mutant& m : mutants) out.insert(m.id);
    return out;
}

TEST(MutationDraw, SpreadsOverFilesAndOperatorsTheSameWayForASeed) {
    const std::vector<Mutant> all = tree();
    const std::vector<Mutant> six = sample(all, 6, 1);
    ASSERT_EQ(six.size(), 6u);
    std::set<std::pair<std::string, std::string>> groups;
    for (const Mutant& m : six) groups.insert({m.file, m.op});
    EXPECT_EQ(groups.size(), 6u) << "one from each file x operator";
    EXPECT_EQ(ids(sample(all, 6, 1)), ids(six));
    EXPECT_NE(ids(sample(all, 6, 2)), ids(six)) << "another seed, another draw";
    EXPECT_EQ(sample(all, 100, 1).size(), all.size());
}

TEST(MutationDraw, AnEditElsewhereLeavesTheSampleAlone) {
    const std::vector<Mutant> before = tree();
    const std::vector<Mutant> drawn = sample(before, 9, 7);

    // Lines inserted at the top of every file: each mutant moves down, none changes.
    std::vector<Mutant> shifted;
    for (const Mutant& m : before) shifted.push_back(make(m.file, m.line + 3, m.op, m.find));
    std::set<std::string> moved;
    for (const Mutant& m : drawn) moved.insert(m.file + ":" + std::to_string(m.line + 3) + ":" + m.op);
    EXPECT_EQ(ids(sample(shifted, 9, 7)), moved);

    // A mutant of a new line that the draw does not pick leaves the others as they were.
    bool tried = false;
    for (unsigned extra = 11; extra < 100 && !tried; ++extra) {
        std::vector<Mutant> grown = before;
        grown.push_back(make("sim/gpu/a.cpp", extra, "constant", "y = " + std::to_string(extra)));
        const std::set<std::string> now = ids(sample(grown, 9, 7));
        if (now.count(grown.back().id) != 0) continue;   // this one was drawn: try another line
        EXPECT_EQ(now, ids(drawn));
        tried = true;
    }
    EXPECT_TRUE(tried) << "every added mutant was drawn";
}

// Code inside `ifndef SYNTHESIS is an assertion's checker (the PE grid's ORed changes, the
// function that finds the first PE for a message), not the design: no automatic mutant comes
// from it, while the design's lines around it are mutated.
TEST(MutationGenerate, CodeOutsideSynthesisIsNotMutated) {
    const std::vector<Mutant> all = generate(lockstep::testing::source_path(""));
    std::map<std::string, std::vector<bool>> checker;   // per RTL file: is line n (1-based) in a checker block
    for (const Mutant& m : all) {
        if (m.file.rfind("rtl/", 0) != 0 || checker.count(m.file) != 0) continue;
        std::ifstream in(lockstep::testing::source_path(m.file));
        std::vector<bool> inside{false};
        unsigned depth = 0;
        for (std::string line; std::getline(in, line);) {
            const size_t first = line.find_first_not_of(" \t");
            const std::string text = first == std::string::npos ? "" : line.substr(first);
            const bool opens = text.rfind("`ifndef SYNTHESIS", 0) == 0;
            if (depth > 0 && (text.rfind("`ifdef", 0) == 0 || text.rfind("`ifndef", 0) == 0)) ++depth;
            if (depth == 0 && opens) depth = 1;
            inside.push_back(depth > 0);
            if (depth > 0 && text.rfind("`endif", 0) == 0) --depth;
            if (depth == 1 && text.rfind("`else", 0) == 0) depth = 0;   // the synthesis branch
        }
        checker[m.file] = inside;
    }
    size_t grid = 0;
    for (const Mutant& m : all) {
        if (m.file.rfind("rtl/", 0) != 0) continue;
        const std::vector<bool>& inside = checker.at(m.file);
        ASSERT_LT(m.line, inside.size()) << m.id;
        EXPECT_FALSE(inside[m.line]) << m.id << " mutates the checker";
        grid += m.file == "rtl/systolic/pe_array.sv";
    }
    const std::vector<bool>& pe = checker.at("rtl/systolic/pe_array.sv");
    EXPECT_GT(std::count(pe.begin(), pe.end(), true), 40) << "the PE grid's assertions are in checker blocks";
    EXPECT_GT(grid, 40u) << "the PE grid's own lines are mutated";
}

// An equivalent.yaml entry with a design matches that design's mutant only; an unknown key or
// design is an error naming the file and line.
TEST(MutationEquivalents, AnEntryWithADesignMatchesThatDesignOnly) {
    const std::string path = lockstep::testing::temp_path("equivalent_design.yaml");
    std::ofstream(path) << "- id: rtl/systolic/pe_array.sv:10:logical\n"
                           "  design: gpu\n"
                           "  line: \"  x = a && b;\"\n"
                           "  why: a and b are equal in the tensor core\n";
    const std::vector<Equivalent> listed = read_equivalents(path);
    ASSERT_EQ(listed.size(), 1u);
    Mutant m = make("rtl/systolic/pe_array.sv", 12, "logical", "  x = a && b;");   // the line moved down 2
    m.design = "gpu";
    EXPECT_NE(find_equivalent(listed, m), nullptr);
    m.design = "systolic";
    EXPECT_EQ(find_equivalent(listed, m), nullptr);

    auto error_of = [&](const std::string& yaml) -> std::string {
        std::ofstream(path) << yaml;
        try {
            read_equivalents(path);
        } catch (const std::exception& e) {
            return e.what();
        }
        return "accepted";
    };
    EXPECT_EQ(error_of("- id: a.sv:1:logical\n  why: w\n  design: npu\n"),
              path + ":3: design 'npu': expected gpu or systolic (or no design: every one)");
    EXPECT_EQ(error_of("- id: a.sv:1:logical\n  why: w\n  desing: gpu\n"), path + ":3: unknown key 'desing'");
}

}  // namespace
}  // namespace lockstep::mutation
