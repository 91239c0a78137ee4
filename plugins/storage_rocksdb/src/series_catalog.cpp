#include "series_catalog.hpp"

#include <gridscope/site.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

namespace gs::storage {
namespace {

constexpr int32_t kDefaultPeriodS = 600;

// A number of a point's attrs (the profile's text, "0.1"), else fallback.
double number_or(const gs::site::json &attrs, const char *key, double fallback) {
    auto it = attrs.is_object() ? attrs.find(key) : attrs.end();
    if (it == attrs.end()) return fallback;
    if (it->is_number()) return std::isfinite(it->get<double>()) ? it->get<double>() : fallback;
    if (!it->is_string() || it->get<std::string>().empty()) return fallback;
    const std::string text = it->get<std::string>();
    try {
        size_t used = 0;
        double v = std::stod(text, &used);
        return used == text.size() && std::isfinite(v) ? v : fallback;
    } catch (...) {
        return fallback;
    }
}

std::string text_or_empty(const gs::site::json &attrs, const char *key) {
    auto it = attrs.is_object() ? attrs.find(key) : attrs.end();
    return it != attrs.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

double raw_max_of_type(const std::string &type) {
    if (type == "bit") return 1;
    if (type == "u16") return 65535.0;
    if (type == "s16") return 32767.0;
    if (type == "u32") return 4294967295.0;
    if (type == "s32") return 2147483647.0;
    if (type == "u64") return 18446744073709551615.0;
    if (type == "s64") return 9223372036854775807.0;
    return 0; // f32, f64, strings, unknown: no rollover
}

namespace {
// The kernel stores a circuit's data only when one of its models with `history` holds it (the
// circuit's "history" list). A document without the lists (older kernels) or a circuit that
// collects nothing keeps every point: no sample comes for those the driver does not poll. The
// device's own points (circuit 0) follow their samples too.
bool kept(const gs::site::Source &source, const gs::site::ProfilePoint &point) {
    const gs::site::Circuit *circuit = source.circuit(point.circuit);
    // A circuit the source does not have (a device that declared fewer circuits than its
    // profile maps, sdk services/device.h) has no series.
    if (point.circuit != 0 && !circuit && !source.circuits.empty()) return false;
    if (point.circuit == 0 || !circuit || circuit->collected.empty()) return true;
    const auto &h = circuit->history;
    return std::find(h.begin(), h.end(), point.data) != h.end();
}
} // namespace

std::vector<store::SeriesSpec> series_from_site_json(const std::string &site_json) {
    gs::site::Site site;
    try {
        site = gs::site::parse(site_json);
    } catch (const gs::site::ParseError &e) {
        throw std::runtime_error(std::string("the site model is not valid JSON: ") + e.what());
    }

    std::set<std::string> counters;
    for (const auto &[name, entry] : site.catalog)
        if (entry.counter) counters.insert(name);

    std::map<std::string, int32_t> model_period;
    for (const auto &[id, model] : site.models)
        model_period[id] =
            model.history_period_s > 0
                ? static_cast<int32_t>(std::min<int64_t>(model.history_period_s, 86400))
                : kDefaultPeriodS;

    std::vector<store::SeriesSpec> out;
    for (const gs::site::Source &source : site.sources) {
        if (!source.enabled) continue;
        const gs::site::Profile *profile = site.profile_of(source);
        if (!profile) continue;

        std::map<uint32_t, int32_t> circuit_period;
        for (const gs::site::Circuit &circuit : source.circuits) {
            int32_t period = 0;
            for (const std::string &model : circuit.models) {
                auto found = model_period.find(model);
                if (found != model_period.end())
                    period = period ? std::min(period, found->second) : found->second;
            }
            if (period) circuit_period[circuit.index] = period;
        }

        for (const gs::site::ProfilePoint &point : profile->data) {
            store::SeriesSpec spec;
            spec.source = source.name;
            spec.circuit = point.circuit;
            spec.data = point.data;
            if (spec.data.empty() || !kept(source, point)) continue;
            auto period = circuit_period.find(spec.circuit);
            spec.history_period_s =
                period == circuit_period.end() ? kDefaultPeriodS : period->second;
            if (counters.count(spec.data)) {
                double coefficient = std::fabs(number_or(point.attrs, "coefficient", 1.0));
                if (coefficient == 0) coefficient = 1.0;
                double raw_max = raw_max_of_type(text_or_empty(point.attrs, "type"));
                spec.kind = store::SeriesKind::counter;
                spec.counter_step = raw_max > 0 ? coefficient : 0;
                spec.counter_max =
                    raw_max > 0 ? raw_max * coefficient + number_or(point.attrs, "offset", 0.0) : 0;
            }
            out.push_back(std::move(spec));
        }
    }
    return out;
}

} // namespace gs::storage
