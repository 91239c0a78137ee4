// GET /api/v1/history (docs/api.md, issue 13): the checks of its query, the ISO 8601 times it
// takes, the source of the data (filled by storage_history.cpp from the storage's query service)
// and the JSON of its answer. Free of CivetWeb and of the SDK.
#ifndef GS_UI_WEB_HISTORY_HPP
#define GS_UI_WEB_HISTORY_HPP

#include "text.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gs::ui {

constexpr size_t kMaxHistorySeries = 50;      // ids per request
constexpr uint32_t kMaxHistoryPoints = 10000; // points=N is 1..this

// What a stored series measures.
struct SeriesName {
    std::string source;
    uint32_t circuit = 0;
    std::string data;
};

// One bucket: its start (or a raw value's time) and the min, max and mean of its values.
struct HistoryPoint {
    int64_t start_utc_ns = 0;
    double min = 0, max = 0, avg = 0;
};

struct HistoryOutcome {
    int status = 0;                                // a gs_status (GS_OK when read)
    std::vector<std::vector<HistoryPoint>> series; // one per requested id, in request order
};

// The storage's side. Empty functions, or available() false: no storage service (503).
struct HistorySource {
    std::function<bool()> available;
    // The series with this id, nullopt if the store has none.
    std::function<std::optional<SeriesName>(uint64_t id)> series;
    std::function<HistoryOutcome(const std::vector<uint64_t> &ids, int64_t from_utc_ns,
                                 int64_t to_utc_ns, uint32_t points)>
        history;
};

struct HistoryRequest {
    std::vector<uint64_t> ids;
    int64_t from_utc_ns = 0, to_utc_ns = 0;
    uint32_t points = 0;
};

// An ISO 8601 time with an explicit offset, as libs/time_text reads it (time_text::parse_iso).
std::optional<int64_t> parse_iso_time(std::string_view text);

// The query's `from` and `to` (both required, ISO 8601 with an offset, to after from), or the
// reason they are refused (the 400's message). Shared with GET /api/v1/consumption.
std::optional<std::string> parse_time_range(const Query &query, int64_t &from_utc_ns,
                                            int64_t &to_utc_ns);

// The checked query (series, from, to, points), or the reason it is refused (the 400's message).
std::variant<HistoryRequest, std::string> parse_history_request(const Query &query);

// Appends {"id", "source", "circuit", "data", "unit", "points": [[t_ms, min, max, avg], ...]} to
// `out`, t_ms the bucket start in milliseconds since the epoch (rounded down). Written straight
// as text (a year of 10 series is ~0.4 MB: no JSON tree, one buffer), byte for byte what
// json_text() makes of the same document: keys in nlohmann's order, numbers as it writes them.
void append_history_series(std::string &out, uint64_t id, const SeriesName &name,
                           const std::string &unit, const std::vector<HistoryPoint> &points);

} // namespace gs::ui

#endif
