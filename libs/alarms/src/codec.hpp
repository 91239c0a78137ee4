// The payloads of the journal and snapshot lines: one upsert per line, fields separated by tabs
// (escaped inside fields). Internal to the engine.
#pragma once

#include "alarms/kpi.hpp"
#include "alarms/record.hpp"
#include "slot.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gs::alarms::codec {

std::string slot(const std::string &key, const SlotState &s);
std::string record(const AlarmRecord &r);
std::string activation(const Activation &a);
std::string voltage(const VoltageEvent &e);
std::string out_of_service(const std::string &rule, bool out, const std::string &who, TimeNs t);
std::string clock(TimeNs t);
std::string next_id(uint64_t id);

// A decoded line; `type` is 0 when the payload is malformed.
struct Decoded {
    char type = 0; // 'S', 'R', 'A', 'V', 'X', 'T', 'N'
    std::string key;
    SlotState slot;
    AlarmRecord record;
    Activation activation;
    VoltageEvent voltage;
    std::string rule;
    bool out = false;
    TimeNs t = kNoTime;
    uint64_t id = 0;
};
Decoded decode(const std::string &payload);

} // namespace gs::alarms::codec
