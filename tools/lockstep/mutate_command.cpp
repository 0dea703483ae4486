// `lockstep mutate`: mutation testing of the lock-step claim (docs/verification.md). Makes
// single-point mutants of the RTL and the model, runs each against tests/mutants/inputs.yaml
// and prints a kill table; hand-written mutants and the assertion breakers run too.
#include "command_line.h"
#include "command_support.h"
#include "commands.h"
#include "common/error.h"
#include "common/plural.h"
#include "mutation.h"

#include "build_info.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <utility>

namespace lockstep {

namespace {

using mutation::Mutant;
using mutation::Verdict;

std::string self_path() {
    std::error_code ec;
    const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) throw Error("cannot find the lockstep executable (/proc/self/exe)");
    return path.string();
}

std::string escape_cell(const std::string& text) {
    std::string out;
    for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

struct Row {
    const Mutant* mutant;
    Verdict verdict;
    std::string note;   // the equivalence reason, or what went wrong with a breaker
};

std::string killed_by(const Row& r) {
    if (r.verdict.outcome != "killed") return "";
    return r.verdict.by + (r.verdict.detail.empty() ? "" : " (" + r.verdict.detail + ")");
}

std::string markdown(const std::vector<Row>& rows, const std::string& summary) {
    std::string out = "| mutant | side | operator | outcome | killed by | first input that killed it |\n"
                      "|---|---|---|---|---|---|\n";
    for (const Row& r : rows) {
        std::string outcome = r.verdict.outcome;
        if (!r.note.empty()) outcome += ": " + r.note;
        out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", r.mutant->id, mutation::name(r.mutant->side),
                           r.mutant->op, escape_cell(outcome), escape_cell(killed_by(r)),
                           r.verdict.input.empty() ? "" : "`" + escape_cell(r.verdict.input) + "`");
    }
    return out + "\n" + summary + "\n";
}

// The mutants and verdicts that --json wrote, for --from.
std::pair<std::vector<Mutant>, std::vector<Verdict>> read_verdicts(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error(path + ": cannot open file");
    const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (!doc.is_object() || !doc.contains("mutants")) throw Error(path + ": not a file that lockstep mutate --json wrote");
    std::vector<Mutant> mutants;
    std::vector<Verdict> verdicts;
    for (const nlohmann::json& j : doc["mutants"]) {
        Mutant m;
        m.id = j.value("id", "");
        m.side = j.value("side", "rtl") == "rtl" ? mutation::Side::Rtl : mutation::Side::Model;
        m.op = j.value("operator", "");
        m.file = j.value("file", "");
        m.line = j.value("line", 0u);
        m.find = j.value("find", "");
        m.replace = j.value("replace", "");
        m.expect = j.value("expect", "");
        m.design = j.value("design", "");
        Verdict v;
        v.outcome = j.value("outcome", "");
        if (v.outcome == "equivalent") v.outcome = "survived";   // judged again
        v.by = j.value("by", "");
        v.detail = j.value("detail", "");
        v.input = j.value("input", "");
        v.seconds = j.value("seconds", 0.0);
        mutants.push_back(m);
        verdicts.push_back(v);
    }
    return {mutants, verdicts};
}

template <typename File>
int report(const MutateArgs& args, const std::vector<Mutant>& chosen, const std::vector<Verdict>& verdicts, File file);

}  // namespace

