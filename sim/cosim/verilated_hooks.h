// What Verilator's runtime calls when the RTL prints, fails an assertion ($stop) or hits a
// fatal error, redirected into the RTL library itself: rtl_cache.cpp compiles the runtime
// with -DVL_USER_STOP -DVL_USER_FATAL -DVL_PRINTF=lockstep_vl_printf and force-includes this
// header, so nothing reaches stdout (which may carry --json) and nothing calls abort().
#pragma once

#include "common/device.h"

// Verilator's VL_PRINTF: kept in the library's log, not printed.
int lockstep_vl_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));

namespace lockstep::cosim {

// The stop the RTL of this library came to, or null. A fatal error also throws
// std::runtime_error out of the eval() that hit it.
const RtlStop* rtl_stop();
void clear_rtl_stop();

}  // namespace lockstep::cosim
