// The helpers of testing.h (the GoogleTest main is testing_main.cpp).
#include "testing.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace lockstep::testing {

std::string source_path(const std::string& relative) {
    return std::string(LOCKSTEP_SOURCE_DIR) + "/" + relative;
}

int run_lockstep(const std::string& args, std::string* out, std::string* err) {
    return run_shell(std::string(LOCKSTEP_BINARY) + " " + args, out, err);
}

std::string lockstep_binary() { return LOCKSTEP_BINARY; }

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int run_shell(const std::string& shell_command, std::string* out, std::string* err) {
    char err_path[] = "/tmp/lockstep-test-stderr-XXXXXX";
    int fd = mkstemp(err_path);
    if (fd >= 0) close(fd);
    const std::string command = shell_command + " 2>" + err_path;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return -1;
    std::string captured;
    std::array<char, 4096> buffer{};
    size_t n = 0;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) captured.append(buffer.data(), n);
    int status = pclose(pipe);
    if (out != nullptr) *out = captured;
    std::ifstream err_file(err_path);
    std::stringstream err_text;
    err_text << err_file.rdbuf();
    if (err != nullptr) *err = err_text.str();
    std::remove(err_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

uint64_t scale_sim_cycles(const std::string& df, unsigned R, unsigned C, uint64_t M, uint64_t K, uint64_t N) {
    auto ceil_div = [](uint64_t a, uint64_t b) { return (a + b - 1) / b; };
    if (df == "os") return ceil_div(M, R) * ceil_div(N, C) * (K + R + C - 2);
    if (df == "ws") return ceil_div(K, R) * ceil_div(N, C) * (2 * R + C + M - 2);
    return ceil_div(K, R) * ceil_div(M, C) * (2 * R + C + N - 2);
}

}  // namespace lockstep::testing
