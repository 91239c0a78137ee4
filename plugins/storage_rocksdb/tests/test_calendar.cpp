#include <doctest/doctest.h>

#include <core/calendar.hpp>

using namespace gs::store;

namespace {
// 2026-03-29T12:00:00Z etc.
constexpr int64_t kMar29Noon = 1774785600;
constexpr int64_t kOct25Noon = 1792929600;
} // namespace

TEST_CASE("local days are 23 h and 25 h on Europe/Paris DST changes") {
    Calendar paris("Europe/Paris");
    Span spring = paris.day(kMar29Noon);
    CHECK(spring.start_s == 1774738800); // 2026-03-28T23:00:00Z = local midnight (UTC+1)
    CHECK(spring.end_s - spring.start_s == 23 * 3600);
    Span autumn = paris.day(kOct25Noon);
    CHECK(autumn.start_s == 1792879200); // 2026-10-24T22:00:00Z = local midnight (UTC+2)
    CHECK(autumn.end_s - autumn.start_s == 25 * 3600);
    CHECK(paris.day(kMar29Noon - 86400).end_s == spring.start_s);
}

TEST_CASE("weeks start on local Monday, months on the local 1st") {
    Calendar paris("Europe/Paris");
    Span week = paris.week(kMar29Noon); // Sunday 2026-03-29
    CHECK(week.start_s == 1774220400);  // Monday 2026-03-23 00:00 local (UTC+1)
    CHECK(week.end_s - week.start_s == 7 * 86400 - 3600);
    Span march = paris.month(kMar29Noon);
    CHECK(march.start_s == 1772319600); // 2026-03-01 00:00 local = 2026-02-28T23:00Z
    CHECK(march.end_s == 1774994400);   // 2026-04-01 00:00 local = 2026-03-31T22:00Z
    Calendar utc("UTC");
    CHECK(utc.day(kMar29Noon).start_s == 1774742400);
    CHECK(utc.hour(kMar29Noon + 59).start_s == kMar29Noon);
    CHECK_THROWS(Calendar("Nowhere/Atlantis"));
}
