#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "time_text/time_text.hpp"

#include <doctest/doctest.h>

using gs::time_text::format_utc;
using gs::time_text::parse_iso;

constexpr int64_t kS = 1'000'000'000;

TEST_CASE("format_utc: milliseconds, rounded down, Z") {
    CHECK(format_utc(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_utc(int64_t(1774742400) * kS + 250'999'999) == "2026-03-29T00:00:00.250Z");
}

TEST_CASE("parse_iso reads what format_utc writes, and offsets") {
    const int64_t t = int64_t(1774742400) * kS + 250'000'000;
    CHECK(parse_iso(format_utc(t)) == t);
    CHECK(parse_iso("2026-03-29T01:00:00.25+01:00") == t);
    CHECK_FALSE(parse_iso("2026-03-29T00:00:00"));  // no offset: ambiguous
    CHECK_FALSE(parse_iso("2026-02-29T00:00:00Z")); // not a leap year
    CHECK_FALSE(parse_iso("1600-01-01T00:00:00Z")); // outside int64 nanoseconds
}
