// The engine's insides, shared by engine.cpp (evaluation) and engine_store.cpp (persistence,
// queries). Internal.
#pragma once

#include "alarms/engine.hpp"
#include "alarms/voltage_events.hpp"
#include "codec.hpp"
#include "slot.hpp"

#include <map>
#include <set>
#include <unordered_set>

namespace gs::alarms {

struct PhaseFeed {
    VoltageDetector *detector;
    std::size_t phase; // 0-based
    const Rule *rule;
};

// What one (circuit, data) of a source feeds: its alarms and voltage detectors.
struct Binding {
    std::vector<Slot *> slots; // high_high / low_low before high / low
    std::vector<PhaseFeed> phases;
    // Values in [quiet_lo, quiet_hi] change none of the slots (limit slots without a running
    // delay): they are skipped at once. Empty (lo > hi) when the slots must see every value.
    double quiet_lo = 1, quiet_hi = 0;
    double latest = NAN; // the last good value
    void must_see_all() { quiet_lo = 1, quiet_hi = 0; }
};

struct SourceEntry {
    std::string name;
    bool comm_lost = false; // between a comm.lost event and comm.restored or a good value
    std::unordered_map<uint64_t, Binding> bindings; // (circuit << 32) | data id
    std::vector<Slot *> slots;                      // every slot of the source
    std::vector<Slot *> comm_slots;                 // comm_lost rules' slots
};

struct Engine::Impl {
    EngineOptions opt;
    std::vector<Rule> rules;
    std::unordered_map<std::string, const Rule *> rule_by_name;
    std::unordered_map<std::string, std::vector<const Rule *>> suppresses; // reverse suppressed_by
    std::map<std::string, std::vector<SiteCircuit>> site;                  // by source

    std::deque<std::string> names; // storage behind the string_view keys below
    std::unordered_map<std::string_view, uint32_t> data_ids;
    std::vector<std::vector<const Rule *>> rules_by_data;
    std::vector<std::string_view> data_names; // by data id
    std::unordered_map<std::string_view, SourceEntry> sources;

    std::unordered_map<std::string, std::unique_ptr<Slot>> slots; // by Slot::key
    std::unordered_map<std::string, SlotState> restored;          // read, not yet bound
    std::unordered_set<const Slot *> stateful; // slots out of their default state (snapshots)
    std::vector<Slot *> stale_slots;
    std::vector<Slot *> armed; // running delays or shelving
    std::map<std::string, std::unique_ptr<VoltageDetector>> detectors;
    std::map<std::string, std::vector<VoltageEvent>> restored_voltage;
    std::unordered_set<const Rule *> out_of_service;

    std::map<uint64_t, AlarmRecord> open, history;
    std::deque<Activation> activations;
    std::map<uint64_t, VoltageEvent> voltage_history;
    uint64_t next_id = 1;

    std::unique_ptr<Journal> journal;
    TimeNs now = kNoTime;      // the latest time seen
    TimeNs saved_at = kNoTime; // the latest time known at the last stop
    TimeNs last_clock = kNoTime;
    std::size_t skipped = 0;
    std::vector<Change> changes;

    // engine.cpp
    void index_rules();
    SourceEntry &source_entry(std::string_view name);
    Binding &binding(SourceEntry &src, uint32_t circuit, uint32_t data_id);
    bool matches(const Rule &rule, const std::string &source, uint32_t circuit) const;
    Slot *make_slot(const Rule &rule, Level level, double limit, Criticality crit, SourceEntry &src,
                    uint32_t circuit, const std::string &data);
    Slot *event_slot(const Rule &rule, SourceEntry &src, uint32_t circuit);
    void evaluate(Slot &slot, bool cond, double value, TimeNs t, const std::string &text = {});
    void instant(Slot &slot, double value, TimeNs t, const std::string &text);
    void after_step(Slot &slot, Step st, double value, TimeNs t, const std::string &text);
    bool suppressed(const Slot &slot) const;
    bool hidden(const Slot &slot) const;
    void refresh(Slot &slot, TimeNs t);
    void refresh_dependents(Slot &slot, TimeNs t);
    void raise(Slot &slot, double value, TimeNs t, const std::string &text);
    void clear(Slot &slot, TimeNs t);
    void comm_state(SourceEntry &src, bool lost, TimeNs t);
    void arm(Slot &slot);
    void update_quiet(Binding &b) const;
    void voltage(VoltageDetector &det, std::size_t phase, double v, TimeNs t);
    SourceEntry *source_of(const Slot &slot);
    Slot *open_slot(uint64_t id); // the alarm of an open record, if bound since the start

    // engine_store.cpp
    void load();
    void persist(const Slot &slot);
    void persist(const AlarmRecord &r);
    void note(ChangeKind kind, const AlarmRecord &r);
    void finish(uint64_t id);
    void log_activation(const Slot &slot, TimeNs t);
    void commit();
    std::vector<std::string> snapshot() const;
    void seen(TimeNs t) { now = now == kNoTime || t > now ? t : now; }
};

std::map<std::string, std::string> message_for(const Slot &slot, double value,
                                               const std::string &event_text);

} // namespace gs::alarms
