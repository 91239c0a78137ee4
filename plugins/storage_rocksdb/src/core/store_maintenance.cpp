// Retention and the journal budget. Everything is dropped by whole key ranges (raw windows,
// rollup partitions, event time ranges): DeleteFilesInRange frees whole table files at once,
// DeleteRange hides the rest until compaction removes it.
#include "keys.hpp"
#include "store_impl.hpp"

#include <rocksdb/convenience.h>

#include <algorithm>

namespace gs::store {
namespace {

void drop_range(rocksdb::DB *db, rocksdb::ColumnFamilyHandle *cf, const std::string &begin,
                const std::string &end) {
    rocksdb::Slice b(begin), e(end);
    check(rocksdb::DeleteFilesInRange(db, cf, &b, &e), "dropping table files");
    check(db->DeleteRange(rocksdb::WriteOptions(), cf, begin, end), "dropping a key range");
}

uint64_t approximate_size(rocksdb::DB *db, rocksdb::ColumnFamilyHandle *cf,
                          const std::string &begin, const std::string &end) {
    rocksdb::Range range(begin, end);
    uint64_t size = 0;
    rocksdb::SizeApproximationOptions o;
    o.include_memtables = true;
    o.include_files = true;
    db->GetApproximateSizes(o, cf, &range, 1, &size);
    return size;
}

// Highest sequence number stored in a raw window and the end of its longest chain (one
// Seek and one SeekForPrev per source; keyframes tell the span of chains longer than a window).
struct WindowInfo {
    uint64_t max_seq = 0;
    int64_t end_s = 0;
};
WindowInfo window_info(rocksdb::Iterator *it, int64_t window, int64_t window_s) {
    WindowInfo out;
    out.end_s = window + window_s;
    for (it->Seek(keys::raw(window, 0, 0)); it->Valid();) {
        keys::RawKey k = keys::parse_raw({it->key().data(), it->key().size()});
        if (k.window_start_s != window) break;
        int64_t span = keyframe_span_s({it->value().data(), it->value().size()});
        if (span > 0) out.end_s = std::max(out.end_s, window + span);
        it->SeekForPrev(keys::raw(window, k.source, UINT64_MAX));
        out.max_seq =
            std::max(out.max_seq, keys::parse_raw({it->key().data(), it->key().size()}).seq);
        if (k.source == UINT32_MAX) break;
        it->Seek(keys::raw(window, k.source + 1, 0));
    }
    return out;
}

// Late-value fragments of buckets that were derived from raw records (which hold those
// values already) would count twice once the derived buckets are stored: they go with them.
void drop_fragments_of(const Store::Impl &m, rocksdb::WriteBatch &wb, RollupLevel level,
                       SeriesId id, const std::vector<RollupStats> &derived) {
    if (derived.empty()) return;
    std::unique_ptr<rocksdb::Iterator> it(m.db->db->NewIterator({}, m.cf(Cf::rollup)));
    for (const RollupStats &b : derived) {
        std::string from = keys::rollup(level, id, b.start_s, 0);
        std::string prefix = from.substr(0, from.size() - 8); // up to the bucket start
        for (it->Seek(from); it->Valid() && it->key().starts_with(prefix); it->Next())
            if (keys::is_fragment({it->key().data(), it->key().size()}))
                wb.Delete(m.cf(Cf::rollup), it->key());
    }
    check(it->status(), "reading rollup fragments");
}

// Before raw records of [from_s, to_s) go, the period/hour buckets that readers derived from
// them (sparse series) are stored, for the levels kept longer than raw data.
void store_derived_rollups(Store::Impl &m, int64_t from_s, int64_t to_s, int64_t now_s,
                           const int64_t (&level_retention)[kRollupLevels]) {
    rocksdb::WriteBatch wb;
    for (SeriesId id = 1; id < m.series.size(); ++id) {
        const SeriesInfo &info = m.series[id].info;
        if (info.count == 0 || info.first_ts_utc_ns >= to_s * kNsPerS ||
            info.last_ts_utc_ns < from_s * kNsPerS)
            continue;
        for (RollupLevel lv : {RollupLevel::period, RollupLevel::hour}) {
            int64_t retention = level_retention[static_cast<int>(lv)];
            if (retention > 0 && retention <= m.options.raw_retention_s) continue;
            if (derivable_width_s(lv, info.history_period_s, m.window_s) == 0) continue;
            SeriesLookup s = lookup(m, id, lv);
            std::vector<RollupStats> derived;
            read_rollup_stats(m, id, lv, s, from_s * kNsPerS, to_s * kNsPerS, &derived);
            std::sort(
                derived.begin(), derived.end(),
                [](const RollupStats &a, const RollupStats &b) { return a.start_s < b.start_s; });
            if (retention > 0) { // not what retention drops anyway
                int64_t cut = keys::partition_of(lv, now_s - retention);
                derived.erase(std::remove_if(derived.begin(), derived.end(),
                                             [&](const RollupStats &b) {
                                                 return keys::partition_of(lv, b.start_s) < cut;
                                             }),
                              derived.end());
            }
            m.put_rollup_chunks(wb, lv, info, derived, m.next_seq);
            drop_fragments_of(m, wb, lv, id, derived);
        }
    }
    if (wb.Count()) m.write(wb);
}

} // namespace

void Store::Impl::consolidate_fragments() {
    std::unique_ptr<rocksdb::Iterator> it(db->db->NewIterator({}, cf(Cf::rollup)));
    // Keys at or below the newest batch's seq: later chunk keys (suffix > this) never collide.
    uint64_t seq = std::max<uint64_t>(1, next_seq - 1);
    for (auto [level_int, id, partition] : fragmented) {
        auto level = static_cast<RollupLevel>(level_int);
        const SeriesInfo &info = series[id].info;
        bool derivable = derivable_width_s(level, info.history_period_s, window_s) != 0;
        std::string prefix = keys::rollup_prefix(level, partition, id);
        struct FragmentChunk {
            std::string key;
            size_t first, count; // its buckets in `fragments`
        };
        std::vector<std::string> chunk_keys;
        std::vector<FragmentChunk> fragment_chunks;
        std::vector<RollupStats> buckets, fragments;
        for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
            std::string_view key(it->key().data(), it->key().size());
            std::string_view value(it->value().data(), it->value().size());
            if (keys::is_fragment(key)) {
                size_t first = fragments.size();
                decode_rollup_chunk(value, fragments);
                fragment_chunks.push_back({std::string(key), first, fragments.size() - first});
            } else {
                decode_rollup_chunk(value, buckets);
                chunk_keys.emplace_back(key);
            }
        }
        check(it->status(), "reading rollup fragments");
        if (fragment_chunks.empty()) continue;
        std::set<int64_t> stored;
        for (const RollupStats &b : buckets)
            stored.insert(b.start_s);
        // Derived levels (sparse series): a fragment only counts where a bucket is stored or
        // waits in memory (readers ignore it otherwise: the raw records hold its values, see
        // read_rollup_stats). Those of buckets in memory stay; the ignored ones go.
        std::set<int64_t> unsaved;
        const SeriesRuntime &rt = series[id];
        for (const RollupStats &b : rt.pending[level_int])
            unsaved.insert(b.start_s);
        if (rt.open[level_int].open()) unsaved.insert(rt.open[level_int].start_s);
        rocksdb::WriteBatch wb;
        bool merged = false;
        for (const FragmentChunk &c : fragment_chunks) {
            bool mergeable = true, ignored = true;
            for (size_t i = c.first; i < c.first + c.count && derivable; ++i) {
                mergeable = mergeable && stored.count(fragments[i].start_s);
                ignored = ignored && !stored.count(fragments[i].start_s) &&
                          !unsaved.count(fragments[i].start_s);
            }
            if (derivable && ignored) {
                wb.Delete(cf(Cf::rollup), c.key);
                ++fragments_consolidated;
                continue;
            }
            if (!mergeable) continue;
            buckets.insert(buckets.end(), fragments.begin() + c.first,
                           fragments.begin() + c.first + c.count);
            wb.Delete(cf(Cf::rollup), c.key);
            ++fragments_consolidated;
            merged = true;
        }
        if (!merged) { // only ignored fragments went: the stored chunks stay as they are
            if (wb.Count()) write(wb);
            continue;
        }
        std::stable_sort(
            buckets.begin(), buckets.end(),
            [](const RollupStats &a, const RollupStats &b) { return a.start_s < b.start_s; });
        size_t n = 0;
        for (size_t i = 0; i < buckets.size(); ++i) {
            if (n > 0 && buckets[n - 1].start_s == buckets[i].start_s)
                buckets[n - 1].merge(buckets[i]);
            else
                buckets[n++] = buckets[i];
        }
        buckets.resize(n);
        for (const std::string &key : chunk_keys)
            wb.Delete(cf(Cf::rollup), key);
        put_rollup_chunks(wb, level, info, buckets, seq);
        write(wb);
    }
    fragmented.clear();
}

