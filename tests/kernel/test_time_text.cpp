// Command-line times: ISO 8601 in, UTC and local (with offset) out, across DST changes.
#include "cli/time_text.hpp"

#include <doctest/doctest.h>

using namespace gs::kernel;

TEST_CASE("ISO 8601 times parse with Z, offsets, fractions and bare local dates") {
    const int64_t s = 1'000'000'000;
    CHECK(parse_time("2026-03-29T00:00:00Z", "UTC") == 1774742400LL * s);
    CHECK(parse_time("2026-03-29T01:00:00+01:00", "UTC") == 1774742400LL * s);
    CHECK(parse_time("2026-03-29T00:00:00.5Z", "UTC") == 1774742400LL * s + s / 2);
    CHECK(parse_time("2026-03-29", "Europe/Paris") == (1774742400LL - 3600) * s);
    CHECK_FALSE(parse_time("yesterday", "UTC"));
    CHECK_FALSE(parse_time("2026-03-29T00:00:00", "UTC")); // no zone: ambiguous, refused
}

TEST_CASE("local times carry the offset in force, which changes at DST") {
    const int64_t s = 1'000'000'000;
    CHECK(format_utc(1774742400LL * s) == "2026-03-29T00:00:00.000Z");
    CHECK(format_local(1774742400LL * s, "Europe/Paris") == "2026-03-29T01:00:00+01:00");
    CHECK(format_local((1774742400LL + 3 * 3600) * s, "Europe/Paris") ==
          "2026-03-29T05:00:00+02:00");
    CHECK(format_local(1792886400LL * s, "Europe/Paris") == "2026-10-25T02:00:00+02:00");
}
