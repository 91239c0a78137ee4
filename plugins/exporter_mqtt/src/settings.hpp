// plugins.exporter_mqtt as the plugin reads it:
//   broker: {host: 127.0.0.1, port: 1883, username: null, password: null, tls: false,
//            ca_file: null, client_id: null}
//   topic_prefix: gridscope/demo
//   qos: 1
//   retry: {initial_ms: 1000, max_ms: 60000}     (reconnection backoff, jitter added)
//   homeassistant: {enabled: false, prefix: homeassistant}   (discovery.hpp)
//   sparkplug: {group_id: G, edge_node_id: E}   (Sparkplug B payloads instead of JSON: the
//              section's presence turns them on; topic_prefix is then not used)
#pragma once

#include <gridscope/plugin.hpp>

#include <mqtt/client.hpp>
#include <retry/retry.hpp>

#include <string>

namespace gs::mqtt {

// The session is always clean: the journal is the queue; "" client_id = a random one.
using Broker = ::mqtt::Broker;

struct HomeAssistant {
    bool enabled = false;
    std::string prefix = "homeassistant"; // Home Assistant's discovery prefix
};

struct Sparkplug {
    std::string group_id, edge_node_id; // both set: Sparkplug B mode
    bool enabled() const { return !group_id.empty(); }
};

struct Settings {
    Broker broker;
    std::string topic_prefix;
    int qos = 1;
    HomeAssistant homeassistant;
    Sparkplug sparkplug;
    retry::RetryPolicy retry{std::chrono::milliseconds{1000}, std::chrono::milliseconds{60000}, 2};
};

// Reads and checks the plugin's section; throws gs::InvalidArgument naming the field.
Settings settings_from(const gs::Config &config);

} // namespace gs::mqtt
