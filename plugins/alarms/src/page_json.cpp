#include "page_json.hpp"

#include "record_json.hpp"
#include "time_text/time_text.hpp"

#include <cmath>
#include <cstdint>
#include <iomanip>
#include <sstream>

namespace gs::alarm_glue {

namespace {

using ojson = nlohmann::ordered_json;
using nlohmann::json;

constexpr std::size_t kMaxLimit = 1000;

ojson time_or_null(alarms::TimeNs t) {
    if (t == alarms::kNoTime) return nullptr;
    return time_text::format_utc(t);
}

ojson number_or_null(double v) {
    return std::isfinite(v) ? ojson(v) : ojson();
}

// A list of names of `key`, each checked by `known` (nullopt: refused).
template <class T, class Known>
std::string read_list(const json &doc, const char *key, std::vector<T> &into, Known known) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return "";
    if (!it->is_array()) return std::string(key) + ": expected a list of names";
    for (const auto &v : *it) {
        if (!v.is_string()) return std::string(key) + ": expected a list of names";
        auto k = known(v.get<std::string>());
        if (!k) return std::string(key) + ": unknown value '" + v.get<std::string>() + "'";
        into.push_back(*k);
    }
    return "";
}

std::string read_time(const json &doc, const char *key, alarms::TimeNs &into) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return "";
    if (!it->is_number_integer()) return std::string(key) + ": expected UTC nanoseconds";
    into = it->get<int64_t>();
    return "";
}

std::string read_count(const json &doc, const char *key, std::size_t &into, std::size_t lo,
                       std::size_t hi) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return "";
    if (!it->is_number_unsigned() || it->get<uint64_t>() < lo || it->get<uint64_t>() > hi)
        return std::string(key) + ": expected an integer from " + std::to_string(lo) + " to " +
               std::to_string(hi);
    into = it->get<std::size_t>();
    return "";
}

bool known_category(const std::string &name) {
    using K = alarms::RuleKind;
    for (K k : {K::limit, K::stale, K::state, K::device_alarm, K::comm_lost, K::atys_transfer,
                K::hierarchy_balance})
        if (name == alarms::name_of(k)) return true;
    using V = alarms::VoltageEventKind;
    for (V v : {V::dip, V::swell, V::interruption})
        if (name == alarms::name_of(v)) return true;
    return false;
}

// "2%", "0.5%": as the site file writes it.
std::string percent_text(double v) {
    std::ostringstream out;
    out << std::setprecision(15) << v << '%';
    return out.str();
}

ojson rule_json(ojson o, const alarms::Rule &rule) {
    ojson thresholds = ojson::array();
    for (const auto &l : rule.limits)
        thresholds.push_back({{"level", alarms::name_of(l.level)},
                              {"value", l.value},
                              {"criticality", alarms::name_of(l.criticality)}});
    o["thresholds"] = std::move(thresholds);
    if (rule.deadband.percent)
        o["deadband"] = percent_text(rule.deadband.value);
    else
        o["deadband"] = rule.deadband.value;
    o["on_delay_s"] = static_cast<double>(rule.on_delay) / alarms::kNsPerS;
    o["off_delay_s"] = static_cast<double>(rule.off_delay) / alarms::kNsPerS;
    return o;
}

ojson event_json(const alarms::EventRow &row) {
    const alarms::VoltageEvent &e = row.event;
    ojson o;
    o["id"] = e.id;
    o["type"] = "event";
    o["rule"] = e.rule;
    o["source"] = e.source;
    o["circuit"] = e.circuit;
    o["category"] = alarms::category_of(e);
    o["criticality"] = alarms::name_of(row.criticality);
    o["state"] = e.end == alarms::kNoTime ? "active" : "normal";
    o["raised"] = time_or_null(e.start);
    o["cleared"] = time_or_null(e.end);
    o["duration_s"] = e.end == alarms::kNoTime
                          ? ojson()
                          : ojson(static_cast<double>(e.duration()) / alarms::kNsPerS);
    o["nominal_v"] = e.nominal_v;
    o["extreme_v"] = number_or_null(e.extreme_v);
    o["extreme_pct"] = number_or_null(e.extreme_pct());
    o["depth_pct"] = number_or_null(e.depth_pct());
    ojson phases = ojson::array();
    for (uint32_t p = 0; p < 32; ++p)
        if (e.phases & (1u << p)) phases.push_back(p + 1);
    o["phases"] = std::move(phases);
    o["method"] = alarms::VoltageEvent::kMethod;
    return o;
}

} // namespace

