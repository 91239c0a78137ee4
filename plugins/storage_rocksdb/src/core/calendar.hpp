// Bucket boundaries in UTC seconds: hours UTC-aligned, days/weeks/months in the site's zone
// (so a local day lasts 23 or 25 hours on DST changes; weeks start on Monday).
#pragma once

#include <cstdint>
#include <string>

namespace date {
class time_zone;
}

namespace gs::store {

struct Span {
    int64_t start_s = 0;
    int64_t end_s = 0;
    bool contains(int64_t ts_s) const { return ts_s >= start_s && ts_s < end_s; }
};

inline int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline int64_t ns_to_s_floor(int64_t ns) {
    return floor_div(ns, 1'000'000'000);
}
constexpr int64_t kNsPerS = 1'000'000'000;

class Calendar {
public:
    // Throws std::runtime_error if the zone is unknown to the system tzdata.
    explicit Calendar(const std::string &zone_name);

    static Span fixed(int64_t ts_s, int64_t width_s) {
        int64_t start = floor_div(ts_s, width_s) * width_s;
        return {start, start + width_s};
    }
    Span hour(int64_t ts_s) const { return fixed(ts_s, 3600); }
    Span day(int64_t ts_s) const;
    Span week(int64_t ts_s) const;
    Span month(int64_t ts_s) const;

private:
    const date::time_zone *zone_;
};

} // namespace gs::store
