#include "time_text/time_text.hpp"

#include <date/date.h>

#include <chrono>
#include <cstdint>

namespace gs::time_text {

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

std::optional<int64_t> parse_iso(std::string_view s) {
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

std::string format_utc(int64_t ts_utc_ns) {
    using namespace std::chrono;
    date::sys_time<milliseconds> tp{duration_cast<milliseconds>(nanoseconds(ts_utc_ns))};
    return date::format("%FT%TZ", tp);
}

} // namespace gs::time_text
