// exporter_mqtt: every sample and event of the site to an MQTT broker (issue 17), from the
// storage's journal with the plugin's own cursor (gs::JournalPump): at least once, in order,
// with the original timestamps; a broker outage is caught up afterwards. docs in README.md.
#include "mqtt_sink.hpp"
#include "settings.hpp"

#include <gridscope/journal.hpp>
#include <gridscope/plugin.hpp>

#include <random>

namespace {

class ExporterMqtt : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_EXPORTER;
    static constexpr const char *id = "exporter_mqtt";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "Samples and events to an MQTT broker (libmosquitto), from the journal";
    static constexpr gs_config_field config_fields[] = {
        gs::field(GS_CONFIG_SECTION, "broker", nullptr,
                  "{host, port, username, password, tls, ca_file, client_id}", true),
        gs::field(GS_CONFIG_STRING, "topic_prefix", nullptr,
                  "topics are <topic_prefix>/<source>/<circuit>, /events, /status", true),
        gs::bounded(gs::field(GS_CONFIG_INT, "qos", "1", "MQTT QoS of the data messages"), "0",
                    "2"),
        gs::field(GS_CONFIG_SECTION, "retry", nullptr,
                  "{initial_ms: 1000, max_ms: 60000}: reconnection backoff (with jitter)")};

    explicit ExporterMqtt(gs::Host host)
        : Plugin(host), settings_(gs::mqtt::settings_from(config(config_fields))),
          sink_(host, settings_),
          pump_(host, gs::PumpOptions{id, 500, std::chrono::milliseconds{250}}, sink_,
                [this](unsigned failures) {
                    return gs::retry::retry_delay(settings_.retry, failures, random_());
                }) {}

    void start() { pump_.start(); }
    void stop() { pump_.stop(); }

private:
    gs::mqtt::Settings settings_;
    std::mt19937_64 random_{std::random_device{}()};
    gs::mqtt::MqttSink sink_;
    gs::JournalPump pump_;
};

} // namespace

GS_DECLARE_MODULE("exporter_mqtt", gs::descriptor<ExporterMqtt>())
