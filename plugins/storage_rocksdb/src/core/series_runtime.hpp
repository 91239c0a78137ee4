// In-memory state of one series: identity, latest value, counter tracking and the open bucket
// of every rollup level. Updated by append() and rebuilt on open (checkpoint + journal replay).
#pragma once

#include "calendar.hpp"
#include "counter.hpp"
#include "rollup_stats.hpp"
#include "types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gs::store {

// Buckets shared by every value of a batch (they only depend on the timestamp).
struct BatchBuckets {
    Span hour, day, month;
};

// Receives values older than the open bucket of a level; replay passes no sink (the fragment
// was written with the original batch).
class RollupSink {
public:
    virtual ~RollupSink() = default;
    // `fragment` holds only the late value; readers merge it with the stored bucket.
    virtual void late(RollupLevel level, SeriesId series, const RollupStats &fragment) = 0;
};

// The neighbours of the last backfilled counter reading (no reading lies between them), so
// that a backfill in time order does not search the raw records for every reading.
struct BackfillHint {
    bool valid = false;
    Point prev, next;
};

struct SeriesRuntime {
    SeriesInfo info;
    std::optional<Point> last;
    CounterState counter;
    RollupStats open[kRollupLevels];
    // Closed buckets not yet on disk: written as one chunk per level at the next checkpoint
    // (a crash rebuilds them by replaying the journal since that checkpoint).
    std::vector<RollupStats> pending[kRollupLevels];
    bool dirty = false;    // changed since the last checkpoint
    BackfillHint backfill; // in memory only
};

// Applies one value. Counter deltas go to the bucket of the later reading, which also notes
// it as a first-reading candidate (RollupStats::note_first). Closed buckets are appended to
// `pending` (and counted in *pending_count). Returns a counter event when the counter went
// down. A counter reading older than the last one gets no delta here: Store::append corrects
// the deltas around it (store_backfill.cpp). `tally` (optional) collects the buckets changed.
std::optional<CounterEvent> apply_value(SeriesRuntime &rt, double rollover_fraction, int64_t ts_ns,
                                        double value, uint8_t quality, const BatchBuckets &buckets,
                                        RollupSink *sink, uint64_t *pending_count,
                                        BucketTally *tally = nullptr);

// The start of the bucket of `level` holding ts_s.
int64_t bucket_start(const Calendar &calendar, RollupLevel level, int32_t period_s, int64_t ts_s);

// Span of the bucket of `level` that starts at `start_s` (for the end of stored buckets).
Span bucket_span(const Calendar &calendar, RollupLevel level, int32_t period_s, int64_t start_s);

// Static part (series column family) and dynamic part (checkpoint) of a runtime.
void encode_series_spec(const SeriesInfo &info, std::string &out);
SeriesInfo decode_series_spec(SeriesId id, std::string_view data);
void encode_checkpoint(const SeriesRuntime &rt, std::string &out);
void decode_checkpoint(SeriesRuntime &rt, std::string_view data);

} // namespace gs::store
