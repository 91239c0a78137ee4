// A plausible 3-phase meter: voltages with noise, currents following a daily load shape,
// powers consistent with them, and energy counters that integrate the power. No SDK types.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>

namespace example {

class MeterModel {
public:
    // `rated_current_a` sets the size of the load; `seed` makes runs reproducible.
    MeterModel(double rated_current_a, uint32_t seed);

    // Advances the meter to `ts_utc_ns` and returns every value by catalog name.
    std::map<std::string, double> sample(int64_t ts_utc_ns);

private:
    double rated_current_a_;
    std::mt19937 rng_;
    std::normal_distribution<double> noise_{0.0, 1.0};
    int64_t last_ts_ns_ = 0;
    double ea_import_wh_ = 0; // counters
    double er_import_varh_ = 0;
    double es_vah_ = 0;
};

} // namespace example
