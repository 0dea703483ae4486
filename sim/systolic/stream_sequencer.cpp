#include "systolic/stream_sequencer.h"

#include "systolic/tiles.h"

namespace lockstep::systolic {

namespace {

uint32_t half_base(uint8_t half, uint32_t half_words) { return half ? half_words : 0; }

}  // namespace

SequencerSignals StreamSequencer::evaluate(bool reset, bool job_start, const StreamJob& job_in, SaState array_state,
                                           bool a_busy, bool b_busy, bool storer_busy) {
    SequencerSignals s;
    d_ = q;
    s.job = &q.job;
    if (reset) {
        d_ = SequencerRegs{};
        return s;
    }
    const StreamJob& job = q.job;
    const bool running = q.state == SqState::Run;
    const bool cp_stores = q.cp_valid && stores(job, q.cp);
    s.release = running && q.cp_valid && array_state == SaState::Done && (!cp_stores || !storer_busy);
    s.handoff = running && q.ld_valid && !a_busy && !b_busy && (!q.cp_valid || s.release);
    s.array_start = q.cp_valid && !s.release;
    if (q.cp_valid) {
        s.array_size = tile_extent(job, q.cp);
        s.window = ArrayWindow{half_base(q.cp_a_half, job.half_a), half_base(q.cp_b_half, job.half_b),
                               half_base(q.c_half, job.half_c), q.cp.k0 > 0};
    }

    // Starts a tile in the load stage: each operand it needs goes to the other half.
    auto load = [&](const StreamJob& j, const TileOrigin& tile, bool first) {
        d_.ld_valid = true;
        d_.ld = tile;
        s.load_tile = tile;
        s.load_a = first || needs_a(j, tile);
        s.load_b = first || needs_b(j, tile);
        if (s.load_a) d_.a_last = first ? 0 : static_cast<uint8_t>(!q.a_last);
        if (s.load_b) d_.b_last = first ? 0 : static_cast<uint8_t>(!q.b_last);
        d_.ld_a_half = d_.a_last;
        d_.ld_b_half = d_.b_last;
        s.load_a_base = half_base(d_.a_last, j.half_a);
        s.load_b_base = half_base(d_.b_last, j.half_b);
    };

    switch (q.state) {
    case SqState::Idle:
        if (job_start) {   // the compute stage's origin and halves hold, as the RTL's do
            d_.state = SqState::Run;
            d_.job = job_in;
            d_.cp_valid = false;
            d_.c_half = 0;
            s.job = &job_in;
            load(job_in, TileOrigin{}, true);
        }
        break;
    case SqState::Run:
        if (s.handoff) {
            d_.cp_valid = true;
            d_.cp = q.ld;
            d_.cp_a_half = q.ld_a_half;
            d_.cp_b_half = q.ld_b_half;
            if (const auto next = next_tile(job, q.ld)) {
                load(job, *next, false);
            } else {
                d_.ld_valid = false;
            }
        } else if (s.release) {
            d_.cp_valid = false;
        }
        if (s.release && cp_stores) {
            s.store = true;
            s.store_base = half_base(q.c_half, job.half_c);
            d_.c_half = static_cast<uint8_t>(!q.c_half);
        }
        if (!q.ld_valid && !q.cp_valid && !storer_busy) d_.state = SqState::Done;
        break;
    case SqState::Done:
        if (!job_start) d_.state = SqState::Idle;
        break;
    }
    return s;
}

}  // namespace lockstep::systolic
