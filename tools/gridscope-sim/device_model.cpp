#include "device_model.hpp"

#include <algorithm>
#include <cmath>

namespace gs::sim {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

DeviceModel::DeviceModel(const DeviceSettings &settings)
    : settings_(settings), rng_(settings.seed) {
    for (uint32_t k = 1; k <= std::max<uint32_t>(1, settings_.circuits); ++k) {
        Circuit c;
        // Counters start somewhere plausible, different per device and circuit.
        c.ea_import_wh = 1.0e6 * (1 + (settings_.seed * 7 + k * 13) % 97);
        c.er_import_varh = c.ea_import_wh * 0.3;
        c.es_vah = c.ea_import_wh * 1.08;
        // As if the partial meters were last reset a while ago.
        c.base_ea_import = c.ea_import_wh * 0.9;
        c.base_er_import = c.er_import_varh * 0.9;
        c.base_es = c.es_vah * 0.9;
        c.tariff_wh[0] = c.ea_import_wh * 0.7;
        c.tariff_wh[1] = c.ea_import_wh * 0.3;
        circuits_[k] = c;
    }
    device_ = {{"AtysNetworkType", 2},
               {"AtysOperatingMode", 0x10},
               {"AtysSwitchPosition", 2},
               {"AtysSource1GensetRelay", 0},
               {"AtysSource2GensetRelay", 0},
               {"AtysPriority", 1},
               {"AtysSource1State", 2},
               {"AtysSource2State", 2},
               {"AtysTestInProgress", 0},
               {"AtysCycleCounter", 12},
               {"IInstInternalTemperature", 31.5},
               {"CabinetTemperature", 24.0},
               {"CabinetDoor", 0}};
}

void DeviceModel::advance(int64_t ts_utc_ns) {
    double hours =
        last_ts_ns_ ? std::max(0.0, static_cast<double>(ts_utc_ns - last_ts_ns_) / 3.6e12) : 0.0;
    last_ts_ns_ = ts_utc_ns;
    double hour_of_day = std::fmod(static_cast<double>(ts_utc_ns) / 3.6e12, 24.0);
    double shape = 0.3 + 0.5 * std::max(0.0, std::sin((hour_of_day - 6.0) / 14.0 * kPi)) +
                   0.1 * std::sin(hour_of_day / 24.0 * 4 * kPi);
    int tariff = hour_of_day >= 6 && hour_of_day < 22 ? 1 : 2;
    for (auto &[index, c] : circuits_)
        advance_circuit(index, c, hours, shape, tariff);
    advance_transfer_switch(ts_utc_ns);
    device_["IInstInternalTemperature"] = 31.5 + 0.2 * noise_(rng_);
}

void DeviceModel::advance_circuit(uint32_t index, Circuit &c, double hours, double shape,
                                  int tariff) {
    auto &v = c.values;
    double rated = settings_.rated_current_a / (1.0 + 0.15 * (index - 1));
    double frequency = 50.0 + 0.02 * noise_(rng_);
    double p_sum = 0, q_sum = 0, s_sum = 0, i_sum = 0, v_sum = 0;
    for (int ph = 1; ph <= 3; ++ph) {
        std::string n = std::to_string(ph);
        double volts = 230.0 + 1.2 * noise_(rng_);
        double amps = std::max(0.0, rated * shape * (1.0 + 0.04 * ph + 0.02 * noise_(rng_)));
        double pf = std::clamp(0.93 + 0.015 * noise_(rng_), 0.6, 0.999);
        double s = volts * amps, p = s * pf, q = s * std::sqrt(1 - pf * pf);
        v["IV" + n + "Inst"] = volts;
        v["II" + n + "Inst"] = amps;
        v["IP" + n + "Inst"] = p;
        v["IQ" + n + "Inst"] = q;
        v["IS" + n + "Inst"] = s;
        v["IpF" + n + "Inst"] = pf;
        v["IHarmonicsTHDI" + n + "Inst"] = 8.0 + 1.5 * noise_(rng_) * 0.3 + 2 * (1 - shape);
        v["IHarmonicsTHDV" + n + "Inst"] = 2.1 + 0.1 * noise_(rng_);
        p_sum += p;
        q_sum += q;
        s_sum += s;
        i_sum += amps;
        v_sum += volts;
    }
    const double sqrt3 = std::sqrt(3.0);
    v["IU12Inst"] = (v["IV1Inst"] + v["IV2Inst"]) / 2 * sqrt3;
    v["IU23Inst"] = (v["IV2Inst"] + v["IV3Inst"]) / 2 * sqrt3;
    v["IU31Inst"] = (v["IV3Inst"] + v["IV1Inst"]) / 2 * sqrt3;
    v["IHarmonicsTHDU12Inst"] = (v["IHarmonicsTHDV1Inst"] + v["IHarmonicsTHDV2Inst"]) / 2;
    v["IHarmonicsTHDU23Inst"] = (v["IHarmonicsTHDV2Inst"] + v["IHarmonicsTHDV3Inst"]) / 2;
    v["IHarmonicsTHDU31Inst"] = (v["IHarmonicsTHDV3Inst"] + v["IHarmonicsTHDV1Inst"]) / 2;
    v["IHarmonicsTHDINInst"] = 25.0 + 2 * noise_(rng_);
    v["IInInst"] = std::abs(0.06 * rated * shape + 0.5 * noise_(rng_));
    v["IVnInst"] = std::abs(0.4 + 0.1 * noise_(rng_));
    v["IVSysInst"] = v_sum / 3;
    v["IUSysInst"] = v_sum / 3 * sqrt3;
    v["IISysInst"] = i_sum / 3;
    v["IInbaInst"] = std::abs(2.0 + 0.3 * noise_(rng_));
    v["IPSumInst"] = p_sum;
    v["IQSumInst"] = q_sum;
    v["ISSumInst"] = s_sum;
    v["IpFSumInst"] = s_sum > 0 ? p_sum / s_sum : 1.0;
    v["IFreqInst"] = frequency;
    v["INetworkFreqInst"] = frequency;
    v["INetworkV1Inst"] = v["IV1Inst"];
    v["INetworkU12Inst"] = v["IU12Inst"];
    v["IPredActivePower"] = p_sum * 1.02;
    v["IPredReactivePower"] = q_sum * 1.02;
    v["IPredApparentPower"] = s_sum * 1.02;
    v["LoadStatus"] = settings_.loads == 0 || index <= settings_.loads ? 1 : 0;
    v["PFSumType"] = 2; // lagging
    // Counters integrate power: an energy difference over a period is the mean power times it.
    c.ea_import_wh += p_sum * hours;
    c.er_import_varh += q_sum * hours;
    c.es_vah += s_sum * hours;
    v["IEaPInst"] = c.ea_import_wh;
    v["IEaNInst"] = c.ea_export_wh;
    v["IErPInst"] = c.er_import_varh;
    v["IErNInst"] = c.er_export_varh;
    v["IEsInst"] = c.es_vah;
    v["IEaPPartialInst"] = c.ea_import_wh - c.base_ea_import;
    v["IEaNPartialInst"] = c.ea_export_wh - c.base_ea_export;
    v["IErPPartialInst"] = c.er_import_varh - c.base_er_import;
    v["IErNPartialInst"] = c.er_export_varh - c.base_er_export;
    v["IEsPartialInst"] = c.es_vah - c.base_es;
    c.tariff_wh[tariff - 1] += p_sum * hours;
    v["IEaPTariff1Inst"] = c.tariff_wh[0];
    v["IEaPTariff2Inst"] = c.tariff_wh[1];
    v["ITariffInProgress"] = tariff;
}

bool DeviceModel::run_command(const std::string &name, uint32_t circuit) {
    if (name != "partial_energy_reset") return false;
    for (auto &[index, c] : circuits_) {
        if (circuit != 0 && index != circuit) continue;
        c.base_ea_import = c.ea_import_wh;
        c.base_ea_export = c.ea_export_wh;
        c.base_er_import = c.er_import_varh;
        c.base_er_export = c.er_export_varh;
        c.base_es = c.es_vah;
        for (const char *n : {"IEaPPartialInst", "IEaNPartialInst", "IErPPartialInst",
                              "IErNPartialInst", "IEsPartialInst"})
            c.values[n] = 0;
    }
    return true;
}

void DeviceModel::advance_transfer_switch(int64_t ts_utc_ns) {
    if (settings_.transfer_every_s <= 0) return;
    // Position I (2) and II (3) alternate every transfer_every_s seconds of wall time.
    int64_t slot = ts_utc_ns / 1'000'000'000 / settings_.transfer_every_s;
    double position = slot % 2 == 0 ? 2 : 3;
    if (device_["AtysSwitchPosition"] != position) {
        device_["AtysSwitchPosition"] = position;
        device_["AtysCycleCounter"] += 1;
        ++transfers_;
    }
}

double DeviceModel::value(uint32_t circuit, const std::string &data) const {
    if (auto f = settings_.fixed.find(data); f != settings_.fixed.end()) return f->second;
    if (auto d = device_.find(data); d != device_.end()) return d->second;
    auto c = circuits_.find(circuit == 0 ? 1 : circuit);
    if (c == circuits_.end()) return 0;
    auto it = c->second.values.find(data);
    return it == c->second.values.end() ? 0 : it->second;
}

} // namespace gs::sim
