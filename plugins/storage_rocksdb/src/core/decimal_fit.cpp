#include "decimal_fit.hpp"

#include <cmath>
#include <cstring>
#include <initializer_list>

namespace gs::store {
namespace {

constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53

bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

bool fits_scale(double v, DecimalScale scale, int64_t &k) {
    double scaled = v * kPow10[scale.digits];
    if (!(std::fabs(scaled) < kMaxExactInteger)) // also rejects NaN and infinities
        return false;
    int64_t candidate = std::llround(scaled);
    if (!same_bits(decimal_value(candidate, scale), v)) return false;
    k = candidate;
    return true;
}

bool find_scale(double v, DecimalScale &scale, int64_t &k) {
    for (uint8_t digits = 0; digits <= kMaxDecimalDigits; ++digits) {
        for (bool multiply : {false, true}) {
            DecimalScale candidate{digits, multiply};
            if (fits_scale(v, candidate, k)) {
                scale = candidate;
                return true;
            }
            if (digits == 0) break; // both styles are identical without digits
        }
    }
    return false;
}

} // namespace gs::store
