// Compiled into every RTL library with Verilator's runtime (see verilated_hooks.h).
#include "cosim/verilated_hooks.h"

#include "verilated.h"

#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace {

std::string printed;            // what the runtime printed since the last clear (its tail)
lockstep::RtlStop stop;
bool stopped = false;

constexpr size_t kKeep = 1 << 16;

// "/tmp/.../src/rtl/gpu/decoder.sv" -> "rtl/gpu/decoder.sv": the path in the source tree.
std::string source_relative(const char* file) {
    const std::string path = file != nullptr ? file : "";
    const size_t at = path.rfind("/rtl/");
    return at == std::string::npos ? path : path.substr(at + 1);
}

// Verilator prints "[t] %Error: file:line: Assertion failed in SCOPE.LABEL: MESSAGE".
void record(const char* file, int line, bool fatal, const std::string& fallback) {
    if (stopped) return;
    stopped = true;
    stop = lockstep::RtlStop{};
    stop.fatal = fatal;
    stop.file = source_relative(file);
    stop.line = line > 0 ? static_cast<unsigned>(line) : 0;
    const std::string marker = "Assertion failed in ";
    const size_t at = printed.rfind(marker);
    if (fatal || at == std::string::npos) {
        stop.message = fallback;
        return;
    }
    std::string text = printed.substr(at + marker.size());
    text = text.substr(0, text.find('\n'));
    const size_t colon = text.find(": ");
    const std::string where = text.substr(0, colon);
    stop.message = colon == std::string::npos ? "" : text.substr(colon + 2);
    const size_t dot = where.rfind('.');
    stop.name = dot == std::string::npos ? where : where.substr(dot + 1);
    stop.scope = dot == std::string::npos ? "" : where.substr(0, dot);
    const size_t model = stop.scope.find('.');   // the Verilated model's own name comes first
    if (model != std::string::npos) stop.scope = stop.scope.substr(model + 1);
}

}  // namespace

int lockstep_vl_printf(const char* format, ...) {
    va_list args, again;
    va_start(args, format);
    va_copy(again, args);
    const int size = std::vsnprintf(nullptr, 0, format, args);
    va_end(args);
    if (size > 0) {
        std::string text(static_cast<size_t>(size) + 1, '\0');
        std::vsnprintf(text.data(), text.size(), format, again);
        text.pop_back();
        printed += text;
        if (printed.size() > kKeep) printed.erase(0, printed.size() - kKeep);
    }
    va_end(again);
    return size;
}

void vl_stop(const char* filename, int linenum, const char* /*hier*/) {
    Verilated::threadContextp()->gotError(true);
    record(filename, linenum, false, "Verilog $stop");
}

void vl_fatal(const char* filename, int linenum, const char* /*hier*/, const char* msg) {
    Verilated::threadContextp()->gotError(true);
    record(filename, linenum, true, msg != nullptr ? msg : "fatal error");
    throw std::runtime_error(std::string("Verilator fatal error: ") + (msg != nullptr ? msg : ""));
}

namespace lockstep::cosim {

const RtlStop* rtl_stop() { return stopped ? &stop : nullptr; }

void clear_rtl_stop() {
    stopped = false;
    printed.clear();
}

}  // namespace lockstep::cosim
