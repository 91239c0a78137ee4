// A meter that produces what gridscope-sim serves and the Modbus driver decodes: the load
// model of plugins/driver_modbus/sim/device_model.cpp (daily load shape from UTC hour;
// voltage 230 V + 1.2 V gaussian noise; current rated x shape x (1.04 + 0.02 noise) with
// rated = 63 A / (1 + 0.15 (k - 1)); power factor 0.93 + 0.015 noise; the energy counter
// integrates the three-phase power), quantized as a SOCOMEC Digiware I-3x profile delivers it:
// V1 u32 x 0.01 V, I1 u32 x 0.001 A, P1 s32 x 1 W, Ea+ u32 kWh x 1000 (Wh). One value per
// circuit and data (V, I, P, E), phase 1 for V, I and P. Circuit k of a board is load
// (k mod 3) + 1 of an I-3x module (three loads per module).
#pragma once

#include <core/types.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace gs::store::testing {

class SimMeter {
public:
    SimMeter(std::string source, uint32_t circuits, uint64_t seed)
        : source_(std::move(source)), rng_(seed), circuits_(circuits) {
        for (uint32_t c = 0; c < circuits; ++c) // as the simulator: plausible, per device/circuit
            energy_wh_.push_back(1.0e6 * static_cast<double>(1 + (seed * 7 + (c + 1) * 13) % 97));
    }

    const std::string &source() const { return source_; }
    size_t values_per_poll() const { return circuits_ * 4; }

    // Energy counters: u32 kWh register x 1000 (max 4294967295000 Wh), step 1000 Wh.
    std::vector<SeriesSpec> specs() const {
        std::vector<SeriesSpec> out;
        for (uint32_t c = 0; c < circuits_; ++c)
            for (const char *d : {"V", "I", "P", "E"}) {
                SeriesSpec s;
                s.source = source_;
                s.circuit = c;
                s.data = d;
                if (std::string(d) == "E") {
                    s.kind = SeriesKind::counter;
                    s.counter_max = 4294967295.0 * 1000;
                    s.counter_step = 1000;
                }
                out.push_back(s);
            }
        return out;
    }

    Batch poll(int64_t ts_ns, double dt_s) {
        constexpr double kPi = 3.14159265358979323846;
        Batch b;
        b.source = source_;
        b.ts_utc_ns = ts_ns;
        b.values.reserve(values_per_poll());
        double hours = dt_s / 3600.0;
        double hour_of_day = std::fmod(static_cast<double>(ts_ns) / 3.6e12, 24.0);
        double shape = 0.3 + 0.5 * std::max(0.0, std::sin((hour_of_day - 6.0) / 14.0 * kPi)) +
                       0.1 * std::sin(hour_of_day / 24.0 * 4 * kPi);
        for (uint32_t c = 0; c < circuits_; ++c) {
            double rated = 63.0 / (1.0 + 0.15 * (c % 3));
            double p_sum = 0, v1 = 0, i1 = 0, p1 = 0;
            for (int ph = 1; ph <= 3; ++ph) {
                double volts = 230.0 + 1.2 * noise_(rng_);
                double amps =
                    std::max(0.0, rated * shape * (1.0 + 0.04 * ph + 0.02 * noise_(rng_)));
                double pf = std::clamp(0.93 + 0.015 * noise_(rng_), 0.6, 0.999);
                double p = volts * amps * pf;
                p_sum += p;
                if (ph == 1) v1 = volts, i1 = amps, p1 = p;
            }
            energy_wh_[c] += p_sum * hours;
            // Register values, decoded as the driver does (raw x coefficient).
            auto v_raw = static_cast<uint32_t>(std::llround(v1 * 100));
            auto i_raw = static_cast<uint32_t>(std::llround(i1 * 1000));
            auto p_raw = static_cast<int32_t>(std::llround(p1));
            auto e_raw = static_cast<uint32_t>(std::floor(energy_wh_[c] / 1000));
            b.values.push_back({c, "V", static_cast<double>(v_raw) * 0.01, quality::good});
            b.values.push_back({c, "I", static_cast<double>(i_raw) * 0.001, quality::good});
            b.values.push_back({c, "P", static_cast<double>(p_raw) * 1, quality::good});
            b.values.push_back({c, "E", static_cast<double>(e_raw) * 1000, quality::good});
        }
        return b;
    }

private:
    std::string source_;
    std::mt19937_64 rng_;
    std::normal_distribution<double> noise_{0.0, 1.0};
    uint32_t circuits_;
    std::vector<double> energy_wh_;
};

} // namespace gs::store::testing
