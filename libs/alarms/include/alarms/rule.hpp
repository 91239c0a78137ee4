// The alarm rules of a site (issue 14): what the `alarms:` section of the site file declares.
// Plain data, free of gridscope's plugin ABI and of the kernel; parsed by rule_parser.hpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gs::alarms {

using TimeNs = int64_t; // UTC nanoseconds, as the ABI's ts_utc_ns
constexpr TimeNs kNsPerS = 1'000'000'000;
constexpr TimeNs kNoTime = INT64_MIN; // "not set"

enum class Criticality : uint8_t { invalid = 0, low, medium, high, critical };

enum class RuleKind : uint8_t {
    invalid = 0,
    limit,             // high / low / high_high / low_low on a measured value
    stale,             // no update of a data for a duration
    state,             // a status (or one of its bits) equal to a value
    device_alarm,      // IDeviceAlarm1..8 non-zero, or a device.alarm event
    comm_lost,         // comm.lost / comm.restored events of the drivers
    atys_transfer,     // atys.transfer events (instant)
    hierarchy_balance, // hierarchy.balance events
    voltage_events     // EN 50160-style dips, swells, interruptions from polled RMS values
};

// One alarm of a rule. A limit rule has one alarm per limit; the other kinds have one (single).
enum class Level : uint8_t { single = 0, high_high, high, low, low_low };

const char *name_of(Criticality c);
const char *name_of(RuleKind k);
const char *name_of(Level l);

// "0.1" (absolute, in the data's unit) or "2%" (of the limit's magnitude).
struct Deadband {
    double value = 0;
    bool percent = false;
    double around(double limit) const { return percent ? std::fabs(limit) * value / 100.0 : value; }
};

struct Limit {
    Level level = Level::high;
    double value = 0;
    Criticality criticality = Criticality::invalid; // the rule's when not given
};

// Which circuits a rule watches. Every list given must match (an empty list matches all).
struct Selector {
    std::vector<std::string> sources;
    std::vector<std::string> usage;
    std::vector<std::string> models;
    std::vector<std::pair<std::string, uint32_t>> circuits; // SOURCE/K
    std::vector<std::string> hierarchies;                   // hierarchy_balance only
};

struct Rule {
    std::string name; // unique within the site
    RuleKind kind = RuleKind::invalid;
    std::string data; // the catalog data watched (empty: kinds fed by events)
    Selector select;
    std::vector<Limit> limits; // limit: high_high and low_low first
    Deadband deadband;
    TimeNs on_delay = 0;
    TimeNs off_delay = 0;
    Criticality criticality = Criticality::medium;
    std::map<std::string, std::string> message; // language -> text
    std::vector<std::string> suppressed_by;     // rule names
    TimeNs stale_after = 0;                     // stale
    double equals = 1;                          // state, device_alarm (with bit)
    int bit = -1;                               // state / device_alarm: 0..63, -1 = whole value
    double nominal_v = 0;                       // voltage_events
    std::vector<std::string> phases;            // voltage_events: phase-to-neutral data names
    TimeNs max_shelve = 0;                      // 0: the engine's default
    int line = 0;                               // where the rule starts in its file (1-based)
};

// The circuits of the site that rules select from (filled by the glue from the site model).
struct SiteCircuit {
    std::string source;
    uint32_t circuit = 1; // 1-based
    std::string usage;
    std::vector<std::string> models;
};

} // namespace gs::alarms
