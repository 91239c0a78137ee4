#include "counter.hpp"

namespace gs::store {

CounterDelta counter_delta(const CounterLimits &limits, double before, double after) {
    CounterDelta out;
    if (after >= before) {
        out.delta = after - before;
    } else if (limits.max > 0 && before >= limits.max * (1.0 - limits.rollover_fraction)) {
        out.delta = (limits.max - before) + limits.step + after;
        out.event = CounterEventKind::rollover;
    } else {
        out.delta = after;
        out.event = CounterEventKind::reset;
    }
    return out;
}

CounterDelta counter_reading(CounterState &state, const CounterLimits &limits, double value,
                             int64_t ts_ns) {
    CounterDelta out;
    if (state.has_last && ts_ns <= state.last_ts_ns) return out;
    if (state.has_last) out = counter_delta(limits, state.last, value);
    state.has_last = true;
    state.last = value;
    state.last_ts_ns = ts_ns;
    return out;
}

} // namespace gs::store
