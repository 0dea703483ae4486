// The JSON header of states.bin (merged with its trailer's summary), checked field by field
// when a trace is opened, against the config loader's ranges (config.h, limits): a damaged
// or hand-made header is an error naming the field, never a shape the readers cannot hold.
#pragma once

#include "common/config.h"
#include "systolic/systolic_types.h"

#include <nlohmann/json.hpp>

#include <cstddef>

namespace lockstep::trace {

// Throws lockstep::Error, e.g. "header field 'gpu.cores' = 0: expected 1..16" (the reader
// adds the file's name), unless `meta` describes a GPU or array run whose records hold
// `fields` fields each.
void check_header(const nlohmann::json& meta, size_t fields);

// The shape a header gives, its fields checked as check_header does.
GpuConfig gpu_header(const nlohmann::json& meta);
systolic::ArrayShape array_header(const nlohmann::json& meta);

}  // namespace lockstep::trace
