// plugins.driver_mqtt as the plugin reads it: the boxes a hub receives and how to reach them.
//   boxes:
//     box-01:                        # the box's name on the hub (the top of its sources' location)
//       broker: {host: 127.0.0.1, port: 1883, username: null, password: null, tls: false,
//                ca_file: null, client_id: null}
//       topic_prefix: gridscope/box-01   # the box's exporter_mqtt topic_prefix
//       qos: 1                           # of the subscription
//   retry: {initial_ms: 1000, max_ms: 60000}   # reconnection backoff (jitter added, libs/retry)
// A source of the hub names its box (`box: box-01`) and the source's name on the box
// (`remote_source: tgbt`, default: the hub source's own name).
#pragma once

#include <gridscope/plugin.hpp>

#include <mqtt/client.hpp>
#include <retry/retry.hpp>

#include <map>
#include <string>

namespace gs::hub {

// client_id "" = a random id and a clean session; set: a persistent session, so that the broker
// keeps the box's messages (qos >= 1) for the hub while the hub is away.
using Broker = ::mqtt::Broker;

struct Box {
    std::string name;
    Broker broker;
    std::string topic_prefix;
    int qos = 1;
};

struct Settings {
    std::map<std::string, Box> boxes;
    retry::RetryPolicy retry{std::chrono::milliseconds{1000}, std::chrono::milliseconds{60000}, 2};
};

// Reads and checks the plugin's section; throws gs::InvalidArgument naming the field.
Settings settings_from(const gs::ptree &section);

} // namespace gs::hub
