// The Alarms and events page's filters in a query string (docs/api.md, GET /alarms paged and
// GET /alarms/export) turned into the alarm engine's query (services/alarms.h `query`).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <variant>

namespace gs::ui {

using QueryParams = std::map<std::string, std::string, std::less<>>;

// True when the query string asks for the page (type, source, category, status, criticality,
// offset, limit or kpis given), rather than GET /alarms's original state= list.
bool is_page_request(const QueryParams &params);

struct PageQuery {
    std::string json; // for the engine
};

// The engine's query JSON, or why the parameters are refused (a 400's message). `paged`: offset,
// limit and kpis are read (GET /alarms); the export takes every row.
std::variant<PageQuery, std::string> page_query(const QueryParams &params, bool paged,
                                                const std::string &language,
                                                const std::string &timezone);

} // namespace gs::ui
