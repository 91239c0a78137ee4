// The journal: every batch and event change has a sequence number; the samples entry points
// at the raw record (samples are stored once), the event entry carries the event. Consumers
// read after their persisted cursor and commit what they exported.
#include "chain_reader.hpp"
#include "event_codec.hpp"
#include "keys.hpp"
#include "store_impl.hpp"

namespace gs::store {
namespace {

void persist_cursor(Store::Impl &m, const std::string &name, uint64_t seq) {
    rocksdb::WriteBatch wb;
    wb.Put(m.cf(Cf::meta), keys::cursor(name), keys::seq(seq));
    m.write(wb);
    m.cursors[name] = seq;
}

struct RawSamples {
    uint64_t seq;
    uint32_t source;
    int64_t ts_ns;
    std::vector<uint32_t> ids;
    std::vector<double> values;
    std::vector<uint8_t> qualities;
};

} // namespace

void Store::open_cursor(const std::string &cursor) {
    std::lock_guard lock(impl_->mu);
    impl_->require_writable();
    if (impl_->cursors.count(cursor)) return;
    uint64_t oldest = impl_->oldest_journal_seq();
    persist_cursor(*impl_, cursor, oldest - 1);
}

std::vector<JournalEntry> Store::read_journal(const std::string &cursor, size_t max_entries) {
    uint64_t position;
    {
        std::lock_guard lock(impl_->mu);
        auto it = impl_->cursors.find(cursor);
        if (it == impl_->cursors.end())
            throw StoreError("unknown journal cursor '" + cursor + "'", StoreErrc::unknown_cursor);
        position = it->second;
    }
    // Decode without the lock, then resolve names under it.
    // One snapshot for both column families: a journal entry always finds its raw record.
    rocksdb::DB *db = impl_->db->db.get();
    std::shared_ptr<const rocksdb::Snapshot> snapshot(
        db->GetSnapshot(), [db](const rocksdb::Snapshot *s) { db->ReleaseSnapshot(s); });
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot.get();
    std::vector<JournalEntry> out;
    std::vector<RawSamples> samples;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, impl_->cf(Cf::journal)));
    ChainReader chains(db, impl_->cf(Cf::raw), snapshot.get());
    for (it->Seek(keys::seq(position + 1)); it->Valid() && out.size() < max_entries; it->Next()) {
        uint64_t seq = keys::parse_seq({it->key().data(), it->key().size()});
        JournalValue jv = decode_journal({it->value().data(), it->value().size()});
        JournalEntry entry;
        entry.seq = seq;
        entry.kind = jv.kind;
        if (jv.kind == JournalEntryKind::samples) {
            const DecodedRecord *rec = chains.fetch(jv.window_start_s, jv.source, seq);
            if (!rec) continue; // its raw window was dropped
            samples.push_back({seq, jv.source, rec->ts_ns, *rec->ids, rec->values, rec->qualities});
        } else {
            entry.event = std::move(jv.event);
        }
        out.push_back(std::move(entry));
    }
    check(it->status(), "reading the journal");

    std::lock_guard lock(impl_->mu);
    size_t next = 0;
    for (JournalEntry &entry : out) {
        if (entry.kind != JournalEntryKind::samples) continue;
        RawSamples &raw = samples[next++];
        Batch &b = entry.samples;
        b.source = impl_->sources.at(raw.source).name;
        b.ts_utc_ns = raw.ts_ns;
        b.values.resize(raw.ids.size());
        for (size_t i = 0; i < raw.ids.size(); ++i) {
            const SeriesInfo &info = impl_->runtime(raw.ids[i]).info;
            b.values[i] = Value{info.circuit, info.data, raw.values[i], raw.qualities[i]};
        }
    }
    return out;
}

void Store::commit_cursor(const std::string &cursor, uint64_t seq) {
    std::lock_guard lock(impl_->mu);
    impl_->require_writable();
    auto it = impl_->cursors.find(cursor);
    if (it == impl_->cursors.end())
        throw StoreError("unknown journal cursor '" + cursor + "'", StoreErrc::unknown_cursor);
    if (seq >= impl_->next_seq)
        throw StoreError("cannot commit a cursor past the journal head",
                         StoreErrc::invalid_argument);
    if (seq > it->second) persist_cursor(*impl_, cursor, seq);
}

uint64_t Store::cursor_position(const std::string &cursor) const {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->cursors.find(cursor);
    if (it == impl_->cursors.end())
        throw StoreError("unknown journal cursor '" + cursor + "'", StoreErrc::unknown_cursor);
    return it->second;
}

void Store::remove_cursor(const std::string &cursor) {
    std::lock_guard lock(impl_->mu);
    impl_->require_writable();
    rocksdb::WriteBatch wb;
    wb.Delete(impl_->cf(Cf::meta), keys::cursor(cursor));
    impl_->write(wb);
    impl_->cursors.erase(cursor);
}

std::vector<std::string> Store::cursors() const {
    std::lock_guard lock(impl_->mu);
    std::vector<std::string> out;
    for (auto &[name, seq] : impl_->cursors)
        out.push_back(name);
    return out;
}

Store::Counters Store::counters() const {
    std::lock_guard lock(impl_->mu);
    Counters out;
    out.values_appended = impl_->values_appended;
    out.journal_head = impl_->next_seq - 1;
    out.cursors.assign(impl_->cursors.begin(), impl_->cursors.end());
    return out;
}

} // namespace gs::store
