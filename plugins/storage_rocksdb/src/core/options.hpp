// Store configuration. Durations in seconds; 0 retention = keep forever.
#pragma once

#include <cstdint>
#include <string>

namespace gs::store {

struct Options {
    // IANA zone of the site (system tzdata): day, week and month buckets follow it.
    std::string time_zone = "UTC";

    // Raw records are grouped in UTC-aligned windows of this size (key prefix, retention unit,
    // decoding unit). Fixed when the store is created; later values are ignored.
    int64_t raw_window_s = 3600;

    int64_t raw_retention_s = 90 * 86400;
    int64_t period_retention_s = 2 * 366 * 86400;
    int64_t hour_retention_s = 3 * 366 * 86400;
    int64_t day_retention_s = 0;
    int64_t month_retention_s = 0;
    int64_t event_retention_s = 2 * 366 * 86400;

    // Upper bound for raw data + journal on disk. Past it, maintain() drops the oldest raw
    // windows even if a cursor has not read them, and reports a JournalOverflow.
    uint64_t journal_budget_bytes = 4ull << 30;

    // A counter drop from above (1 - rollover_fraction) * counter_max is a rollover.
    double rollover_fraction = 0.1;

    // Checkpoints write the closed rollup buckets (one compact chunk per series and level) and
    // the open ones. They happen after this many appended values or this many closed buckets,
    // whichever comes first; a crash replays at most that much of the journal when reopening.
    // Rarer checkpoints mean bigger chunks (fewer bytes written) and a longer replay.
    uint64_t checkpoint_every_values = 20'000'000;
    uint64_t checkpoint_every_buckets = 200'000;

    // Durability: every append() goes through the RocksDB WAL, so an acknowledged append
    // survives a process crash (SIGKILL). `sync_writes` also fsyncs the WAL per append, which is
    // needed to survive power loss or a kernel crash.
    bool sync_writes = false;

    // RocksDB sizing for a small edge box.
    uint64_t memtable_bytes = 32ull << 20;
    int background_jobs = 2;
    bool collect_statistics = false;
};

} // namespace gs::store