int mutate_command(const MutateArgs& args) {
    const std::string root = build_info::kSourceDir;
    auto file = [&](const std::string& path) { return std::filesystem::path(path).is_absolute() ? path : root + "/" + path; };
    std::vector<Mutant> automatic = mutation::generate(root);
    automatic.erase(std::remove_if(automatic.begin(), automatic.end(),
                                   [&](const Mutant& m) {
                                       return (args.side != "both" && args.side != mutation::name(m.side)) ||
                                              (args.design != "both" && args.design != m.design);
                                   }),
                    automatic.end());

    std::vector<Mutant> chosen;
    std::vector<Verdict> verdicts;
    if (!args.from.empty()) {   // the verdicts of an earlier run, judged again against equivalent.yaml
        std::tie(chosen, verdicts) = read_verdicts(args.from);
        return report(args, chosen, verdicts, file);
    }
    const std::vector<Mutant> hand = args.hand.empty() ? std::vector<Mutant>{} : mutation::read_mutants(root, file(args.hand));
    const std::vector<Mutant> breakers =
        args.breakers.empty() ? std::vector<Mutant>{} : mutation::read_mutants(root, file(args.breakers));
    if (!args.only.empty()) {
        for (const std::string& id : args.only) {
            bool found = false;
            for (const std::vector<Mutant>* list : std::vector<const std::vector<Mutant>*>{&automatic, &hand, &breakers}) {
                for (const Mutant& m : *list) {
                    if (m.id == id) {
                        chosen.push_back(m);
                        found = true;
                    }
                }
            }
            if (!found) throw Error(fmt::format("--only '{}': no such mutant (lockstep mutate --list shows them)", id));
        }
    } else {
        if (!args.breakers_only) {
            chosen = args.all ? automatic : mutation::sample(automatic, args.sample, args.seed);
            chosen.insert(chosen.end(), hand.begin(), hand.end());
        }
        chosen.insert(chosen.end(), breakers.begin(), breakers.end());
    }
    if (chosen.empty()) throw Error("no mutants to run");
    if (args.list) {
        for (const Mutant& m : chosen) fmt::print("{}\n  - {}\n  + {}\n", m.id, m.find, m.replace);
        fmt::print("{} ({} in all)\n", plural(chosen.size(), "mutant"), plural(automatic.size(), "automatic mutant"));
        return 0;
    }

    const mutation::Inputs inputs = mutation::read_inputs(file(args.inputs));
    mutation::Options options;
    options.source_root = root;
    options.binary = self_path();
    // Absolute: the RTL builds below it run their compilers in other directories.
    options.work = std::filesystem::absolute(args.work.empty() ? std::string(build_info::kRtlCacheDir) + "/../mutants"
                                                               : args.work).lexically_normal().string();
    options.rtl_cache = build_info::kRtlCacheDir;
    options.jobs = args.jobs;
    options.timeout = args.timeout;
    options.verbose = !args.quiet;
    const auto count = [&](auto pick) { return std::count_if(chosen.begin(), chosen.end(), pick); };
    fmt::print(stderr, "lockstep mutate: {} ({} automatic of {}, {} hand-written, {}), {}\n",
               plural(chosen.size(), "mutant"), count([](const Mutant& m) { return m.op != "hand"; }), automatic.size(),
               count([](const Mutant& m) { return m.op == "hand" && m.expect.empty(); }),
               plural(count([](const Mutant& m) { return !m.expect.empty(); }), "assertion breaker"),
               plural(options.jobs, "job"));
    verdicts = mutation::run(chosen, inputs, options);
    return report(args, chosen, verdicts, file);
}

namespace {

template <typename File>
int report(const MutateArgs& args, const std::vector<Mutant>& chosen, const std::vector<Verdict>& verdicts, File file) {
    // Read after the run, so that survivors explained while it ran count as equivalent.
    const std::vector<mutation::Equivalent> equivalents_listed =
        args.equivalent.empty() ? std::vector<mutation::Equivalent>{} : mutation::read_equivalents(file(args.equivalent));

    std::vector<Row> rows;
    unsigned killed = 0, survived = 0, equivalents = 0, stillborn = 0, breaker_failures = 0;
    std::map<std::string, unsigned> by;
    for (size_t i = 0; i < chosen.size(); ++i) {
        Row r{&chosen[i], verdicts[i], ""};
        const Mutant& m = chosen[i];
        const mutation::Equivalent* eq = mutation::find_equivalent(equivalents_listed, m);
        if (!m.expect.empty()) {   // an assertion breaker must fire its own assertion
            const bool fired = r.verdict.outcome == "killed" && r.verdict.by == "assertion" && r.verdict.detail == m.expect;
            if (!fired) {
                ++breaker_failures;
                r.note = fmt::format("expected assertion {} to fire", m.expect);
            }
            rows.push_back(r);
            continue;   // made to break an invariant: not part of the kill rate
        } else if (eq && r.verdict.outcome == "survived") {
            r.verdict.outcome = "equivalent";
            r.note = eq->why;
        } else if (eq) {
            r.note = "tests/mutants/equivalent.yaml lists it, but it was " + r.verdict.outcome;
        }
        if (r.verdict.outcome == "killed") {
            ++killed;
            ++by[r.verdict.by];
        }
        survived += r.verdict.outcome == "survived";
        equivalents += r.verdict.outcome == "equivalent";
        stillborn += r.verdict.outcome == "stillborn";
        rows.push_back(r);
    }
    const unsigned counted = killed + survived;
    const unsigned run_breakers =
        static_cast<unsigned>(std::count_if(chosen.begin(), chosen.end(), [](const Mutant& m) { return !m.expect.empty(); }));
    std::string by_text;
    for (const auto& [how, n] : by) by_text += fmt::format("{}{} by {}", by_text.empty() ? "" : ", ", n, how);
    const std::string summary = fmt::format(
        "{}: {} killed ({}), {} survived, {} equivalent, {} did not build. Kill rate {:.1f}% of the {} "
        "non-equivalent mutants that built.{}",
        plural(rows.size() - run_breakers, "mutant"), killed, by_text.empty() ? "none" : by_text, survived, equivalents, stillborn,
        counted ? 100.0 * killed / counted : 0.0, counted,
        run_breakers == 0 ? "" : fmt::format(" Assertion breakers: {} of {} fired their assertion.",
                                             run_breakers - std::min(breaker_failures, run_breakers), run_breakers));
    for (const Row& r : rows) {
        fmt::print("{:<58} {:<5} {:<10} {:<10} {}{}\n", r.mutant->id, mutation::name(r.mutant->side), r.mutant->op,
                   r.verdict.outcome, killed_by(r), r.note.empty() ? "" : "  [" + r.note + "]");
    }
    fmt::print("\n{}\n", summary);
    if (!args.markdown.empty()) {
        std::ofstream out(args.markdown);
        if (!out) throw Error(args.markdown + ": cannot write file");
        out << markdown(rows, summary);
    }
    if (!args.json_path.empty()) {
        nlohmann::json j = nlohmann::json::array();
        for (const Row& r : rows) {
            j.push_back({{"id", r.mutant->id}, {"side", mutation::name(r.mutant->side)}, {"operator", r.mutant->op},
                         {"file", r.mutant->file}, {"line", r.mutant->line}, {"find", r.mutant->find},
                         {"expect", r.mutant->expect}, {"design", r.mutant->design},
                         {"replace", r.mutant->replace}, {"outcome", r.verdict.outcome}, {"by", r.verdict.by},
                         {"detail", r.verdict.detail}, {"input", r.verdict.input}, {"note", r.note},
                         {"seconds", r.verdict.seconds}});
        }
        std::ofstream out(args.json_path);
        if (!out) throw Error(args.json_path + ": cannot write file");
        out << nlohmann::json{{"mutants", j}, {"summary", summary}}.dump(1) << "\n";
    }
    if (breaker_failures > 0) return 1;
    if (args.fail_on_survivor && survived > 0) return 1;
    return 0;
}

}  // namespace

