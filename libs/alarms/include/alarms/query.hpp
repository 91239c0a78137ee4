// The Alarms and events page's selection (manual §7.3): alarm records and voltage events
// together, filtered by type, source, category, status, criticality and period, newest first,
// one page at a time (Engine::query). Filters left empty select everything.
#pragma once

#include "alarms/record.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gs::alarms {

// What a row is in. An alarm record has the statuses it holds (active or cleared, unacked or
// acked, shelved, out of service); a voltage event is active (running) or cleared (ended).
enum class Status : uint8_t { active, cleared, unacked, acked, shelved, out_of_service };
const char *name_of(Status s);
std::optional<Status> status_named(const std::string &name);
std::optional<Criticality> criticality_named(const std::string &name);

struct Query {
    bool alarms = true; // type "alarm"
    bool events = true; // type "event" (EN 50160-style voltage events)
    std::vector<std::string> sources;
    // Rule kinds of alarms ("limit", "comm_lost"...) and kinds of events ("dip", "swell",
    // "interruption").
    std::vector<std::string> categories;
    std::vector<Status> statuses; // any of them
    std::vector<Criticality> criticalities;
    TimeNs from = kNoTime; // rows whose [raised, cleared] (events: [start, end]) meets [from, to)
    TimeNs to = kNoTime;
    std::size_t offset = 0;
    std::size_t limit = 50; // 0: every row from offset on
};

// A voltage event takes the criticality of its rule.
struct EventRow {
    VoltageEvent event;
    Criticality criticality = Criticality::medium;
};
using Row = std::variant<AlarmRecord, EventRow>;

struct QueryPage {
    std::size_t total = 0; // rows selected, before paging
    std::vector<Row> rows; // newest first (raised, or start), then by id, newest first
};

// The category of a row, as Query::categories names it.
const char *category_of(const AlarmRecord &r);
const char *category_of(const VoltageEvent &e);

bool matches(const Query &q, const AlarmRecord &r);
bool matches(const Query &q, const VoltageEvent &e, Criticality criticality);

} // namespace gs::alarms
