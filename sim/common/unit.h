// Base of every model unit of every design: a named SystemC module whose state is a plain
// struct, computed next-from-current by evaluate() and committed once per clock edge.
#pragma once

#include <systemc>

namespace lockstep {

template <typename State>
class Unit : public sc_core::sc_module {
public:
    State q;                       // value held since the last edge (what the RTL's _q flops hold)

    void commit() { q = d_; }      // the clock edge
    // Changes the state from outside the design (fault injection): current and next alike, so
    // that an edge which leaves the unit alone keeps it.
    void overwrite(const State& state) { q = d_ = state; }

protected:
    explicit Unit(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {}
    State d_;                      // next value, built by evaluate()
};

}  // namespace lockstep
