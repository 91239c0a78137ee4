// A box's description, read back: the retained <topic_prefix>/description that a box's
// exporter_mqtt publishes (plugins/exporter_mqtt/src/description.hpp has the format):
//   {"format": 1, "site": "...", "sources": [{"name", "profile", "period_ms", "location",
//     "circuits": [{"index", "name", "fluid", "usage", "zone", "models", "data", "history"}]}],
//    "units": {...}}
// Pure: no MQTT, no host. A malformed description throws std::invalid_argument with the reason.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gs::hub {

struct RemoteCircuit {
    uint32_t index = 1;
    std::string name, fluid, usage, zone;
    std::vector<std::string> models;
    std::vector<std::string> data; // what the box publishes for it
};

struct RemoteSource {
    std::string name, profile, location;
    int64_t period_ms = 1000;
    std::vector<RemoteCircuit> circuits;
};

struct BoxDescription {
    std::string site; // the box's site name
    std::vector<RemoteSource> sources;
};

BoxDescription parse_description(std::string_view payload);

} // namespace gs::hub
