#include "cosim/driver.h"

namespace lockstep::cosim {

const char* name(Engine e) {
    switch (e) {
    case Engine::Model: return "model";
    case Engine::Rtl: return "rtl";
    case Engine::Cosim: break;
    }
    return "cosim";
}

std::optional<Engine> engine_from_name(const std::string& n) {
    if (n == "model") return Engine::Model;
    if (n == "rtl") return Engine::Rtl;
    if (n == "cosim") return Engine::Cosim;
    return std::nullopt;
}

}  // namespace lockstep::cosim
