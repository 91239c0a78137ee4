// gs::store::Store — the RocksDB time-series store behind the storage_rocksdb plugin.
//
// Threads: every member is safe to call from any thread; appends are serialised internally.
// Errors: failures throw StoreError (the plugin glue turns them into status codes).
// Durability: append() returns after the batch (raw record, journal entry, rollup changes)
// went into the RocksDB WAL in one atomic WriteBatch, so it survives a process crash
// (SIGKILL). Options::sync_writes also fsyncs each append to survive a power loss.
// After a failed append the store refuses further appends; reopen it.
#pragma once

#include "options.hpp"
#include "types.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gs::store {

struct StoreStats {
    uint64_t live_sst_bytes = 0;    // on-disk table files (after compaction: the data size)
    uint64_t wal_bytes = 0;         // WAL files currently on disk
    uint64_t raw_sst_bytes = 0;     // raw column family only
    uint64_t bytes_written = 0;     // WAL + flush + compaction writes (needs collect_statistics)
    uint64_t wal_bytes_written = 0; // (needs collect_statistics)
    uint64_t flush_bytes_written = 0;
    uint64_t compaction_bytes_written = 0;
    uint64_t stall_micros = 0;           // time appends waited for compactions
    uint64_t values_appended = 0;        // by this process
    uint64_t fragments_consolidated = 0; // late-value fragments merged into chunks, this process
    std::vector<std::pair<std::string, uint64_t>> sst_bytes_by_family;
};

class Store {
public:
    // Opens or creates a store in `dir`. Throws StoreError.
    static std::unique_ptr<Store> open(const std::string &dir, const Options &options = {});
    // Opens a store that another process may be writing, as a RocksDB secondary instance: a
    // consistent view as of the call (or of the last catch_up()). Writes throw.
    static std::unique_ptr<Store> open_read_only(const std::string &dir,
                                                 const Options &options = {});

    ~Store(); // checkpoints open buckets (read-write) and closes
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    bool read_only() const;
    // Read-only stores: follow the primary's newest writes.
    void catch_up();

    // --- series ---
    // Creates the series or returns the existing id (kind, period and counter limits are
    // fixed at creation; a later declaration with other values throws).
    SeriesId declare_series(const SeriesSpec &spec);
    std::optional<SeriesId> find_series(const std::string &source, uint32_t circuit,
                                        const std::string &data) const;
    std::vector<SeriesInfo> list_series() const;

    // --- writes ---
    // Appends one device poll. Unknown series are created as gauges. Returns the journal
    // sequence number and the counter resets/rollovers it detected (publish them as events).
    // A poll older than stored data (backfill) updates every rollup it touches, counter
    // consumption included. `tally` (optional) collects the rollup buckets changed.
    AppendResult append(const Batch &batch, BucketTally *tally = nullptr);

    // --- time-series reads (timestamps: UTC ns, ranges [from, to)) ---
    std::vector<Latest> latest(const std::vector<SeriesId> &series) const;
    std::vector<Point> range(SeriesId series, int64_t from_utc_ns, int64_t to_utc_ns) const;
    // One vector per requested series; series of the same source are decoded together.
    std::vector<std::vector<Point>> range(const std::vector<SeriesId> &series, int64_t from_utc_ns,
                                          int64_t to_utc_ns) const;
    // At most `max_points` points keeping each pixel bucket's min and max (good values only).
    // Long ranges are served from the coarsest rollup level finer than a pixel.
    std::vector<Point> downsample(SeriesId series, int64_t from_utc_ns, int64_t to_utc_ns,
                                  size_t max_points) const;
    // At most `max_points` (>= 1) buckets per series over [from, to), in time order, with the
    // exact min, max and average of the good values in each; raw values (width 0) when the
    // range holds at most max_points of them. Series of one source are read in one pass.
    // Buckets of whole rollup buckets (hour, else history period) serve ranges where a bucket
    // is at least that wide: the grid is then aligned to that level and may reach outside
    // [from, to) (HistorySeries::from_utc_ns/to_utc_ns). Otherwise raw records serve, on a
    // grid from `from` (store_history.cpp).
    std::vector<HistorySeries> history(const std::vector<SeriesId> &series, int64_t from_utc_ns,
                                       int64_t to_utc_ns, size_t max_points) const;
    // Buckets of `level` whose start lies in [bucket containing from, to), including the open one.
    // Their `delta` is the sum of the deltas of the readings in the bucket (each from the
    // reading before); consumption() applies the boundary rule on top.
    std::vector<RollupBucket> rollups(SeriesId series, RollupLevel level, int64_t from_utc_ns,
                                      int64_t to_utc_ns) const;
    // Counter consumption per hour (UTC-aligned), local day, local Monday-week or local month,
    // for buckets whose start lies in [bucket containing from, to): index(end) - index(start),
    // the index interpolated in proportion to time between readings and floored to a whole
    // counter step (store_consumption.cpp).
    ConsumptionTable consumption(const std::vector<SeriesId> &series, ConsumptionStep step,
                                 int64_t from_utc_ns, int64_t to_utc_ns) const;

    // --- events and alarms ---
    // Stores the event (its id is ignored) and returns the id assigned.
    uint64_t append_event(const Event &event);
    // active|acknowledged -> finished. False if unknown or not active.
    bool finish_event(uint64_t id, int64_t ts_utc_ns);
    // instant|active|finished -> acknowledged (the finish time is kept). False if unknown.
    bool acknowledge_event(uint64_t id, int64_t ts_utc_ns);
    std::optional<Event> get_event(uint64_t id) const;
    std::vector<Event> query_events(const EventQuery &query) const;

    // --- journal: samples and events in sequence order, per named consumer ---
    // Creates the cursor if needed, positioned before the oldest entry still stored.
    void open_cursor(const std::string &cursor);
    // Entries after the cursor position (the cursor does not move).
    std::vector<JournalEntry> read_journal(const std::string &cursor, size_t max_entries);
    // Marks everything up to `seq` consumed; persisted.
    void commit_cursor(const std::string &cursor, uint64_t seq);
    uint64_t cursor_position(const std::string &cursor) const;
    void remove_cursor(const std::string &cursor);
    std::vector<std::string> cursors() const;
    // For monitoring (`GET /metrics`), cheap: read under the store lock, nothing from disk.
    struct Counters {
        uint64_t values_appended = 0; // by this process
        uint64_t journal_head = 0;    // sequence number of the newest entry, 0 if none
        std::vector<std::pair<std::string, uint64_t>> cursors; // name, position
    };
    Counters counters() const;

    // --- housekeeping ---
    // Applies retention and the journal budget (call it every few minutes). Returns what was
    // dropped, including unread journal entries (publish those as `journal.full`).
    MaintenanceReport maintain(int64_t now_utc_ns);
    // Makes a maintain() under way return after the raw window it is on, and later ones return
    // at once (what is done stays done: the next store resumes). Call it before closing, so a
    // stop never waits for a long first pass over an imported history.
    void interrupt();
    // Writes the open buckets now (also done on close and every checkpoint_every_values).
    void checkpoint();
    // Merges late-value fragments (backfill) into their rollup chunks; maintain() does it too.
    void consolidate();
    // Checkpoints, flushes memtables and compacts everything (benchmarks, tests, big deletions).
    void compact();
    StoreStats stats() const;

    struct Impl;

private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace gs::store
