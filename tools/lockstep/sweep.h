// A sweep (docs/sweeps.md): a grid of config values times workloads, expanded into jobs. Each
// job is one `lockstep gemm` or `lockstep run` command line whose JSON lands, with the command
// and its exit status, in OUT/jobs/<id>.json; merging reads only those files.
#pragma once

#include "systolic/systolic_types.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::sweep {

enum class Design { Systolic, Gpu };

// One grid axis: a config key ("systolic.rows") and the values it takes, in spec order.
struct Axis {
    std::string key;
    std::vector<std::string> values;
    int line = 0;                    // in the spec, for errors
};

// What one job runs under its config.
struct Workload {
    std::string network;             // topology file stem, "gemms", or "" (GPU programs)
    std::string name;                // layer, GEMM or program stem
    systolic::GemmSize size;         // systolic
    std::string program;             // GPU: absolute path of the .asm
};

struct Spec {
    std::string path;                // absolute
    Design design = Design::Systolic;
    std::string config;              // base config, absolute ("" the built-in defaults)
    std::string engine = "model";
    std::vector<Axis> axes;
    std::vector<Workload> workloads;
};

// Reads and checks a spec; throws Error naming the file and line (unknown keys with a hint,
// wrong types, a key the config schema lacks, empty axes, a value the config refuses).
Spec read_spec(const std::string& path);

struct Job {
    size_t index = 0;                // stable: first axis outermost, workloads innermost
    std::string id;                  // "rows-4_cols-8_dataflow-os_net.conv1": its result file's name
    std::string config_id;           // its config is OUT/configs/<config_id>.yaml
    std::vector<std::pair<std::string, std::string>> axes;   // key, value
    Workload workload;
};

// Every job of the grid; throws Error when a grid point makes an invalid config.
std::vector<Job> expand(const Spec& spec);

// The job's config: the base config with its axis values set.
std::string config_yaml(const Spec& spec, const Job& job);

// The job's command line: `lockstep gemm ... --json` or `lockstep run ... --json`, run by `binary`.
std::vector<std::string> job_command(const Spec& spec, const Job& job, const std::string& out_dir,
                                     const std::string& engine, const std::string& binary);
// `argv` as one line for /bin/sh (words quoted where needed).
std::string shell_line(const std::vector<std::string>& argv);

std::string result_path(const std::string& out_dir, const Job& job);
// A complete, successful result of exactly `command`, as job `job.index` of `jobs`, is at `path`
// (resume skips that job).
bool finished(const std::string& path, const Job& job, size_t jobs, const std::string& command);
// Writes the job's config, runs its command and writes its result atomically; returns it.
nlohmann::json run_job(const Spec& spec, const Job& job, size_t jobs, const std::string& out_dir,
                       const std::string& engine, const std::string& binary);

// Writes `text` to `path` through a temporary file and a rename, so readers never see half.
void write_atomically(const std::string& path, const std::string& text);
// The same, unless the file already holds `text` (a rerun leaves the job configs' times alone).
void write_if_changed(const std::string& path, const std::string& text);

struct MergeSummary {
    size_t merged = 0, expected = 0;
    std::vector<nlohmann::json> failed;   // the failed jobs' result files
    std::vector<size_t> missing;          // indices without a result file
    std::string csv, plot;                // paths written
};

// OUT/results.csv (a row per job, then a total per network and grid point) and OUT/plot.svg
// from OUT/jobs/*.json alone; throws Error when there is no result to merge.
MergeSummary merge(const std::string& out_dir);

}  // namespace lockstep::sweep
