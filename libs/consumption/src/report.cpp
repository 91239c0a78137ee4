#include "consumption/report.hpp"

// GCC 12 at -O2 warns, falsely, of an uninitialised variable inside date.h (as in
// kernel/src/cli/time_text.cpp); the header is third-party, silenced for this file only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/tz.h>
#pragma GCC diagnostic pop

#include <chrono>
#include <cmath>

namespace gs::consumption {

std::string local_iso(int64_t ts_utc_ns, const std::string &timezone) {
    using namespace std::chrono;
    date::sys_seconds tp{duration_cast<seconds>(nanoseconds(ts_utc_ns))};
    return date::format("%FT%T%Ez", date::make_zoned(date::locate_zone(timezone), tp));
}

nlohmann::json number(double value) {
    if (std::isfinite(value) && std::fabs(value) < 9007199254740992.0 && value == std::trunc(value))
        return static_cast<int64_t>(value);
    return value;
}

nlohmann::json report_json(const BucketBounds &bounds, const std::vector<BucketBreakdown> &buckets,
                           const std::string &timezone) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t b = 0; b < buckets.size() && b < bounds.size(); ++b) {
        nlohmann::json parts = nlohmann::json::array();
        for (const Part &p : buckets[b].parts)
            parts.push_back(
                {{"name", p.name}, {"kind", kind_name(p.kind)}, {"value", number(p.value)}});
        out.push_back({{"start", local_iso(bounds.starts[b], timezone)},
                       {"end", local_iso(bounds.ends[b], timezone)},
                       {"value", number(buckets[b].value)},
                       {"parts", std::move(parts)}});
    }
    return out;
}

} // namespace gs::consumption
