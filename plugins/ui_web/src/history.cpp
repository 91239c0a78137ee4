#include "history.hpp"

namespace gs::ui {

namespace {

// Days from 1970-01-01 to year-month-day of the proleptic Gregorian calendar (H. Hinnant).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int days_in_month(int64_t y, int64_t m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

// Reads exactly `n` decimal digits at `pos`.
bool digits(std::string_view s, size_t &pos, size_t n, int64_t &out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    pos += n;
    return true;
}

bool expect(std::string_view s, size_t &pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

constexpr int64_t kNsPerSecond = 1'000'000'000;

} // namespace

std::optional<int64_t> parse_iso_time(std::string_view s) {
    size_t pos = 0;
    int64_t y, mo, d, h, mi, sec, frac = 0;
    if (!digits(s, pos, 4, y) || !expect(s, pos, '-') || !digits(s, pos, 2, mo) ||
        !expect(s, pos, '-') || !digits(s, pos, 2, d) || !expect(s, pos, 'T') ||
        !digits(s, pos, 2, h) || !expect(s, pos, ':') || !digits(s, pos, 2, mi) ||
        !expect(s, pos, ':') || !digits(s, pos, 2, sec))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
        return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t n = 0;
        for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n) {
            if (n == 9) return std::nullopt; // finer than a nanosecond
            frac = frac * 10 + (s[pos] - '0');
        }
        if (n == 0) return std::nullopt;
        for (; n < 9; ++n)
            frac *= 10;
    }
    int64_t offset_s = 0;
    if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' ')) {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t oh, om;
        if (!digits(s, pos, 2, oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (!digits(s, pos, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset_s = sign * (oh * 3600 + om * 60);
    } else {
        return std::nullopt; // no offset: the time would be ambiguous
    }
    if (pos != s.size() || y < 1678 || y > 2261) return std::nullopt;
    int64_t seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_s;
    // 1678..2261 keeps seconds * 1e9 inside int64 except at the very ends: check.
    if (seconds > (INT64_MAX - frac) / kNsPerSecond || seconds < INT64_MIN / kNsPerSecond + 1)
        return std::nullopt;
    return seconds * kNsPerSecond + frac;
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

nlohmann::json history_series_json(uint64_t id, const SeriesName &name, const std::string &unit,
                                   const std::vector<HistoryPoint> &points) {
    nlohmann::json out = nlohmann::json::array();
    for (const HistoryPoint &p : points) {
        int64_t ms = p.start_utc_ns / 1'000'000;
        if (p.start_utc_ns % 1'000'000 < 0) --ms; // down, also before 1970
        out.push_back({ms, p.min, p.max, p.avg});
    }
    return {{"id", id},          {"source", name.source}, {"circuit", name.circuit},
            {"data", name.data}, {"unit", unit},          {"points", std::move(out)}};
}

} // namespace gs::ui
