// What a trace directory gets after a run, derived from its states.bin by one piece of
// code for both engines: utilisation.svg (over time), heatmap.svg (per PE or per thread
// slot), perfetto.json (Chrome/Perfetto trace events) and, when the RTL wrote a VCD, a
// GTKWave save file for it.
#pragma once

#include <string>

namespace lockstep::trace {

// Reads DIR/states.bin and writes the files above into DIR. Throws lockstep::Error.
void write_pictures(const std::string& dir);

// Makes DIR for a run's trace and removes the files an earlier run there may have left and
// this one might not rewrite (a VCD and its GTKWave file, view.html...), so the directory
// describes one run. Removes only names a trace uses. Throws lockstep::Error.
void prepare_trace_dir(const std::string& dir);

// The files in DIR, by name, comma-separated: what a run tells the user it wrote.
std::string trace_files(const std::string& dir);

}  // namespace lockstep::trace
