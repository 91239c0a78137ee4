#include "alarms_page.hpp"

#include "text.hpp"
#include "time_text/time_text.hpp"

#include <nlohmann/json.hpp>

namespace gs::ui {

namespace {

// Query parameter -> the engine's key, for the comma-separated lists.
constexpr std::pair<const char *, const char *> kLists[] = {{"source", "sources"},
                                                            {"category", "categories"},
                                                            {"status", "statuses"},
                                                            {"criticality", "criticalities"}};

std::optional<std::string> unsigned_param(const QueryParams &params, const char *key,
                                          nlohmann::json &into) {
    auto it = params.find(key);
    if (it == params.end()) return std::nullopt;
    const std::string &v = it->second;
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        return std::string(key) + ": expected a whole number";
    into[key] = std::stoull(v);
    return std::nullopt;
}

} // namespace

bool is_page_request(const QueryParams &params) {
    for (const char *key : {"type", "offset", "limit", "kpis"})
        if (params.count(key)) return true;
    for (const auto &[param, key] : kLists)
        if (params.count(param)) return true;
    return false;
}

std::variant<PageQuery, std::string> page_query(const QueryParams &params, bool paged,
                                                const std::string &language,
                                                const std::string &timezone) {
    if (params.count("state"))
        return std::string("state: not with the page's filters (use status=)");
    nlohmann::json q = nlohmann::json::object();
    if (auto t = params.find("type"); t != params.end()) q["type"] = t->second;
    for (const auto &[param, key] : kLists)
        if (auto it = params.find(param); it != params.end()) q[key] = split(it->second, ',');
    for (const char *key : {"from", "to"}) {
        auto it = params.find(key);
        if (it == params.end()) continue;
        auto t = time_text::parse_iso(it->second);
        if (!t) return std::string(key) + ": expected an ISO 8601 time with its offset";
        q[key] = *t;
    }
    if (paged) {
        for (const char *key : {"offset", "limit"})
            if (auto why = unsigned_param(params, key, q)) return *why;
        if (auto k = params.find("kpis"); k != params.end()) q["kpis"] = k->second == "1";
    }
    q["language"] = language;
    q["timezone"] = timezone;
    return PageQuery{q.dump()};
}

} // namespace gs::ui
