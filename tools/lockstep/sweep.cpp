#include "sweep.h"

#include "command_support.h"
#include "common/config.h"
#include "common/error.h"
#include "common/plural.h"
#include "common/spelling.h"
#include "topology.h"
#include "trace/svg_charts.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

extern char** environ;

namespace lockstep::sweep {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kSpecKeys = {"config", "engine", "grid", "topology", "gemms", "programs"};
const std::vector<std::string> kGemmKeys = {"name", "m", "k", "n"};

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// "gpu.cores" -> {"gpu", "cores"}.
std::pair<std::string, std::string> section_and_key(const std::string& name) {
    const size_t dot = name.find('.');
    return {name.substr(0, dot), name.substr(dot + 1)};
}

// The message of a config error without its "path:line: " (the spec names its own place).
std::string bare_message(const Error& e, const std::string& path) {
    std::string what = e.what();
    if (what.rfind(path + ":", 0) != 0) return what;
    what = what.substr(path.size() + 1);
    const size_t colon = what.find(": ");
    return colon == std::string::npos ? what : what.substr(colon + 2);
}

class SpecReader {
public:
    explicit SpecReader(const std::string& path) : path_(path), dir_(fs::path(path).parent_path()) {}

    Spec read() {
        if (!fs::is_regular_file(path_)) throw Error(path_ + ": cannot open file");
        YAML::Node root;
        try {
            root = YAML::Load(read_file(path_));
        } catch (const YAML::Exception& e) {
            throw error_at(path_, std::max(1, e.mark.line + 1), "YAML syntax error: " + e.msg);
        }
        if (!root.IsMap()) throw error_at(path_, 1, "expected a mapping with keys " + join(kSpecKeys));
        Spec spec;
        spec.path = path_;
        std::map<std::string, YAML::Node> given;
        for (const auto& entry : root) {
            const std::string key = entry.first.Scalar();
            if (std::find(kSpecKeys.begin(), kSpecKeys.end(), key) == kSpecKeys.end()) {
                throw error_at(path_, line_of(entry.first), fmt::format("unknown key '{}'{} (known: {})", key,
                                                                        did_you_mean(key, kSpecKeys), join(kSpecKeys)));
            }
            given[key] = entry.second;
            lines_[key] = line_of(entry.first);
        }
        read_workloads(given, spec);
        spec.config = given.count("config") ? path_in_spec(given["config"], "config")
                                            : source_file(spec.design == Design::Gpu ? "configs/tiny-gpu.yaml"
                                                                                     : "configs/systolic.yaml");
        if (spec.config.empty()) throw error_at(path_, 1, "no 'config': name the base config file");
        load_config(spec.config);   // its own errors name its own file
        if (given.count("engine")) {
            spec.engine = scalar(given["engine"], "engine");
            if (!cosim::engine_from_name(spec.engine)) {
                throw error_at(path_, lines_["engine"], fmt::format("engine '{}': expected model, rtl or cosim", spec.engine));
            }
        }
        if (!given.count("grid")) throw error_at(path_, 1, "no 'grid': give at least one axis, e.g. systolic.rows: [4, 8]");
        read_grid(given["grid"], spec);
        return spec;
    }

private:
    static std::string join(const std::vector<std::string>& names) {
        std::string out;
        for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
        return out;
    }

    std::string scalar(const YAML::Node& node, const std::string& what) const {
        if (!node.IsScalar() || node.Scalar().empty()) {
            throw error_at(path_, line_of(node), fmt::format("{}: expected a word or number, got {}", what,
                                                             node.IsSequence() ? "a sequence" : node.IsMap() ? "a mapping"
                                                                                                              : "nothing"));
        }
        return node.Scalar();
    }

    // A path written in the spec, relative to the spec's folder; the file must exist.
    std::string path_in_spec(const YAML::Node& node, const std::string& what) const {
        const fs::path path = fs::path(scalar(node, what));
        const fs::path full = path.is_absolute() ? path : dir_ / path;
        if (!fs::is_regular_file(full)) throw error_at(path_, line_of(node), fmt::format("{}: cannot open file", full.string()));
        return fs::absolute(full).lexically_normal().string();
    }

