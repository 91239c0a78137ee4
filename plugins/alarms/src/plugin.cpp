// The alarm engine plugin (issue 14): glue between the bus and libs/alarms. An exporter (it
// consumes samples and events and publishes events through the host); it owns the `alarms:`
// section of the site file (ABI 1.4 site_sections), keeps its state in <data_dir>/alarms/,
// offers gridscope.alarms/1 (ABI 1.4 exporter get_service) and `gridscope alarms` (a tool).
#include "alarms_tool.hpp"
#include "running_engine.hpp"
#include "site_rules.hpp"

#include <gridscope/plugin.hpp>
#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>

#include <cmath>
#include <cstring>
#include <memory>

namespace {

using gs::alarm_glue::RunningEngine;
namespace alarms = gs::alarms;

int32_t run_alarms(const gs_host *host, const gs_config *options) noexcept {
    try {
        gs::ptree given = gs::Host(host).config(options);
        gs::alarm_glue::ToolOptions o;
        o.data_dir = given.get<std::string>("data_dir");
        for (auto [key, into] : {std::pair{"state", &o.state}, std::pair{"from", &o.from},
                                 std::pair{"to", &o.to}, std::pair{"format", &o.format}})
            if (auto v = given.get_optional<std::string>(key)) *into = *v;
        return gs::alarm_glue::run_alarms_tool(o, std::cout, std::cerr);
    } catch (const std::exception &e) { // nothing crosses the C ABI
        std::cerr << "gridscope alarms: " << e.what() << "\n";
        return 1;
    }
}
const char *const kAlarmsOptions[] = {"--state", "--from", "--to", "--format"};
constexpr gs_tool kAlarmsTool = {sizeof(gs_tool),
                                 "alarms",
                                 "[--state active|unacked|all] [--from T --to T] --format json",
                                 "the alarm records (works while the site runs)",
                                 kAlarmsOptions,
                                 sizeof(kAlarmsOptions) / sizeof(kAlarmsOptions[0]),
                                 &run_alarms,
                                 nullptr,
                                 0};

uint32_t severity_of(alarms::Criticality c) {
    switch (c) {
    case alarms::Criticality::low:
        return GS_SEVERITY_LOW;
    case alarms::Criticality::medium:
        return GS_SEVERITY_MEDIUM;
    default:
        return GS_SEVERITY_HIGH;
    }
}

// One bus event per change: "alarms.alarm" (raised: active, cleared and finished: finished,
// acknowledged) and "alarms.voltage" (started: active, ended: finished).
gs_event event_of(const alarms::Change &c, std::string &message, int64_t now) {
    gs_event e{};
    e.struct_size = sizeof(gs_event);
    e.ts_utc_ns = now;
    if (c.kind == alarms::ChangeKind::voltage_started ||
        c.kind == alarms::ChangeKind::voltage_ended) {
        e.type = "alarms.voltage";
        e.severity = GS_SEVERITY_MEDIUM;
        e.source = c.event.source.c_str();
        e.circuit = c.event.circuit;
        e.state = c.kind == alarms::ChangeKind::voltage_started ? GS_EVENT_STATE_ACTIVE
                                                                : GS_EVENT_STATE_FINISHED;
        message = std::string(alarms::name_of(c.event.kind)) + " " +
                  std::to_string(c.event.depth_pct()) + " % (" + alarms::VoltageEvent::kMethod +
                  ")";
    } else {
        const alarms::AlarmRecord &r = c.record;
        e.type = "alarms.alarm";
        e.severity = severity_of(r.criticality);
        e.source = r.source.empty() ? nullptr : r.source.c_str();
        e.circuit = r.circuit;
        e.state = c.kind == alarms::ChangeKind::raised         ? GS_EVENT_STATE_ACTIVE
                  : c.kind == alarms::ChangeKind::acknowledged ? GS_EVENT_STATE_ACKNOWLEDGED
                  : c.kind == alarms::ChangeKind::flags        ? GS_EVENT_STATE_INSTANT
                                                               : GS_EVENT_STATE_FINISHED;
        message = "#" + std::to_string(r.id) + " " + r.rule + ": " + r.message_in("en");
    }
    e.message = message.c_str();
    return e;
}

alarms::EventState event_state(uint32_t s) {
    switch (s) {
    case GS_EVENT_STATE_ACTIVE:
        return alarms::EventState::active;
    case GS_EVENT_STATE_FINISHED:
        return alarms::EventState::finished;
    case GS_EVENT_STATE_INSTANT:
        return alarms::EventState::instant;
    default:
        return alarms::EventState::invalid;
    }
}

class AlarmsPlugin : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_EXPORTER;
    static constexpr const char *id = "alarms";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "Alarm engine: the rules of the site file's alarms: section (ISA-18.2 states, "
        "acknowledgement, shelving), state in <data_dir>/alarms/";
    static constexpr gs_config_field config_fields[] = {
        gs::bounded(gs::field(GS_CONFIG_DURATION_MS, "tick_ms", "1000",
                              "how often delays, stale data and shelving expiry are evaluated"),
                    "50", "10000"),
        gs::bounded(gs::field(GS_CONFIG_INT, "history_max", "100000",
                              "finished alarm records (and ended voltage events) kept for the "
                              "Alarms and events page and its export; the oldest go first"),
                    "100", "1000000")};
    static constexpr const gs_tool *tools[] = {&kAlarmsTool};
    static constexpr const char *site_sections[] = {"alarms"};

