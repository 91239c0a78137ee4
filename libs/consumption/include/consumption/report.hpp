// The JSON of a consumption answer, the same for `gridscope query --consumption --hierarchy`
// and GET /api/v1/consumption (docs/consumption.md):
//   [{"start": "2026-03-29T00:00:00+01:00", "end": ..., "value": 1234,
//     "parts": [{"name": "m1/1", "kind": "load", "value": 1000}, ...]}, ...]
// Times in the site's time zone with their offset; whole values are written as integers.
#pragma once

#include "consumption/breakdown.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace gs::consumption {

// The consumption data of a load: the active energy imported, as `gridscope query --consumption
// --circuit` reads it.
inline constexpr const char *kConsumptionData = "IEaPInst";

// Bucket bounds, UTC nanoseconds, as the storage's consumption query reports them.
struct BucketBounds {
    std::vector<int64_t> starts;
    std::vector<int64_t> ends;
    size_t size() const { return starts.size(); }
};

// Each load's consumption per bucket, as read from a store (from_storage.hpp).
struct LoadReading {
    int status = 0; // a gs_status: the first failing call's (0 = GS_OK)
    BucketBounds bounds;
    LoadValues values; // loads without a stored series are left out (they count 0)
};

// "2026-03-29T03:00:00+02:00": `ts_utc_ns` in the IANA zone `timezone`.
// Throws std::runtime_error for an unknown zone.
std::string local_iso(int64_t ts_utc_ns, const std::string &timezone);

// A number as JSON: an integer when the value is whole (and exactly representable).
nlohmann::json number(double value);

nlohmann::json report_json(const BucketBounds &bounds, const std::vector<BucketBreakdown> &buckets,
                           const std::string &timezone);

} // namespace gs::consumption
