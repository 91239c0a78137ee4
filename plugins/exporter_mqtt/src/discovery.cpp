#include "discovery.hpp"

namespace gs::mqtt {
namespace {

// Home Assistant's node_id and object_id allow [a-zA-Z0-9_-] only.
std::string discovery_id(const std::string &name) {
    std::string out = name;
    for (char &c : out) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok) c = '_';
    }
    return out.empty() ? "_" : out;
}

const char *device_class_of(const std::string &unit) {
    if (unit == "Wh" || unit == "kWh" || unit == "MWh" || unit == "GWh") return "energy";
    if (unit == "varh" || unit == "kvarh") return "reactive_energy";
    return nullptr;
}

} // namespace

std::vector<Message> discovery_messages(const std::string &ha_prefix,
                                        const std::string &topic_prefix,
                                        const gs::site::Site &site) {
    std::vector<Message> out;
    const std::string site_id = discovery_id(topic_prefix);
    for (const auto &source : site.sources) {
        if (!source.enabled) continue;
        const std::string node_id = discovery_id(source.name);
        gs::site::json device = {{"identifiers", {"gridscope_" + site_id + "_" + node_id}},
                                 {"name", source.name}};
        if (const auto *profile = site.profile(source.profile)) {
            if (!profile->maker.empty()) device["manufacturer"] = profile->maker;
            if (!profile->name.empty()) device["model"] = profile->name;
        }
        if (!source.location.empty()) device["suggested_area"] = source.location;
        for (const auto &circuit : source.circuits) {
            if (!circuit.enabled) continue;
            const std::string state_topic =
                topic_prefix + "/" + topic_level(source.name) + "/" + std::to_string(circuit.index);
            const std::string circuit_name =
                circuit.name.empty() ? "Circuit " + std::to_string(circuit.index) : circuit.name;
            for (const auto &data : circuit.history) { // the stored data: the journal's
                auto entry = site.catalog.find(data);
                if (entry == site.catalog.end() || !entry->second.counter) continue;
                const std::string object_id = std::to_string(circuit.index) + "_" + data;
                gs::site::json config = {
                    {"name",
                     circuit_name + " " +
                         (entry->second.description.empty() ? data : entry->second.description)},
                    {"unique_id",
                     "gridscope_" + site_id + "_" + node_id + "_" + discovery_id(object_id)},
                    {"state_topic", state_topic},
                    // value_json['values'], not value_json.values (the dict's method)
                    {"value_template",
                     "{{ value_json['values'][" + gs::site::json(data).dump() + "] }}"},
                    {"state_class", "total_increasing"},
                    {"availability_topic", topic_prefix + "/status"},
                    {"payload_available", "online"},
                    {"payload_not_available", "offline"},
                    {"device", device}};
                if (!entry->second.unit.empty()) config["unit_of_measurement"] = entry->second.unit;
                if (const char *dc = device_class_of(entry->second.unit))
                    config["device_class"] = dc;
                out.push_back(Message{ha_prefix + "/sensor/" + node_id + "/" +
                                          discovery_id(object_id) + "/config",
                                      config.dump()});
            }
        }
    }
    return out;
}

} // namespace gs::mqtt