std::variant<PageRequest, std::string> page_request(const std::string &query_json) {
    json doc = json::parse(query_json.empty() ? "{}" : query_json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return std::string("the query is not a JSON object");
    PageRequest r;
    alarms::Query &q = r.query;
    if (auto t = doc.find("type"); t != doc.end() && !t->is_null()) {
        std::string type = t->is_string() ? t->get<std::string>() : "";
        if (type != "all" && type != "alarm" && type != "event")
            return std::string("type: expected all, alarm or event");
        q.alarms = type != "event";
        q.events = type != "alarm";
    }
    auto as_name = [](const std::string &s) { return std::optional<std::string>(s); };
    auto category = [](const std::string &s) {
        return known_category(s) ? std::optional<std::string>(s) : std::nullopt;
    };
    for (std::string why : {
             read_list(doc, "sources", q.sources, as_name),
             read_list(doc, "categories", q.categories, category),
             read_list(doc, "statuses", q.statuses, alarms::status_named),
             read_list(doc, "criticalities", q.criticalities, alarms::criticality_named),
             read_time(doc, "from", q.from),
             read_time(doc, "to", q.to),
             read_count(doc, "offset", q.offset, 0, SIZE_MAX / 2),
             read_count(doc, "limit", q.limit, 1, kMaxLimit),
         })
        if (!why.empty()) return why;
    if (q.from != alarms::kNoTime && q.to != alarms::kNoTime && q.to <= q.from)
        return std::string("to: must come after from");
    for (const char *key : {"language", "timezone"}) {
        auto it = doc.find(key);
        if (it == doc.end() || it->is_null()) continue;
        if (!it->is_string()) return std::string(key) + ": expected a string";
        (std::string(key) == "language" ? r.language : r.timezone) = it->get<std::string>();
    }
    if (auto k = doc.find("kpis"); k != doc.end() && !k->is_null()) {
        if (!k->is_boolean()) return std::string("kpis: expected true or false");
        r.kpis = k->get<bool>();
    }
    return r;
}

nlohmann::ordered_json row_json(const alarms::Row &row, const alarms::Rule *rule,
                                const std::string &language) {
    if (const auto *e = std::get_if<alarms::EventRow>(&row)) return event_json(*e);
    const auto &r = std::get<alarms::AlarmRecord>(row);
    ojson o = record_json(r, true);
    o["message"] = r.message_in(language);
    o["type"] = "alarm";
    o["category"] = alarms::category_of(r);
    return rule ? rule_json(std::move(o), *rule) : o;
}

nlohmann::ordered_json kpis_json(const alarms::Kpis &k, std::size_t standing, std::size_t unacked) {
    ojson o;
    o["from"] = time_text::format_utc(k.from);
    o["to"] = time_text::format_utc(k.to);
    o["activations"] = k.activations;
    o["alarms_per_day"] = k.alarms_per_day;
    o["alarms_per_hour"] = k.alarms_per_day / 24.0;
    o["standing"] = standing;
    o["unacked"] = unacked;
    ojson by = ojson::object();
    using C = alarms::Criticality;
    for (C c : {C::low, C::medium, C::high, C::critical})
        by[alarms::name_of(c)] = k.by_criticality[static_cast<int>(c)];
    o["by_criticality"] = std::move(by);
    ojson floods = ojson::array();
    for (const auto &f : k.floods)
        floods.push_back({{"start", time_text::format_utc(f.start)},
                          {"end", time_text::format_utc(f.end)},
                          {"activations", f.activations},
                          {"peak", f.peak}});
    o["floods"] = std::move(floods);
    ojson chattering = ojson::array();
    for (const auto &c : k.chattering)
        chattering.push_back(
            {{"alarm", c.alarm}, {"peak", c.peak}, {"first", time_text::format_utc(c.first)}});
    o["chattering"] = std::move(chattering);
    o["stale"] = k.stale;
    return o;
}

} // namespace gs::alarm_glue
