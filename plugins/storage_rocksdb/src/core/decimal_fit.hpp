// Detects doubles that are exact decimal multiples (what meters report: raw register x 0.01),
// so they can be stored as small integers instead of 64-bit patterns.
#pragma once

#include <cstdint>

namespace gs::store {

// A decimal scale: value == k / 10^digits (divide style) or value == k * 1e-digits (multiply
// style, what `raw * 0.01` produces). Both are tried because they round differently.
struct DecimalScale {
    uint8_t digits = 0;
    bool multiply = false;

    uint8_t packed() const { return static_cast<uint8_t>(digits | (multiply ? 0x80 : 0)); }
    static DecimalScale unpack(uint8_t b) {
        return {static_cast<uint8_t>(b & 0x7f), (b & 0x80) != 0};
    }
    bool operator==(const DecimalScale &o) const {
        return digits == o.digits && multiply == o.multiply;
    }
};

constexpr int kMaxDecimalDigits = 9;

inline constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
inline constexpr double kNegPow10[] = {1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9};

// Reconstructs the double for integer `k` at `scale` (the decoder's side; inline: hot in
// rollup and record decoding). `scale.digits` must not exceed kMaxDecimalDigits.
inline double decimal_value(int64_t k, DecimalScale scale) {
    double d = static_cast<double>(k);
    return scale.multiply ? d * kNegPow10[scale.digits] : d / kPow10[scale.digits];
}

// True (and sets k) when `v` is bit-exactly decimal_value(k, scale). -0.0, NaN and infinities
// never fit.
bool fits_scale(double v, DecimalScale scale, int64_t &k);

// Smallest scale at which `v` fits exactly, preferring divide style; false if none up to
// kMaxDecimalDigits.
bool find_scale(double v, DecimalScale &scale, int64_t &k);

} // namespace gs::store
