// Serialization of events and journal values.
#pragma once

#include "types.hpp"

#include <string>
#include <string_view>

namespace gs::store {

void encode_event(const Event &e, std::string &out);
Event decode_event(std::string_view data); // throws CorruptData

// Journal values: a samples entry points at its raw record; an event entry carries the event.
struct JournalValue {
    JournalEntryKind kind = JournalEntryKind::invalid;
    int64_t window_start_s = 0; // samples
    uint32_t source = 0;        // samples
    Event event;                // event
};
void encode_journal_samples(int64_t window_start_s, uint32_t source, std::string &out);
void encode_journal_event(const Event &e, std::string &out);
JournalValue decode_journal(std::string_view data);

} // namespace gs::store
