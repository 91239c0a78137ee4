// Consumption of an energy counter between consecutive good readings, across resets,
// rollovers and meter replacement.
#pragma once

#include "types.hpp"

#include <optional>

namespace gs::store {

struct CounterState {
    bool has_last = false;
    double last = 0;
    int64_t last_ts_ns = 0;
};

struct CounterLimits {
    double max = 0;  // 0 = unknown: every drop is a reset
    double step = 0; // one raw count
    double rollover_fraction = 0.1;
};

struct CounterDelta {
    double delta = 0;
    std::optional<CounterEventKind> event;
};

// The consumption from reading `before` to the next reading `after` (no state).
CounterDelta counter_delta(const CounterLimits &limits, double before, double after);

// Feeds one good, finite reading. Readings older than the last one are ignored (delta 0):
// deltas are only computed in time order. A drop is a rollover when the previous reading was
// within the top `rollover_fraction` of `max` (delta = max - before + step + after), otherwise
// a reset or replacement (delta = after: the new meter started from zero).
CounterDelta counter_reading(CounterState &state, const CounterLimits &limits, double value,
                             int64_t ts_ns);

} // namespace gs::store
