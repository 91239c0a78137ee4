#include "counter.hpp"

namespace gs::store {

CounterDelta counter_reading(CounterState &state, const CounterLimits &limits, double value,
                             int64_t ts_ns) {
    CounterDelta out;
    if (state.has_last && ts_ns <= state.last_ts_ns) return out;
    if (state.has_last) {
        double before = state.last;
        if (value >= before) {
            out.delta = value - before;
        } else if (limits.max > 0 && before >= limits.max * (1.0 - limits.rollover_fraction)) {
            out.delta = (limits.max - before) + limits.step + value;
            out.event = CounterEventKind::rollover;
        } else {
            out.delta = value;
            out.event = CounterEventKind::reset;
        }
    }
    state.has_last = true;
    state.last = value;
    state.last_ts_ns = ts_ns;
    return out;
}

} // namespace gs::store