    std::vector<YAML::Node> list(const YAML::Node& node, const std::string& what) const {
        if (node.IsScalar()) return {node};
        if (!node.IsSequence() || node.size() == 0) {
            throw error_at(path_, line_of(node), fmt::format("'{}' must be a list with at least one entry", what));
        }
        return std::vector<YAML::Node>(node.begin(), node.end());
    }

    void add_network(const std::string& name, int line) {
        if (const std::string problem = folder_name_problem(name); !problem.empty()) {
            throw error_at(path_, line, fmt::format("network '{}' names result files: {}", name, problem));
        }
        if (!networks_.insert(name).second) {
            throw error_at(path_, line, fmt::format("two workloads are named '{}': names must be unique", name));
        }
    }

    void read_workloads(std::map<std::string, YAML::Node>& given, Spec& spec) {
        const bool gpu = given.count("programs"), systolic = given.count("topology") || given.count("gemms");
        if (gpu && systolic) {
            throw error_at(path_, lines_["programs"], "programs (GPU) and topology or gemms (systolic array) do not "
                                                      "mix: one sweep runs one design");
        }
        if (!gpu && !systolic) {
            throw error_at(path_, 1, "no workloads: give topology or gemms (systolic array) or programs (GPU)");
        }
        spec.design = gpu ? Design::Gpu : Design::Systolic;
        if (gpu) {
            for (const YAML::Node& node : list(given["programs"], "programs")) {
                const std::string program = path_in_spec(node, "programs");
                add_network(fs::path(program).stem().string(), line_of(node));
                spec.workloads.push_back(Workload{"", fs::path(program).stem().string(), {}, program});
            }
            return;
        }
        if (given.count("topology")) {
            for (const YAML::Node& node : list(given["topology"], "topology")) {
                const std::string file = path_in_spec(node, "topology");
                const std::string network = fs::path(file).stem().string();
                add_network(network, line_of(node));
                for (const Layer& layer : read_topology(file)) spec.workloads.push_back(Workload{network, layer.name, layer.size, ""});
            }
        }
        if (given.count("gemms")) read_gemms(given["gemms"], spec);
    }

    // gemms: [{name: g1, m: 64, k: 32, n: 48}, ...], the network "gemms".
    void read_gemms(const YAML::Node& gemms, Spec& spec) {
        add_network("gemms", lines_["gemms"]);
        for (const YAML::Node& node : list(gemms, "gemms")) {
            if (!node.IsMap()) throw error_at(path_, line_of(node), "gemms: each entry is a mapping {name, m, k, n}");
            std::map<std::string, std::string> fields;
            for (const auto& entry : node) {
                const std::string key = entry.first.Scalar();
                if (std::find(kGemmKeys.begin(), kGemmKeys.end(), key) == kGemmKeys.end()) {
                    throw error_at(path_, line_of(entry.first), fmt::format("unknown key '{}' in a GEMM{} (known: {})", key,
                                                                            did_you_mean(key, kGemmKeys), join(kGemmKeys)));
                }
                fields[key] = scalar(entry.second, "gemms." + key);
            }
            uint32_t dims[3] = {};
            for (int i = 0; i < 3; ++i) {
                const std::string key = kGemmKeys[static_cast<size_t>(i) + 1];
                const auto value = fields.count(key) ? parse_whole(fields[key]) : std::nullopt;
                if (!value || *value < 1 || *value > 65535) {
                    throw error_at(path_, line_of(node), fmt::format("gemms: '{}' must be a whole number in 1..65535", key));
                }
                dims[i] = static_cast<uint32_t>(*value);
            }
            if (!fields.count("name")) throw error_at(path_, line_of(node), "gemms: each GEMM needs a name");
            if (const std::string problem = folder_name_problem(fields["name"]); !problem.empty()) {
                throw error_at(path_, line_of(node), problem);
            }
            for (const Workload& w : spec.workloads) {
                if (w.network == "gemms" && w.name == fields["name"]) {
                    throw error_at(path_, line_of(node), fmt::format("two GEMMs are named '{}'", w.name));
                }
            }
            spec.workloads.push_back(Workload{"gemms", fields["name"], {dims[0], dims[1], dims[2]}, ""});
        }
    }

