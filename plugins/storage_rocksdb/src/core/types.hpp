// Plain data types of the store's public API. No RocksDB or SDK types here.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace gs::store {

// Value qualities as stored; the byte is opaque to the store except for `good`, the only
// quality that feeds rollups and counter deltas. 0 is invalid, as everywhere in gridscope.
namespace quality {
constexpr uint8_t invalid = 0;
constexpr uint8_t good = 1;
constexpr uint8_t timeout = 2;
constexpr uint8_t exception = 3;
constexpr uint8_t disconnected = 4;
constexpr uint8_t bad_response = 5;
} // namespace quality

struct Value {
    uint32_t circuit = 0;
    std::string data;
    double value = 0;
    uint8_t quality = quality::good;
};

// One device poll: every value shares the source and the timestamp.
struct Batch {
    std::string source;
    int64_t ts_utc_ns = 0;
    std::vector<Value> values;
};

using SeriesId = uint32_t;

enum class SeriesKind : uint8_t { invalid = 0, gauge = 1, counter = 2 };

// Declared by the caller (from the device profile) before or after the first value; a series
// first seen in append() is a gauge with the default history period.
struct SeriesSpec {
    std::string source;
    uint32_t circuit = 0;
    std::string data;
    SeriesKind kind = SeriesKind::gauge;
    // Counters only: the largest value the counter can show (raw max x coefficient, e.g.
    // 4294967295 * 1000 for u32 raw with coefficient 1000) and one raw step (the coefficient).
    // A drop from within the top `Options::rollover_fraction` of counter_max is a rollover.
    double counter_max = 0;
    double counter_step = 0;
    int32_t history_period_s = 600;
};

struct SeriesInfo {
    SeriesId id = 0;
    std::string source;
    uint32_t circuit = 0;
    std::string data;
    SeriesKind kind = SeriesKind::gauge;
    double counter_max = 0;
    double counter_step = 0;
    int32_t history_period_s = 600;
    uint64_t count = 0;          // values ever appended
    int64_t first_ts_utc_ns = 0; // first value ever appended (not moved by retention)
    int64_t last_ts_utc_ns = 0;
};

struct Point {
    int64_t ts_utc_ns = 0;
    double value = 0;
    uint8_t quality = quality::good;
};

struct Latest {
    SeriesId series = 0;
    std::optional<Point> point; // empty for unknown series or series without values
};

enum class CounterEventKind : uint8_t { invalid = 0, reset = 1, rollover = 2 };

// A counter went down. The consumption counted for it is `after` for a reset (meter reset or
// replaced: restarted from zero) and counter_max - before + counter_step + after for a rollover.
struct CounterEvent {
    SeriesId series = 0;
    int64_t ts_utc_ns = 0;
    CounterEventKind kind = CounterEventKind::invalid;
    double before = 0;
    double after = 0;
};

// The rollup buckets appends changed, as (level, series, bucket start in UTC seconds): for
// reports such as `gridscope import` ("N buckets updated").
struct BucketTally {
    std::set<std::tuple<uint8_t, SeriesId, int64_t>> buckets;
};

struct AppendResult {
    uint64_t seq = 0; // journal sequence number of the batch
    std::vector<CounterEvent> counter_events;
};

// Rollup levels kept at ingest. `period` is the series' history period (UTC-aligned);
// hour is UTC-aligned; day and month follow the site's local time zone.
enum class RollupLevel : uint8_t { period = 0, hour = 1, day = 2, month = 3 };
constexpr int kRollupLevels = 4;

struct RollupBucket {
    int64_t start_utc_ns = 0;
    int64_t end_utc_ns = 0;
    uint32_t count = 0;     // good, finite values
    uint32_t bad_count = 0; // other values (bad quality or non-finite)
    double min = 0, max = 0, sum = 0, last = 0;
    int64_t min_ts_utc_ns = 0, max_ts_utc_ns = 0;
    double delta = 0; // counters: consumption attributed to this bucket
    double average() const { return count ? sum / count : 0; }
};

