#include "publish/schedule.hpp"

#include <doctest/doctest.h>

using namespace gs::publish;
using namespace std::chrono_literals;
using date::sys_days;

namespace {

// 2026 in Paris: summer time from 2026-03-29 01:00 UTC, winter time again from 2026-10-25 01:00
// UTC.
const date::time_zone *paris() {
    return date::locate_zone("Europe/Paris");
}

SysSeconds utc(int y, unsigned m, unsigned d, int h, int min = 0, int s = 0) {
    return sys_days{date::year{y} / m / d} + std::chrono::hours{h} + std::chrono::minutes{min} +
           std::chrono::seconds{s};
}

Schedule every(std::chrono::seconds period) {
    return Schedule{period, std::nullopt, std::nullopt};
}
Schedule at(int hour, int minute, std::optional<unsigned> day = std::nullopt) {
    return Schedule{0s, hour * 60 + minute, day};
}

std::string text(SysSeconds t) {
    return date::format("%F %T", t);
}

} // namespace

TEST_CASE("every: aligned on the period in local time") {
    CHECK(text(next_due(every(10min), utc(2026, 12, 3, 10, 3), paris())) == "2026-12-03 10:10:00");
    CHECK(text(next_due(every(10min), utc(2026, 12, 3, 10, 10), paris())) == "2026-12-03 10:20:00");
    CHECK(text(previous_due(every(10min), utc(2026, 12, 3, 10, 10), paris())) ==
          "2026-12-03 10:00:00");
    // +05:30: hourly files fall on the local hour, :30 in UTC.
    const auto *kolkata = date::locate_zone("Asia/Kolkata");
    CHECK(text(next_due(every(1h), utc(2026, 12, 3, 10, 0), kolkata)) == "2026-12-03 10:30:00");
    // Whole days: local midnight; 7 days: Monday midnight.
    CHECK(text(next_due(every(24h), utc(2026, 12, 3, 10), paris())) == "2026-12-03 23:00:00");
    CHECK(text(next_due(every(168h), utc(2026, 12, 3, 10), paris())) == "2026-12-06 23:00:00");
    CHECK(text(next_due(every(30s), utc(2026, 12, 3, 10, 0, 1), paris())) == "2026-12-03 10:00:30");
}

TEST_CASE("every: the autumn change repeats the local hour, the spring change skips it") {
    // Autumn: local 02:00 comes twice (00:00 and 01:00 UTC); each hour of real time is a period.
    std::vector<std::string> got;
    for (SysSeconds t = utc(2026, 10, 24, 23, 30); got.size() < 4;) {
        t = next_due(every(1h), t, paris());
        got.push_back(text(t));
        CHECK(period_ending_at(every(1h), t, paris()).start == t - 1h);
    }
    CHECK(got == std::vector<std::string>{"2026-10-25 00:00:00", "2026-10-25 01:00:00",
                                          "2026-10-25 02:00:00", "2026-10-25 03:00:00"});
    // Spring: local 02:00 does not exist; 01:00 UTC is local 03:00.
    got.clear();
    for (SysSeconds t = utc(2026, 3, 28, 23, 30); got.size() < 3;) {
        t = next_due(every(1h), t, paris());
        got.push_back(text(t));
    }
    CHECK(got == std::vector<std::string>{"2026-03-29 00:00:00", "2026-03-29 01:00:00",
                                          "2026-03-29 02:00:00"});
    // Daily files: the day of the change lasts 25 h (autumn) and 23 h (spring).
    const SysSeconds autumn_end = next_due(every(24h), utc(2026, 10, 25, 12), paris());
    CHECK(text(autumn_end) == "2026-10-25 23:00:00");
    const Period autumn = period_ending_at(every(24h), autumn_end, paris());
    CHECK(autumn.end - autumn.start == 25h);
    const Period spring =
        period_ending_at(every(24h), next_due(every(24h), utc(2026, 3, 29, 12), paris()), paris());
    CHECK(spring.end - spring.start == 23h);
}

