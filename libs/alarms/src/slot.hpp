// One alarm of one rule on one circuit (a limit rule has one per limit): its condition, its
// delays, its open record. Internal to the engine.
#pragma once

#include "alarms/rule.hpp"

#include <cmath>
#include <string>

namespace gs::alarms {

// What a slot keeps across restarts.
struct SlotState {
    bool cond = false;               // the raw condition, with the deadband's hysteresis
    bool active = false;             // after the on/off delays
    TimeNs pending_since = kNoTime;  // running on-delay
    TimeNs clearing_since = kNoTime; // running off-delay
    uint64_t record = 0;             // open record, 0 if none
    TimeNs shelved_until = kNoTime;
    std::string shelved_by;
    bool is_default() const {
        return !cond && !active && pending_since == kNoTime && clearing_since == kNoTime &&
               record == 0 && shelved_until == kNoTime;
    }
};

struct Slot {
    const Rule *rule = nullptr;
    Level level = Level::single;
    double limit = 0;
    Criticality criticality = Criticality::medium;
    std::string source;
    uint32_t circuit = 0;
    std::string data;           // the data watched ("" for event rules)
    std::string key;            // persistent identity: rule, level, source, circuit, data
    Slot *suppressor = nullptr; // the high_high of a high, the low_low of a low
    SlotState s;
    double last_value = NAN;
    const double *latest = nullptr; // its binding's last value (newer than last_value)
    TimeNs last_update = kNoTime;   // stale rules
    // Restored with a running delay: how far it had run at the last stop, applied at the first
    // evaluation after the restart (the downtime does not count).
    TimeNs resume_on = kNoTime, resume_off = kNoTime;
    bool armed = false; // in the engine's list of slots with timers
};

std::string slot_key(const std::string &rule, Level level, const std::string &source,
                     uint32_t circuit, const std::string &data);

// The raw condition of a value for a slot, given its previous raw condition (hysteresis).
inline bool condition_of(const Slot &slot, double v) {
    const Rule &r = *slot.rule;
    switch (r.kind) {
    case RuleKind::limit: {
        const double db = r.deadband.around(slot.limit);
        const bool high = slot.level == Level::high || slot.level == Level::high_high;
        if (high) return slot.s.cond ? v >= slot.limit - db : v > slot.limit;
        return slot.s.cond ? v <= slot.limit + db : v < slot.limit;
    }
    case RuleKind::state:
    case RuleKind::device_alarm: {
        if (r.bit >= 0) {
            const auto bits = static_cast<uint64_t>(static_cast<int64_t>(std::llround(v)));
            return static_cast<double>((bits >> r.bit) & 1u) == r.equals;
        }
        return r.kind == RuleKind::state ? v == r.equals : v != 0;
    }
    default:
        return false;
    }
}

enum class Step { none, activated, cleared };

// Applies the on/off delays to a new raw condition at `t`.
inline Step step(Slot &slot, bool cond, TimeNs t) {
    SlotState &s = slot.s;
    s.cond = cond;
    if (slot.resume_on != kNoTime && s.pending_since != kNoTime)
        s.pending_since = t - slot.resume_on;
    if (slot.resume_off != kNoTime && s.clearing_since != kNoTime)
        s.clearing_since = t - slot.resume_off;
    slot.resume_on = slot.resume_off = kNoTime;
    if (!s.active) {
        s.clearing_since = kNoTime;
        if (!cond) {
            s.pending_since = kNoTime;
            return Step::none;
        }
        if (s.pending_since == kNoTime) s.pending_since = t;
        if (t - s.pending_since < slot.rule->on_delay) return Step::none;
        s.pending_since = kNoTime;
        s.active = true;
        return Step::activated;
    }
    s.pending_since = kNoTime;
    if (cond) {
        s.clearing_since = kNoTime;
        return Step::none;
    }
    if (s.clearing_since == kNoTime) s.clearing_since = t;
    if (t - s.clearing_since < slot.rule->off_delay) return Step::none;
    s.clearing_since = kNoTime;
    s.active = false;
    return Step::cleared;
}

} // namespace gs::alarms
