// Home Assistant MQTT discovery of the site's counters (option `homeassistant` of exporter_mqtt):
// one retained config message per stored counter series (catalog `counter: true`) on
//   <ha prefix>/sensor/<node_id>/<object_id>/config
// node_id = the source, object_id = <circuit>_<data> (both reduced to [A-Za-z0-9_-]); the
// sensor reads its value from the circuit's data topic <topic_prefix>/<source>/<circuit>
// (payload.hpp) and is available while <topic_prefix>/status says "online".
// device_class: energy for Wh/kWh/MWh, reactive_energy for varh/kvarh (Home Assistant 2025.6+),
// none for other units (VAh has no device class); state_class is always total_increasing.
#pragma once

#include "payload.hpp"

#include <gridscope/site.hpp>

#include <string>
#include <vector>

namespace gs::mqtt {

std::vector<Message> discovery_messages(const std::string &ha_prefix,
                                        const std::string &topic_prefix,
                                        const gs::site::Site &site);

} // namespace gs::mqtt
