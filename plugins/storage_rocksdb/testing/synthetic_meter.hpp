// Synthetic but realistic multi-circuit meter: per circuit a voltage (0.01 V), a current
// (0.001 A), an active power (1 W) and an import energy counter (1 Wh), computed the way a
// driver does it (raw register x coefficient). Voltages drift daily with sigma 0.15 V noise;
// loads follow a random walk with sigma 0.05 A noise; the counter integrates the power.
#pragma once

#include <core/types.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace gs::store::testing {

class SyntheticMeter {
public:
    static constexpr const char *kData[] = {"V", "I", "P", "E"};

    SyntheticMeter(std::string source, uint32_t circuits, uint64_t seed)
        : source_(std::move(source)), rng_(seed), circuits_(circuits) {
        std::uniform_real_distribution<double> load(2.0, 30.0), energy(1e5, 1e8);
        for (uint32_t c = 0; c < circuits; ++c)
            state_.push_back({load(rng_), load(rng_), std::floor(energy(rng_))});
    }

    const std::string &source() const { return source_; }
    size_t values_per_poll() const { return circuits_ * 4; }

    // Energy counters are declared as counters (u32 Wh register: max 4294967295).
    std::vector<SeriesSpec> specs() const {
        std::vector<SeriesSpec> out;
        for (uint32_t c = 0; c < circuits_; ++c)
            for (const char *d : kData) {
                SeriesSpec s;
                s.source = source_;
                s.circuit = c;
                s.data = d;
                if (std::string(d) == "E") {
                    s.kind = SeriesKind::counter;
                    s.counter_max = 4294967295.0;
                    s.counter_step = 1;
                }
                out.push_back(s);
            }
        return out;
    }

    Batch poll(int64_t ts_ns, double dt_s) {
        Batch b;
        b.source = source_;
        b.ts_utc_ns = ts_ns;
        b.values.reserve(values_per_poll());
        double day_phase = std::fmod(static_cast<double>(ts_ns) / 1e9 / 86400.0, 1.0);
        std::normal_distribution<double> noise(0.0, 1.0);
        for (uint32_t c = 0; c < circuits_; ++c) {
            Circuit &s = state_[c];
            double volts = 230.0 + 3.0 * std::sin(2 * M_PI * day_phase) + 0.15 * noise(rng_);
            s.load += 0.02 * (s.target - s.load) * std::min(dt_s, 50.0) +
                      0.01 * noise(rng_) * std::sqrt(dt_s);
            if (std::uniform_real_distribution<double>(0, 1)(rng_) < 0.0005 * dt_s)
                s.target = std::uniform_real_distribution<double>(1.0, 40.0)(rng_);
            double amps = std::max(0.0, s.load + 0.05 * noise(rng_));
            double watts = volts * amps * 0.95;
            s.energy_wh += watts * dt_s / 3600.0;
            auto v_raw = static_cast<int64_t>(std::llround(volts * 100));
            auto i_raw = static_cast<int64_t>(std::llround(amps * 1000));
            b.values.push_back({c, "V", static_cast<double>(v_raw) * 0.01, quality::good});
            b.values.push_back({c, "I", static_cast<double>(i_raw) * 0.001, quality::good});
            b.values.push_back({c, "P", std::round(watts), quality::good});
            b.values.push_back({c, "E", std::floor(s.energy_wh), quality::good});
        }
        return b;
    }

private:
    struct Circuit {
        double load, target, energy_wh;
    };
    std::string source_;
    std::mt19937_64 rng_;
    uint32_t circuits_;
    std::vector<Circuit> state_;
};

} // namespace gs::store::testing
