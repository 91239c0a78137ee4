// Private state of Store, shared by the store_*.cpp files (one job each).
#pragma once

#include "calendar.hpp"
#include "db.hpp"
#include "record_codec.hpp"
#include "series_runtime.hpp"
#include "store.hpp"

#include <rocksdb/write_batch.h>

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace gs::store {

struct SourceState {
    uint32_t id = 0;
    std::string name;
    // Layout of the last batch, to map values to series ids without hashing each name.
    std::vector<std::pair<uint32_t, std::string>> layout_keys;
    std::vector<SeriesId> layout_ids;
    int64_t chain_window_s = kNoBucket; // raw window of `chain`
    ChainState chain;
};

struct Store::Impl {
    Options options;
    std::unique_ptr<Db> db;
    Calendar calendar;
    int64_t window_s = 3600;
    bool read_only = false;

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
    void require_writable() const;
    const SeriesRuntime &runtime(SeriesId id) const;
    uint64_t oldest_journal_seq() const;

    rocksdb::ColumnFamilyHandle *cf(Cf c) const { return db->cf(c); }
};

std::string series_key(const std::string &source, uint32_t circuit, const std::string &data);
int64_t window_start(int64_t ts_s, int64_t window_s);

} // namespace gs::store
