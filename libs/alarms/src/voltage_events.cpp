// Dips, swells and interruptions from polled RMS values (see voltage_events.hpp).
#include "alarms/voltage_events.hpp"

#include <algorithm>
#include <cmath>

namespace gs::alarms {

const char *name_of(VoltageEventKind k) {
    switch (k) {
    case VoltageEventKind::dip:
        return "dip";
    case VoltageEventKind::swell:
        return "swell";
    case VoltageEventKind::interruption:
        return "interruption";
    default:
        return "invalid";
    }
}

double VoltageEvent::depth_pct() const {
    return kind == VoltageEventKind::swell ? extreme_pct() - 100.0 : 100.0 - extreme_pct();
}

VoltageDetector::VoltageDetector(std::string rule, std::string source, uint32_t circuit,
                                 double nominal_v, std::size_t phase_count,
                                 VoltageThresholds thresholds)
    : rule_(std::move(rule)), source_(std::move(source)), circuit_(circuit), nominal_(nominal_v),
      phase_count_(std::min<std::size_t>(phase_count, 3)), th_(thresholds) {}

void VoltageDetector::restore(const VoltageEvent &running) {
    auto &slot = running.kind == VoltageEventKind::swell ? high_ : low_;
    slot = running;
    for (std::size_t i = 0; i < phase_count_; ++i)
        if (running.phases & (1u << i))
            (running.kind == VoltageEventKind::swell ? high_phase_ : low_phase_)[i] = true;
}

std::vector<VoltageDetector::Update> VoltageDetector::update(std::size_t phase, double volts,
                                                             TimeNs t, uint64_t &next_id) {
    std::vector<Update> out;
    if (phase >= phase_count_ || !std::isfinite(volts)) return out;
    last_[phase] = volts;
    seen_[phase] = true;
    const double pct = 100.0 * volts / nominal_;
    // Hysteresis: a phase that crossed stays crossed until it is 2 % back inside.
    low_phase_[phase] =
        low_phase_[phase] ? pct < th_.dip_pct + th_.hysteresis_pct : pct < th_.dip_pct;
    high_phase_[phase] =
        high_phase_[phase] ? pct > th_.swell_pct - th_.hysteresis_pct : pct > th_.swell_pct;

    auto any = [&](const std::array<bool, 3> &flags) {
        for (std::size_t i = 0; i < phase_count_; ++i)
            if (flags[i]) return true;
        return false;
    };
    auto open = [&](VoltageEventKind kind) {
        VoltageEvent e;
        e.id = next_id++;
        e.rule = rule_;
        e.source = source_;
        e.circuit = circuit_;
        e.kind = kind;
        e.start = t;
        e.nominal_v = nominal_;
        e.extreme_v = volts;
        return e;
    };

    // Dips and interruptions.
    if (any(low_phase_)) {
        const bool fresh = !low_;
        if (fresh) low_ = open(VoltageEventKind::dip);
        const VoltageEvent before = *low_;
        if (low_phase_[phase]) {
            low_->phases |= 1u << phase;
            low_->extreme_v = std::min(low_->extreme_v, volts);
        }
        bool all_interrupted = true;
        for (std::size_t i = 0; i < phase_count_; ++i)
            all_interrupted =
                all_interrupted && seen_[i] && 100.0 * last_[i] / nominal_ < th_.interruption_pct;
        if (all_interrupted) low_->kind = VoltageEventKind::interruption;
        if (fresh)
            out.push_back({What::started, *low_});
        else if (before.phases != low_->phases || before.extreme_v != low_->extreme_v ||
                 before.kind != low_->kind)
            out.push_back({What::updated, *low_});
    } else if (low_) {
        low_->end = t;
        out.push_back({What::ended, *low_});
        low_.reset();
    }

    // Swells.
    if (any(high_phase_)) {
        const bool fresh = !high_;
        if (fresh) high_ = open(VoltageEventKind::swell);
        const VoltageEvent before = *high_;
        if (high_phase_[phase]) {
            high_->phases |= 1u << phase;
            high_->extreme_v = std::max(high_->extreme_v, volts);
        }
        if (fresh)
            out.push_back({What::started, *high_});
        else if (before.phases != high_->phases || before.extreme_v != high_->extreme_v)
            out.push_back({What::updated, *high_});
    } else if (high_) {
        high_->end = t;
        out.push_back({What::ended, *high_});
        high_.reset();
    }
    return out;
}

} // namespace gs::alarms
