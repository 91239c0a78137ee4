// The alarm engine: rules evaluated on samples and events, ISA-18.2 / OPC UA Part 9 states,
// acknowledgement, shelving, out of service, suppression, voltage events, and the state kept
// across restarts in a folder (journal.hpp).
//
// Time is always passed in (UTC nanoseconds): the engine never reads a clock nor sleeps, so it
// is deterministic under test. Not thread-safe: the caller serialises calls (one lock).
// Every mutating call makes its changes durable (journal + fsync) before it returns; when the
// journal cannot be written (disk full...) it throws std::runtime_error, the state in memory
// keeps the change and the next call writes it again.
#pragma once

#include "alarms/journal.hpp"
#include "alarms/kpi.hpp"
#include "alarms/query.hpp"
#include "alarms/record.hpp"
#include "alarms/rule.hpp"

#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gs::alarms {

struct EngineOptions {
    std::string state_dir;                           // where the journal lives ("" = in memory)
    std::size_t journal_max_bytes = 4 << 20;         // compacted into a snapshot beyond this
    std::size_t history_max = 10000;                 // finished records kept
    std::size_t activation_log_max = 100000;         // for the KPIs
    TimeNs activation_log_age = 8 * 86400 * kNsPerS; // activations older than this are dropped
    TimeNs default_max_shelve = 8 * 3600 * kNsPerS;  // a rule's max_shelve_s overrides it
};

// One value of a poll (the SDK-free view of a gs_value).
struct SampleValue {
    uint32_t circuit = 0;
    std::string_view data;
    double value = 0;
    bool good = true; // quality GOOD; other values are not evaluated
};

enum class EventState : uint8_t { invalid = 0, instant, active, finished };

// An event of the bus (the SDK-free view of a gs_event).
struct BusEvent {
    std::string_view type; // "comm.lost", "comm.restored", "atys.transfer", "device.alarm",
                           // "hierarchy.balance"; others are ignored
    std::string_view source;
    uint32_t circuit = 0;
    EventState state = EventState::instant;
    TimeNs t = 0;
    std::string_view message;
};

enum class ChangeKind : uint8_t {
    invalid = 0,
    raised,       // a new record, or a returned one re-activated
    cleared,      // returned to normal
    acknowledged, // by someone
    finished,     // normal and acknowledged: moved to the history
    flags,        // shelved / suppressed / out of service changed
    voltage_started,
    voltage_ended
};

struct Change {
    ChangeKind kind = ChangeKind::invalid;
    AlarmRecord record; // alarms
    VoltageEvent event; // voltage_started / voltage_ended
};

struct AckOutcome {
    std::vector<uint64_t> acknowledged;
    std::vector<uint64_t> already; // acknowledged before (never twice)
    std::vector<uint64_t> unknown;
};

struct RecordFilter {
    enum class State { all, active, unacked } state = State::all;
    TimeNs from = kNoTime; // records whose [raised, cleared] meets [from, to)
    TimeNs to = kNoTime;
};

// True when `r` is one of the records `filter` selects (Engine::records and records_in).
bool matches(const RecordFilter &filter, const AlarmRecord &r);

// The records of a state folder, read without writing to it while an engine may run there
// (`gridscope alarms`), ordered by id.
std::vector<AlarmRecord> records_in(const std::string &state_dir, const RecordFilter &filter = {});

class Engine {
public:
    // Reads the folder's state (if any) and opens its journal. Throws std::runtime_error when
    // the folder cannot be used (not writable, in use by another engine).
    Engine(std::vector<Rule> rules, std::vector<SiteCircuit> site, EngineOptions options);
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    // One poll of `source` at `t`. Values of data no rule watches cost one hash lookup.
    void on_samples(std::string_view source, TimeNs t, const SampleValue *values, std::size_t n);
    void on_sample(std::string_view source, TimeNs t, const SampleValue &value) {
        on_samples(source, t, &value, 1);
    }
    void on_event(const BusEvent &event);
    // Timers: on/off delays without new samples, stale data, shelving that expires. Call it
    // about once a second.
    void tick(TimeNs now);

    // Acknowledges records by id, keeping who, when and the comment.
    AckOutcome acknowledge(const std::vector<uint64_t> &ids, const std::string &who,
                           const std::string &comment, TimeNs now);
    // Shelves the alarm of an open record for `duration` (at most the rule's maximum). Returns
    // "" or why it was refused.
    std::string shelve(uint64_t id, TimeNs duration, const std::string &who, TimeNs now);
    std::string unshelve(uint64_t id, TimeNs now);
    // Takes every alarm of a rule out of service (or back). Returns "" or why not.
    std::string set_out_of_service(const std::string &rule, bool out, const std::string &who,
                                   TimeNs now);

    std::vector<AlarmRecord> records(const RecordFilter &filter = {}) const;
    std::optional<AlarmRecord> record(uint64_t id) const;
    // One page of alarm records and voltage events (the Alarms and events page, query.hpp):
    // only the page's rows are copied, so a page stays cheap among 100,000 stored rows.
    QueryPage query(const Query &q) const;
    // The rule named so (a record's thresholds and delays), nullptr for none.
    const Rule *rule(const std::string &name) const;
    // The banner's count: active or returned records not yet acknowledged, annunciated.
    std::size_t unacked_count() const;
    std::vector<VoltageEvent> voltage_events() const; // running, then finished (newest last)
    Kpis kpis(TimeNs from, TimeNs to, TimeNs now, const KpiLimits &limits = {}) const;
    // What changed since the last call (for publishing on the bus).
    std::vector<Change> take_changes();

    // Writes a snapshot of the whole state (compaction); call it at a clean stop.
    void save(TimeNs now);
    // Torn or corrupt lines skipped when the state was read, for the log.
    std::size_t skipped_at_load() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace gs::alarms
