// "2026-03-29T00:00:00+01:00" (as `gridscope query` prints bucket bounds) -> UTC nanoseconds,
// for the end-to-end tests that read those bounds back.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace gs::test {

inline int64_t utc_ns_of(const std::string &iso) {
    std::tm tm{};
    int oh = 0, om = 0;
    char sign = '+';
    REQUIRE(std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &tm.tm_year, &tm.tm_mon,
                        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &sign, &oh, &om) == 9);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t offset = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
    return (static_cast<int64_t>(timegm(&tm)) - offset) * 1'000'000'000;
}

} // namespace gs::test
