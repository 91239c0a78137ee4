// The messages of a box's exporter_mqtt (plugins/exporter_mqtt/README.md), read back:
//   <prefix>/<source>/<circuit>  {"ts": <ms>, "values": {"<data>": <number|null>, ...},
//                                 "quality": {"<data>": "<quality>"}}
//   <prefix>/events              {"ts", "type", "source", "circuit", "severity", "state",
//                                 "message"}
//   <prefix>/status              online | offline (retained; offline is the box's will)
//   <prefix>/description         the box's sources (retained; description.hpp)
// Pure functions: no MQTT, no host. Malformed input throws std::invalid_argument with the reason.
#pragma once

#include <gridscope/plugin.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gs::hub {

enum class TopicKind { data, events, status, description, other };

struct Topic {
    TopicKind kind = TopicKind::other;
    std::string source;   // data: the source's topic level on the box
    uint32_t circuit = 0; // data: the circuit (0: the device as a whole)
};

// What a topic below "<prefix>/" is (`rest` is the part after the prefix and its '/').
Topic topic_of(std::string_view rest);

// A name as exporter_mqtt writes it as one topic level: '/', '+' and '#' become '_'.
std::string topic_level(const std::string &name);

struct ReceivedValue {
    std::string data;
    double value = 0;
    gs_quality quality = GS_QUALITY_GOOD; // not good: `value` means nothing
};

struct DataMessage {
    int64_t ts_ms = 0;
    std::vector<ReceivedValue> values;
};

struct EventMessage {
    int64_t ts_ms = 0;
    std::string type;
    std::string source; // "" for a site-wide event (null)
    uint32_t circuit = 0;
    gs_severity severity = GS_SEVERITY_INFO;
    gs_event_state state = GS_EVENT_STATE_INSTANT;
    std::string message;
};

DataMessage parse_data(std::string_view payload);
EventMessage parse_event(std::string_view payload);

} // namespace gs::hub
