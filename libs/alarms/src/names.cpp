// Names of the rule model's enums, as written in the site file and the records.
#include "alarms/rule.hpp"

namespace gs::alarms {

const char *name_of(Criticality c) {
    switch (c) {
    case Criticality::low:
        return "low";
    case Criticality::medium:
        return "medium";
    case Criticality::high:
        return "high";
    case Criticality::critical:
        return "critical";
    default:
        return "invalid";
    }
}

const char *name_of(RuleKind k) {
    switch (k) {
    case RuleKind::limit:
        return "limit";
    case RuleKind::stale:
        return "stale";
    case RuleKind::state:
        return "state";
    case RuleKind::device_alarm:
        return "device_alarm";
    case RuleKind::comm_lost:
        return "comm_lost";
    case RuleKind::atys_transfer:
        return "atys_transfer";
    case RuleKind::hierarchy_balance:
        return "hierarchy_balance";
    case RuleKind::voltage_events:
        return "voltage_events";
    default:
        return "invalid";
    }
}

const char *name_of(Level l) {
    switch (l) {
    case Level::high_high:
        return "high_high";
    case Level::high:
        return "high";
    case Level::low:
        return "low";
    case Level::low_low:
        return "low_low";
    default:
        return "";
    }
}

} // namespace gs::alarms
