#include "mutation.h"

#include "common/error.h"
#include "cosim/rtl_cache.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

namespace fs = std::filesystem;

namespace lockstep::mutation {

const char* name(Side side) { return side == Side::Rtl ? "rtl" : "model"; }

namespace {

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string() + ": cannot open file");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    if (!out || !(out << text)) throw Error(path.string() + ": cannot write file");
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// ---- Operators ------------------------------------------------------------------------

// One operator: a pattern over a line's code and what each match becomes.
struct Operator {
    const char* name;
    std::regex pattern;
    std::string (*replace)(const std::smatch& m);
    bool rtl, model;             // which sources it applies to
    bool rhs_only = false;       // only right of a blocking assignment's '=' (reads, not writes)
};

std::string flip_relational(const std::smatch& m) {
    static const std::map<std::string, std::string> to = {{"==", "!="}, {"!=", "=="}, {"<", "<="},
                                                          {"<=", "<"},  {">", ">="},  {">=", ">"}};
    return " " + to.at(m[1].str()) + " ";
}

std::string plus_one(const std::smatch& m) {
    const unsigned long long value = std::stoull(m[2].str());
    return m[1].str() + std::to_string(value + 1) + m[3].str();
}

const std::vector<Operator>& operators() {
    static const std::vector<Operator> ops = [] {
        std::vector<Operator> v;
        // A flipped comparison: == and !=, < and <=, > and >= (SV's <= is an assignment: left alone).
        v.push_back({"relational", std::regex(" (==|!=|<|>|>=) "), flip_relational, true, true});
        v.push_back({"relational", std::regex(" (<=) "), flip_relational, false, true});
        v.push_back({"logical", std::regex(" (&&|\\|\\|) "),
                     [](const std::smatch& m) { return std::string(m[1] == "&&" ? " || " : " && "); }, true, true});
        v.push_back({"arithmetic", std::regex(" ([+-]) (?=[\\w(])"),
                     [](const std::smatch& m) { return std::string(m[1] == "+" ? " - " : " + "); }, true, true});
        // An off-by-one constant: a decimal literal after an operator, an '=', a '(' or a ','.
        v.push_back({"constant", std::regex("([-+*=<>(,] ?)(\\d+)((?:u|U|ull)?(?![\\w'.]))"), plus_one, true, true});
        v.push_back({"constant", std::regex("(\\d+'[dh]?)(\\d+)((?![\\w'.]))"), plus_one, true, false});
        v.push_back({"bit", std::regex("1'b([01])"),
                     [](const std::smatch& m) { return std::string(m[1] == "0" ? "1'b1" : "1'b0"); }, true, false});
        v.push_back({"negation", std::regex("!(?=[\\w(])"), [](const std::smatch&) { return std::string(); }, true, true});
        // A dropped reset: the branch that resets never runs.
        v.push_back({"reset", std::regex("!rst_ni\\b|\\breset_i\\b(?= *[)|&?])"),
                     [](const std::smatch&) { return std::string("1'b0"); }, true, false});
        v.push_back({"reset", std::regex("([(!] ?|\\|\\| |&& )reset\\b(?= *[)|&?])"),   // "false && reset": still read, never true
                     [](const std::smatch& m) { return m[1].str() + "(false && reset)"; }, false, true});
        // A one-cycle delay: a read of a next-state value takes the registered one instead.
        v.push_back({"delay", std::regex("\\b(\\w+)_d\\b"), [](const std::smatch& m) { return m[1].str() + "_q"; }, true,
                     false, true});
        v.push_back({"delay", std::regex("\\bd_\\."), [](const std::smatch&) { return std::string("q."); }, false, true,
                     true});
        // Swapped operands of a choice.
        v.push_back({"swap", std::regex("\\? ([\\w.\\[\\]':]+?) : ([\\w.\\[\\]']+)"),
                     [](const std::smatch& m) { return "? " + m[2].str() + " : " + m[1].str(); }, true, true});
        return v;
    }();
    return ops;
}

// Enum members, in order, per enum: a wrong FSM transition assigns the next one.
using Enums = std::vector<std::vector<std::string>>;

Enums read_sv_enums(const std::string& text) {
    Enums enums;
    const std::regex body("typedef\\s+enum[^{]*\\{([^}]*)\\}");
    const std::regex member("(\\w+)\\s*=");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), body); it != std::sregex_iterator(); ++it) {
        const std::string inside = (*it)[1].str();
        std::vector<std::string> names;
        for (auto m = std::sregex_iterator(inside.begin(), inside.end(), member); m != std::sregex_iterator(); ++m) {
            names.push_back((*m)[1].str());
        }
        if (names.size() > 1) enums.push_back(names);
    }
    return enums;
}

