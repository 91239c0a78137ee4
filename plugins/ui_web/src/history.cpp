#include "history.hpp"

#include "http.hpp"

#include <time_text/time_text.hpp>

#include <charconv>
#include <cmath>

namespace gs::ui {

std::optional<int64_t> parse_iso_time(std::string_view text) {
    return time_text::parse_iso(text);
}

std::optional<std::string> parse_time_range(const Query &query, int64_t &from_utc_ns,
                                            int64_t &to_utc_ns) {
    for (const char *key : {"from", "to"}) {
        auto it = query.find(key);
        if (it == query.end() || it->second.empty())
            return std::string(key) + ": required (an ISO 8601 time)";
        auto t = parse_iso_time(it->second);
        if (!t)
            return std::string(key) + ": '" + it->second.substr(0, 64) +
                   "' is not an ISO 8601 time with an offset (2026-03-29T00:00:00Z, "
                   "2026-03-29T01:00:00.5+01:00)";
        (std::string_view(key) == "from" ? from_utc_ns : to_utc_ns) = *t;
    }
    if (to_utc_ns <= from_utc_ns) return std::string("to: must be after from");
    return std::nullopt;
}

std::variant<HistoryRequest, std::string> parse_history_request(const Query &query) {
    HistoryRequest r;
    auto get = [&](const char *key) -> const std::string * {
        auto it = query.find(key);
        return it == query.end() || it->second.empty() ? nullptr : &it->second;
    };
    const std::string *series = get("series");
    if (!series) return std::string("series: required (series ids, separated by commas)");
    for (const std::string &part : split(*series, ',')) {
        auto id = parse_u64(part);
        if (!id) return "series: '" + part.substr(0, 64) + "' is not a series id";
        for (uint64_t seen : r.ids)
            if (seen == *id) return "series: " + part + " is given twice";
        r.ids.push_back(*id);
        if (r.ids.size() > kMaxHistorySeries)
            return "series: at most " + std::to_string(kMaxHistorySeries) + " per request";
    }
    if (r.ids.empty()) return std::string("series: required (series ids, separated by commas)");
    if (auto why = parse_time_range(query, r.from_utc_ns, r.to_utc_ns)) return *why;
    const std::string *points = get("points");
    if (!points)
        return std::string("points: required (1 to ") + std::to_string(kMaxHistoryPoints) + ")";
    auto n = parse_u32(*points);
    if (!n || *n < 1 || *n > kMaxHistoryPoints)
        return "points: expected 1 to " + std::to_string(kMaxHistoryPoints);
    r.points = *n;
    return r;
}

namespace {

// A double as nlohmann's serializer writes it (its own Grisu2 to_chars; null when not finite).
void append_double(std::string &out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[64];
    char *end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<size_t>(end - buf));
}

template <typename Int> void append_int(std::string &out, Int v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec; // 24 characters hold any 64-bit integer
    out.append(buf, static_cast<size_t>(end - buf));
}

} // namespace

void append_history_series(std::string &out, uint64_t id, const SeriesName &name,
                           const std::string &unit, const std::vector<HistoryPoint> &points) {
    out.reserve(out.size() + 128 + points.size() * 64);
    out += "{\"circuit\":";
    append_int(out, name.circuit);
    out += ",\"data\":";
    out += json_text(name.data); // escaped as everywhere else
    out += ",\"id\":";
    append_int(out, id);
    out += ",\"points\":[";
    for (size_t i = 0; i < points.size(); ++i) {
        const HistoryPoint &p = points[i];
        int64_t ms = p.start_utc_ns / 1'000'000;
        if (p.start_utc_ns % 1'000'000 < 0) --ms; // down, also before 1970
        out += i ? ",[" : "[";
        append_int(out, ms);
        out += ',';
        append_double(out, p.min);
        out += ',';
        append_double(out, p.max);
        out += ',';
        append_double(out, p.avg);
        out += ']';
    }
    out += "],\"source\":";
    out += json_text(name.source);
    out += ",\"unit\":";
    out += json_text(unit);
    out += '}';
}

} // namespace gs::ui
