// What the engine produces: alarm records (one per activation of an alarm, the fields of the
// `gridscope alarms` contract) and EN 50160-style voltage events.
#pragma once

#include "alarms/rule.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace gs::alarms {

// One occurrence of an alarm: from its activation until it has returned to normal and been
// acknowledged (then it is finished and kept in the history). A re-activation while it is still
// returned-unacknowledged re-opens the same record (activations + 1) instead of piling up
// records, so a chattering point cannot evict the history.
struct AlarmRecord {
    uint64_t id = 0;
    std::string rule;
    RuleKind kind = RuleKind::invalid;
    Level level = Level::single;
    std::string source; // "" for site-wide events
    uint32_t circuit = 0;
    std::string data;
    Criticality criticality = Criticality::medium;
    bool active = false;
    bool acked = false;
    TimeNs raised = kNoTime;   // first activation
    TimeNs cleared = kNoTime;  // last return to normal; kNoTime while active
    TimeNs acked_at = kNoTime; // kNoTime until acknowledged
    std::string acked_by;
    std::string ack_comment;
    double value = 0; // the value that raised it (NaN for events without one)
    double limit = 0; // the limit crossed (limit rules)
    uint32_t activations = 1;
    std::map<std::string, std::string> message; // language -> text
    // Not annunciated while any of these holds (OPC UA Part 9 flags).
    bool shelved = false;
    bool suppressed = false;
    bool out_of_service = false;

    bool finished() const { return !active && acked; }
    bool annunciated() const { return !shelved && !suppressed && !out_of_service; }
    // The contract's "state": "active" or "normal".
    const char *state() const { return active ? "active" : "normal"; }
    // ISA-18.2: "active-unacknowledged", "active-acknowledged", "returned-unacknowledged",
    // "normal".
    const char *isa_state() const;
    // The text in `language`, else English, else any.
    std::string message_in(const std::string &language) const;
};

enum class VoltageEventKind : uint8_t { invalid = 0, dip, swell, interruption };
const char *name_of(VoltageEventKind k);

// A voltage event computed from polled RMS values (not IEC 61000-4-30 class A: a poll every
// second or so sees events longer than the period, and their start and end to within it).
struct VoltageEvent {
    uint64_t id = 0;
    std::string rule;
    std::string source;
    uint32_t circuit = 0;
    VoltageEventKind kind = VoltageEventKind::invalid;
    TimeNs start = kNoTime; // the first poll where a phase crossed the threshold
    TimeNs end = kNoTime;   // the first poll where every phase had recovered; kNoTime: running
    double nominal_v = 0;
    double extreme_v = 0; // lowest residual voltage (dip, interruption) or highest (swell)
    uint32_t phases = 0;  // bit i: phase i+1 crossed
    bool long_interruption() const {
        return kind == VoltageEventKind::interruption && end != kNoTime &&
               end - start > 180 * kNsPerS;
    }
    double extreme_pct() const { return nominal_v > 0 ? 100.0 * extreme_v / nominal_v : 0; }
    // Dips and interruptions: 100 % - residual %; swells: highest % - 100 %.
    double depth_pct() const;
    TimeNs duration() const { return end == kNoTime ? 0 : end - start; }
    static constexpr const char *kMethod =
        "computed from polled RMS values (not IEC 61000-4-30 class A)";
};

} // namespace gs::alarms
