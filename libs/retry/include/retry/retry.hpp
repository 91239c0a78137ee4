// When to try again after a failed delivery or connection: exponential backoff with jitter, so
// that many boxes cut off by the same outage do not all come back in the same second. Shared by
// libs/publish (file delivery) and the MQTT and InfluxDB exporters; SDK-free, no dependency.
#pragma once

#include <chrono>
#include <cstdint>

namespace gs::retry {

struct RetryPolicy {
    std::chrono::milliseconds initial{5000}; // the delay after the first failure, before jitter
    std::chrono::milliseconds max{900000};   // the delay never grows past this (15 min)
    double multiplier = 2;                   // >= 1
};

// The delay after `failures` consecutive failures (>= 1): uniform in [c/2, c] where
// c = min(max, initial x multiplier^(failures-1)) ("equal jitter": never immediate).
// `random` is any 64-bit random value (the caller draws it from its seeded generator).
std::chrono::milliseconds retry_delay(const RetryPolicy &policy, unsigned failures,
                                      uint64_t random);

} // namespace gs::retry
