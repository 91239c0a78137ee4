// Alarm-rate figures over the activation log (see kpi.hpp).
#include "alarms/kpi.hpp"

#include <algorithm>
#include <map>

namespace gs::alarms {

namespace {

// Floods: while a window of `window` ending at an activation holds more than `count`
// activations, the activations belong to one flood; consecutive such windows merge.
std::vector<Flood> floods_of(const std::vector<TimeNs> &t, const KpiLimits &lim) {
    std::vector<Flood> out;
    std::size_t lo = 0;
    for (std::size_t hi = 0; hi < t.size(); ++hi) {
        while (t[hi] - t[lo] >= lim.flood_window)
            ++lo;
        const std::size_t in_window = hi - lo + 1;
        if (in_window <= lim.flood_count) continue;
        if (!out.empty() && t[lo] <= out.back().end) {
            Flood &f = out.back();
            f.activations += 1;
            f.end = t[hi];
            f.peak = std::max(f.peak, in_window);
        } else {
            out.push_back({t[lo], t[hi], in_window, in_window});
        }
    }
    return out;
}

} // namespace

Kpis compute_kpis(std::vector<Activation> activations, const std::vector<AlarmRecord> &records,
                  TimeNs from, TimeNs to, TimeNs now, const KpiLimits &lim) {
    Kpis k;
    k.from = from;
    k.to = to;
    activations.erase(std::remove_if(activations.begin(), activations.end(),
                                     [&](const Activation &a) { return a.t < from || a.t >= to; }),
                      activations.end());
    std::sort(activations.begin(), activations.end(),
              [](const Activation &a, const Activation &b) { return a.t < b.t; });
    k.activations = activations.size();
    const double days = static_cast<double>(to - from) / (86400.0 * kNsPerS);
    k.alarms_per_day = days > 0 ? static_cast<double>(k.activations) / days : 0;

    std::vector<TimeNs> times;
    std::map<std::string, std::vector<TimeNs>> by_alarm;
    for (const auto &a : activations) {
        times.push_back(a.t);
        by_alarm[a.alarm].push_back(a.t);
        k.by_criticality[static_cast<std::size_t>(a.criticality) % 5] += 1;
    }
    k.floods = floods_of(times, lim);

    for (const auto &[alarm, t] : by_alarm) {
        Chattering c{alarm, 0, 0};
        std::size_t lo = 0;
        for (std::size_t hi = 0; hi < t.size(); ++hi) {
            while (t[hi] - t[lo] >= lim.chatter_window)
                ++lo;
            const std::size_t n = hi - lo + 1;
            if (n >= lim.chatter_count && c.peak < lim.chatter_count) c.first = t[lo];
            c.peak = std::max(c.peak, n);
        }
        if (c.peak >= lim.chatter_count) k.chattering.push_back(c);
    }

    for (const auto &r : records)
        if (r.active && r.raised != kNoTime && now - r.raised > lim.stale_after)
            k.stale.push_back(r.id);
    return k;
}

} // namespace gs::alarms
