#include "retry/retry.hpp"

#include <algorithm>
#include <cmath>

namespace gs::retry {

std::chrono::milliseconds retry_delay(const RetryPolicy &policy, unsigned failures,
                                      uint64_t random) {
    const double initial = std::max<double>(0, static_cast<double>(policy.initial.count()));
    const double max = std::max(initial, static_cast<double>(policy.max.count()));
    const double multiplier = policy.multiplier >= 1 ? policy.multiplier : 1; // also NaN
    const unsigned steps = failures == 0 ? 0 : std::min(failures - 1, 64u);
    const double ceiling = std::min(max, initial * std::pow(multiplier, steps));
    const double unit = static_cast<double>(random >> 11) / 9007199254740992.0; // [0, 1)
    return std::chrono::milliseconds{std::llround(ceiling / 2 + unit * ceiling / 2)};
}

} // namespace gs::retry