// One bucket of a history answer (Store::history): good, finite values only.
struct HistoryBucket {
    int64_t start_utc_ns = 0;
    double min = 0, max = 0, avg = 0;
    uint32_t count = 0; // values in the bucket (1 for a raw value)
};

// The history of one series: buckets of `width_ns` on a grid from `from_utc_ns`, each
// covering [start, min(start + width_ns, to_utc_ns)); width_ns 0 means raw values (each
// bucket one reading, min = max = avg). Buckets without values are left out (gaps).
struct HistorySeries {
    SeriesId series = 0;
    int64_t width_ns = 0;
    int64_t from_utc_ns = 0, to_utc_ns = 0; // the range the buckets cover
    std::vector<HistoryBucket> buckets;
};

enum class ConsumptionStep : uint8_t { invalid = 0, hour = 1, day = 2, week = 3, month = 4 };

// values[s * bucket_starts.size() + b] is the consumption of series[s] in bucket b.
struct ConsumptionTable {
    std::vector<SeriesId> series;
    std::vector<int64_t> bucket_starts_utc_ns;
    std::vector<int64_t> bucket_ends_utc_ns;
    std::vector<double> values;
    double at(size_t series_index, size_t bucket) const {
        return values[series_index * bucket_starts_utc_ns.size() + bucket];
    }
};

enum class EventState : uint8_t {
    invalid = 0,
    instant = 1,
    active = 2,
    finished = 3,
    acknowledged = 4
};

struct Event {
    uint64_t id = 0; // assigned by append_event (the journal sequence number)
    int64_t ts_utc_ns = 0;
    std::string type;
    std::string source;
    uint32_t circuit = 0;
    uint8_t severity = 0;
    EventState state = EventState::instant;
    std::string message;
    int64_t finished_ts_utc_ns = 0;     // 0 = not finished
    int64_t acknowledged_ts_utc_ns = 0; // 0 = not acknowledged
};

struct EventQuery {
    int64_t from_utc_ns = INT64_MIN; // inclusive
    int64_t to_utc_ns = INT64_MAX;   // exclusive
    std::optional<std::string> source;
    std::optional<std::string> type;
    std::vector<EventState> states; // empty = any
    uint8_t min_severity = 0;
    size_t limit = SIZE_MAX;
};

enum class JournalEntryKind : uint8_t { invalid = 0, samples = 1, event = 2 };

struct JournalEntry {
    uint64_t seq = 0;
    JournalEntryKind kind = JournalEntryKind::invalid;
    Batch samples; // kind == samples
    Event event;   // kind == event: the event as it was when appended or changed
};

// Entries a cursor lost because the disk budget (or retention) dropped them unread.
// The glue publishes it as a `journal.full` event.
struct JournalOverflow {
    std::string cursor;
    uint64_t lost_after_seq = 0;    // cursor position before
    uint64_t resumed_after_seq = 0; // cursor position after
};

struct MaintenanceReport {
    uint32_t raw_windows_dropped = 0;
    std::vector<JournalOverflow> overflows;
};

} // namespace gs::store

#include <stdexcept>

namespace gs::store {

// What went wrong, for code to act on (the message is for people).
enum class StoreErrc {
    failed,           // I/O error, corrupt data, anything else
    invalid_argument, // the caller's argument is out of the store's range or malformed
    unknown_series,   // no series with that id
    unknown_cursor,   // no journal cursor with that name
    read_only,        // a write on a store open read-only
    in_use,           // another process holds the store's folder (its LOCK file)
    no_store,         // opening read-only a folder that holds no store
};

// Thrown by every failing Store operation.
class StoreError : public std::runtime_error {
public:
    explicit StoreError(const std::string &message, StoreErrc code = StoreErrc::failed)
        : std::runtime_error(message), code_(code) {}
    StoreErrc code() const noexcept { return code_; }

private:
    StoreErrc code_;
};

} // namespace gs::store
