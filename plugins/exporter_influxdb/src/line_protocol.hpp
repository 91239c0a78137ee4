// InfluxDB line protocol for journal entries:
//   <data>,circuit=<n>,site=<site>,source=<source>,unit=<unit> value=<number> <ts ns>
// one line per good, finite value (tags sorted by key; `unit` left out when the catalog gives
// none, an empty tag being invalid); values that are not good are not measurements and are not
// written. An event is one line of measurement `gridscope_events`:
//   gridscope_events,severity=<s>,site=<site>,source=<src>,state=<st>,type=<t> circuit=<n>i,
//   message="<text>" <ts ns>
// Escaping per the line-protocol reference: measurement: comma and space; tag keys and values,
// field keys: comma, equals sign and space; string field values: double quote and backslash.
// Newlines cannot be escaped and become spaces.
#pragma once

#include <gridscope/journal.hpp>

#include <functional>
#include <string>

namespace gs::influx {

struct LineContext {
    std::string site;
    // The catalog unit of a data name ("" if none).
    std::function<const std::string &(const std::string &data)> unit_of;
};

// Appends the lines of `entry` (each ending in '\n') to `out`; returns how many.
size_t append_lines(const LineContext &context, const gs::JournalEntry &entry, std::string &out);

// Escaping helpers (exposed for the tests).
void append_measurement(std::string &out, const std::string &name);
void append_tag(std::string &out, const std::string &text); // also field keys
void append_string_field(std::string &out, const std::string &text);

} // namespace gs::influx
