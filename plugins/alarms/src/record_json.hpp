// An alarm record as JSON: exactly the fields of the `gridscope alarms` contract, and with
// `details` what the contract does not list (services/alarms.h). One writer for the tool, the
// service and the API.
#pragma once

#include "alarms/engine.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gs::alarm_glue {

nlohmann::ordered_json record_json(const alarms::AlarmRecord &r, bool details = false);
nlohmann::ordered_json records_json(const std::vector<alarms::AlarmRecord> &records,
                                    bool details = false);

// "all" | "active" | "unacked" -> the filter's state; nullopt for anything else.
std::optional<alarms::RecordFilter::State> state_named(const std::string &name);

} // namespace gs::alarm_glue
