// Reads each load's consumption per bucket from the storage's query service
// (gridscope.storage.query/1, sdk/include/gridscope/services/storage.h): the bucket rule of
// docs/consumption.md, applied by the store. Header-only so that the library itself stays free
// of the SDK: include it where the SDK is at hand (the CLI, ui_web).
#pragma once

#include "consumption/breakdown.hpp"
#include "consumption/report.hpp"

#include <gridscope/services/storage.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace gs::consumption {

// The store's series of a load "SOURCE/CIRCUIT", 0 when it has none (nothing stored yet).
inline uint64_t series_of(const gs_storage_query_v1 &q, const std::string &load) {
    auto slash = load.rfind('/');
    if (slash == std::string::npos) return 0;
    char *end = nullptr;
    unsigned long k = std::strtoul(load.c_str() + slash + 1, &end, 10);
    if (end == load.c_str() + slash + 1 || *end || k == 0 || k > UINT32_MAX) return 0;
    uint64_t id = 0;
    if (q.find_series(q.context, load.substr(0, slash).c_str(), static_cast<uint32_t>(k),
                      kConsumptionData, &id) != GS_OK)
        return 0;
    return id;
}

// Every bucket of [bucket containing from, to) and each load's consumption in it.
inline LoadReading read_loads(const gs_storage_query_v1 &q, const std::vector<std::string> &loads,
                              int32_t step, int64_t from_utc_ns, int64_t to_utc_ns) {
    LoadReading out;
    struct Sink {
        BucketBounds *bounds;
        std::vector<double> *values;
    };
    auto on_bucket = [](void *payload, int64_t start, int64_t end, double value) -> gs_status {
        auto *sink = static_cast<Sink *>(payload);
        if (sink->bounds) {
            sink->bounds->starts.push_back(start);
            sink->bounds->ends.push_back(end);
        }
        if (sink->values) sink->values->push_back(value);
        return GS_OK;
    };
    // The bounds alone: a query over no series still lists the buckets.
    Sink bounds{&out.bounds, nullptr};
    out.status =
        q.consumption(q.context, nullptr, 0, step, from_utc_ns, to_utc_ns, on_bucket, &bounds);
    for (const std::string &load : loads) {
        if (out.status != GS_OK) break;
        uint64_t id = series_of(q, load);
        if (id == 0) continue;
        std::vector<double> &values = out.values[load];
        Sink sink{nullptr, &values};
        out.status =
            q.consumption(q.context, &id, 1, step, from_utc_ns, to_utc_ns, on_bucket, &sink);
    }
    return out;
}

} // namespace gs::consumption