    void read_grid(const YAML::Node& grid, Spec& spec) {
        if (!grid.IsMap() || grid.size() == 0) {
            throw error_at(path_, lines_["grid"], "'grid' must map config keys to lists of values, e.g. "
                                                  "systolic.rows: [4, 8]");
        }
        const std::vector<std::string> keys = config_keys();
        const std::vector<std::string> sections = spec.design == Design::Gpu
                                                      ? std::vector<std::string>{"gpu", "tensor_core", "divergence",
                                                                                 "warps", "coalescer", "cache", "memory", "sim"}
                                                      : std::vector<std::string>{"systolic", "sim"};
        std::vector<std::string> patterns;
        for (const std::string& section : sections) patterns.push_back(section + ".*");
        for (const auto& entry : grid) {
            Axis axis{entry.first.Scalar(), {}, line_of(entry.first)};
            if (std::find(keys.begin(), keys.end(), axis.key) == keys.end()) {
                throw error_at(path_, axis.line, fmt::format("axis '{}' is not a config key{} (keys are section.key, "
                                                             "e.g. systolic.rows, gpu.cores)", axis.key,
                                                             did_you_mean(axis.key, keys)));
            }
            const std::string section = section_and_key(axis.key).first;
            if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
                throw error_at(path_, axis.line, fmt::format("axis '{}' does not change a {} sweep (its axes are {})",
                                                             axis.key, spec.design == Design::Gpu ? "GPU" : "systolic-array",
                                                             join(patterns)));
            }
            for (const Axis& other : spec.axes) {
                if (other.key == axis.key) throw error_at(path_, axis.line, fmt::format("axis '{}' is given twice", axis.key));
            }
            if (!entry.second.IsSequence() || entry.second.size() == 0) {
                throw error_at(path_, axis.line, fmt::format("axis '{}' needs a list of at least one value, e.g. [4, 8]",
                                                             axis.key));
            }
            for (const YAML::Node& value : entry.second) {
                const std::string text = scalar(value, axis.key);
                if (std::find(axis.values.begin(), axis.values.end(), text) != axis.values.end()) {
                    throw error_at(path_, line_of(value), fmt::format("{}: {} is listed twice", axis.key, text));
                }
                check_value(spec, axis.key, text, line_of(value));
                axis.values.push_back(text);
            }
            spec.axes.push_back(axis);
        }
    }

    // The base config with just this value must load, so a bad value is named where it is written.
    void check_value(const Spec& spec, const std::string& key, const std::string& value, int line) const {
        Job job;
        job.axes = {{key, value}};
        try {
            parse_config(config_yaml(spec, job), "<value>");
        } catch (const Error& e) {
            throw error_at(path_, line, bare_message(e, "<value>"));
        }
    }

    std::string path_;
    fs::path dir_;
    std::map<std::string, int> lines_;
    std::set<std::string> networks_;
};

// Short key names in ids ("rows"), unless two axes share one ("systolic.rows", "tensor_core.rows").
std::vector<std::string> id_names(const std::vector<Axis>& axes) {
    std::vector<std::string> names;
    for (const Axis& a : axes) names.push_back(section_and_key(a.key).second);
    if (std::set<std::string>(names.begin(), names.end()).size() == names.size()) return names;
    names.clear();
    for (const Axis& a : axes) names.push_back(a.key);
    return names;
}

std::string csv_cell(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string number(const nlohmann::json& value) {
    if (value.is_number_float()) return fmt::format("{:.6f}", value.get<double>());
    if (value.is_number() || value.is_boolean()) return value.dump();
    return value.is_string() ? value.get<std::string>() : "";
}

const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

}  // namespace

