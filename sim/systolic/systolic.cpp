#include "systolic/systolic.h"

#include <algorithm>

namespace lockstep::systolic {

Systolic::Systolic(const sc_core::sc_module_name& name, const ArrayShape& shape)
    : sc_core::sc_module(name),
      controller("controller", shape.rows, shape.cols),
      feeder("feeder", shape),
      array("pe_array", shape),
      writer("output_writer", shape),
      sequencer("stream_sequencer"),
      a_loader("a_loader", TileLoader::Operand::A, shape),
      b_loader("b_loader", TileLoader::Operand::B, shape),
      storer("tile_storer", shape),
      a(size_t{1} << shape.buffer_addr_bits),
      b(size_t{1} << shape.buffer_addr_bits),
      c(size_t{1} << shape.buffer_addr_bits),
      shape_(shape) {
    SC_HAS_PROCESS(Systolic);
    SC_METHOD(on_clock);
    sensitive << edge_now;
    dont_initialize();
}

namespace {
constexpr unsigned kQuantum = 1024;   // edges a fast run clocks in one activation of on_clock()
}  // namespace

void Systolic::on_clock() {
    if (edges_left == 0) {   // a tick
        edge();
        return;
    }
    // A fast run: a quantum of edges an activation, then the next delta cycle (common/clocked_model.h).
    for (unsigned i = 0; i < kQuantum && edges_left > 0; ++i) {
        if (const unsigned cycles = burst_length()) {   // (it ends inside a fold: no pause)
            burst(cycles);
            edges_left -= cycles;
            edges_run += cycles;
            burst_edges += cycles;
            continue;
        }
        edge();
        --edges_left;
        ++edges_run;
        bool pause = pause_when_done && controller.q.state == SaState::Done;
        if (edge_hook && edge_hook->after_edge(*this)) pause = true;
        if (pause) {
            edges_left = 0;
            return;
        }
    }
    if (edges_left > 0) next_trigger(sc_core::SC_ZERO_TIME);
}

void Systolic::edge() {
    const bool reset = !inputs.rst_n;
    const ControllerRegs& ctrl = controller.q;
    run_cycles += ctrl.state == SaState::Run;
    drain_cycles += ctrl.state == SaState::Drain;
    const Mapping& map = controller.mapping();
    const SequencerSignals seq = sequencer.evaluate(reset, inputs.job_start, inputs.job, ctrl.state,
                                                    a_loader.q.mover.busy, b_loader.q.mover.busy, storer.q.mover.busy);
    const bool start = inputs.start || seq.array_start;
    if (reset || controller.starting(start)) {
        array.clear();
        writer.clear();
    }
    feeder.evaluate(reset ? ControllerRegs{} : ctrl, map, a, b, seq.window);
    array.hold();   // unless it steps below
    if (!reset && ctrl.state == SaState::Run) {
        if (ctrl.dataflow == Dataflow::Os) {
            array.step_os(feeder);
        } else if (ctrl.t < map.preload) {
            array.step_preload(feeder);
        } else {
            array.step_stationary(feeder);
        }
    }
    const bool drain_finishing = writer.drain_finishing();
    // The storer reads C before the array's writes of this edge land (they go to the other half).
    storer.evaluate(reset, seq.store, *seq.job, sequencer.q.cp, seq.store_base, c);
    writer.evaluate(reset ? ControllerRegs{} : ctrl, map, controller.last_cycle_of_fold(), array, c, seq.window);
    a_loader.evaluate(reset, seq.load_a, *seq.job, seq.load_tile, seq.load_a_base, inputs.a_rsp, a);
    b_loader.evaluate(reset, seq.load_b, *seq.job, seq.load_tile, seq.load_b_base, inputs.b_rsp, b);
    if (!reset && inputs.host_we) {
        const uint32_t addr = inputs.host_addr & static_cast<uint32_t>(a.size() - 1);
        const uint32_t raw = static_cast<uint32_t>(inputs.host_wdata);
        switch (inputs.host_sel) {
        case HostSel::A: a[addr] = sign_extend(raw, shape_.in_bits); break;
        case HostSel::B: b[addr] = sign_extend(raw, shape_.in_bits); break;
        case HostSel::C: c[addr] = sign_extend(raw, shape_.acc_bits); break;
        }
        for (const EdgePort& p : writer.out) {   // as in the RTL, the array's writes win over the host's
            if (p.valid) c[p.addr] = p.data;
        }
    }
    left_valid = feeder.left_valid;
    top_valid = feeder.top_valid;
    out_valid = writer.out_valid;
    if (sequencer.q.cp_valid) {
        controller.evaluate(reset, start, sequencer.q.job.dataflow, seq.array_size, drain_finishing);
    } else {
        controller.evaluate(reset, start, inputs.dataflow, inputs.size, drain_finishing);
    }
    controller.commit_with_mapping();
    sequencer.commit();
    a_loader.commit();
    b_loader.commit();
    storer.commit();
}

unsigned Systolic::burst_length() const {
    const ControllerRegs& ctrl = controller.q;
    if (edge_hook || ctrl.state != SaState::Run) return 0;
    // Only the array, the feeder, the writer (ws, is: no os drain) and the controller's t may
    // act on the edges.
    if (!inputs.rst_n || inputs.host_we || inputs.job_start || sequencer.q.state != SqState::Idle ||
        sequencer.q.cp_valid || !a_loader.resting() || !b_loader.resting() || !storer.resting() ||
        (writer.q.drain_active && ctrl.dataflow != Dataflow::Os)) {
        return 0;
    }
    // A burst stays inside the preload or inside the streaming cycles, before the fold's last.
    const Mapping& map = controller.mapping();
    const uint64_t phase = ctrl.t < map.preload ? map.preload - ctrl.t
                                                : std::min<uint64_t>(array.burst_limit(), map.fold_length - 1 - ctrl.t);
    const uint64_t cycles = std::min(phase, edges_left);
    return cycles >= 2 ? static_cast<unsigned>(cycles) : 0;
}

void Systolic::burst(unsigned cycles) {
    const Mapping& map = controller.mapping();
    ControllerRegs ctrl = controller.q;
    const uint32_t t0 = ctrl.t;
    const auto feeds_of = [&](unsigned k) -> const Feeder& {
        ctrl.t = t0 + k;
        feeder.evaluate(ctrl, map, a, b);
        return feeder;
    };
    if (ctrl.dataflow == Dataflow::Os) {
        array.step_os_burst(cycles, [&](int32_t* values, uint8_t* valid, size_t stride, int32_t* top_values,
                                        uint8_t* top_valid, size_t top_stride) {
            feeder.left_burst(ctrl, map, a, b, cycles, values, valid, stride);
            feeder.top_burst(ctrl, map, a, b, cycles, top_values, top_valid, top_stride);
        });
        // The drain of the last fold's results, a row a cycle (it reads only the writer's own
        // registers: a fold's last cycle, which hands them over, is never in a burst).
        for (unsigned k = 0; k + 1 < cycles; ++k) {
            ctrl.t = t0 + k;
            writer.evaluate(ctrl, map, false, array, c);
        }
        feeds_of(cycles - 1);
    } else if (t0 < map.preload) {   // (the writer writes nothing in a preload)
        array.step_preload_burst(cycles, [&](int32_t* values, uint8_t* valid, size_t stride) {
            feeder.top_burst(ctrl, map, a, b, cycles, values, valid, stride);
        });
        feeds_of(cycles - 1);
    } else {
        array.step_stationary_burst(cycles, [&](int32_t* values, uint8_t* valid, size_t stride) {
            feeder.left_burst(ctrl, map, a, b, cycles, values, valid, stride);
        });
        writer.write_burst(ctrl, map, array, c, cycles);
        feeds_of(cycles - 1);   // the ports of the burst's last cycle
    }
    ctrl.t = t0 + cycles - 1;
    writer.evaluate(ctrl, map, false, array, c);
    run_cycles += cycles;
    left_valid = feeder.left_valid;
    top_valid = feeder.top_valid;
    out_valid = writer.out_valid;
    controller.skip(cycles);
}

void Systolic::observe(SystolicSnapshot& s) const {
    s.state = controller.q.state;
    s.fold = controller.q.fold;
    s.t = controller.q.t;
    array.copy_h(s.h);
    array.copy_v(s.v);
    s.acc = array.acc;
    s.w = array.w;
    array.copy_hv(s.hv);
    array.copy_vv(s.vv);
    s.wv = array.wv;
    array.copy_mac(s.mac);
    // The ports' accesses of the cycle that ended: the feeder's and the writer's outputs hold
    // until the next edge (the feeds' data are not part of the observed state).
    const auto record = [](std::vector<PortAccess>& to, const std::vector<EdgePort>& from, bool with_data) {
        to.resize(from.size());
        for (size_t i = 0; i < to.size(); ++i) {
            to[i] = from[i].valid ? PortAccess{true, from[i].addr, with_data ? from[i].data : 0} : PortAccess{};
        }
    };
    record(s.left, feeder.left, false);
    record(s.top, feeder.top, false);
    record(s.out, writer.out, true);
    StreamSnapshot& st = s.stream;
    const SequencerRegs& sq = sequencer.q;
    st.state = sq.state;
    st.ld_valid = sq.ld_valid;
    st.cp_valid = sq.cp_valid;
    st.ld = sq.ld;
    st.cp = sq.cp;
    st.ld_a_half = sq.ld_a_half;
    st.ld_b_half = sq.ld_b_half;
    st.a_last = sq.a_last;
    st.b_last = sq.b_last;
    st.cp_a_half = sq.cp_a_half;
    st.cp_b_half = sq.cp_b_half;
    st.c_half = sq.c_half;
    st.a_loader = a_loader.q.mover;
    st.b_loader = b_loader.q.mover;
    st.storer = storer.q.mover;
}

int32_t Systolic::host_read(HostSel sel, uint32_t addr) const {
    const uint32_t index = addr & static_cast<uint32_t>(a.size() - 1);
    switch (sel) {
    case HostSel::A: return a[index];
    case HostSel::B: return b[index];
    case HostSel::C: break;
    }
    return c[index];
}

}  // namespace lockstep::systolic
