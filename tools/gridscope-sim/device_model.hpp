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
    uint32_t loads = 0; // circuits enabled in the device (LoadStatus 1), the others read 0; 0: all
    double rated_current_a = 63.0;
    uint32_t seed = 1;
    int64_t transfer_every_s = 0;        // ATyS: change switch position this often (0 = never)
    std::map<std::string, double> fixed; // `simulate.values`: data that always read this value
};

class DeviceModel {
public:
    explicit DeviceModel(const DeviceSettings &settings);

    // Advances to `ts_utc_ns`; values by (circuit, catalog name). Circuit 0 holds device-wide
    // values (ATyS states, temperatures).
    void advance(int64_t ts_utc_ns);
    double value(uint32_t circuit, const std::string &data) const;
    int transfers() const { return transfers_; }
    // What a device does when a profile command reaches it: "partial_energy_reset" sets the
    // partial meters of `circuit` (0 = every circuit) back to zero. False for an unknown name.
    bool run_command(const std::string &name, uint32_t circuit);

private:
    struct Circuit {
        std::map<std::string, double> values;
        double ea_import_wh, ea_export_wh = 0, er_import_varh = 0, er_export_varh = 0, es_vah = 0;
        // The total meters' readings at the last partial reset: partial = total - base.
        double base_ea_import = 0, base_ea_export = 0, base_er_import = 0, base_er_export = 0,
               base_es = 0;
        double tariff_wh[2] = {0, 0}; // Ea+ on tariff 1 (06:00-22:00 UTC) and 2 (the night)
    };
    void advance_circuit(uint32_t index, Circuit &c, double hours, double shape, int tariff);
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