Enums read_cpp_enums(const std::string& text) {
    Enums enums;
    const std::regex body("enum class (\\w+)[^{]*\\{([^}]*)\\}");
    const std::regex member("(\\w+)\\s*=");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), body); it != std::sregex_iterator(); ++it) {
        const std::string type = (*it)[1].str(), inside = (*it)[2].str();
        std::vector<std::string> names;
        for (auto m = std::sregex_iterator(inside.begin(), inside.end(), member); m != std::sregex_iterator(); ++m) {
            names.push_back(type + "::" + (*m)[1].str());
        }
        if (names.size() > 1) enums.push_back(names);
    }
    return enums;
}

// A line whose code is worth mutating: not a comment, an assertion, a declaration or a
// preprocessor line. Returns the code part (without a trailing comment), or "".
std::string code_of(const std::string& line, bool rtl) {
    std::string code = line.substr(0, line.find("//"));
    const size_t first = code.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    const std::string start = code.substr(first);
    for (const char* skip : {"#", "import ", "module ", "parameter ", "localparam ", "input ", "output ", "typedef ",
                             "logic ", "include"}) {
        if (start.rfind(skip, 0) == 0) return "";
    }
    if (code.find("assert") != std::string::npos || code.find("$error") != std::string::npos) return "";
    if (code.find("__builtin_prefetch") != std::string::npos) return "";   // a cache hint: no value depends on it
    if (rtl && (code.find("for (") != std::string::npos)) return "";   // generate loops: elaboration, not behaviour
    return code;
}

void mutate_file(const std::string& root, const std::string& file, Side side, const std::string& design,
                 const Enums& enums, std::vector<Mutant>& out) {
    const std::vector<std::string> lines = split_lines(read_file(fs::path(root) / file));
    const bool rtl = side == Side::Rtl;
    bool in_assertion = false;   // an assertion's property and message: the checker, not the design
    // Inside `ifndef SYNTHESIS (the code an assertion needs beside its property, such as the
    // PE grid's ORed changes): the checker too. Counts the conditionals nested in it.
    unsigned checker_depth = 0;
    for (size_t index = 0; index < lines.size(); ++index) {
        const std::string& line = lines[index];
        const std::string stripped = line.substr(0, line.find("//"));
        if (rtl) {
            const size_t first = stripped.find_first_not_of(" \t");
            const std::string directive = first == std::string::npos ? "" : stripped.substr(first);
            if (checker_depth == 0 && directive.rfind("`ifndef SYNTHESIS", 0) == 0) {
                checker_depth = 1;
                continue;
            }
            if (checker_depth > 0) {
                if (directive.rfind("`ifdef", 0) == 0 || directive.rfind("`ifndef", 0) == 0) ++checker_depth;
                if (directive.rfind("`endif", 0) == 0) --checker_depth;
                if (checker_depth == 1 && directive.rfind("`else", 0) == 0) checker_depth = 0;   // synthesis code
                continue;
            }
        }
        if (stripped.find("assert") != std::string::npos) in_assertion = true;
        if (in_assertion) {
            if (stripped.find(';') != std::string::npos) in_assertion = false;
            continue;
        }
        const std::string code = code_of(line, rtl);
        if (code.empty()) continue;
        std::map<std::string, unsigned> seen;   // per operator on this line
        auto add = [&](const std::string& op, size_t at, size_t length, const std::string& with) {
            std::string mutated = line;
            mutated.replace(at, length, with);
            if (mutated == line) return;
            const unsigned n = ++seen[op];
            Mutant m;
            m.id = fmt::format("{}:{}:{}{}", file, index + 1, op, n > 1 ? fmt::format(".{}", n) : "");
            m.side = side;
            m.design = design;
            m.file = file;
            m.line = static_cast<unsigned>(index + 1);
            m.op = op;
            m.find = line;
            m.replace = mutated;
            out.push_back(m);
        };
        const size_t assignment = code.find(" <= ") == std::string::npos ? code.find(" = ") : std::string::npos;
        for (const Operator& op : operators()) {
            if (rtl ? !op.rtl : !op.model) continue;
            if (op.rhs_only && assignment == std::string::npos) continue;
            for (auto it = std::sregex_iterator(code.begin(), code.end(), op.pattern); it != std::sregex_iterator(); ++it) {
                if (op.rhs_only && static_cast<size_t>(it->position(0)) < assignment) continue;
                add(op.name, static_cast<size_t>(it->position(0)), static_cast<size_t>(it->length(0)), op.replace(*it));
            }
        }
        // A wrong FSM transition: an assignment of a state takes the state after it.
        for (const auto& members : enums) {
            for (size_t i = 0; i < members.size(); ++i) {
                const std::regex assigned("= " + std::regex_replace(members[i], std::regex("::"), "::") + ";");
                for (auto it = std::sregex_iterator(code.begin(), code.end(), assigned); it != std::sregex_iterator();
                     ++it) {
                    add("fsm", static_cast<size_t>(it->position(0)), static_cast<size_t>(it->length(0)),
                        "= " + members[(i + 1) % members.size()] + ";");
                }
            }
        }
    }
}

}  // namespace