Spec read_spec(const std::string& path) {
    return SpecReader(fs::absolute(path).lexically_normal().string()).read();
}

std::string config_yaml(const Spec& spec, const Job& job) {
    YAML::Node config = spec.config.empty() ? YAML::Node(YAML::NodeType::Map) : YAML::LoadFile(spec.config);
    std::string settings;
    for (const auto& [key, value] : job.axes) {
        const auto [section, name] = section_and_key(key);
        config[section][name] = value;
        settings += fmt::format("{}{} = {}", settings.empty() ? "" : ", ", key, value);
    }
    YAML::Emitter out;
    out << config;
    return fmt::format("# lockstep sweep {}: {} with {}\n{}\n", spec.path, spec.config.empty() ? "<defaults>" : spec.config,
                       settings, out.c_str());
}

std::vector<Job> expand(const Spec& spec) {
    const std::vector<std::string> names = id_names(spec.axes);
    size_t points = 1;
    for (const Axis& a : spec.axes) points *= a.values.size();
    std::vector<Job> jobs;
    for (size_t point = 0; point < points; ++point) {
        Job base;
        size_t rest = point;
        for (size_t a = spec.axes.size(); a-- > 0;) {   // the last axis varies fastest
            const Axis& axis = spec.axes[a];
            base.axes.insert(base.axes.begin(), {axis.key, axis.values[rest % axis.values.size()]});
            rest /= axis.values.size();
        }
        for (size_t a = 0; a < base.axes.size(); ++a) {
            base.config_id += fmt::format("{}{}-{}", a ? "_" : "", names[a], base.axes[a].second);
        }
        try {
            parse_config(config_yaml(spec, base), "<grid point>");
        } catch (const Error& e) {
            throw error_at(spec.path, spec.axes[0].line, fmt::format("grid point {}: {}", base.config_id,
                                                                     bare_message(e, "<grid point>")));
        }
        for (const Workload& w : spec.workloads) {
            Job job = base;
            job.index = jobs.size();
            job.workload = w;
            job.id = base.config_id + "_" + (w.network.empty() ? "" : w.network + ".") + w.name;
            jobs.push_back(job);
        }
    }
    return jobs;
}

std::vector<std::string> job_command(const Spec& spec, const Job& job, const std::string& out_dir,
                                     const std::string& engine, const std::string& binary) {
    const std::string config = (fs::path(out_dir) / "configs" / (job.config_id + ".yaml")).string();
    if (spec.design == Design::Gpu) {
        return {binary, "run", job.workload.program, "--config", config, "--engine", engine, "--json"};
    }
    const systolic::GemmSize& s = job.workload.size;
    return {binary, "gemm", "--config", config, "--m", std::to_string(s.m), "--k", std::to_string(s.k),
            "--n", std::to_string(s.n), "--engine", engine, "--json"};
}

std::string shell_line(const std::vector<std::string>& argv) {
    std::string line;
    for (const std::string& word : argv) {
        const bool plain = !word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                                    "0123456789_./=:,+-@%") == std::string::npos;
        std::string quoted = "'";
        for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
        line += (line.empty() ? "" : " ") + (plain ? word : quoted + "'");
    }
    return line;
}

std::string result_path(const std::string& out_dir, const Job& job) {
    return (fs::path(out_dir) / "jobs" / (job.id + ".json")).string();
}

bool finished(const std::string& path, const Job& job, size_t jobs, const std::string& command) {
    const nlohmann::json result = nlohmann::json::parse(read_file(path), nullptr, false);
    return result.is_object() && result.value("status", "") == "ok" && result.value("command", "") == command &&
           result.value("index", jobs) == job.index && result.value("of", size_t{0}) == jobs;
}

