#include "modbus/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace gs::modbus {

Backoff::Backoff(BackoffConfig config, uint64_t seed) : config_(config), random_(seed) {
    if (config_.initial.count() < 0) config_.initial = std::chrono::milliseconds{0};
    if (config_.max < config_.initial) config_.max = config_.initial;
    if (!(config_.multiplier >= 1.0)) // also catches NaN
        config_.multiplier = 1.0;
    reset();
}

void Backoff::reset() {
    failures_ = 0;
    ceiling_ms_ = static_cast<double>(config_.initial.count());
    previous_ms_ = ceiling_ms_;
}

double Backoff::uniform(double low, double high) {
    if (high <= low) return low;
    // 53 random bits -> [0, 1]; portable unlike std::uniform_real_distribution.
    const double unit = static_cast<double>(random_() >> 11) / 9007199254740991.0;
    return low + unit * (high - low);
}

std::chrono::milliseconds Backoff::next() {
    const double max_ms = static_cast<double>(config_.max.count());
    const double initial_ms = static_cast<double>(config_.initial.count());
    double delay_ms = 0;
    switch (config_.jitter) {
    case Jitter::none:
        delay_ms = ceiling_ms_;
        break;
    case Jitter::full:
        delay_ms = uniform(0, ceiling_ms_);
        break;
    case Jitter::decorrelated:
        delay_ms = failures_ == 0
                       ? initial_ms
                       : std::min(max_ms, uniform(initial_ms, previous_ms_ * config_.multiplier));
        previous_ms_ = delay_ms;
        break;
    }
    ceiling_ms_ = std::min(max_ms, ceiling_ms_ * config_.multiplier);
    ++failures_;
    return std::chrono::milliseconds{static_cast<int64_t>(std::llround(delay_ms))};
}

} // namespace gs::modbus