std::vector<Mutant> generate(const std::string& root) {
    std::vector<Mutant> out;
    for (const char* design : {"gpu", "systolic"}) {
        const std::string package = read_file(fs::path(root) / "rtl" / design / (std::string(design) + "_pkg.sv"));
        const Enums sv_enums = read_sv_enums(package);
        for (const std::string& file : cosim::rtl_file_list(design)) {
            if (fs::path(file).extension() != ".sv" || file.find("_pkg.sv") != std::string::npos) continue;
            mutate_file(root, file, Side::Rtl, design, sv_enums, out);
        }
        const Enums cpp_enums = read_cpp_enums(read_file(fs::path(root) / "sim" / design / (std::string(design) + "_types.h")));
        std::vector<std::string> units;
        for (const auto& entry : fs::directory_iterator(fs::path(root) / "sim" / design)) {
            const std::string name = entry.path().filename().string();
            if (entry.path().extension() != ".cpp" || name.find("_types") != std::string::npos ||
                name.find("_model") != std::string::npos) {
                continue;   // the units only: not the snapshot types or the SystemC wrapper
            }
            units.push_back("sim/" + std::string(design) + "/" + name);
        }
        std::sort(units.begin(), units.end());
        for (const std::string& file : units) mutate_file(root, file, Side::Model, design, cpp_enums, out);
    }
    return out;
}