void write_atomically(const std::string& path, const std::string& text) {
    const fs::path target(path);
    static std::atomic<unsigned> written{0};   // with the pid, a name no other writer uses
    const fs::path temp = target.parent_path() / fmt::format(".{}.{}.{}.tmp", target.filename().string(), ::getpid(),
                                                             written++);
    {
        std::ofstream out(temp, std::ios::binary);
        out << text;
        if (!out.flush()) throw Error(temp.string() + ": cannot write file");
    }
    fs::rename(temp, target);
}

void write_if_changed(const std::string& path, const std::string& text) {
    if (read_file(path) != text) write_atomically(path, text);
}

nlohmann::json run_job(const Spec& spec, const Job& job, size_t jobs, const std::string& out_dir,
                       const std::string& engine, const std::string& binary) {
    const fs::path configs = fs::path(out_dir) / "configs", results = fs::path(out_dir) / "jobs";
    fs::create_directories(configs);
    fs::create_directories(results);
    write_if_changed((configs / (job.config_id + ".yaml")).string(), config_yaml(spec, job));

    const std::vector<std::string> argv = job_command(spec, job, out_dir, engine, binary);
    const std::string out_path = (results / ("." + job.id + ".stdout")).string();
    const std::string err_path = (results / ("." + job.id + ".stderr")).string();
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&files, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const std::string& word : argv) args.push_back(const_cast<char*>(word.c_str()));
    args.push_back(nullptr);
    const auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    int exit_status = 127, wait_status = 0;
    if (posix_spawn(&pid, args[0], &files, nullptr, args.data(), environ) == 0 && ::waitpid(pid, &wait_status, 0) == pid) {
        exit_status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
    }
    posix_spawn_file_actions_destroy(&files);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const nlohmann::json output = nlohmann::json::parse(read_file(out_path), nullptr, false);
    const std::string err = read_file(err_path);
    fs::remove(out_path);
    fs::remove(err_path);

    const bool ok = exit_status == 0 && output.is_object() && output.contains("cycles");
    nlohmann::json result = {
        {"index", job.index}, {"of", jobs}, {"id", job.id},
        {"design", spec.design == Design::Gpu ? "gpu" : "systolic"},
        {"axes", job.axes}, {"network", job.workload.network}, {"workload", job.workload.name},
        {"command", shell_line(argv)}, {"exit_status", exit_status}, {"status", ok ? "ok" : "failed"},
        {"seconds", std::round(seconds * 1000) / 1000},
        {"result", output.is_discarded() ? nlohmann::json(nullptr) : output},
    };
    if (!ok) result["stderr"] = err.empty() && exit_status == 127 ? "cannot start " + argv[0] : err;
    write_atomically(result_path(out_dir, job), result.dump(1) + "\n");
    return result;
}

namespace {

using Results = std::map<size_t, nlohmann::json>;   // job index -> its result file

// A network's figures summed over its layers at one grid point.
struct Total {
    std::vector<std::string> point;   // the axis values
    std::string network;
    uint64_t cycles = 0, folds = 0;
    double macs = 0, pes = 0;
    bool complete = true;
    double utilisation() const { return macs / (static_cast<double>(cycles) * pes); }
};

std::vector<std::string> point_of(const nlohmann::json& job) {
    std::vector<std::string> point;
    for (const auto& pair : job["axes"]) point.push_back(pair[1].get<std::string>());
    return point;
}

Results read_results(const fs::path& dir) {
    Results jobs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name[0] == '.' || entry.path().extension() != ".json") continue;   // temporaries and job outputs
        nlohmann::json job = nlohmann::json::parse(read_file(entry.path().string()), nullptr, false);
        if (!job.is_object() || !job.contains("index") || !job.contains("axes")) {
            throw Error(entry.path().string() + ": not a sweep job's result");
        }
        const size_t index = job["index"].get<size_t>();   // not in the assignment: its right side moves job first
        const auto same = jobs.find(index);
        if (same != jobs.end() || (!jobs.empty() && jobs.begin()->second["of"] != job["of"])) {
            const nlohmann::json& other = same != jobs.end() ? same->second : jobs.begin()->second;
            throw Error(fmt::format("{} holds the results of different sweeps ({}.json: job {} of {}; {}: job {} of {}): "
                                    "remove the stale files or use a fresh --out", dir.string(),
                                    other["id"].get<std::string>(), other["index"].get<size_t>(),
                                    other["of"].get<size_t>(), name, index, job["of"].get<size_t>()));
        }
        jobs[index] = std::move(job);
    }
    if (jobs.empty()) throw Error(fmt::format("{}: no job results to merge", dir.string()));
    return jobs;
}

