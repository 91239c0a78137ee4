// The Alarms and events page's side of gridscope.alarms/1 (services/alarms.h, `query` and
// `export_csv`): the query's JSON read into an alarms::Query, and the rows and KPIs written as
// JSON.
#pragma once

#include "alarms/engine.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace gs::alarm_glue {

struct PageRequest {
    alarms::Query query;
    bool kpis = false;
    std::string language = "en";
    std::string timezone; // export_csv: the times' zone ("" = UTC)
};

// The request, or why it is refused (a message naming the key).
std::variant<PageRequest, std::string> page_request(const std::string &query_json);

// One row of a page: an alarm record with its details and its rule's thresholds and delays
// (rule may be null), or a voltage event.
nlohmann::ordered_json row_json(const alarms::Row &row, const alarms::Rule *rule,
                                const std::string &language);

// The KPIs (ISA-18.2 / EEMUA 191 figures) of [from, to), with the records standing at `now`.
nlohmann::ordered_json kpis_json(const alarms::Kpis &k, std::size_t standing, std::size_t unacked);

} // namespace gs::alarm_glue
