// `lockstep sweep`: expands a spec's grid into jobs and runs them here on every core, or writes
// them out for GNU parallel or a Slurm job array; then merges the job results (sweep.h).
#include "command_line.h"
#include "command_support.h"
#include "commands.h"
#include "common/error.h"
#include "common/plural.h"
#include "common/status_line.h"
#include "sweep.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

namespace lockstep {

namespace {

namespace fs = std::filesystem;

// This executable, by absolute path: every job command runs it, wherever it is started.
std::string this_binary() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw std::runtime_error("cannot find the lockstep executable (/proc/self/exe): " + ec.message());
    return self.string();
}

struct Sweep {
    sweep::Spec spec;
    std::vector<sweep::Job> jobs;
    std::string out, engine, binary;

    std::string command(const sweep::Job& job) const {
        return sweep::shell_line(sweep::job_command(spec, job, out, engine, binary));
    }
    // What an emitted line or array task runs: this sweep's job `index` (given as `index_word`).
    std::vector<std::string> job_form(const std::string& index_word) const {
        std::vector<std::string> argv = {binary, "sweep", spec.path, "--out", out};
        if (engine != spec.engine) argv.insert(argv.end(), {"--engine", engine});
        argv.insert(argv.end(), {"--job", index_word});
        return argv;
    }
};

Sweep load(const SweepArgs& args) {
    Sweep s;
    s.spec = sweep::read_spec(args.spec);
    s.jobs = sweep::expand(s.spec);
    const std::string out = args.out.empty() ? fs::path(args.spec).stem().string() + "-sweep" : args.out;
    s.out = fs::absolute(out).lexically_normal().string();
    if (!s.out.empty() && s.out.back() == '/') s.out.pop_back();
    s.engine = args.engine.empty() ? s.spec.engine : args.engine;
    engine_named(s.engine);
    s.binary = this_binary();
    fs::create_directories(fs::path(s.out) / "jobs");
    return s;
}

// The merge's report: where the results are, each failed job with its command, what is missing.
int report_merge(const std::string& out, bool json, const nlohmann::json& extra = nlohmann::json::object()) {
    const sweep::MergeSummary m = sweep::merge(out);
    if (json) {
        nlohmann::json failed = nlohmann::json::array();
        for (const nlohmann::json& f : m.failed) {
            failed.push_back({{"index", f["index"]}, {"id", f["id"]}, {"command", f["command"]},
                              {"exit_status", f["exit_status"]}, {"stderr", f.value("stderr", "")}});
        }
        nlohmann::json summary = {{"jobs", m.expected}, {"merged", m.merged}, {"failed", failed},
                                  {"missing", m.missing}, {"results", m.csv}, {"plot", m.plot}};
        summary.update(extra);
        std::cout << summary.dump() << std::endl;
    } else {
        fmt::print("Merged {} of {} into {} and {}\n", m.merged, plural(m.expected, "job"), m.csv, m.plot);
        if (!m.failed.empty()) {
            fmt::print("{} failed (the others' results are merged; rerunning the sweep retries these):\n",
                       plural(m.failed.size(), "job"));
            for (const nlohmann::json& f : m.failed) {
                const std::string err = f.value("stderr", "");
                fmt::print("  job {} {}: exit status {}: {}\n    {}\n", f["index"].get<size_t>(), f["id"].get<std::string>(),
                           f["exit_status"].get<int>(), err.substr(0, err.find('\n')), f["command"].get<std::string>());
            }
        }
        if (!m.missing.empty()) {
            std::vector<uint64_t> missing(m.missing.begin(), m.missing.end());
            fmt::print("{} no result yet (indices {}): run the sweep again to finish them\n",
                       m.missing.size() == 1 ? "1 job has" : fmt::format("{} jobs have", m.missing.size()),
                       comma_list(missing));
        }
    }
    return m.failed.empty() && m.missing.empty() ? 0 : 1;
}

int run_one(const Sweep& s, const SweepArgs& args) {
    if (static_cast<size_t>(args.job) >= s.jobs.size()) {
        throw Error(fmt::format("--job {}: the sweep has {} (0..{})", args.job, plural(s.jobs.size(), "job"),
                                s.jobs.size() - 1));
    }
    const sweep::Job& job = s.jobs[static_cast<size_t>(args.job)];
    const std::string path = sweep::result_path(s.out, job);
    if (sweep::finished(path, job, s.jobs.size(), s.command(job))) {
        if (!args.json) fmt::print("job {} {}: already done, {}\n", job.index, job.id, path);
        else std::cout << nlohmann::json{{"index", job.index}, {"status", "ok"}, {"result_file", path}}.dump() << std::endl;
        return 0;
    }
    const nlohmann::json result = sweep::run_job(s.spec, job, s.jobs.size(), s.out, s.engine, s.binary);
    const bool ok = result["status"] == "ok";
    if (args.json) {
        std::cout << nlohmann::json{{"index", job.index}, {"status", result["status"]}, {"result_file", path}}.dump()
                  << std::endl;
    } else {
        fmt::print("job {} {}: {}, {}\n", job.index, job.id,
                   ok ? "ok" : fmt::format("failed with exit status {}", result["exit_status"].get<int>()), path);
    }
    if (!ok) std::cerr << result.value("stderr", "") << "  command: " << result["command"].get<std::string>() << "\n";
    return ok ? 0 : 1;
}

void write_configs(const Sweep& s) {
    fs::create_directories(fs::path(s.out) / "configs");
    for (const sweep::Job& job : s.jobs) {
        sweep::write_if_changed((fs::path(s.out) / "configs" / (job.config_id + ".yaml")).string(),
                                sweep::config_yaml(s.spec, job));
    }
}

int emit(const Sweep& s, const SweepArgs& args) {
    write_configs(s);
    const std::string merge = sweep::shell_line({s.binary, "sweep", "--merge", s.out});
    if (args.emit == "parallel") {
        std::string lines;
        for (const sweep::Job& job : s.jobs) lines += sweep::shell_line(s.job_form(std::to_string(job.index))) + "\n";
        const std::string path = s.out + "/jobs.txt";
        sweep::write_atomically(path, lines);
        if (!args.json) {
            fmt::print("Wrote {}: {}, one command a line. Run them with GNU parallel, then merge:\n"
                       "  parallel -j {} < {}\n"
                       "  parallel --sshloginfile HOSTS < {}   # hosts that see {} and {} at these paths\n"
                       "  {}\n", path, plural(s.jobs.size(), "job"), std::max(1u, std::thread::hardware_concurrency()),
                       path, path, s.binary, s.out, merge);
        } else {
            std::cout << nlohmann::json{{"jobs", s.jobs.size()}, {"file", path}, {"merge", merge}}.dump() << std::endl;
        }
        return 0;
    }
    const std::string path = s.out + "/sweep.sbatch", logs = s.out + "/slurm";
    fs::create_directories(logs);
    // The task's index comes from Slurm; the line stays one shell word list (sweep.h quotes the rest).
    std::string task = sweep::shell_line(s.job_form("INDEX"));
    task.replace(task.rfind("INDEX"), 5, "\"${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}\"");
    const std::string script = fmt::format(
        "#!/bin/bash\n"
        "# lockstep sweep {}: {} as a Slurm job array, one job per task.\n"
        "# Submit: sbatch {}   Then merge: {}\n"
        "#SBATCH --job-name=lockstep-sweep\n"
        "#SBATCH --array=0-{}\n"
        "#SBATCH --ntasks=1\n"
        "#SBATCH --cpus-per-task=1\n"
        "#SBATCH --output={}/%A_%a.out\n"
        "exec {}\n",
        s.spec.path, plural(s.jobs.size(), "job"), path, merge, s.jobs.size() - 1, logs, task);
    sweep::write_atomically(path, script);
    if (!args.json) {
        fmt::print("Wrote {}: a Slurm job array of {} (tasks 0..{}). Submit it, then merge when it is done:\n"
                   "  sbatch {}\n  {}\n", path, plural(s.jobs.size(), "job"), s.jobs.size() - 1, path, merge);
    } else {
        std::cout << nlohmann::json{{"jobs", s.jobs.size()}, {"file", path}, {"merge", merge}}.dump() << std::endl;
    }
    return 0;
}

int run_all(const Sweep& s, const SweepArgs& args) {
    write_configs(s);
    std::vector<const sweep::Job*> pending;
    for (const sweep::Job& job : s.jobs) {
        if (!sweep::finished(sweep::result_path(s.out, job), job, s.jobs.size(), s.command(job))) pending.push_back(&job);
    }
    const size_t skipped = s.jobs.size() - pending.size();
    const unsigned workers = static_cast<unsigned>(std::min<size_t>(
        pending.size(), args.jobs ? args.jobs : std::max(1u, std::thread::hardware_concurrency())));
    if (!args.json) {
        fmt::print("lockstep sweep {}: {} on engine {}{}, {} at once; results in {}/\n", s.spec.path,
                   plural(s.jobs.size(), "job"), s.engine,
                   skipped ? fmt::format(" ({} already done)", skipped) : "", workers, s.out);
    }
    std::atomic<size_t> next{0}, done{0}, failed{0};
    std::mutex mutex;
    std::exception_ptr error;
    auto work = [&] {
        for (size_t i = next++; i < pending.size(); i = next++) {
            try {
                const nlohmann::json result = sweep::run_job(s.spec, *pending[i], s.jobs.size(), s.out, s.engine, s.binary);
                if (result["status"] != "ok") ++failed;
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!error) error = std::current_exception();
                ++failed;
            }
            ++done;
        }
    };
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < workers; ++w) threads.emplace_back(work);
    {
        StatusLine status(!args.json);
        const auto start = std::chrono::steady_clock::now();
        while (done < pending.size()) {
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const size_t finished = done;
            const std::string eta = finished ? ", ETA " + duration_text(elapsed / static_cast<double>(finished) *
                                                                       static_cast<double>(pending.size() - finished))
                                             : "";
            status.show(fmt::format("sweep: {}/{} done, {} failed, {} elapsed{}", finished, pending.size(),
                                    failed.load(), duration_text(elapsed), eta));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    for (std::thread& t : threads) t.join();
    if (error) std::rethrow_exception(error);
    return report_merge(s.out, args.json, {{"ran", pending.size()}, {"skipped", skipped}});
}

}  // namespace

