// The physics of a simulated device: every catalog value of every circuit, consistent with each
// other (powers from voltages and currents, energy counters integrating power), with noise and a
// daily load shape. No Modbus here.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>

namespace gs::sim {

struct DeviceSettings {
    uint32_t circuits = 1;
    double rated_current_a = 63.0;
    uint32_t seed = 1;
    int64_t transfer_every_s = 0; // ATyS: change switch position this often (0 = never)
};

class DeviceModel {
public:
    explicit DeviceModel(const DeviceSettings &settings);

    // Advances to `ts_utc_ns`; values by (circuit, catalog name). Circuit 0 holds device-wide
    // values (ATyS states, temperatures).
    void advance(int64_t ts_utc_ns);
    double value(uint32_t circuit, const std::string &data) const;
    int transfers() const { return transfers_; }

private:
    struct Circuit {
        std::map<std::string, double> values;
        double ea_import_wh, ea_export_wh = 0, er_import_varh = 0, er_export_varh = 0, es_vah = 0;
        double partial_base_wh;
    };
    void advance_circuit(uint32_t index, Circuit &c, double hours, double shape);
    void advance_transfer_switch(int64_t ts_utc_ns);

    DeviceSettings settings_;
    std::mt19937 rng_;
    std::normal_distribution<double> noise_{0.0, 1.0};
    std::map<uint32_t, Circuit> circuits_;
    std::map<std::string, double> device_;
    int64_t last_ts_ns_ = 0;
    int transfers_ = 0;
};

} // namespace gs::sim