std::vector<Mutant> read_mutants(const std::string& root, const std::string& path) {
    YAML::Node doc;
    try {
        doc = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        throw Error(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
    }
    if (!doc.IsSequence()) throw Error(path + ": expected a list of mutants");
    std::vector<Mutant> out;
    std::set<std::string> names;
    for (const YAML::Node& node : doc) {
        const int line = node.Mark().line + 1;
        auto text = [&](const char* key, bool required) {
            const YAML::Node value = node[key];
            if (!value) {
                if (required) throw error_at(path, line, fmt::format("mutant lacks '{}'", key));
                return std::string();
            }
            return value.as<std::string>();
        };
        for (const auto& entry : node) {
            const std::string key = entry.first.as<std::string>();
            static const std::set<std::string> known = {"name", "file", "find", "replace", "why", "expect", "args"};
            if (!known.count(key)) throw error_at(path, entry.first.Mark().line + 1, fmt::format("unknown key '{}'", key));
        }
        Mutant m;
        m.op = "hand";
        m.id = text("name", true);
        if (!names.insert(m.id).second) throw error_at(path, line, fmt::format("two mutants are named '{}'", m.id));
        m.file = text("file", true);
        m.find = text("find", true);
        m.replace = text("replace", true);
        m.why = text("why", false);
        m.expect = text("expect", false);
        m.args = text("args", false);
        if (m.expect.empty() != m.args.empty()) throw error_at(path, line, "'expect' and 'args' go together");
        m.side = m.file.rfind("rtl/", 0) == 0 ? Side::Rtl : Side::Model;
        if (m.file.find("/gpu/") != std::string::npos) {
            m.design = "gpu";
        } else if (m.file.find("/systolic/") != std::string::npos) {
            m.design = "systolic";
        } else {
            throw error_at(path, line, fmt::format("'{}': a mutant changes rtl/<design>/ or sim/<design>/", m.file));
        }
        const std::string text_of_file = read_file(fs::path(root) / m.file);
        size_t at = text_of_file.find(m.find);
        if (at == std::string::npos || text_of_file.find(m.find, at + 1) != std::string::npos) {
            throw error_at(path, line, fmt::format("'find' must occur exactly once in {}", m.file));
        }
        m.line = static_cast<unsigned>(std::count(text_of_file.begin(), text_of_file.begin() + static_cast<long>(at), '\n') + 1);
        out.push_back(m);
    }
    return out;
}

namespace {

// FNV-1a over `text`, continuing from `h`: a hash that is the same on every machine and build.
uint64_t fnv1a(std::string_view text, uint64_t h = 0xcbf29ce484222325ull) {
    for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

}  // namespace

// Each mutant's place in the draw comes from a hash of the seed and what the mutant is (file,
// operator, the line's text and what it becomes, and which such line of the file it is), not
// from its line number or from the other mutants: an edit elsewhere in a file, or in another
// file, leaves the rest of the sample as it was. Groups (file x operator) take turns, in an
// order hashed from their names, so the picks spread over files and operators.
std::vector<Mutant> sample(const std::vector<Mutant>& mutants, size_t count, uint64_t seed) {
    if (count >= mutants.size()) return mutants;
    const std::string salt = std::to_string(seed) + "\n";
    std::map<std::pair<std::string, std::string>, std::vector<std::pair<uint64_t, size_t>>> groups;
    std::map<std::string, unsigned> seen;   // identical mutants of a file so far
    for (size_t i = 0; i < mutants.size(); ++i) {
        const Mutant& m = mutants[i];
        const std::string what = m.file + "\n" + m.op + "\n" + m.find + "\n" + m.replace;
        const unsigned nth = seen[what]++;
        groups[{m.file, m.op}].push_back({fnv1a(salt + what + "\n" + std::to_string(nth)), i});
    }
    std::vector<std::pair<uint64_t, std::vector<size_t>>> order;
    for (auto& [key, members] : groups) {
        std::sort(members.begin(), members.end());
        std::vector<size_t> indices;
        for (const auto& member : members) indices.push_back(member.second);
        order.push_back({fnv1a(salt + key.first + "\n" + key.second), indices});
    }
    std::sort(order.begin(), order.end());
    std::vector<size_t> picked;
    for (size_t round = 0; picked.size() < count; ++round) {
        for (const auto& [rank, members] : order) {
            if (round < members.size() && picked.size() < count) picked.push_back(members[round]);
        }
    }
    std::sort(picked.begin(), picked.end());
    std::vector<Mutant> out;
    for (size_t i : picked) out.push_back(mutants[i]);
    return out;
}

std::string apply(const std::string& text, const Mutant& m) {
    if (m.op == "hand") {
        const size_t at = text.find(m.find);
        if (at == std::string::npos || text.find(m.find, at + 1) != std::string::npos) {
            throw Error(fmt::format("mutant {}: its text no longer occurs exactly once in {}", m.id, m.file));
        }
        return text.substr(0, at) + m.replace + text.substr(at + m.find.size());
    }
    std::vector<std::string> lines = split_lines(text);
    if (m.line == 0 || m.line > lines.size() || lines[m.line - 1] != m.find) {
        throw Error(fmt::format("mutant {}: line {} of {} is not what it was made from", m.id, m.line, m.file));
    }
    lines[m.line - 1] = m.replace;
    std::string out;
    for (const std::string& line : lines) out += line + "\n";
    return out;
}

std::vector<Equivalent> read_equivalents(const std::string& path) {
    if (!fs::exists(path)) return {};
    YAML::Node doc;
    try {
        doc = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        throw Error(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
    }
    std::vector<Equivalent> out;
    for (const YAML::Node& node : doc) {
        if (!node.IsMap()) throw error_at(path, node.Mark().line + 1, "an entry is a map of 'id', 'line', 'why', 'design'");
        for (const auto& entry : node) {
            static const std::set<std::string> known = {"id", "line", "why", "design"};
            const std::string key = entry.first.as<std::string>();
            if (!known.count(key)) throw error_at(path, entry.first.Mark().line + 1, fmt::format("unknown key '{}'", key));
        }
        if (!node["id"] || !node["why"]) throw error_at(path, node.Mark().line + 1, "an entry needs 'id' and 'why'");
        const std::string design = node["design"] ? node["design"].as<std::string>() : "";
        if (!design.empty() && design != "gpu" && design != "systolic") {
            throw error_at(path, node["design"].Mark().line + 1,
                           fmt::format("design '{}': expected gpu or systolic (or no design: every one)", design));
        }
        out.push_back({node["id"].as<std::string>(), node["line"] ? node["line"].as<std::string>() : "",
                       node["why"].as<std::string>(), design});
    }
    return out;
}

const Equivalent* find_equivalent(const std::vector<Equivalent>& listed, const Mutant& m) {
    auto trim = [](const std::string& s) {
        const size_t first = s.find_first_not_of(" \t"), last = s.find_last_not_of(" \t");
        return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
    };
    // "file:line:op" -> file and op
    auto parts = [](const std::string& id) {
        const size_t op = id.rfind(':'), line = id.rfind(':', op == std::string::npos || op == 0 ? 0 : op - 1);
        if (op == std::string::npos || line == std::string::npos) return std::pair<std::string, std::string>{id, ""};
        return std::pair<std::string, std::string>{id.substr(0, line), id.substr(op + 1)};
    };
    const auto [file, op] = parts(m.id);
    for (const Equivalent& e : listed) {
        if (!e.design.empty() && e.design != m.design) continue;
        if (e.line.empty() ? e.id == m.id : parts(e.id) == std::pair{file, op} && trim(e.line) == trim(m.find)) return &e;
    }
    return nullptr;
}

Inputs read_inputs(const std::string& path) {
    YAML::Node doc;
    try {
        doc = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        throw Error(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
    }
    Inputs inputs;
    for (const auto& entry : doc) {
        const std::string key = entry.first.as<std::string>();
        if (key != "gpu" && key != "systolic") {
            throw error_at(path, entry.first.Mark().line + 1, fmt::format("unknown key '{}': gpu or systolic", key));
        }
        for (const YAML::Node& line : entry.second) (key == "gpu" ? inputs.gpu : inputs.systolic).push_back(line.as<std::string>());
    }
    if (inputs.gpu.empty() || inputs.systolic.empty()) throw Error(path + ": needs inputs for both gpu and systolic");
    return inputs;
}

// ---- Running --------------------------------------------------------------------------

namespace {

std::string quote(const std::string& s) { return "'" + s + "'"; }

struct Outcome {
    int status = 0;            // exit status; 124 timed out; 128+n killed by signal n
    std::string out, err;
};

Outcome shell(const std::string& command, const fs::path& scratch) {
    const fs::path out = scratch / "stdout", err = scratch / "stderr";
    const std::string full = command + " >" + quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
    const int raw = std::system(full.c_str());
    Outcome o;
    o.status = raw == -1 ? 127 : WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    std::ifstream o_in(out), e_in(err);
    std::stringstream o_text, e_text;
    o_text << o_in.rdbuf();
    e_text << e_in.rdbuf();
    o.out = o_text.str();
    o.err = e_text.str();
    return o;
}

// What a run's output says about the mutant: "" when it passed like the unmutated tree.
struct Kill {
    std::string by, detail;
};

// The error line of a run's output ("" without one).
std::string error_line(const Outcome& o) {
    const size_t at = o.err.find("lockstep: error: ");
    return at == std::string::npos ? "" : o.err.substr(at, o.err.find('\n', at) - at);
}

std::optional<Kill> judge(const Outcome& got, const Outcome& golden) {
    if (got.status == 124) return Kill{"timeout", "the run took longer than the time limit"};
    if (got.status >= 128) return Kill{"crash", fmt::format("signal {}", got.status - 128)};
    if (golden.status == 2) {   // an input that must stop with the unmutated tree's error
        if (got.status == 2 && error_line(got) == error_line(golden)) return std::nullopt;
        return Kill{"wrong result", "it does not stop with the unmutated tree's error"};
    }
    if (golden.status == 1) {   // an injected fault, which must be reported as the unmutated tree reports it
        const auto report = [](const Outcome& o) {
            const nlohmann::json j = nlohmann::json::parse(o.out, nullptr, false);
            return j.is_object() && j.contains("first_mismatch") ? j["first_mismatch"].dump() : std::string();
        };
        if (got.status == 1 && report(got) == report(golden)) return std::nullopt;
        return Kill{"wrong result", "it does not report the injected fault as the unmutated tree does"};
    }
    const std::string text = got.out + "\n" + got.err;
    auto after = [&](const std::string& key) {
        const size_t at = text.find(key);
        if (at == std::string::npos) return std::string();
        const size_t end = text.find('\n', at);
        return text.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
    };
    if (text.find("RTL ASSERTION FAILED") != std::string::npos) {
        const std::string label = after("assertion: ");
        return Kill{"assertion", label.substr(label.find_first_not_of(' '))};
    }
    if (text.find("LOCK-STEP MISMATCH") != std::string::npos) {
        std::string unit = after("unit:"), signal = after("signal:");
        auto trim = [](std::string s) { return s.substr(std::min(s.size(), s.find_first_not_of(' '))); };
        return Kill{"mismatch", trim(unit) + " " + trim(signal)};
    }
    if (text.find("did not finish within") != std::string::npos) return Kill{"timeout", "ran past --max-cycles"};
    if (got.status == 3) return Kill{"crash", "internal error"};
    if (got.status != 0) {
        const std::string error = after("lockstep: error: ");
        return Kill{"error", error.substr(0, 120)};
    }
    const nlohmann::json a = nlohmann::json::parse(got.out, nullptr, false), b = nlohmann::json::parse(golden.out, nullptr, false);
    if (a.is_object() && b.is_object()) {
        // (`layers` and `totals`: a streamed network's per-layer counters, its SRAM and DRAM
        // traffic and the cycles by reason, deterministic like the rest.)
        for (const char* key : {"memory", "cycles", "result_ok", "launch_cycles", "drain_cycles", "layers", "totals"}) {
            if (a.contains(key) && a[key] != b[key]) return Kill{"wrong result", std::string(key) + " differs"};
        }
    }
    return std::nullopt;
}

class Worker {
public:
    Worker(const Options& options, unsigned index) : options_(options), dir_(fs::path(options.work) / fmt::format("w{}", index)) {
        fs::create_directories(dir_ / "scratch");
    }

    Verdict run(const Mutant& m, const Inputs& inputs, const std::map<std::string, Outcome>& golden) {
        Verdict v;
        const auto start = std::chrono::steady_clock::now();
        std::string env, binary = options_.binary;
        fs::path restore_path;
        std::string restore_text;
        if (m.side == Side::Rtl) {
            fs::remove_all(dir_ / "rtl");
            fs::copy(fs::path(options_.source_root) / "rtl", dir_ / "rtl", fs::copy_options::recursive);
            const fs::path file = dir_ / m.file;
            write_file(file, mutation::apply(read_file(file), m));
            fs::remove_all(dir_ / "rtl-cache");   // one mutant's builds at a time
            // Built once and run briefly: -O1, and -O0 for a breaker, whose one short run costs
            // less than the optimiser would (a small GPU's design compiles in half the time).
            env = "LOCKSTEP_RTL_DIR=" + quote((dir_ / "rtl").string()) + " LOCKSTEP_RTL_CACHE=" +
                  quote((dir_ / "rtl-cache").string()) + " LOCKSTEP_RTL_OPT=" + (m.expect.empty() ? "-O1 " : "-O0 ");
        } else {
            const fs::path tree = model_tree();
            restore_path = tree / m.file;
            restore_text = read_file(restore_path);
            write_file(restore_path, checked(m.file) + mutation::apply(restore_text, m));
            const Outcome built = shell(fmt::format("cmake --build {} --target lockstep -j 1", quote((tree / "build").string())),
                                        dir_ / "scratch");
            if (built.status != 0) {
                write_file(restore_path, restore_text);
                v.outcome = "stillborn";
                v.detail = "does not compile";
                return v;
            }
            binary = (tree / "build" / "lockstep").string();
            env = "LOCKSTEP_RTL_CACHE=" + quote(options_.rtl_cache) + " ";
        }
        std::vector<std::string> runs = m.args.empty() ? inputs.of(m.design) : std::vector<std::string>{m.args};
        v.outcome = "survived";
        for (const std::string& input : runs) {
            const std::string command = fmt::format("cd {} && {}timeout -k 5 {} {} {}", quote(options_.source_root), env,
                                                    options_.timeout, quote(binary), with_json(input));
            const Outcome got = shell(command, dir_ / "scratch");
            if (got.err.find("building the") != std::string::npos && got.err.find("RTL failed") != std::string::npos) {
                v.outcome = "stillborn";
                v.detail = "the RTL does not build";
                break;
            }
            if (auto kill = judge(got, golden.at(m.args.empty() ? input : "")); kill) {
                v.outcome = "killed";
                v.by = kill->by;
                v.detail = kill->detail;
                v.input = input;
                break;
            }
        }
        if (!restore_path.empty()) write_file(restore_path, restore_text);
        v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return v;
    }

    // The exit status an input must have on the unmutated tree: "! COMMAND" must stop with
    // bad input (2), "!1 COMMAND" with a lock-step mismatch (1: an injected fault), the rest
    // pass (0).
    static int expected_status(const std::string& input) {
        if (input.rfind("! ", 0) == 0) return 2;
        if (input.rfind("!1 ", 0) == 0) return 1;
        return 0;
    }
    static std::string with_json(const std::string& input) {
        const std::string command = expected_status(input) != 0 ? input.substr(input.find(' ') + 1) : input;
        return command.rfind("fuzz", 0) == 0 ? command : command + " --json";
    }

private:
    // What goes before a mutated model source: the standard library's own checks, so a mutant
    // that indexes past a vector stops with a crash instead of corrupting memory unseen. Only
    // in the file it changes (the rest of the copy is the main build's objects, from ccache);
    // #line keeps the file's own line numbers. A header gets nothing: it may come after
    // <vector> in the files that include it.
    static std::string checked(const std::string& file) {
        return fs::path(file).extension() == ".cpp" ? "#define _GLIBCXX_ASSERTIONS 1\n#line 1\n" : "";
    }

    // A copy of the source tree with its own build directory, made once per worker: a model
    // mutant rebuilds only the file it changes.
    // A copy kept from an earlier run is brought up to date first: only files whose bytes
    // differ are written, so the rebuild is incremental.
    fs::path model_tree() {
        const fs::path tree = dir_ / "tree";
        if (tree_ready_) return tree;
        const fs::path root = options_.source_root;
        for (const char* part : {"CMakeLists.txt", "cmake", "sim", "tools", "tests", "rtl", "configs", "programs"}) {
            std::vector<fs::path> files;
            if (fs::is_directory(root / part)) {
                for (const auto& entry : fs::recursive_directory_iterator(root / part)) {
                    if (entry.is_regular_file()) files.push_back(entry.path());
                }
            } else {
                files.push_back(root / part);
            }
            for (const fs::path& from : files) {
                const fs::path to = tree / fs::relative(from, root);
                const std::string text = read_file(from);
                if (fs::exists(to) && read_file(to) == text) continue;
                fs::create_directories(to.parent_path());
                write_file(to, text);
            }
        }
        // Built as the main build is (ccache then serves every object it compiled) but
        // without -Werror: a mutant may draw a warning. Configured every run, so a copy kept
        // from an earlier run takes these settings too.
        const Outcome configured =
            shell(fmt::format("cmake -S {} -B {} -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS= -DLOCKSTEP_WERROR=OFF",
                              quote(tree.string()), quote((tree / "build").string())),
                  dir_ / "scratch");
        const Outcome built = configured.status != 0 ? configured
                                                     : shell(fmt::format("cmake --build {} --target lockstep -j {}",
                                                                         quote((tree / "build").string()), 2),
                                                             dir_ / "scratch");
        if (built.status != 0) throw Error("building the unmutated copy of the tree for model mutants failed:\n" + built.err);
        tree_ready_ = true;
        return tree;
    }

    const Options& options_;
    fs::path dir_;
    bool tree_ready_ = false;   // brought up to date and built in this run
};

}  // namespace

std::vector<Verdict> run(const std::vector<Mutant>& mutants, const Inputs& inputs, const Options& options) {
    fs::create_directories(options.work);
    // The unmutated tree must pass every input that will be used; its outputs are the golden ones.
    std::map<std::string, Outcome> golden;
    std::set<std::string> used;
    for (const Mutant& m : mutants) {
        if (!m.args.empty()) continue;
        for (const std::string& input : inputs.of(m.design)) used.insert(input);
    }
    golden[""] = Outcome{};
    const fs::path scratch = fs::path(options.work) / "golden";
    fs::create_directories(scratch);
    // The unmutated runs also build every shape the inputs use, a big one in minutes on a
    // busy machine: ten times the limit, which is meant for mutants that run away.
    const unsigned golden_timeout = 10 * options.timeout;
    for (const std::string& input : used) {
        const Outcome o = shell(fmt::format("cd {} && timeout -k 5 {} {} {}", quote(options.source_root), golden_timeout,
                                            quote(options.binary), Worker::with_json(input)),
                                scratch);
        const int expected = Worker::expected_status(input);
        if (o.status != expected) {
            throw Error(fmt::format("input '{}' {} on the unmutated tree (exit {}):\n{}{}", input,
                                    expected ? fmt::format("does not fail with exit {}", expected) : "fails", o.status,
                                    o.out, o.err));
        }
        golden[input] = o;
    }

    std::vector<Verdict> verdicts(mutants.size());
    std::atomic<size_t> next{0};
    std::mutex print;
    std::vector<std::thread> workers;
    std::vector<std::string> failures(std::max(1u, options.jobs));
    for (unsigned w = 0; w < std::max(1u, options.jobs); ++w) {
        workers.emplace_back([&, w] {
            try {
                Worker worker(options, w);
                for (size_t i = next++; i < mutants.size(); i = next++) {
                    verdicts[i] = worker.run(mutants[i], inputs, golden);
                    if (options.verbose) {
                        std::lock_guard<std::mutex> lock(print);
                        const Verdict& v = verdicts[i];
                        fmt::print(stderr, "[{}/{}] {} {}{}{} ({:.0f} s)\n", i + 1, mutants.size(), mutants[i].id,
                                   v.outcome, v.by.empty() ? "" : " by " + v.by, v.detail.empty() ? "" : ": " + v.detail,
                                   v.seconds);
                    }
                }
            } catch (const std::exception& e) {
                failures[w] = e.what();
                next = mutants.size();
            }
        });
    }
    for (std::thread& t : workers) t.join();
    for (const std::string& f : failures) {
        if (!f.empty()) throw Error(f);
    }
    return verdicts;
}

}  // namespace lockstep::mutation