// A row per job, then (systolic) a total per grid point and network, filled into `totals`.
std::string results_csv(const Results& jobs, const std::vector<std::string>& axes, bool gpu, bool all_there,
                        std::vector<Total>* totals) {
    const std::vector<std::string> figures =
        gpu ? std::vector<std::string>{"cycles", "instructions_issued", "simt_efficiency_pct", "core_active_pct",
                                       "alu_busy_pct", "lsu_busy_pct", "lane_memory_accesses", "data_requests"}
            : std::vector<std::string>{"m", "k", "n", "cycles", "utilisation", "mapping_efficiency", "folds",
                                       "cycles_per_fold"};
    std::string csv = "row,job";
    for (const std::string& a : axes) csv += "," + csv_cell(a);
    csv += gpu ? ",program,status" : ",network,layer,status";
    for (const std::string& f : figures) csv += "," + f;
    csv += ",exit_status\n";
    for (const auto& [index, job] : jobs) {
        const std::vector<std::string> point = point_of(job);
        const bool ok = job["status"] == "ok";
        const nlohmann::json r = ok ? job["result"] : nlohmann::json::object();
        const nlohmann::json& figures_of = gpu ? r.value("utilisation", nlohmann::json::object()) : r;
        csv += "job," + csv_cell(job["id"].get<std::string>());
        for (const std::string& v : point) csv += "," + csv_cell(v);
        if (!gpu) csv += "," + csv_cell(job["network"].get<std::string>());
        csv += "," + csv_cell(job["workload"].get<std::string>()) + "," + job["status"].get<std::string>();
        for (const std::string& f : figures) csv += "," + number((f == "cycles" ? r : figures_of).value(f, nlohmann::json()));
        csv += "," + std::to_string(job["exit_status"].get<int>()) + "\n";
        if (gpu) continue;
        auto total = std::find_if(totals->begin(), totals->end(), [&](const Total& t) {
            return t.point == point && t.network == job["network"];
        });
        if (total == totals->end()) total = totals->insert(totals->end(), Total{point, job["network"].get<std::string>()});
        total->complete &= ok && all_there;   // a missing job may belong to any network
        if (!ok) continue;
        total->cycles += r["cycles"].get<uint64_t>();
        total->folds += r["folds"].get<uint64_t>();
        total->macs += r["m"].get<double>() * r["k"].get<double>() * r["n"].get<double>();
        total->pes = r["rows"].get<double>() * r["cols"].get<double>();
    }
    for (const Total& t : *totals) {
        csv += "total,";
        for (const std::string& v : t.point) csv += "," + csv_cell(v);
        csv += "," + csv_cell(t.network) + ",," + (t.complete ? "ok" : "incomplete") + ",,,";
        csv += t.complete ? fmt::format(",{},{:.6f},,{},,\n", t.cycles, t.utilisation(), t.folds) : ",,,,,,\n";
    }
    return csv;
}

