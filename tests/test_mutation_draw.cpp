// The draw behind `lockstep mutate --sample` (and make test's fixed sample): spread over files
// and operators, the same for the same seed, and changed by an edit only where the edit
// changes mutants.
#include "lockstep/mutation.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lockstep::mutation
