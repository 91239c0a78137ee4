#include "record_json.hpp"

#include "alarms/engine.hpp"
#include "time_text/time_text.hpp"

#include <cmath>

namespace gs::alarm_glue {

namespace {

nlohmann::ordered_json time_or_null(alarms::TimeNs t) {
    if (t == alarms::kNoTime) return nullptr;
    return time_text::format_utc(t);
}

} // namespace

nlohmann::ordered_json record_json(const alarms::AlarmRecord &r, bool details) {
    nlohmann::ordered_json o;
    o["id"] = r.id;
    o["rule"] = r.rule;
    o["source"] = r.source;
    o["circuit"] = r.circuit;
    o["data"] = r.data;
    o["criticality"] = alarms::name_of(r.criticality);
    o["state"] = r.state();
    o["acked"] = r.acked;
    o["raised"] = time_or_null(r.raised);
    o["cleared"] = time_or_null(r.active ? alarms::kNoTime : r.cleared);
    o["acked_at"] = time_or_null(r.acked ? r.acked_at : alarms::kNoTime);
    o["acked_by"] = r.acked ? nlohmann::ordered_json(r.acked_by) : nlohmann::ordered_json();
    o["value"] = std::isfinite(r.value) ? nlohmann::ordered_json(r.value) : nullptr;
    o["message"] = r.message_in("en");
    if (!details) return o;
    o["isa_state"] = r.isa_state();
    o["level"] = alarms::name_of(r.level);
    o["limit"] = std::isfinite(r.limit) ? nlohmann::ordered_json(r.limit) : nullptr;
    o["ack_comment"] = r.ack_comment;
    o["activations"] = r.activations;
    o["shelved"] = r.shelved;
    o["suppressed"] = r.suppressed;
    o["out_of_service"] = r.out_of_service;
    o["messages"] = r.message;
    return o;
}

nlohmann::ordered_json records_json(const std::vector<alarms::AlarmRecord> &records, bool details) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto &r : records)
        out.push_back(record_json(r, details));
    return out;
}

std::optional<alarms::RecordFilter::State> state_named(const std::string &name) {
    using State = alarms::RecordFilter::State;
    if (name == "all") return State::all;
    if (name == "active") return State::active;
    if (name == "unacked") return State::unacked;
    return std::nullopt;
}

} // namespace gs::alarm_glue