void add_mutate_command(CLI::App& app, CommandTable& table) {
    auto args = std::make_shared<MutateArgs>();
    CLI::App* cli = app.add_subcommand("mutate", "Mutation testing: which single-point changes of the RTL and the "
                                                 "model does lock-step catch? Prints a kill table");
    cli->add_option("--sample", args->sample, "Run this many automatic mutants, spread over files and operators")
        ->capture_default_str()->check(whole_number(0, 100000));
    cli->add_flag("--all", args->all, "Run every automatic mutant");
    cli->add_option("--seed", args->seed, "Seed of the sample")->capture_default_str()->check(whole_number(0, UINT64_MAX));
    cli->add_option("--only", args->only, "Run only these mutants (by id or name)");
    cli->add_option("--side", args->side, "rtl, model or both")->capture_default_str()
        ->check(CLI::IsMember({"rtl", "model", "both"}));
    cli->add_option("--design", args->design, "gpu, systolic or both")->capture_default_str()
        ->check(CLI::IsMember({"gpu", "systolic", "both"}));
    cli->add_option("--hand", args->hand, "Hand-written mutants (YAML; '' for none)")->capture_default_str();
    cli->add_option("--breakers", args->breakers, "Assertion breakers (YAML; '' for none)")->capture_default_str();
    cli->add_flag("--breakers-only", args->breakers_only, "Run only the assertion breakers");
    cli->add_option("--equivalent", args->equivalent, "Mutants known to be equivalent, with why (YAML)")->capture_default_str();
    cli->add_option("--inputs", args->inputs, "What each design's mutants run against (YAML)")->capture_default_str();
    cli->add_option("--jobs,-j", args->jobs, "Mutants run at once")->capture_default_str()->check(whole_number(1, 64));
    cli->add_option("--timeout", args->timeout, "Seconds per input run of a mutant (the unmutated runs, which build the RTL, get ten times as long)")->capture_default_str()->check(whole_number(5, 3600));
    cli->add_option("--work", args->work, "Scratch directory (default: build/mutants)");
    cli->add_option("--markdown", args->markdown, "Write the kill table as Markdown");
    cli->add_option("--json", args->json_path, "Write every verdict as JSON");
    cli->add_option("--from", args->from, "Report the verdicts an earlier --json wrote, judged again against --equivalent");
    cli->add_flag("--list", args->list, "List the mutants these options choose (--all: every one) and exit");
    cli->add_flag("--fail-on-survivor", args->fail_on_survivor, "Exit 1 when a mutant not known to be equivalent survives");
    cli->add_flag("--quiet", args->quiet, "No line per mutant as it finishes");
    table.push_back({cli, [args] { return mutate_command(*args); }});
}

}  // namespace lockstep
