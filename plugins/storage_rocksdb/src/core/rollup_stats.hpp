// Aggregate of one series over one bucket (min, max, sum/count, last, counter delta), updated
// value by value at ingest and stored compactly (scaled integers when values are decimal).
#pragma once

#include "types.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace gs::store {

constexpr int64_t kNoBucket = std::numeric_limits<int64_t>::min();

struct RollupStats {
    int64_t start_s = kNoBucket;
    uint32_t count = 0;
    uint32_t bad_count = 0;
    double min = 0, max = 0, sum = 0, last = 0;
    int64_t min_ts_ns = 0, max_ts_ns = 0, last_ts_ns = 0;
    double delta = 0; // counters: sum of the deltas of the readings in the bucket

    // Counters: the bucket's first good reading that follows another one (its time, the time of
    // the reading before it and the delta between them). Consumption queries interpolate the
    // index at bucket boundaries from it (store_consumption.cpp). kNoFirst: none.
    static constexpr int64_t kNoFirst = std::numeric_limits<int64_t>::max();
    int64_t first_ts_ns = kNoFirst;
    int64_t first_prev_ts_ns = 0;
    double first_delta = 0;

    // Back to the defaults above for a bucket at `start`, field by field (the decoders' hot
    // loop: a whole-struct initialisation compiled to a slow `rep stos`). Keep it in step with
    // the fields.
    void reset(int64_t start) {
        start_s = start;
        count = bad_count = 0;
        min = max = sum = last = 0;
        min_ts_ns = max_ts_ns = last_ts_ns = 0;
        delta = 0;
        first_ts_ns = kNoFirst;
        first_prev_ts_ns = 0;
        first_delta = 0;
    }

    bool open() const { return start_s != kNoBucket; }
    bool has_first() const { return first_ts_ns != kNoFirst; }
    void add_good(double v, int64_t ts_ns);
    void add_bad() { ++bad_count; }
    // Keeps the earliest reading; for the same reading, the latest previous one (a backfilled
    // reading in between only moves the previous reading later). Order-independent.
    void note_first(int64_t ts_ns, int64_t prev_ts_ns, double delta);
    void merge(const RollupStats &other); // same bucket
};

// A chunk: consecutive buckets of one series and level in one record. Each bucket is coded
// against the previous one (start delta, and when the decimal scales repeat, value deltas).
// `bucket_width_s` (nominal) sets the unit of the in-bucket timestamps (about width / 128).
void encode_rollup_chunk(const RollupStats *buckets, size_t n, int64_t bucket_width_s,
                         std::string &out);
void decode_rollup_chunk(std::string_view data, std::vector<RollupStats> &out); // appends

// What a reader takes from a chunk. Buckets outside [from_s, to_s) and the fields a reader
// does not need are stepped over, not converted (the whole chunk is still parsed: buckets are
// coded against each other).
struct RollupFilter {
    int64_t from_s = std::numeric_limits<int64_t>::min();
    int64_t to_s = std::numeric_limits<int64_t>::max();
    // Only start, count, bad_count, min, max and sum (the History API's needs); the other
    // fields keep their defaults.
    bool values_only = false;
    // When set (and not values_only): the good bucket before from_s with the latest last reading is
    // kept here (all fields), if later than the one it holds (a counter's last reading before a
    // range).
    RollupStats *before = nullptr;
};
void decode_rollup_chunk(std::string_view data, std::vector<RollupStats> &out,
                         const RollupFilter &filter); // appends

RollupBucket to_bucket(const RollupStats &s, int64_t end_s);

} // namespace gs::store
