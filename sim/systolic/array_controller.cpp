#include "systolic/array_controller.h"

#include <stdexcept>

namespace lockstep::systolic {

void ArrayController::evaluate(bool reset, bool start, Dataflow dataflow, const GemmSize& size, bool drain_finishing) {
    d_ = q;
    if (reset) {
        d_ = ControllerRegs{};
        return;
    }
    switch (q.state) {
    case SaState::Idle:
        if (start) {
            d_ = ControllerRegs{};
            d_.state = SaState::Run;
            d_.dataflow = dataflow;
            d_.size = size;
        }
        break;
    case SaState::Run:
        if (q.t + 1 < mapping_.fold_length) {
            d_.t = q.t + 1;
            break;
        }
        d_.t = 0;
        d_.fold = q.fold + 1;
        d_.c0 = q.c0 + cols_;
        if (d_.c0 >= mapping_.cols_dim) {
            d_.c0 = 0;
            d_.r0 = q.r0 + rows_;
        }
        if (q.fold + 1 == mapping_.folds()) d_.state = q.dataflow == Dataflow::Os ? SaState::Drain : SaState::Done;
        break;
    case SaState::Drain:
        if (drain_finishing) d_.state = SaState::Done;
        break;
    case SaState::Done:
        if (!start) d_.state = SaState::Idle;
        break;
    }
}

void ArrayController::commit_with_mapping() {
    const bool started = q.state == SaState::Idle && d_.state == SaState::Run;
    commit();
    if (started) mapping_ = Mapping(q.dataflow, q.size, rows_, cols_);
}

void ArrayController::skip(uint32_t cycles) {
    if (q.state != SaState::Run || q.t + cycles >= mapping_.fold_length) {
        throw std::logic_error("ArrayController::skip: a burst must end inside the running fold");
    }
    q.t += cycles;
    d_ = q;
}

}  // namespace lockstep::systolic
