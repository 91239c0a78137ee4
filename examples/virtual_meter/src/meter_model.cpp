#include "meter_model.hpp"

#include <algorithm>
#include <cmath>

namespace example {

MeterModel::MeterModel(double rated_current_a, uint32_t seed)
    : rated_current_a_(rated_current_a), rng_(seed), ea_import_wh_(1.0e6 + seed * 1000.0) {}

std::map<std::string, double> MeterModel::sample(int64_t ts_utc_ns) {
    constexpr double kPi = 3.14159265358979323846;
    double hour = std::fmod(static_cast<double>(ts_utc_ns) / 3.6e12, 24.0);
    // Daily load shape: low at night, peaks mid-morning and afternoon.
    double shape = 0.35 + 0.45 * std::max(0.0, std::sin((hour - 6.0) / 14.0 * kPi)) +
                   0.1 * std::sin(hour / 24.0 * 4 * kPi);
    std::map<std::string, double> v;
    double p_total = 0, q_total = 0, s_total = 0;
    const char *phases[] = {"1", "2", "3"};
    for (int i = 0; i < 3; ++i) {
        double volts = 230.0 + 1.5 * noise_(rng_);
        double amps = std::max(0.0, rated_current_a_ * shape * (1.0 + 0.03 * noise_(rng_)));
        double pf = std::clamp(0.92 + 0.02 * noise_(rng_), 0.5, 1.0);
        double s = volts * amps, p = s * pf, q = s * std::sqrt(1 - pf * pf);
        v[std::string("IV") + phases[i] + "Inst"] = volts;
        v[std::string("II") + phases[i] + "Inst"] = amps;
        v[std::string("IP") + phases[i] + "Inst"] = p;
        v[std::string("IQ") + phases[i] + "Inst"] = q;
        v[std::string("IS") + phases[i] + "Inst"] = s;
        v[std::string("IpF") + phases[i] + "Inst"] = pf;
        p_total += p;
        q_total += q;
        s_total += s;
    }
    v["IU12Inst"] = (v["IV1Inst"] + v["IV2Inst"]) / 2 * std::sqrt(3.0);
    v["IU23Inst"] = (v["IV2Inst"] + v["IV3Inst"]) / 2 * std::sqrt(3.0);
    v["IU31Inst"] = (v["IV3Inst"] + v["IV1Inst"]) / 2 * std::sqrt(3.0);
    v["IInInst"] = std::abs(0.05 * rated_current_a_ * noise_(rng_));
    v["IPSumInst"] = p_total;
    v["IQSumInst"] = q_total;
    v["ISSumInst"] = s_total;
    v["IpFSumInst"] = s_total > 0 ? p_total / s_total : 1.0;
    v["IFreqInst"] = 50.0 + 0.02 * noise_(rng_);
    if (last_ts_ns_ != 0 && ts_utc_ns > last_ts_ns_) {
        double hours = static_cast<double>(ts_utc_ns - last_ts_ns_) / 3.6e12;
        ea_import_wh_ += p_total * hours;
        er_import_varh_ += q_total * hours;
        es_vah_ += s_total * hours;
    }
    last_ts_ns_ = ts_utc_ns;
    v["IEaPInst"] = std::floor(ea_import_wh_);
    v["IErPInst"] = std::floor(er_import_varh_);
    v["IEsInst"] = std::floor(es_vah_);
    return v;
}

} // namespace example