TEST_CASE("at: a local time of day, once even when it repeats, at the gap's end when missing") {
    CHECK(text(next_due(at(6, 0), utc(2026, 12, 3, 10), paris())) == "2026-12-04 05:00:00");
    CHECK(text(next_due(at(6, 0), utc(2026, 7, 3, 1), paris())) == "2026-07-03 04:00:00");
    // 02:30 does not exist on 2026-03-29: the file is due when the clock jumps (03:00 CEST).
    CHECK(text(next_due(at(2, 30), utc(2026, 3, 28, 12), paris())) == "2026-03-29 01:00:00");
    // 02:30 happens twice on 2026-10-25: due once, at the first.
    const SysSeconds first = next_due(at(2, 30), utc(2026, 10, 24, 12), paris());
    CHECK(text(first) == "2026-10-25 00:30:00");
    CHECK(text(next_due(at(2, 30), first, paris())) == "2026-10-26 01:30:00");
    // Weekly: Thursday 2026-12-03 -> Monday 2026-12-07 06:00 local; the file covers 7 days.
    const SysSeconds monday = next_due(at(6, 0, 0u), utc(2026, 12, 3, 10), paris());
    CHECK(text(monday) == "2026-12-07 05:00:00");
    CHECK(period_ending_at(at(6, 0, 0u), monday, paris()).start == monday - 168h);
    CHECK(text(next_due(at(23, 59, 6u), utc(2026, 12, 6, 22, 58), paris())) ==
          "2026-12-06 22:59:00");
}

TEST_CASE("next and previous agree over a whole year in several zones") {
    const Schedule schedules[] = {every(30s), every(10min), every(45min), every(1h), every(24h),
                                  every(72h), every(168h),  at(0, 0),     at(2, 30), at(6, 0, 2u)};
    const char *zones[] = {"Europe/Paris", "America/New_York", "Australia/Lord_Howe", "UTC",
                           "Asia/Kathmandu"};
    for (const char *zone : zones) {
        const auto *tz = date::locate_zone(zone);
        for (const Schedule &s : schedules) {
            for (SysSeconds t = utc(2026, 1, 1, 0); t < utc(2027, 1, 1, 0); t += 7919s * 3) {
                const SysSeconds next = next_due(s, t, tz);
                const SysSeconds previous = previous_due(s, next, tz);
                CAPTURE(zone);
                CAPTURE(text(t));
                REQUIRE(next > t);
                REQUIRE(previous <= t);
                REQUIRE(next_due(s, previous, tz) == next);
                REQUIRE(next - previous <= 168h + 1h);
            }
        }
    }
}

TEST_CASE("dues_between keeps the newest within the budget and counts the rest") {
    size_t skipped = 0;
    auto dues =
        dues_between(every(10min), utc(2026, 12, 3, 0), utc(2026, 12, 3, 2), paris(), 100, skipped);
    CHECK(dues.size() == 12);
    CHECK(skipped == 0);
    CHECK(text(dues.front()) == "2026-12-03 00:10:00");
    CHECK(text(dues.back()) == "2026-12-03 02:00:00");
    dues =
        dues_between(every(10min), utc(2026, 12, 3, 0), utc(2026, 12, 3, 2), paris(), 5, skipped);
    CHECK(dues.size() == 5);
    CHECK(skipped == 7);
    CHECK(text(dues.front()) == "2026-12-03 01:20:00");
}

TEST_CASE("a schedule without period or time is never due") {
    size_t skipped = 0;
    CHECK(next_due(every(0s), utc(2026, 12, 3, 10), paris()) == SysSeconds::max());
    CHECK(next_due(at(25, 0), utc(2026, 12, 3, 10), paris()) == SysSeconds::max());
    CHECK(dues_between(every(0s), utc(2026, 12, 3, 0), utc(2026, 12, 4, 0), paris(), 10, skipped)
              .empty());
}
