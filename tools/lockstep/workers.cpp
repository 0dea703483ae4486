#include "workers.h"

#include "common/error.h"
#include "common/plural.h"
#include "common/status_line.h"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <thread>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lockstep {

std::vector<nlohmann::json> run_in_workers(size_t count, unsigned jobs, const std::function<void()>& prepare,
                                           const std::function<nlohmann::json(size_t)>& run, bool progress,
                                           const std::string& what, const std::string& item) {
    prepare();
    std::string dir = (std::filesystem::temp_directory_path() / "lockstep-workers-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) throw Error(fmt::format("cannot make a folder for the workers' results ({})", dir));
    auto result_path = [&](size_t i) { return fmt::format("{}/{}.json", dir, i); };
    // The next layer to take, in memory the workers share.
    void* shared = mmap(nullptr, sizeof(std::atomic<size_t>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) throw Error(fmt::format("cannot share memory with the workers: {}", std::strerror(errno)));
    auto* next = new (shared) std::atomic<size_t>(0);
    std::fflush(stdout);
    std::fflush(stderr);
    std::vector<pid_t> workers;
    for (unsigned w = 0; w < jobs; ++w) {
        const pid_t pid = fork();
        if (pid < 0) throw Error(fmt::format("cannot start worker process {}: {}", w, std::strerror(errno)));
        if (pid == 0) {   // the worker: its layers, one result file each, then out without running exit handlers
            int status = 0;
            for (size_t i = (*next)++; i < count; i = (*next)++) {
                nlohmann::json result;
                try {
                    result = run(i);
                } catch (const std::exception& e) {
                    result = {{"error", e.what()}};
                    status = 1;
                }
                std::ofstream(result_path(i) + ".tmp") << result.dump();
                std::filesystem::rename(result_path(i) + ".tmp", result_path(i));
                if (status) break;
            }
            std::fflush(stdout);
            std::fflush(stderr);
            _exit(status);
        }
        workers.push_back(pid);
    }
    if (!progress) {   // nothing to show: wait for each in turn
        for (pid_t pid : workers) waitpid(pid, nullptr, 0);
    } else {
        StatusLine status(progress);
        for (size_t running = workers.size(); running > 0;) {
            for (pid_t& pid : workers) {
                if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == pid) {
                    pid = 0;
                    --running;
                }
            }
            size_t done = 0;
            for (size_t i = 0; i < count; ++i) done += std::filesystem::exists(result_path(i));
            status.show(fmt::format("{}: {} of {} done, {} at once", what, done, plural(count, item), jobs));
            if (running) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    std::vector<nlohmann::json> outcomes;
    std::string error;
    for (size_t i = 0; i < count && error.empty(); ++i) {
        std::ifstream in(result_path(i));
        const nlohmann::json result = nlohmann::json::parse(in, nullptr, false);
        if (result.is_discarded()) error = fmt::format("{} {}: its worker process ended without a result", item, i + 1);
        else if (result.contains("error")) error = result["error"].get<std::string>();
        else outcomes.push_back(result);
    }
    std::filesystem::remove_all(dir);
    munmap(shared, sizeof(std::atomic<size_t>));
    if (!error.empty()) throw Error(error);
    return outcomes;
}

}  // namespace lockstep
