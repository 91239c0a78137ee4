#include "cli/time_text.hpp"

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

std::optional<int64_t> parse_time(const std::string &text, const std::string &timezone) {
    for (const char *format : {"%FT%T%Ez", "%FT%T%z"}) {
        std::istringstream in(text);
        date::sys_time<nanoseconds> tp;
        in >> date::parse(format, tp);
        if (!in.fail() && in.peek() == EOF) return tp.time_since_epoch().count();
    }
    if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) {
        std::istringstream in(text.substr(0, text.size() - 1));
        date::sys_time<nanoseconds> tp;
        in >> date::parse("%FT%T", tp);
        if (!in.fail() && in.peek() == EOF) return tp.time_since_epoch().count();
    }
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
    date::sys_time<milliseconds> tp{duration_cast<milliseconds>(nanoseconds(ts_utc_ns))};
    return date::format("%FT%TZ", tp);
}

std::string format_local(int64_t ts_utc_ns, const std::string &timezone) {
    date::sys_seconds tp{duration_cast<seconds>(nanoseconds(ts_utc_ns))};
    auto zoned = date::make_zoned(date::locate_zone(timezone), tp);
    return date::format("%FT%T%Ez", zoned);
}

} // namespace gs::kernel

#pragma GCC diagnostic pop
