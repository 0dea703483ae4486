// Mutation testing: what lock-step catches. Single-point mutants of the RTL and of the
// model are made from their sources by a few operators (docs/verification.md); each is
// built and run against the programs, random kernels and GEMMs of tests/mutants/inputs.yaml
// until one of them kills it: a lock-step mismatch, a failed assertion, a wrong result or
// a run that no longer finishes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockstep::mutation {

enum class Side { Rtl, Model };
const char* name(Side side);

struct Mutant {
    std::string id;          // "rtl/gpu/alu.sv:37:relational" (".2" for the second on that line)
    Side side = Side::Rtl;
    std::string design;      // "gpu" or "systolic": whose inputs run it
    std::string file;        // relative to the source tree
    unsigned line = 0;       // 1-based
    std::string op;          // the operator, or "hand" for a hand-written mutant
    std::string find;        // the exact text replaced (the whole line for automatic mutants)
    std::string replace;     // what it becomes
    std::string expect;      // assertion breakers: the assertion label that must fire
    std::string args;        // assertion breakers: the one command line that shows it
    std::string why;         // hand-written mutants: what they break
};

// Every automatic mutant of the RTL units (rtl/<design>/<design>.f) and of the model units
// (sim/gpu, sim/systolic), in a fixed order.
std::vector<Mutant> generate(const std::string& source_root);

// Hand-written mutants (tests/mutants/hand.yaml, assertion_breakers.yaml): a list of
// {name, file, find, replace, [why], [expect, args]}. Throws lockstep::Error naming the file.
std::vector<Mutant> read_mutants(const std::string& source_root, const std::string& path);

// `count` mutants spread over files and operators (round-robin over the (file, operator)
// groups, a seeded pick within each); all of them when count >= mutants.size(). A mutant's
// chance depends on what it is, not on its line number or the other mutants, so an edit
// changes the sample only where it changes or adds mutants.
std::vector<Mutant> sample(const std::vector<Mutant>& mutants, size_t count, uint64_t seed);

// The file's text with the mutant applied. Throws lockstep::Error when `find` does not occur
// exactly once in the file (automatic mutants: on their line).
std::string apply(const std::string& text, const Mutant& mutant);

// Mutants known to be equivalent (tests/mutants/equivalent.yaml): id -> the reason.
struct Equivalent {
    std::string id, line, why;   // `line`: the original source line, to notice a stale entry
    std::string design;          // "gpu" or "systolic": equivalent in that design only; "": in every one
};
std::vector<Equivalent> read_equivalents(const std::string& path);
// The entry for `m`: the same file, operator (with its ".n") and original line, wherever the
// line has moved to, and `m`'s design if the entry names one; an entry without `line`
// matches by id alone.
const Equivalent* find_equivalent(const std::vector<Equivalent>& listed, const Mutant& m);

// The inputs each design's mutants run against, cheapest first (tests/mutants/inputs.yaml):
// lockstep command lines, run from the source tree.
struct Inputs {
    std::vector<std::string> gpu, systolic;
    const std::vector<std::string>& of(const std::string& design) const { return design == "gpu" ? gpu : systolic; }
};
Inputs read_inputs(const std::string& path);

struct Verdict {
    std::string outcome;     // killed, survived, equivalent, stillborn (does not build), stale
    std::string by;          // killed: mismatch, assertion, wrong result, timeout, error, crash
    std::string input;       // the input that killed it
    std::string detail;      // what it saw: "core0.thread1.registers R5", the assertion label...
    double seconds = 0;
};

struct Options {
    std::string source_root;     // the tree the mutants are made from
    std::string binary;          // the lockstep executable built from it
    std::string work;            // scratch: per-worker RTL copies, model trees, caches
    std::string rtl_cache;       // the real RTL cache (model mutants reuse it)
    unsigned jobs = 1;
    unsigned timeout = 120;      // seconds per input run
    bool verbose = false;        // one line per mutant as it finishes
};

// Runs every mutant (in `jobs` workers) and returns their verdicts, in the mutants' order.
// The unmutated tree must pass every input first; throws lockstep::Error if it does not.
std::vector<Verdict> run(const std::vector<Mutant>& mutants, const Inputs& inputs, const Options& options);

}  // namespace lockstep::mutation
