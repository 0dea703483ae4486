// The array's lock-step comparator: the first difference between the RTL's and the model's
// snapshots, in a fixed order (controller, then PE by PE, then the buffer ports).
#pragma once

#include "cosim/compare.h"
#include "systolic/systolic_types.h"

#include <optional>

namespace lockstep::cosim {

std::optional<Mismatch> compare_systolic(const systolic::SystolicSnapshot& rtl, const systolic::SystolicSnapshot& model,
                                         unsigned cols);

}  // namespace lockstep::cosim