// Cycles and utilisation over the numeric axes' combinations (array sizes): a line per other
// axis values and workload, a bold one per complete network total.
std::string plot_svg(const Results& jobs, const std::vector<Total>& totals, const std::vector<std::string>& axes,
                     bool gpu, size_t expected) {
    std::vector<size_t> numeric, other;
    for (size_t a = 0; a < axes.size(); ++a) {
        bool digits = true;
        for (const auto& [index, job] : jobs) digits &= parse_whole(job["axes"][a][1].get<std::string>()).has_value();
        (digits ? numeric : other).push_back(a);
    }
    if (numeric.empty()) std::swap(numeric, other);
    auto pick = [](const std::vector<std::string>& point, const std::vector<size_t>& which, const char* glue) {
        std::string text;
        for (size_t a : which) text += (text.empty() ? "" : glue) + point[a];
        return text;
    };
    std::vector<std::string> categories;
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> lines;   // cycles, utilisation
    std::vector<std::pair<std::string, bool>> order;                                   // name, bold
    auto add_point = [&](const std::vector<std::string>& point, const std::string& what, bool bold, double cycles,
                         double use) {
        const std::string category = pick(point, numeric, "x"), prefix = pick(point, other, " ");
        const std::string name = (prefix.empty() ? "" : prefix + " ") + what;
        auto at = std::find(categories.begin(), categories.end(), category);
        if (at == categories.end()) at = categories.insert(at, category);
        auto& [c, u] = lines[name];
        if (c.empty()) order.emplace_back(name, bold);
        const size_t column = static_cast<size_t>(at - categories.begin());
        c.resize(std::max(c.size(), column + 1), NAN);
        u.resize(c.size(), NAN);
        c[column] = cycles;
        u[column] = use;
    };
    std::set<std::string> networks;
    for (const auto& [index, job] : jobs) networks.insert(job["network"].get<std::string>());
    for (const auto& [index, job] : jobs) {
        if (job["status"] != "ok") continue;
        const nlohmann::json& r = job["result"];
        const std::string network = networks.size() > 1 ? job["network"].get<std::string>() + "." : "";
        const double use = gpu ? r["utilisation"]["alu_busy_pct"].get<double>() / 100 : r["utilisation"].get<double>();
        add_point(point_of(job), network + job["workload"].get<std::string>(), false, r["cycles"].get<double>(), use);
    }
    for (const Total& t : totals) {
        if (t.complete) add_point(t.point, t.network + " total", true, static_cast<double>(t.cycles), t.utilisation());
    }
    trace::ChartPanel cycles{"cycles", {}, false}, use{gpu ? "ALU busy" : "utilisation", {}, true};
    for (size_t i = 0; i < order.size(); ++i) {
        const auto& [name, bold] = order[i];
        auto [c, u] = lines[name];
        c.resize(categories.size(), NAN);
        u.resize(categories.size(), NAN);
        const std::string colour = kPalette[i % std::size(kPalette)];
        cycles.series.push_back({name, colour, c, bold});
        use.series.push_back({name, colour, u, bold});
    }
    std::string x_label;
    for (size_t a : numeric) x_label += (x_label.empty() ? "" : " x ") + section_and_key(axes[a]).second;
    const std::string title = fmt::format("lockstep sweep: {} of {} ({})", plural(jobs.size(), "job"), expected,
                                          gpu ? "GPU" : "systolic array");
    return trace::category_chart_svg(title, x_label, categories, {cycles, use});
}

}  // namespace

MergeSummary merge(const std::string& out_dir) {
    const Results jobs = read_results(fs::path(out_dir) / "jobs");
    MergeSummary summary;
    const nlohmann::json& first = jobs.begin()->second;
    summary.merged = jobs.size();
    summary.expected = first["of"].get<size_t>();
    for (size_t i = 0; i < summary.expected; ++i) {
        if (!jobs.count(i)) summary.missing.push_back(i);
    }
    for (const auto& [index, job] : jobs) {
        if (job["status"] != "ok") summary.failed.push_back(job);
    }
    const bool gpu = first["design"] == "gpu";
    std::vector<std::string> axes;
    for (const auto& pair : first["axes"]) axes.push_back(pair[0].get<std::string>());
    std::vector<Total> totals;
    summary.csv = (fs::path(out_dir) / "results.csv").string();
    write_atomically(summary.csv, results_csv(jobs, axes, gpu, summary.missing.empty(), &totals));
    summary.plot = (fs::path(out_dir) / "plot.svg").string();
    write_atomically(summary.plot, plot_svg(jobs, totals, axes, gpu, summary.expected));
    return summary;
}

}  // namespace lockstep::sweep
