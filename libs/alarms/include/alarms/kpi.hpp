// Alarm-rate figures used in alarm-management audits (ISA-18.2 / EEMUA 191): alarms per day,
// floods (more than 10 alarms in 10 minutes), chattering alarms (3 or more activations in a
// minute) and stale alarms (active for more than 24 hours).
#pragma once

#include "alarms/record.hpp"

#include <string>
#include <vector>

namespace gs::alarms {

// One annunciated activation (what an operator saw), as the engine logs them.
struct Activation {
    TimeNs t = 0;
    std::string alarm; // "rule/level@source/circuit": one alarm, for chattering
    Criticality criticality = Criticality::medium;
};

struct KpiLimits {
    std::size_t flood_count = 10; // more than this many ...
    TimeNs flood_window = 600 * kNsPerS;
    std::size_t chatter_count = 3; // this many or more ...
    TimeNs chatter_window = 60 * kNsPerS;
    TimeNs stale_after = 24 * 3600 * kNsPerS;
};

struct Flood {
    TimeNs start = 0; // first activation of the flood
    TimeNs end = 0;   // last activation while the rate was above the limit
    std::size_t activations = 0;
    std::size_t peak = 0; // most activations in one window
};

struct Chattering {
    std::string alarm;
    std::size_t peak = 0; // most activations in one window
    TimeNs first = 0;     // the start of the first window at or above the limit
};

struct Kpis {
    TimeNs from = 0, to = 0;
    std::size_t activations = 0;
    double alarms_per_day = 0;
    std::size_t by_criticality[5] = {}; // indexed by Criticality
    std::vector<Flood> floods;
    std::vector<Chattering> chattering;
    std::vector<uint64_t> stale; // ids of records active for longer than stale_after at `now`
};

// `activations` in any order; only those in [from, to) count. `records` are the current
// records (stale ones are picked among the active ones).
Kpis compute_kpis(std::vector<Activation> activations, const std::vector<AlarmRecord> &records,
                  TimeNs from, TimeNs to, TimeNs now, const KpiLimits &limits = {});

} // namespace gs::alarms