    // Reads and checks the rules: `gridscope check` and a reload report their errors here.
    explicit AlarmsPlugin(gs::Host host) : Plugin(host) {
        auto settings = config(config_fields);
        tick_ms_ = settings.get<int64_t>("tick_ms");
        history_max_ = static_cast<std::size_t>(settings.get<int64_t>("history_max"));
        const auto *runtime = host.service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1);
        const auto *site = host.service<gs_site_service_v1>(GS_SITE_SERVICE_V1);
        if (!runtime || !site || !runtime->site_file || !runtime->data_dir)
            throw gs::Error("the kernel offers no gridscope.runtime/1 or gridscope.site/1");
        data_dir_ = runtime->data_dir;
        rules_ =
            gs::alarm_glue::load_site_rules(runtime->site_file, gs::site::parse(site->site_json));
    }

    void start() {
        const gs::Host h = host();
        engine_ = std::make_unique<RunningEngine>(
            rules_, gs::alarm_glue::state_dir_of(data_dir_), [h] { return h.now_utc_ns(); },
            [this](const std::vector<alarms::Change> &changes) { publish(changes); }, tick_ms_,
            history_max_);
        RunningEngine::make_current(engine_.get());
        host().info("alarm engine: " + std::to_string(rules_.rules.size()) + " rules, state in " +
                    gs::alarm_glue::state_dir_of(data_dir_));
    }
    void stop() {
        RunningEngine::make_current(nullptr);
        engine_.reset();
    }

    void consume_samples(const gs_sample_batch &batch) {
        if (!engine_ || !batch.source) return;
        values_.clear();
        for (size_t i = 0; i < batch.value_count; ++i) {
            const auto *v = reinterpret_cast<const gs_value *>(
                reinterpret_cast<const char *>(batch.values) + i * batch.value_stride);
            if (!v->data) continue;
            values_.push_back({v->circuit, v->data, v->value, v->quality == GS_QUALITY_GOOD});
        }
        engine_->on_samples(batch.source, batch.ts_utc_ns, values_.data(), values_.size());
    }
    void consume_event(const gs_event &event) {
        if (!engine_ || !event.type) return;
        if (std::strncmp(event.type, "alarms.", 7) == 0) return; // ours, back from the bus
        engine_->on_event({event.type, event.source ? event.source : "", event.circuit,
                           event_state(event.state), event.ts_utc_ns,
                           event.message ? event.message : ""});
    }
    const void *get_service(const char *service_id) {
        if (service_id && std::strcmp(service_id, GS_ALARMS_SERVICE_V1) == 0)
            return RunningEngine::service();
        return nullptr;
    }

private:
    // Under the engine's lock: a full bus drops the event (logged) rather than making the bus
    // offer the same samples again, which would evaluate them twice.
    void publish(const std::vector<alarms::Change> &changes) {
        int64_t now = host().now_utc_ns();
        for (const auto &c : changes) {
            if (c.kind == alarms::ChangeKind::finished) continue; // "cleared" or "acked" said it
            std::string message;
            gs_event e = event_of(c, message, now);
            try {
                host().publish(e);
            } catch (const std::exception &ex) {
                host().warning(std::string("alarm event not published: ") + ex.what());
            }
        }
    }

    int64_t tick_ms_ = 1000;
    std::size_t history_max_ = 100000;
    std::string data_dir_;
    gs::alarm_glue::SiteRules rules_;
    std::unique_ptr<RunningEngine> engine_;
    std::vector<alarms::SampleValue> values_;
};

} // namespace

GS_DECLARE_MODULE("alarms", gs::descriptor<AlarmsPlugin>())
