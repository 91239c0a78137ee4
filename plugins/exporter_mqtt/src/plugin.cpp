// exporter_mqtt: every sample and event of the site to an MQTT broker (issue 17), from the
// storage's journal with the plugin's own cursor (gs::JournalPump): at least once, in order,
// with the original timestamps; a broker outage is caught up afterwards. JSON payloads
// (mqtt_sink.hpp) or, with `sparkplug:`, Sparkplug B (sparkplug_sink.hpp). docs in README.md.
#include "description.hpp"
#include "discovery.hpp"
#include "mqtt_sink.hpp"
#include "settings.hpp"
#include "sparkplug_sink.hpp"

#include <gridscope/journal.hpp>
#include <gridscope/plugin.hpp>
#include <gridscope/services/site.h>
#include <gridscope/site.hpp>

#include <memory>
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
                  "topics are <topic_prefix>/<source>/<circuit>, /events, /status (required "
                  "unless sparkplug is set)"),
        gs::bounded(gs::field(GS_CONFIG_INT, "qos", "1", "MQTT QoS of the data messages"), "0",
                    "2"),
        gs::field(GS_CONFIG_SECTION, "retry", nullptr,
                  "{initial_ms: 1000, max_ms: 60000}: reconnection backoff (with jitter)"),
        gs::field(GS_CONFIG_SECTION, "homeassistant", nullptr,
                  "{enabled: false, prefix: homeassistant}: Home Assistant discovery of the "
                  "energy counters"),
        gs::field(GS_CONFIG_SECTION, "sparkplug", nullptr,
                  "{group_id, edge_node_id}: Sparkplug B payloads on spBv1.0/... instead of JSON")};

    explicit ExporterMqtt(gs::Host host)
        : Plugin(host), settings_(gs::mqtt::settings_from(config(config_fields))),
          json_(settings_.sparkplug.enabled()
                    ? nullptr
                    : std::make_unique<gs::mqtt::MqttSink>(host, settings_)),
          sparkplug_(settings_.sparkplug.enabled()
                         ? std::make_unique<gs::mqtt::SparkplugSink>(host, settings_)
                         : nullptr),
          pump_(host, gs::PumpOptions{id, 500, std::chrono::milliseconds{250}},
                json_ ? static_cast<gs::JournalSink &>(*json_) : *sparkplug_,
                [this](unsigned failures) {
                    return gs::retry::retry_delay(settings_.retry, failures, random_());
                }) {
        follow_site();
    }

    void start() { pump_.start(); }
    void stop() { pump_.stop(); }
    // A reload changed the site (not this section): the description and the discovery follow
    // it, the Sparkplug births its sources and data.
    void site_changed() { follow_site(); }

private:
    // The JSON payloads' retained announcements: the description for a hub (description.hpp),
    // and the Home Assistant discovery when enabled.
    void follow_site() {
        const auto *service = host().service<gs_site_service_v1>(GS_SITE_SERVICE_V1);
        if (!service || !service->site_json)
            throw gs::Error("the kernel offers no site service", GS_ERR_STATE);
        const gs::site::Site site = gs::site::parse(service->site_json);
        if (sparkplug_) {
            sparkplug_->set_site(site);
            return;
        }
        std::vector<gs::mqtt::Message> retained{
            gs::mqtt::description_message(settings_.topic_prefix, site)};
        if (settings_.homeassistant.enabled)
            for (auto &m : gs::mqtt::discovery_messages(settings_.homeassistant.prefix,
                                                        settings_.topic_prefix, site))
                retained.push_back(std::move(m));
        json_->set_retained(std::move(retained));
    }

    gs::mqtt::Settings settings_;
    std::mt19937_64 random_{std::random_device{}()};
    std::unique_ptr<gs::mqtt::MqttSink> json_;           // JSON payloads (the default)
    std::unique_ptr<gs::mqtt::SparkplugSink> sparkplug_; // or Sparkplug B
    gs::JournalPump pump_;
};

} // namespace

GS_DECLARE_MODULE("exporter_mqtt", gs::descriptor<ExporterMqtt>())
