// Capped exponential backoff with jitter, for reconnecting and for slowing down dead devices.
// Deterministic for a given seed.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace gs::modbus {

enum class Jitter : uint8_t {
    none = 1,    // initial, initial*m, initial*m^2, ... capped at max
    full,        // uniform in [0, min(max, initial*m^n)]  (AWS "full jitter")
    decorrelated // min(max, uniform in [initial, previous*m])  (AWS "decorrelated jitter")
};

struct BackoffConfig {
    std::chrono::milliseconds initial{500};
    std::chrono::milliseconds max{30000};
    double multiplier = 2.0; // >= 1
    Jitter jitter = Jitter::full;
};

class Backoff {
public:
    explicit Backoff(BackoffConfig config, uint64_t seed = 0);

    // The delay before the next attempt; each call counts one more failed attempt.
    std::chrono::milliseconds next();
    // After a success: the next delay starts again from `initial`.
    void reset();
    unsigned failures() const { return failures_; }
    const BackoffConfig &config() const { return config_; }

private:
    double uniform(double low, double high);

    BackoffConfig config_;
    std::mt19937_64 random_;
    unsigned failures_ = 0;
    double ceiling_ms_ = 0;  // none/full: the un-jittered exponential delay
    double previous_ms_ = 0; // decorrelated: the last delay returned
};

} // namespace gs::modbus
