// Private state of Store, shared by the store_*.cpp files (one job each).
#pragma once

#include "calendar.hpp"
#include "db.hpp"
#include "record_codec.hpp"
#include "series_runtime.hpp"
#include "store.hpp"

#include <rocksdb/write_batch.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace gs::store {

struct SourceState {
    uint32_t id = 0;
    std::string name;
    // Layout of the last batch, to map values to series ids without hashing each name.
    std::vector<std::pair<uint32_t, std::string>> layout_keys;
    std::vector<SeriesId> layout_ids;
    int64_t chain_window_s = kNoBucket; // start of `chain` (its raw key window)
    int64_t chain_span_s = 0;           // time `chain` covers from chain_window_s
    int64_t chains_end_s = kNoBucket;   // largest end of the chains started by this process
    int64_t last_ts_ns = 0;             // newest batch (polling interval estimate)
    ChainState chain;
};

// (level, series, partition) of rollup partitions holding late-value fragments.
using FragmentedPartitions = std::set<std::tuple<int, SeriesId, int64_t>>;

struct Store::Impl {
    Options options;
    std::unique_ptr<Db> db;
    Calendar calendar;
    int64_t window_s = 3600;
    bool read_only = false;
    // Set by Store::interrupt(): maintain() returns after the raw window it is on.
    std::atomic<bool> interrupted{false};

    mutable std::mutex mu; // guards everything below
    bool poisoned = false;
    std::vector<SeriesRuntime> series; // indexed by id; [0] unused
    std::unordered_map<std::string, SeriesId> series_by_key;
    std::vector<SourceState> sources; // indexed by id; [0] unused
    std::unordered_map<std::string, uint32_t> source_ids;
    std::map<std::string, uint64_t> cursors;
    uint64_t next_seq = 1;
    uint64_t checkpoint_seq = 0;
    uint64_t values_since_checkpoint = 0;
    uint64_t pending_buckets = 0; // closed rollup buckets waiting for the next checkpoint
    uint64_t values_appended = 0;
    // Written since the last consolidation (in memory: after a crash the fragments stay, and
    // readers merge them as always).
    FragmentedPartitions fragmented;
    uint64_t fragments_consolidated = 0;
    // Raw windows below this were considered for column blocks (kNoBucket: not loaded yet).
    int64_t blocks_until_s = kNoBucket;

    RecordEncoder encoder;
    rocksdb::WriteBatch batch;
    std::string record;
    std::vector<double> values;
    std::vector<uint8_t> qualities;
    BatchBuckets cached_buckets;
    bool has_cached_buckets = false;

    Impl(const Options &o, std::unique_ptr<Db> d, bool ro);

    // All below: caller holds `mu`.
    void load_state();
    void replay_after(uint64_t seq);
    BatchBuckets buckets_for(int64_t ts_s);
    SeriesId intern_series(const SeriesSpec &spec, rocksdb::WriteBatch *wb);
    uint32_t intern_source(const std::string &name, rocksdb::WriteBatch *wb);
    const std::vector<SeriesId> &resolve_layout(SourceState &src, const Batch &b,
                                                rocksdb::WriteBatch *wb);
    void put_checkpoint(rocksdb::WriteBatch &wb, uint64_t seq);
    void write(rocksdb::WriteBatch &wb);
    // Puts `buckets` (sorted) of one series and level as one chunk per rollup partition, so
    // that retention drops partitions whole; `seq` makes the chunk keys unique.
    void put_rollup_chunks(rocksdb::WriteBatch &wb, RollupLevel level, const SeriesInfo &info,
                           const std::vector<RollupStats> &buckets, uint64_t seq) const;
    // Merges the late-value fragments of the partitions in `fragmented` into their chunks, so
    // that a big backfill does not leave readers one fragment per value (store_maintenance.cpp).
    void consolidate_fragments();
    void require_writable() const;
    const SeriesRuntime &runtime(SeriesId id) const;
    uint64_t oldest_journal_seq() const;

