// What a trace directory gets after a run, derived from its states.bin by one piece of
// code for both engines: utilisation.svg (over time), heatmap.svg (per PE or per thread
// slot), perfetto.json (Chrome/Perfetto trace events) and, when the RTL wrote a VCD, a
// GTKWave save file for it.
#pragma once

#include "trace/trace_dir.h"

#include <string>

namespace lockstep::trace {

// Reads DIR/states.bin and writes the files above into DIR. Throws lockstep::Error.
void write_pictures(const std::string& dir);

}  // namespace lockstep::trace
