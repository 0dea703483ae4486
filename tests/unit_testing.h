// Helpers for the unit tests: a model unit clocked by hand, one edge at a time, without
// starting the SystemC simulation (sim/common/unit.h: evaluate() builds d, commit() is the edge).
#pragma once

namespace lockstep::testing {

// One clock edge of `unit` with `inputs` held during the cycle that ends there.
template <typename Unit, typename... Inputs>
void edge(Unit& unit, const Inputs&... inputs) {
    unit.evaluate(inputs...);
    unit.commit();
}

}  // namespace lockstep::testing
