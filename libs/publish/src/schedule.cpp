#include "publish/schedule.hpp"

#include <deque>

namespace gs::publish {
namespace {

using std::chrono::seconds;
constexpr seconds one_day{86400};
// Local time is counted from Monday 1970-01-05 00:00 so that 7d periods start on Mondays.
constexpr seconds monday_epoch{4 * 86400};

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// What parse_settings accepts; anything else is never due (rather than a division by zero).
bool usable(const Schedule &s) {
    if (s.at_minute) return *s.at_minute >= 0 && *s.at_minute < 1440 && (!s.day || *s.day < 7);
    return s.every.count() > 0;
}

bool by_days(const Schedule &s) {
    return s.at_minute.has_value() || s.every >= one_day;
}

// Day-based schedules: is local day `day` one of the plan's days, and when is it due then.
bool day_matches(const Schedule &s, date::local_days day) {
    if (s.at_minute) {
        if (!s.day) return true;
        const unsigned iso = (date::weekday{day}.c_encoding() + 6) % 7; // 0 = Monday
        return iso == *s.day;
    }
    const int64_t index =
        (day.time_since_epoch() - std::chrono::duration_cast<date::days>(monday_epoch)).count();
    const int64_t every_days = s.every.count() / one_day.count();
    return floor_div(index, every_days) * every_days == index;
}

SysSeconds due_on(const Schedule &s, date::local_days day, const date::time_zone *tz) {
    const date::local_seconds local = day + std::chrono::minutes{s.at_minute.value_or(0)};
    // Repeated local time: the first instant; a local time in a gap: the end of the gap.
    return tz->to_sys(local, date::choose::earliest);
}

date::local_days local_day(SysSeconds t, const date::time_zone *tz) {
    return date::floor<date::days>(tz->to_local(t));
}

} // namespace

SysSeconds next_due(const Schedule &s, SysSeconds after, const date::time_zone *tz) {
    if (!usable(s)) return SysSeconds::max(); // never due
    if (by_days(s)) {
        // 7-day periods and weekly plans: a match lies within 8 days; start a day early in case
        // the offset moves the due instant of the previous local day after `after`.
        for (date::local_days day = local_day(after, tz) - date::days{1};; day += date::days{1})
            if (day_matches(s, day)) {
                const SysSeconds due = due_on(s, day, tz);
                if (due > after) return due;
            }
    }
    const int64_t period = s.every.count();
    SysSeconds from = after + seconds{1}; // the first instant allowed
    for (;;) {
        const date::sys_info info = tz->get_info(from);
        const int64_t local = (from.time_since_epoch() + info.offset - monday_epoch).count();
        const int64_t aligned = -floor_div(-local, period) * period; // ceiling to the period
        const SysSeconds due{seconds{aligned} + monday_epoch - info.offset};
        if (due < info.end) return due;
        from = info.end; // the offset changes before it: align again in the new offset
    }
}

SysSeconds previous_due(const Schedule &s, SysSeconds before, const date::time_zone *tz) {
    if (!usable(s)) return SysSeconds::min();
    if (by_days(s)) {
        for (date::local_days day = local_day(before, tz) + date::days{1};; day -= date::days{1})
            if (day_matches(s, day)) {
                const SysSeconds due = due_on(s, day, tz);
                if (due < before) return due;
            }
    }
    const int64_t period = s.every.count();
    SysSeconds to = before - seconds{1}; // the last instant allowed
    for (;;) {
        const date::sys_info info = tz->get_info(to);
        const int64_t local = (to.time_since_epoch() + info.offset - monday_epoch).count();
        const int64_t aligned = floor_div(local, period) * period;
        const SysSeconds due{seconds{aligned} + monday_epoch - info.offset};
        if (due >= info.begin) return due;
        to = info.begin - seconds{1};
    }
}

Period period_ending_at(const Schedule &s, SysSeconds due, const date::time_zone *tz) {
    return {previous_due(s, due, tz), due};
}

std::vector<SysSeconds> dues_between(const Schedule &s, SysSeconds after, SysSeconds until,
                                     const date::time_zone *tz, size_t limit, size_t &skipped) {
    std::deque<SysSeconds> kept;
    skipped = 0;
    for (SysSeconds due = next_due(s, after, tz); due <= until; due = next_due(s, due, tz)) {
        kept.push_back(due);
        if (kept.size() > limit) {
            kept.pop_front();
            ++skipped;
        }
    }
    return {kept.begin(), kept.end()};
}

} // namespace gs::publish