    rocksdb::ColumnFamilyHandle *cf(Cf c) const { return db->cf(c); }
};

std::string series_key(const std::string &source, uint32_t circuit, const std::string &data);
int64_t window_start(int64_t ts_s, int64_t window_s);

// Chains of sparse sources cover several raw windows (so that a chain holds about
// kPollsPerChain polls: fewer keyframes), at most a day; their key window is the chain start,
// aligned to the span. Readers start kMaxChainSpanS before a range.
constexpr int64_t kPollsPerChain = 256;
constexpr int64_t kMaxChainSpanS = 86400;
// The span of a new chain for a batch at ts_s given the source's polling interval (0 =
// unknown): the largest multiple of window_s dividing a day, not above kPollsPerChain polls,
// whose aligned start is not before `not_before_s` (the end of the previous chain).
int64_t chain_span(int64_t ts_s, int64_t interval_s, int64_t window_s, int64_t not_before_s);

// Period and hour levels whose buckets divide the raw window can be left unstored: a
// checkpoint does not write them when they condense fewer than kMinValuesPerStoredBucket
// values per bucket (sparse polling), readers derive them from the raw records, and
// maintain() stores them before it drops those raw records. Returns the bucket width, or 0.
constexpr uint64_t kMinValuesPerStoredBucket = 32;
int64_t derivable_width_s(RollupLevel level, int32_t period_s, int64_t window_s);

struct SeriesLookup {
    uint32_t source = 0;
    SeriesInfo info;                  // info.history_period_s is the period level's width
    std::vector<RollupStats> unsaved; // pending + open buckets of the requested level
};
// Caller holds `mu`.
SeriesLookup lookup(const Store::Impl &m, SeriesId id,
                    std::optional<RollupLevel> level = std::nullopt);
// How a query reads rollups: one iterator for all its series (an iterator costs more to
// create than a seek), and only the fields it needs.
struct RollupRead {
    rocksdb::Iterator *it = nullptr; // over Cf::rollup (rollup_iterator); null: one of its own
    // Only start, count, bad_count, min, max and sum are read (history): the other fields,
    // and the counter state of derived buckets, are left out.
    bool values_only = false;
    // When given: its storage is taken for the answer (a reader of many series gives each
    // answer back here, so the buckets of a long range are not allocated again for each).
    std::vector<RollupStats> *reuse = nullptr;
};
std::unique_ptr<rocksdb::Iterator> rollup_iterator(const Store::Impl &m);
// Stored, unsaved and derived buckets (see store_query.cpp). No lock needed.
std::vector<RollupStats> read_rollup_stats(const Store::Impl &m, SeriesId id, RollupLevel level,
                                           const SeriesLookup &s, int64_t from_ns, int64_t to_ns,
                                           std::vector<RollupStats> *derived = nullptr,
                                           const RollupRead &how = {});

// Writes the column blocks of the raw windows whose chains all ended by now_s, oldest first,
// from where the last pass stopped (store_blocks.cpp). Caller holds `lock` (on m.mu); it is
// released between windows.
void build_column_blocks(Store::Impl &m, int64_t now_s, std::unique_lock<std::mutex> &lock);

// Corrects the counter deltas around a good reading older than the series' newest one
// (store_backfill.cpp). Caller holds `mu`; the batch's own record is not written yet.
void backfill_counter(Store::Impl &m, SeriesRuntime &rt, uint32_t source, int64_t ts_ns,
                      double value, RollupSink &sink, BucketTally *tally,
                      std::vector<CounterEvent> &events);

// The part of `delta` (an interval of whole_ns) that falls in its first part_ns, floored to a
// whole `unit` (1 when unit <= 0): exact integer arithmetic when delta is a whole number of
// units, so the parts of one interval at successive boundaries telescope.
double interval_share(double delta, int64_t part_ns, int64_t whole_ns, double unit);
// A(b): the part before `boundary_ns` of the interval of `first`'s first reading (0 when none).
double index_share_before(const RollupStats *first, int64_t boundary_ns, double unit);

} // namespace gs::store
