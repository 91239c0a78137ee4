// The series a store holds (GET /api/v1/history/series, for the Trends page: which series id
// is which source, circuit and data). The storage side reads the query service's list_series
// (gridscope.storage.query/1); the API side is SDK-free and takes the function.
#ifndef GS_UI_WEB_STORED_SERIES_HPP
#define GS_UI_WEB_STORED_SERIES_HPP

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

struct gs_storage_query_v1;

namespace gs::ui {

struct StoredSeries {
    uint64_t id = 0;
    std::string source;
    uint32_t circuit = 0;
    std::string data;
    uint64_t count = 0;                     // raw values stored
    int64_t from_utc_ns = 0, to_utc_ns = 0; // first and last raw value
};

// Every stored series; nullopt when no storage answers (then the API says 503).
using StoredSeriesList = std::function<std::optional<std::vector<StoredSeries>>()>;

// `lookup` is asked for the service at each call (nullptr: no storage plugin runs).
StoredSeriesList storage_series_list(std::function<const gs_storage_query_v1 *()> lookup);

} // namespace gs::ui

#endif
