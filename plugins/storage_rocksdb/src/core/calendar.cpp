#include "calendar.hpp"

#include <date/tz.h>

#include <stdexcept>

namespace gs::store {
namespace {

using date::local_days;
using std::chrono::seconds;

local_days local_day_of(const date::time_zone *zone, int64_t ts_s) {
    auto local = zone->to_local(date::sys_seconds{seconds{ts_s}});
    return date::floor<date::days>(local);
}

// Local midnight that does not exist (DST jump at midnight) maps to the end of the gap.
int64_t utc_of(const date::time_zone *zone, local_days day) {
    return zone->to_sys(date::local_seconds{day}, date::choose::earliest)
        .time_since_epoch()
        .count();
}

} // namespace

Calendar::Calendar(const std::string &zone_name) {
    try {
        zone_ = date::locate_zone(zone_name);
    } catch (const std::exception &e) {
        throw std::runtime_error("unknown time zone '" + zone_name + "': " + e.what());
    }
}

Span Calendar::day(int64_t ts_s) const {
    local_days d = local_day_of(zone_, ts_s);
    return {utc_of(zone_, d), utc_of(zone_, d + date::days{1})};
}

Span Calendar::week(int64_t ts_s) const {
    local_days d = local_day_of(zone_, ts_s);
    local_days monday = d - (date::weekday{d} - date::Monday);
    return {utc_of(zone_, monday), utc_of(zone_, monday + date::days{7})};
}

Span Calendar::month(int64_t ts_s) const {
    date::year_month_day ymd{local_day_of(zone_, ts_s)};
    auto first = ymd.year() / ymd.month() / 1;
    auto next = first + date::months{1};
    return {utc_of(zone_, local_days{first}), utc_of(zone_, local_days{next})};
}

} // namespace gs::store
