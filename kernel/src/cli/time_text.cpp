#include "cli/time_text.hpp"

#include <time_text/time_text.hpp>

// GCC 12 at -O2 warns, falsely, of an uninitialised variable inside date.h's parser (inlined
// here); the header is third-party, so the warning is silenced for this file only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <sstream>

namespace gs::kernel {

using namespace std::chrono;

// Times with an offset are read by libs/time_text (one reader of ISO 8601 in the project);
// what is the CLI's own is the bare date, midnight in the site's time zone.
std::optional<int64_t> parse_time(const std::string &text, const std::string &timezone) {
    std::string with_offset = text;
    if (!with_offset.empty() && with_offset.back() == 'z') with_offset.back() = 'Z';
    if (with_offset.find(' ') == std::string::npos) // ' ' for '+' is the query strings' leniency
        if (auto t = time_text::parse_iso(with_offset)) return t;
    std::istringstream in(text);
    date::local_days day;
    in >> date::parse("%F", day);
    if (!in.fail() && in.peek() == EOF) {
        try {
            auto zoned = date::make_zoned(date::locate_zone(timezone), day, date::choose::earliest);
            return duration_cast<nanoseconds>(zoned.get_sys_time().time_since_epoch()).count();
        } catch (const std::exception &) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::string format_utc(int64_t ts_utc_ns) {
    return time_text::format_utc(ts_utc_ns);
}

std::string format_local(int64_t ts_utc_ns, const std::string &timezone) {
    date::sys_seconds tp{duration_cast<seconds>(nanoseconds(ts_utc_ns))};
    auto zoned = date::make_zoned(date::locate_zone(timezone), tp);
    return date::format("%FT%T%Ez", zoned);
}

} // namespace gs::kernel

#pragma GCC diagnostic pop