void Store::interrupt() {
    impl_->interrupted = true;
}

MaintenanceReport Store::maintain(int64_t now_utc_ns) {
    Impl &m = *impl_;
    MaintenanceReport report;
    if (m.interrupted) return report;
    // Held per step, not for the whole pass: a first pass over a long imported history takes
    // minutes, and samples must keep flowing meanwhile.
    std::unique_lock lock(m.mu);
    m.require_writable();
    m.consolidate_fragments();
    rocksdb::DB *db = m.db->db.get();
    int64_t now_s = ns_to_s_floor(now_utc_ns);

    const int64_t level_retention[kRollupLevels] = {
        m.options.period_retention_s, m.options.hour_retention_s, m.options.day_retention_s,
        m.options.month_retention_s};
    for (int level = 0; level < kRollupLevels; ++level) {
        if (level_retention[level] <= 0) continue;
        auto lv = static_cast<RollupLevel>(level);
        int64_t cut = keys::partition_of(lv, now_s - level_retention[level]);
        drop_range(db, m.cf(Cf::rollup), keys::rollup_partition(lv, INT32_MIN),
                   keys::rollup_partition(lv, cut));
        for (SeriesRuntime &rt : m.series) { // closed buckets not checkpointed yet
            auto &pending = rt.pending[level];
            auto keep = std::find_if(pending.begin(), pending.end(), [&](const RollupStats &b) {
                return keys::partition_of(lv, b.start_s) >= cut;
            });
            m.pending_buckets -= std::min<uint64_t>(m.pending_buckets, keep - pending.begin());
            pending.erase(pending.begin(), keep);
        }
    }
    if (m.options.event_retention_s > 0)
        drop_range(db, m.cf(Cf::events), keys::event_time_bound(INT64_MIN),
                   keys::event_time_bound((now_s - m.options.event_retention_s) * kNsPerS));

    // Raw windows, oldest first: expired ones go unless a cursor still needs them; any go
    // while raw data + journal exceed the budget.
    std::string all_begin = keys::raw_window(INT64_MIN), all_end = keys::raw_window(INT64_MAX);
    // Column blocks count with the raw data they are derived from, and go with its windows.
    uint64_t size = approximate_size(db, m.cf(Cf::raw), all_begin, all_end) +
                    approximate_size(db, m.cf(Cf::blocks), all_begin, all_end) +
                    approximate_size(db, m.cf(Cf::journal), keys::seq(0), keys::seq(UINT64_MAX));
    while (true) {
        lock.unlock();                    // appends go on between windows
        if (m.interrupted) return report; // cursors are persisted as they move (below)
        lock.lock();
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, m.cf(Cf::raw)));
        it->SeekToFirst();
        if (!it->Valid()) break;
        int64_t window = keys::parse_raw({it->key().data(), it->key().size()}).window_start_s;
        bool over_budget = size > m.options.journal_budget_bytes;
        if (m.options.raw_retention_s <= 0 && !over_budget) break;
        WindowInfo info = window_info(it.get(), window, m.window_s);
        bool expired =
            m.options.raw_retention_s > 0 && info.end_s <= now_s - m.options.raw_retention_s;
        if (!expired && !over_budget) break;
        uint64_t max_seq = info.max_seq;
        uint64_t slowest = UINT64_MAX;
        for (auto &[name, pos] : m.cursors)
            slowest = std::min(slowest, pos);
        bool needed = slowest < max_seq;
        if (needed && !over_budget) break;
        store_derived_rollups(m, window, info.end_s, now_s, level_retention);
        std::string begin = keys::raw_window(window), end = keys::raw_window(window + 1);
        uint64_t window_size = approximate_size(db, m.cf(Cf::raw), begin, end) +
                               approximate_size(db, m.cf(Cf::blocks), begin, end);
        drop_range(db, m.cf(Cf::raw), begin, end);
        drop_range(db, m.cf(Cf::blocks), begin, end);
        size -= std::min(size, window_size);
        ++report.raw_windows_dropped;
        for (SourceState &src : m.sources)
            if (src.chain_window_s == window)
                src.chain.reset(); // its keyframe is gone: restart the chain
        rocksdb::WriteBatch moved;
        for (auto &[name, pos] : m.cursors) {
            if (pos >= max_seq) continue;
            auto o = std::find_if(report.overflows.begin(), report.overflows.end(),
                                  [&](const JournalOverflow &x) { return x.cursor == name; });
            if (o == report.overflows.end())
                report.overflows.push_back({name, pos, max_seq});
            else
                o->resumed_after_seq = max_seq;
            pos = max_seq;
            moved.Put(m.cf(Cf::meta), keys::cursor(name), keys::seq(pos));
        }
        if (moved.Count()) m.write(moved);
    }

    build_column_blocks(m, now_s, lock);
    if (m.interrupted) return report;

    // Journal entries every cursor has passed and the checkpoint covers are no longer needed.
    uint64_t floor = m.checkpoint_seq + 1;
    for (auto &[name, pos] : m.cursors)
        floor = std::min(floor, pos + 1);
    if (floor > 1) drop_range(db, m.cf(Cf::journal), keys::seq(0), keys::seq(floor));
    return report;
}

} // namespace gs::store
