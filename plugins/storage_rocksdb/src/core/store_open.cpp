// Opening, closing, state recovery (checkpoint + journal replay) and checkpoints.
#include "chain_reader.hpp"
#include "event_codec.hpp"
#include "keys.hpp"
#include "store_impl.hpp"

namespace gs::store {

std::string series_key(const std::string &source, uint32_t circuit, const std::string &data) {
    std::string k = source;
    k.push_back('\0');
    k += std::to_string(circuit);
    k.push_back('\0');
    k += data;
    return k;
}

int64_t window_start(int64_t ts_s, int64_t window_s) {
    return floor_div(ts_s, window_s) * window_s;
}

int64_t chain_span(int64_t ts_s, int64_t interval_s, int64_t window_s, int64_t not_before_s) {
    int64_t best = window_s;
    if (interval_s <= 0) return best;
    int64_t wanted = std::min(kMaxChainSpanS, interval_s * kPollsPerChain);
    for (int64_t span = window_s; span <= kMaxChainSpanS; span += window_s) {
        if (kMaxChainSpanS % span != 0) continue;
        if (span > wanted && span != window_s) break;
        if (window_start(ts_s, span) >= not_before_s) best = span;
    }
    return best;
}

Store::Impl::Impl(const Options &o, std::unique_ptr<Db> d, bool ro)
    : options(o), db(std::move(d)), calendar(o.time_zone), read_only(ro) {
    series.resize(1);
    sources.resize(1);
}

void Store::Impl::require_writable() const {
    if (read_only) throw StoreError("the store is open read-only", StoreErrc::read_only);
    if (poisoned) throw StoreError("an earlier write failed; reopen the store");
}

void Store::Impl::write(rocksdb::WriteBatch &wb) {
    rocksdb::WriteOptions wo;
    wo.sync = options.sync_writes;
    rocksdb::Status s = db->db->Write(wo, &wb);
    if (!s.ok()) {
        poisoned = true; // in-memory state is ahead of the disk now
        check(s, "writing to the store");
    }
}

const SeriesRuntime &Store::Impl::runtime(SeriesId id) const {
    if (id == 0 || id >= series.size())
        throw StoreError("unknown series id " + std::to_string(id), StoreErrc::unknown_series);
    return series[id];
}

uint64_t Store::Impl::oldest_journal_seq() const {
    std::unique_ptr<rocksdb::Iterator> it(db->db->NewIterator({}, cf(Cf::journal)));
    it->SeekToFirst();
    return it->Valid() ? keys::parse_seq({it->key().data(), it->key().size()}) : next_seq;
}

BatchBuckets Store::Impl::buckets_for(int64_t ts_s) {
    BatchBuckets &b = cached_buckets;
    if (!has_cached_buckets || !b.hour.contains(ts_s)) b.hour = calendar.hour(ts_s);
    if (!has_cached_buckets || !b.day.contains(ts_s)) b.day = calendar.day(ts_s);
    if (!has_cached_buckets || !b.month.contains(ts_s)) b.month = calendar.month(ts_s);
    has_cached_buckets = true;
    return b;
}

void Store::Impl::load_state() {
    series.assign(1, SeriesRuntime{});
    series_by_key.clear();
    sources.assign(1, SourceState{});
    source_ids.clear();
    cursors.clear();
    pending_buckets = 0;
    rocksdb::DB *d = db->db.get();

    std::unique_ptr<rocksdb::Iterator> it(d->NewIterator({}, cf(Cf::series)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        SeriesId id = keys::parse_series({it->key().data(), it->key().size()});
        if (id >= series.size()) series.resize(id + 1);
        series[id].info = decode_series_spec(id, {it->value().data(), it->value().size()});
        const SeriesInfo &info = series[id].info;
        series_by_key[series_key(info.source, info.circuit, info.data)] = id;
    }
    check(it->status(), "reading series");

    it.reset(d->NewIterator({}, cf(Cf::meta)));
    for (it->Seek(std::string(keys::kSourcePrefix));
         it->Valid() && it->key().starts_with(std::string(keys::kSourcePrefix)); it->Next()) {
        uint32_t id = ByteReader({it->key().data() + keys::kSourcePrefix.size(), 4}).be32();
        if (id >= sources.size()) sources.resize(id + 1);
        sources[id].id = id;
        sources[id].name = it->value().ToString();
        source_ids[sources[id].name] = id;
    }
    for (it->Seek(std::string(keys::kCursorPrefix));
         it->Valid() && it->key().starts_with(std::string(keys::kCursorPrefix)); it->Next())
        cursors[it->key().ToString().substr(keys::kCursorPrefix.size())] =
            ByteReader({it->value().data(), it->value().size()}).be64();

    std::string value;
    rocksdb::Status s = d->Get({}, cf(Cf::meta), std::string(keys::kCheckpointSeq), &value);
    checkpoint_seq = s.ok() ? ByteReader(value).be64() : 0;

    it.reset(d->NewIterator({}, cf(Cf::state)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        SeriesId id = keys::parse_series({it->key().data(), it->key().size()});
        if (id < series.size())
            decode_checkpoint(series[id], {it->value().data(), it->value().size()});
    }

    it.reset(d->NewIterator({}, cf(Cf::journal)));
    it->SeekToLast();
    uint64_t last = it->Valid() ? keys::parse_seq({it->key().data(), it->key().size()}) : 0;
    next_seq = std::max(last, checkpoint_seq) + 1;
    replay_after(checkpoint_seq);
}

// Re-applies journal entries newer than the checkpoint to the in-memory state. Their rollup
// writes are already on disk (same WriteBatch as the record), so no sink.
void Store::Impl::replay_after(uint64_t seq) {
    rocksdb::DB *d = db->db.get();
    ChainReader chains(d, cf(Cf::raw));
    std::unique_ptr<rocksdb::Iterator> it(d->NewIterator({}, cf(Cf::journal)));
    for (it->Seek(keys::seq(seq + 1)); it->Valid(); it->Next()) {
        JournalValue jv = decode_journal({it->value().data(), it->value().size()});
        if (jv.kind != JournalEntryKind::samples) continue;
        uint64_t entry_seq = keys::parse_seq({it->key().data(), it->key().size()});
        const DecodedRecord *rec = chains.fetch(jv.window_start_s, jv.source, entry_seq);
        if (!rec) continue;
        BatchBuckets buckets = buckets_for(ns_to_s_floor(rec->ts_ns));
        const std::vector<uint32_t> &ids = *rec->ids;
        for (size_t i = 0; i < ids.size(); ++i) {
            if (ids[i] == 0 || ids[i] >= series.size())
                throw StoreError("journal refers to an unknown series");
            apply_value(series[ids[i]], options.rollover_fraction, rec->ts_ns, rec->values[i],
                        rec->qualities[i], buckets, nullptr, &pending_buckets);
        }
    }
    check(it->status(), "replaying the journal");
}

void Store::Impl::put_rollup_chunks(rocksdb::WriteBatch &wb, RollupLevel level,
                                    const SeriesInfo &info, const std::vector<RollupStats> &buckets,
                                    uint64_t seq) const {
    std::string value;
    for (size_t begin = 0, end; begin < buckets.size(); begin = end) {
        int64_t partition = keys::partition_of(level, buckets[begin].start_s);
        for (end = begin + 1;
             end < buckets.size() && keys::partition_of(level, buckets[end].start_s) == partition;
             ++end) {
        }
        value.clear();
        encode_rollup_chunk(buckets.data() + begin, end - begin,
                            keys::nominal_width_s(level, info.history_period_s), value);
        wb.Put(cf(Cf::rollup),
               keys::rollup(level, info.id, buckets[begin].start_s, keys::chunk_suffix(seq)),
               value);
    }
}

void Store::Impl::put_checkpoint(rocksdb::WriteBatch &wb, uint64_t seq) {
    std::string value;
    for (SeriesRuntime &rt : series) {
        if (!rt.dirty) continue;
        for (int level = 0; level < kRollupLevels; ++level) {
            auto lv = static_cast<RollupLevel>(level);
            std::vector<RollupStats> &pending = rt.pending[level];
            if (!pending.empty() &&
                derivable_width_s(lv, rt.info.history_period_s, window_s) != 0) {
                uint64_t values = 0;
                for (const RollupStats &b : pending)
                    values += b.count + b.bad_count;
                if (values < kMinValuesPerStoredBucket * pending.size()) {
                    pending.clear(); // sparse: readers derive these buckets from raw records
                    continue;
                }
            }
            put_rollup_chunks(wb, lv, rt.info, pending, seq);
            pending.clear();
        }
        value.clear();
        encode_checkpoint(rt, value);
        wb.Put(cf(Cf::state), keys::series(rt.info.id), value);
        rt.dirty = false;
    }
    wb.Put(cf(Cf::meta), std::string(keys::kCheckpointSeq), keys::seq(seq));
    checkpoint_seq = seq;
    values_since_checkpoint = 0;
    pending_buckets = 0;
}

std::unique_ptr<Store> Store::open(const std::string &dir, const Options &options) {
    if (options.raw_window_s <= 0 || 86400 % options.raw_window_s != 0)
        throw StoreError("raw_window_s must divide a day", StoreErrc::invalid_argument);
    auto impl = std::make_unique<Impl>(options, open_db(dir, options, false), false);
    std::string value;
    rocksdb::Status s =
        impl->db->db->Get({}, impl->cf(Cf::meta), std::string(keys::kRawWindow), &value);
    if (s.ok()) {
        impl->window_s = static_cast<int64_t>(ByteReader(value).be64());
    } else {
        impl->window_s = options.raw_window_s;
        check(impl->db->db->Put({}, impl->cf(Cf::meta), std::string(keys::kRawWindow),
                                keys::seq(static_cast<uint64_t>(impl->window_s))),
              "initialising the store");
    }
    impl->load_state();
    return std::unique_ptr<Store>(new Store(std::move(impl)));
}

std::unique_ptr<Store> Store::open_read_only(const std::string &dir, const Options &options) {
    auto impl = std::make_unique<Impl>(options, open_db(dir, options, true), true);
    std::string value;
    check(impl->db->db->Get({}, impl->cf(Cf::meta), std::string(keys::kRawWindow), &value),
          "reading the store format");
    impl->window_s = static_cast<int64_t>(ByteReader(value).be64());
    impl->load_state();
    return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() {
    try {
        if (!impl_->read_only && !impl_->poisoned) checkpoint();
    } catch (...) {
        // Closing must not throw; the journal replay recovers the open buckets next time.
    }
}

bool Store::read_only() const {
    return impl_->read_only;
}

void Store::catch_up() {
    std::lock_guard lock(impl_->mu);
    if (!impl_->read_only) return;
    check(impl_->db->db->TryCatchUpWithPrimary(), "catching up with the primary");
    impl_->has_cached_buckets = false;
    impl_->load_state();
}

void Store::checkpoint() {
    std::lock_guard lock(impl_->mu);
    impl_->require_writable();
    rocksdb::WriteBatch wb;
    impl_->put_checkpoint(wb, impl_->next_seq - 1);
    impl_->write(wb);
}

void Store::consolidate() {
    std::lock_guard lock(impl_->mu);
    impl_->require_writable();
    impl_->consolidate_fragments();
}

void Store::compact() {
    std::lock_guard lock(impl_->mu);
    impl_->require_writable();
    rocksdb::WriteBatch wb; // closed buckets first, so that they are compacted too
    impl_->put_checkpoint(wb, impl_->next_seq - 1);
    impl_->write(wb);
    rocksdb::DB *d = impl_->db->db.get();
    rocksdb::FlushOptions fo;
    fo.wait = true;
    check(d->Flush(fo, impl_->db->handles), "flushing");
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    for (auto *h : impl_->db->handles)
        check(d->CompactRange(co, h, nullptr, nullptr), "compacting");
}

StoreStats Store::stats() const {
    std::lock_guard lock(impl_->mu);
    StoreStats out;
    rocksdb::DB *d = impl_->db->db.get();
    for (size_t i = 0; i < impl_->db->handles.size(); ++i) {
        uint64_t v = 0;
        if (!impl_->db->handles[i]) continue; // a family an old store lacks (read-only)
        d->GetIntProperty(impl_->db->handles[i], "rocksdb.live-sst-files-size", &v);
        out.live_sst_bytes += v;
        out.sst_bytes_by_family.emplace_back(impl_->db->handles[i]->GetName(), v);
        if (static_cast<Cf>(i) == Cf::raw) out.raw_sst_bytes = v;
    }
    rocksdb::VectorLogPtr wal_files;
    if (d->GetSortedWalFiles(wal_files).ok())
        for (auto &f : wal_files)
            out.wal_bytes += f->SizeFileBytes();
    if (auto &st = impl_->db->statistics) {
        out.wal_bytes_written = st->getTickerCount(rocksdb::WAL_FILE_BYTES);
        out.flush_bytes_written = st->getTickerCount(rocksdb::FLUSH_WRITE_BYTES);
        out.compaction_bytes_written = st->getTickerCount(rocksdb::COMPACT_WRITE_BYTES);
        out.bytes_written =
            out.wal_bytes_written + out.flush_bytes_written + out.compaction_bytes_written;
        out.stall_micros = st->getTickerCount(rocksdb::STALL_MICROS);
    }
    out.values_appended = impl_->values_appended;
    out.fragments_consolidated = impl_->fragments_consolidated;
    return out;
}

} // namespace gs::store
