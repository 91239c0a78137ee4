// When to try again after a failed delivery: exponential backoff with jitter, so that many boxes
// cut off by the same outage do not all come back in the same second.
#pragma once

#include <chrono>
#include <cstdint>

namespace gs::publish {

struct RetryPolicy {
    std::chrono::milliseconds initial{5000}; // the delay after the first failure, before jitter
    std::chrono::milliseconds max{900000};   // the delay never grows past this (15 min)
    double multiplier = 2;                   // >= 1
};

// The delay after `failures` consecutive failures (>= 1): uniform in [c/2, c] where
// c = min(max, initial x multiplier^(failures-1)) ("equal jitter": never immediate).
// `random` is any 64-bit random value (the queue draws it from its seeded generator).
std::chrono::milliseconds retry_delay(const RetryPolicy &policy, unsigned failures,
                                      uint64_t random);

} // namespace gs::publish
