// The full-screen terminal front end of `lockstep step`.
#pragma once

#include "stepper.h"

#include <string>

namespace lockstep {

// Runs the stepper full-screen on the terminal until the user quits. Returns false, having
// done nothing, when the terminal cannot be driven (unknown TERM): use line mode then.
bool run_step_screen(Stepper& stepper, const std::string& dir);

}  // namespace lockstep
