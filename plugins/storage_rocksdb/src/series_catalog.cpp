#include "series_catalog.hpp"

#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace gs::storage {
namespace {

using boost::property_tree::ptree;

constexpr int32_t kDefaultPeriodS = 600;

double number_or(const ptree &node, const char *key, double fallback) {
    auto text = node.get_optional<std::string>(key);
    if (!text || text->empty()) return fallback;
    try {
        size_t used = 0;
        double v = std::stod(*text, &used);
        return used == text->size() && std::isfinite(v) ? v : fallback;
    } catch (...) {
        return fallback;
    }
}

// The elements of a JSON array (children keyed ""), or none when absent.
const ptree &array(const ptree &node, const char *key) {
    static const ptree empty;
    auto child = node.get_child_optional(key);
    return child ? *child : empty;
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

std::vector<store::SeriesSpec> series_from_site_json(const std::string &site_json) {
    ptree site;
    try {
        std::istringstream in(site_json);
        boost::property_tree::read_json(in, site);
    } catch (const boost::property_tree::json_parser_error &e) {
        throw std::runtime_error(std::string("the site model is not valid JSON: ") + e.what());
    }

    std::set<std::string> counters;
    for (const auto &[_, entry] : array(site, "catalog"))
        if (entry.get<std::string>("counter", "false") == "true")
            counters.insert(entry.get<std::string>("name", ""));

    std::map<std::string, int32_t> model_period;
    for (const auto &[_, model] : array(site, "models")) {
        double p = number_or(model, "history_period_s", kDefaultPeriodS);
        model_period[model.get<std::string>("id", "")] =
            static_cast<int32_t>(std::clamp(p, 1.0, 86400.0));
    }

    std::map<std::string, const ptree *> profiles;
    for (const auto &[_, profile] : array(site, "profiles"))
        profiles[profile.get<std::string>("id", "")] = &profile;

    std::vector<store::SeriesSpec> out;
    for (const auto &[_, source] : array(site, "sources")) {
        if (source.get<std::string>("enabled", "true") != "true") continue;
        auto profile = profiles.find(source.get<std::string>("profile", ""));
        if (profile == profiles.end()) continue;

        std::map<uint32_t, int32_t> circuit_period;
        for (const auto &[_, circuit] : array(source, "circuits")) {
            int32_t period = 0;
            for (const auto &[_, model] : array(circuit, "models")) {
                auto found = model_period.find(model.data());
                if (found != model_period.end())
                    period = period ? std::min(period, found->second) : found->second;
            }
            if (period) circuit_period[circuit.get<uint32_t>("index", 0)] = period;
        }

        for (const auto &[_, point] : array(*profile->second, "data")) {
            store::SeriesSpec spec;
            spec.source = source.get<std::string>("name", "");
            spec.circuit = point.get<uint32_t>("circuit", 0);
            spec.data = point.get<std::string>("data", "");
            if (spec.source.empty() || spec.data.empty()) continue;
            auto period = circuit_period.find(spec.circuit);
            spec.history_period_s =
                period == circuit_period.end() ? kDefaultPeriodS : period->second;
            if (counters.count(spec.data)) {
                static const ptree no_attrs;
                auto attrs = point.get_child_optional("attrs");
                const ptree &a = attrs ? *attrs : no_attrs;
                double coefficient = std::fabs(number_or(a, "coefficient", 1.0));
                if (coefficient == 0) coefficient = 1.0;
                double raw_max = raw_max_of_type(a.get<std::string>("type", ""));
                spec.kind = store::SeriesKind::counter;
                spec.counter_step = raw_max > 0 ? coefficient : 0;
                spec.counter_max =
                    raw_max > 0 ? raw_max * coefficient + number_or(a, "offset", 0.0) : 0;
            }
            out.push_back(std::move(spec));
        }
    }
    return out;
}

} // namespace gs::storage
