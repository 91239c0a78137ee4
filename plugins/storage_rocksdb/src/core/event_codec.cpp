#include "event_codec.hpp"

#include "varint.hpp"

namespace gs::store {

void encode_event(const Event &e, std::string &out) {
    put_varint(out, e.id);
    put_svarint(out, e.ts_utc_ns);
    put_bytes(out, e.type);
    put_bytes(out, e.source);
    put_varint(out, e.circuit);
    put_u8(out, e.severity);
    put_u8(out, static_cast<uint8_t>(e.state));
    put_bytes(out, e.message);
    put_svarint(out, e.finished_ts_utc_ns);
    put_svarint(out, e.acknowledged_ts_utc_ns);
}

Event decode_event(std::string_view data) {
    ByteReader in(data);
    Event e;
    e.id = in.varint();
    e.ts_utc_ns = in.svarint();
    e.type = std::string(in.bytes());
    e.source = std::string(in.bytes());
    e.circuit = static_cast<uint32_t>(in.varint());
    e.severity = in.u8();
    e.state = static_cast<EventState>(in.u8());
    e.message = std::string(in.bytes());
    e.finished_ts_utc_ns = in.svarint();
    e.acknowledged_ts_utc_ns = in.svarint();
    return e;
}

void encode_journal_samples(int64_t window_start_s, uint32_t source, std::string &out) {
    put_u8(out, static_cast<uint8_t>(JournalEntryKind::samples));
    put_svarint(out, window_start_s);
    put_varint(out, source);
}

void encode_journal_event(const Event &e, std::string &out) {
    put_u8(out, static_cast<uint8_t>(JournalEntryKind::event));
    encode_event(e, out);
}

JournalValue decode_journal(std::string_view data) {
    ByteReader in(data);
    JournalValue v;
    v.kind = static_cast<JournalEntryKind>(in.u8());
    if (v.kind == JournalEntryKind::samples) {
        v.window_start_s = in.svarint();
        v.source = static_cast<uint32_t>(in.varint());
    } else if (v.kind == JournalEntryKind::event) {
        v.event = decode_event(in.rest());
    } else {
        throw CorruptData("unknown journal entry kind");
    }
    return v;
}

} // namespace gs::store
