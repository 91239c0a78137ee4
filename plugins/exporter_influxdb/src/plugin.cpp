// exporter_influxdb: every sample and event of the site to InfluxDB (or any server taking the
// line protocol: InfluxDB 3, VictoriaMetrics, QuestDB), issue 17, from the storage's journal
// with the plugin's own cursor (gs::JournalPump): at least once, in order, original timestamps.
#include "influx_sink.hpp"
#include "settings.hpp"

#include <gridscope/journal.hpp>
#include <gridscope/plugin.hpp>
#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>
#include <gridscope/site.hpp>

#include <memory>
#include <random>
#include <unordered_map>

namespace {

const char *const kApis[] = {"v1", "v2", nullptr};

// The site's name and the catalog's units, for the tags.
struct SiteTags {
    std::string site, data_dir;
    std::unordered_map<std::string, std::string> units;
};

SiteTags site_tags(const gs::Host &host) {
    const auto *site = host.service<gs_site_service_v1>(GS_SITE_SERVICE_V1);
    const auto *runtime = host.service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1);
    if (!site || !site->site_json || !runtime || !runtime->data_dir)
        throw gs::Error("the kernel offers no site or runtime service", GS_ERR_STATE);
    gs::site::Site model = gs::site::parse(site->site_json);
    SiteTags out;
    out.site = model.name;
    out.data_dir = runtime->data_dir;
    for (const auto &[name, entry] : model.catalog)
        out.units[name] = entry.unit;
    return out;
}

class ExporterInfluxdb : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_EXPORTER;
    static constexpr const char *id = "exporter_influxdb";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "Samples and events to InfluxDB (line protocol, v1 or v2 API), from the journal";
    static constexpr gs_config_field config_fields[] = {
        gs::field(GS_CONFIG_STRING, "url", nullptr, "http(s)://HOST:PORT of the server", true),
        gs::one_of(gs::field(GS_CONFIG_STRING, "api", "v1", "v1: database; v2: org, bucket, token"),
                   kApis),
        gs::field(GS_CONFIG_STRING, "database", nullptr, "v1: the database"),
        gs::field(GS_CONFIG_STRING, "username", nullptr, "v1: user (HTTP Basic), optional"),
        gs::field(GS_CONFIG_STRING, "password", nullptr, "v1: password, optional"),
        gs::field(GS_CONFIG_STRING, "org", nullptr, "v2: the organization"),
        gs::field(GS_CONFIG_STRING, "bucket", nullptr, "v2: the bucket"),
        gs::field(GS_CONFIG_STRING, "token", nullptr, "v2: the API token"),
        gs::bounded(gs::field(GS_CONFIG_INT, "timeout_ms", "10000", "time allowed per request"),
                    "100", "600000"),
        gs::field(GS_CONFIG_SECTION, "retry", nullptr,
                  "{initial_ms: 1000, max_ms: 60000}: backoff after a failure (with jitter)")};

    explicit ExporterInfluxdb(gs::Host host)
        : Plugin(host), settings_(gs::influx::settings_from(config(config_fields))),
          tags_(site_tags(host)),
          sink_(host, settings_, context(), tags_.data_dir + "/exporter_influxdb/parked"),
          pump_(host, gs::PumpOptions{id, 200, std::chrono::milliseconds{250}}, sink_,
                [this](unsigned failures) {
                    return gs::retry::retry_delay(settings_.retry, failures, random_());
                }) {}

    void start() { pump_.start(); }
    void stop() { pump_.stop(); }

private:
    gs::influx::LineContext context() const {
        return gs::influx::LineContext{tags_.site,
                                       [this](const std::string &data) -> const std::string & {
                                           static const std::string none;
                                           auto it = tags_.units.find(data);
                                           return it == tags_.units.end() ? none : it->second;
                                       }};
    }

    gs::influx::Settings settings_;
    SiteTags tags_;
    std::mt19937_64 random_{std::random_device{}()};
    gs::influx::InfluxSink sink_;
    gs::JournalPump pump_;
};

} // namespace

GS_DECLARE_MODULE("exporter_influxdb", gs::descriptor<ExporterInfluxdb>())