int sweep_command(const SweepArgs& args) {
    if (!args.merge.empty()) {
        if (!args.emit.empty() || args.job >= 0) throw Error("--merge goes with neither --emit nor --job");
        if (!fs::is_directory(args.merge)) throw Error(args.merge + ": no such folder");
        return report_merge(fs::absolute(args.merge).lexically_normal().string(), args.json);
    }
    if (args.spec.empty()) throw Error("sweep needs a SPEC.yaml (or --merge DIR)");
    if (!args.emit.empty() && args.job >= 0) throw Error("--emit writes every job's command: it does not go with --job");
    const Sweep s = load(args);
    if (args.job >= 0) return run_one(s, args);
    if (!args.emit.empty()) return emit(s, args);
    return run_all(s, args);
}

void add_sweep_command(CLI::App& app, CommandTable& table) {
    auto args = std::make_shared<SweepArgs>();
    CLI::App* cli = app.add_subcommand("sweep", "Run a grid of configs x workloads as jobs (here, GNU parallel or "
                                                "Slurm) and merge them into results.csv and plot.svg (docs/sweeps.md)");
    cli->add_option("spec", args->spec, "Sweep spec (YAML): base config, grid axes, workloads");
    cli->add_option("--out", args->out, "Output folder: configs/, jobs/<id>.json, results.csv, plot.svg "
                                        "(default: <spec name>-sweep)");
    cli->add_option("--jobs", args->jobs, "Jobs at once on this machine (default: one per core)")
        ->check(whole_number(1, 1024));
    cli->add_option("--engine", args->engine, "model | rtl | cosim (default: the spec's engine, else model)");
    cli->add_option("--emit", args->emit, "Write the jobs instead of running them: parallel (OUT/jobs.txt for GNU "
                                          "parallel) or slurm (OUT/sweep.sbatch, a job array)")
        ->check(CLI::IsMember({"parallel", "slurm"}));
    cli->add_option("--merge", args->merge, "Only merge the job results in this output folder (after parallel or Slurm)");
    cli->add_option("--job", args->job, "Run only the job with this index (what the emitted commands run)")
        ->check(whole_number(0, 1000000));
    cli->add_flag("--json", args->json, "Print one JSON object on stdout");
    table.push_back({cli, [args] { return sweep_command(*args); }, [args] { return args->json; }});
}

}  // namespace lockstep
