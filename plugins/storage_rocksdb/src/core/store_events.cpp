// Events and alarms: stored by time (queries by period), indexed by id (state changes), and
// copied into the journal so exporters see every creation and state change in order.
#include "event_codec.hpp"
#include "keys.hpp"
#include "store_impl.hpp"

#include <algorithm>

namespace gs::store {
namespace {

void put_event(Store::Impl &m, rocksdb::WriteBatch &wb, const Event &e, uint64_t journal_seq) {
    std::string value;
    encode_event(e, value);
    wb.Put(m.cf(Cf::events), keys::event(e.ts_utc_ns, e.id), value);
    std::string ts;
    put_be64_signed(ts, e.ts_utc_ns);
    wb.Put(m.cf(Cf::events), keys::event_index(e.id), ts);
    value.clear();
    encode_journal_event(e, value);
    wb.Put(m.cf(Cf::journal), keys::seq(journal_seq), value);
}

std::optional<Event> load_event(const Store::Impl &m, uint64_t id) {
    std::string ts, value;
    rocksdb::Status s = m.db->db->Get({}, m.cf(Cf::events), keys::event_index(id), &ts);
    if (s.IsNotFound()) return std::nullopt;
    check(s, "reading the event index");
    s = m.db->db->Get({}, m.cf(Cf::events), keys::event(ByteReader(ts).be64_signed(), id), &value);
    if (s.IsNotFound()) return std::nullopt; // dropped by retention
    check(s, "reading an event");
    return decode_event(value);
}

template <typename Change> bool change_event(Store::Impl &m, uint64_t id, Change &&change) {
    std::lock_guard lock(m.mu);
    m.require_writable();
    std::optional<Event> e = load_event(m, id);
    if (!e || !change(*e)) return false;
    rocksdb::WriteBatch wb;
    put_event(m, wb, *e, m.next_seq);
    m.write(wb);
    ++m.next_seq;
    return true;
}

} // namespace

uint64_t Store::append_event(const Event &event) {
    if (event.state == EventState::invalid)
        throw StoreError("event state must be set", StoreErrc::invalid_argument);
    Impl &m = *impl_;
    std::lock_guard lock(m.mu);
    m.require_writable();
    Event e = event;
    e.id = m.next_seq;
    rocksdb::WriteBatch wb;
    put_event(m, wb, e, e.id);
    m.write(wb);
    ++m.next_seq;
    return e.id;
}

bool Store::finish_event(uint64_t id, int64_t ts_utc_ns) {
    return change_event(*impl_, id, [&](Event &e) {
        if (e.state != EventState::active && e.state != EventState::acknowledged) return false;
        if (e.finished_ts_utc_ns != 0) return false;
        e.state = EventState::finished;
        e.finished_ts_utc_ns = ts_utc_ns;
        return true;
    });
}

bool Store::acknowledge_event(uint64_t id, int64_t ts_utc_ns) {
    return change_event(*impl_, id, [&](Event &e) {
        if (e.acknowledged_ts_utc_ns != 0) return false;
        e.state = EventState::acknowledged; // an acknowledged alarm can still finish
        e.acknowledged_ts_utc_ns = ts_utc_ns;
        return true;
    });
}

std::optional<Event> Store::get_event(uint64_t id) const {
    return load_event(*impl_, id);
}

std::vector<Event> Store::query_events(const EventQuery &q) const {
    std::vector<Event> out;
    if (q.from_utc_ns >= q.to_utc_ns) return out;
    std::unique_ptr<rocksdb::Iterator> it(impl_->db->db->NewIterator({}, impl_->cf(Cf::events)));
    std::string end = keys::event_time_bound(q.to_utc_ns);
    for (it->Seek(keys::event_time_bound(q.from_utc_ns)); it->Valid() && out.size() < q.limit;
         it->Next()) {
        if (it->key().compare(end) >= 0 || !it->key().starts_with("e")) break;
        Event e = decode_event({it->value().data(), it->value().size()});
        if (q.source && e.source != *q.source) continue;
        if (q.type && e.type != *q.type) continue;
        if (e.severity < q.min_severity) continue;
        if (!q.states.empty() &&
            std::find(q.states.begin(), q.states.end(), e.state) == q.states.end())
            continue;
        out.push_back(std::move(e));
    }
    check(it->status(), "reading events");
    return out;
}

} // namespace gs::store
