// ui_web: the web UI plugin. Glue only: the descriptor and config fields, the bus callbacks
// into the live table, and the wiring of Api (api.cpp) to CivetWeb (server.cpp).
#include "api.hpp"
#include "auth.hpp"
#include "live_table.hpp"
#include "metrics.hpp"
#include "password_tool.hpp"
#include "server.hpp"
#include "site_model.hpp"
#include "site_reload.hpp"
#include "storage_consumption.hpp"
#include "storage_history.hpp"

#include <gridscope/plugin.hpp>
#include <gridscope/services/control.h>
#include <gridscope/services/metrics.h>
#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>
#include <site_files/backup.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

// `gridscope passwd --config FILE [--data-dir DIR] --profile admin|advanced` (ABI 1.3 tool):
// the passwords file is this plugin's, so is the command that sets one.
int32_t run_passwd(const gs_host *host, const gs_config *options) noexcept {
    try {
        gs::ptree given = gs::Host(host).config(options);
        auto profile = given.get_optional<std::string>("profile");
        if (!profile) {
            std::cerr << "gridscope passwd: option --profile is required\n";
            return 2;
        }
        return gs::ui::run_password_tool(given.get<std::string>("data_dir"), *profile, std::cin,
                                         std::cout, std::cerr);
    } catch (const std::exception &e) { // nothing crosses the C ABI
        std::cerr << "gridscope passwd: " << e.what() << "\n";
        return 1;
    }
}
const char *const kPasswdOptions[] = {"--profile"};
constexpr gs_tool kPasswdTool = {sizeof(gs_tool),
                                 "passwd",
                                 "--profile admin|advanced",
                                 "set a password (read twice on stdin)",
                                 kPasswdOptions,
                                 1,
                                 &run_passwd,
                                 nullptr,
                                 0};

// Instances of ui_web made in this process. Before a reload that will tell the running instance
// the new model (site_changed), or replace it, the kernel makes a standby instance while it
// checks the new site (kernel/src/runtime/runtime.cpp, stage()), before a save is answered: a
// count that moved during a save means that a new model is coming to this instance.
std::atomic<uint64_t> g_instances_made{0};

// How long the answer of a save may wait for its model to be in force here (in_force_here).
constexpr std::chrono::seconds kInForceWait{5};

class UiWeb : public gs::Plugin {
public:
    static constexpr gs_plugin_kind kind = GS_KIND_UI;
    static constexpr const char *id = "ui_web";
    static constexpr const char *version = "0.1.0";
    static constexpr const char *description =
        "Web UI: CivetWeb server for webroot/, the REST API /api/v1 and live values (SSE)";
    static constexpr gs_config_field config_fields[] = {
        gs::field(GS_CONFIG_STRING, "bind_address", "127.0.0.1",
                  "address to listen on (0.0.0.0 or :: for every interface)"),
        gs::bounded(gs::field(GS_CONFIG_INT, "port", "8080",
                              "TCP port when `run --http-port` is not given"),
                    "0", "65535"),
        gs::field(GS_CONFIG_STRING, "tls_certificate", nullptr,
                  "PEM file with the certificate and its private key: serves HTTPS only"),
        gs::bounded(gs::field(GS_CONFIG_INT, "num_threads", "1024",
                              "HTTP worker threads: each open connection (idle ones and live "
                              "streams too) holds one"),
                    "8", "8192"),
        gs::bounded(gs::field(GS_CONFIG_DURATION_MS, "request_timeout_ms", "5000",
                              "time allowed to send a request's headers, its body, or to stay "
                              "idle between requests; then the connection is closed"),
                    "100", "120000"),
        gs::bounded(gs::field(GS_CONFIG_INT, "max_live_streams", nullptr,
                              "open live streams at once, all sessions (default: num_threads / 4; "
                              "at most num_threads - 16)"),
                    "1", nullptr),
        gs::bounded(gs::field(GS_CONFIG_INT, "max_live_streams_per_session", "16",
                              "open live streams per session (at most max_live_streams, which "
                              "also caps the default)"),
                    "1", nullptr),
        gs::field(GS_CONFIG_SECTION, "allowed_hosts", nullptr,
                  "host names and addresses the site answers to (Host and Origin headers); "
                  "default 127.0.0.1, localhost, ::1 and bind_address"),
        gs::bounded(
            gs::field(GS_CONFIG_INT, "max_body_bytes", "16384", "largest accepted request body"),
            "1024", "16777216"),
        gs::bounded(gs::field(GS_CONFIG_DURATION_MS, "push_interval_ms", "250",
                              "how often live changes are pushed to each browser"),
                    "50", "10000"),
        gs::bounded(gs::field(GS_CONFIG_INT, "stale_periods", "3",
                              "a value is stale after this many polling periods without a good "
                              "reading"),
                    "1", "100"),
        gs::bounded(gs::field(GS_CONFIG_INT, "photoview_max_pages", "21",
                              "how many Photoview pages the Admin may create"),
                    "1", "1000"),
        gs::field(GS_CONFIG_STRING, "webroot", nullptr,
                  "folder of the UI files (default: <share dir>/webroot)"),
        gs::field(GS_CONFIG_BOOL, "metrics", "false",
                  "serve GET /metrics (Prometheus text format) to 127.0.0.1, and with "
                  "metrics_token to others"),
        gs::field(GS_CONFIG_STRING, "metrics_token", nullptr,
                  "bearer token that lets a client other than 127.0.0.1 read /metrics"),
    };

    static constexpr const gs_tool *tools[] = {&kPasswdTool};

    explicit UiWeb(gs::Host host) : Plugin(host) {
        g_instances_made.fetch_add(1);
        gs::Config cfg = config(config_fields);
        const gs::ptree &tree = cfg.tree();
        server_options_.bind_address = cfg.get<std::string>("bind_address");
        port_ = cfg.get<int>("port");
        server_options_.tls_certificate = cfg.find<std::string>("tls_certificate").value_or("");
        server_options_.num_threads = cfg.get<int>("num_threads");
        server_options_.request_timeout_ms = cfg.get<int64_t>("request_timeout_ms");
        max_live_streams_ =
            cfg.find<int>("max_live_streams").value_or(server_options_.num_threads / 4);
        max_live_streams_per_session_ = cfg.get<int>("max_live_streams_per_session");
        if (!cfg.has("max_live_streams_per_session"))
            max_live_streams_per_session_ =
                std::min(max_live_streams_per_session_, max_live_streams_);
        if (auto hosts = tree.get_child_optional("allowed_hosts")) {
            for (const auto &[index, name] : *hosts)
                allowed_hosts_.push_back(name.data());
            if (allowed_hosts_.empty())
                throw gs::InvalidArgument("allowed_hosts: give at least one name");
            for (const auto &name : allowed_hosts_)
                if (name.empty() || name.find_first_of("/ ") != std::string::npos ||
                    std::count(name.begin(), name.end(), ':') == 1)
                    throw gs::InvalidArgument("allowed_hosts: '" + name +
                                              "' is not a host name or address (no scheme, no "
                                              "port: the port is the server's)");
        }
        server_options_.max_body_bytes = cfg.get<size_t>("max_body_bytes");
        server_options_.push_interval_ms = cfg.get<int64_t>("push_interval_ms");
        stale_periods_ = cfg.get<int>("stale_periods");
        webroot_ = cfg.find<std::string>("webroot").value_or("");
        photoview_max_pages_ = cfg.get<size_t>("photoview_max_pages");
        metrics_ = cfg.get<bool>("metrics");
        server_options_.metrics_token = cfg.find<std::string>("metrics_token").value_or("");
        if (cfg.has("metrics_token") && server_options_.metrics_token.size() < 16)
            throw gs::InvalidArgument("metrics_token: give at least 16 characters");
        // Bounds of single keys are in the config map; what relates two keys is checked here.
        // Streams keep their thread: leave at least kThreadReserve for everything else.
        if (max_live_streams_ > server_options_.num_threads - kThreadReserve)
            throw gs::InvalidArgument("max_live_streams: expected 1 to num_threads - " +
                                      std::to_string(kThreadReserve));
        if (max_live_streams_per_session_ > max_live_streams_)
            throw gs::InvalidArgument("max_live_streams_per_session: expected 1 to "
                                      "max_live_streams");
        if (!gs::ui::crypto_init()) throw gs::Error("libsodium cannot be initialized");
    }
    ~UiWeb() override { stop(); }

    void start() {
        auto *runtime = host().service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1);
        if (!runtime || !GS_HAS_FIELD(runtime, gs_runtime_service_v1, share_dir))
            throw gs::Error("the kernel does not provide " GS_RUNTIME_SERVICE_V1);
        passwords_ =
            std::make_unique<gs::ui::PasswordStore>(std::string(runtime->data_dir) + "/passwords");
        passwords_->refresh();
        if (auto w = passwords_->take_warning(); !w.empty()) host().warning(w);

        server_options_.port = runtime->http_port > 0 ? runtime->http_port : port_;
        server_options_.hosts = gs::ui::HostPolicy(
            allowed_hosts_.empty() ? gs::ui::HostPolicy::default_names(server_options_.bind_address)
                                   : allowed_hosts_,
            server_options_.port, !server_options_.tls_certificate.empty());
        api_options_.max_body_bytes = server_options_.max_body_bytes;
        api_options_.version = version;
        api_options_.max_live_streams = static_cast<size_t>(max_live_streams_);
        api_options_.max_live_streams_per_session =
            static_cast<size_t>(max_live_streams_per_session_);
        api_options_.hosts = server_options_.hosts;
        favourites_ = std::make_shared<gs::ui::Favourites>(std::string(runtime->data_dir) +
                                                           "/trends-favourites.json");
        photoview_ = std::make_shared<gs::ui::PhotoviewStore>(
            std::string(runtime->data_dir) + "/photoview", photoview_max_pages_);

        auto first = next_generation(nullptr);
        api_ready_.store(first->api.get(), std::memory_order_release);
        current_.replace(std::move(first));

        server_options_.http_counters = http_counters_;
        if (metrics_)
            server_options_.metrics = metrics_sources();
        else
            server_options_.metrics.reset();
        server_options_.document_root =
            webroot_.empty() ? std::string(runtime->share_dir) + "/webroot" : webroot_;
        gs::Host h = host();
        server_ = std::make_unique<gs::ui::Server>(
            current_, server_options_,
            [h](int level, const std::string &m) { h.log(static_cast<gs_log_level>(level), m); });
        server_->start();
        if (!passwords_->is_set(gs::ui::Profile::admin))
            host().warning("no admin password is set: admin login is refused until "
                           "`gridscope passwd --config <site file> --profile admin` sets one");
    }

    // [kernel-thread] An Api and live table on the kernel's current site model; with `previous`,
    // the new Api takes its sessions, stream places and throttles (a reload).
    std::shared_ptr<gs::ui::ApiGeneration> next_generation(const gs::ui::Api *previous) {
        auto *site = host().service<gs_site_service_v1>(GS_SITE_SERVICE_V1);
        if (!site || !GS_HAS_FIELD(site, gs_site_service_v1, site_json) || !site->site_json)
            throw gs::Error("the kernel does not provide " GS_SITE_SERVICE_V1);
        gs::ui::SiteModel model;
        try {
            model = gs::ui::SiteModel::parse(site->site_json);
        } catch (const std::exception &e) {
            throw gs::Error(e.what());
        }
        auto next = std::make_shared<gs::ui::ApiGeneration>();
        next->live = std::make_unique<gs::ui::LiveTable>(gs::ui::live_specs(model), stale_periods_);
        const gs_host *raw = host().raw();
        gs::ui::ApiClock clock{[raw] { return raw->now_mono_ns(raw); },
                               [raw] { return raw->now_utc_ns(raw); }};
        next->api =
            std::make_unique<gs::ui::Api>(std::move(model), *next->live, *passwords_, api_options_,
                                          clock, actions(), previous ? previous->state() : nullptr);
        return next;
    }

    // Commands through the kernel's control service; actions recorded as events.
    gs::ui::ApiActions actions() {
        gs::ui::ApiActions a;
        auto *control = host().service<gs_control_service_v1>(GS_CONTROL_SERVICE_V1);
        if (control && GS_HAS_FIELD(control, gs_control_service_v1, run_command) &&
            control->run_command)
            a.run_command = [control](const std::string &source, uint32_t circuit,
                                      const std::string &command) {
                char why[512] = "";
                gs_status st = control->run_command(control->context, source.c_str(), circuit,
                                                    command.c_str(), why, sizeof why);
                return gs::ui::CommandOutcome{st, why};
            };
        gs::Host h = host();
        a.history = gs::ui::storage_history(
            [h] { return h.service<gs_storage_query_v1>(GS_STORAGE_QUERY_V1); });
        a.stored_series = gs::ui::storage_series_list(
            [h] { return h.service<gs_storage_query_v1>(GS_STORAGE_QUERY_V1); });
        a.favourites = favourites_; // one of each for every generation: they cache their files
        a.photoview = photoview_;
        a.consumption = gs::ui::storage_consumption(
            [h] { return h.service<gs_storage_query_v1>(GS_STORAGE_QUERY_V1); });
        a.alarms = gs::ui::alarm_engine_over(
            [h] { return h.service<gs_alarms_service_v1>(GS_ALARMS_SERVICE_V1); });
        a.datalogger = gs::ui::datalogger_over(
            [h] { return h.service<gs_datalogger_service_v1>(GS_DATALOGGER_SERVICE_V1); });
        a.discovery = gs::ui::discovery_over(
            [h] { return h.service<gs_discovery_service_v1>(GS_DISCOVERY_SERVICE_V1); });
        std::string site_file, data_dir;
        if (auto *runtime = h.service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1)) {
            site_file = runtime->site_file ? runtime->site_file : "";
            data_dir = runtime->data_dir ? runtime->data_dir : "";
        }
        a.config = gs::ui::site_config_over(
            [h] { return h.service<gs_config_service_v1>(GS_CONFIG_SERVICE_V1); },
            [site_file, data_dir] {
                return gs::site_files::make_backup({site_file, data_dir});
            });
        a.config.save = in_force_here(std::move(a.config.save));
        a.config.restore = in_force_here(std::move(a.config.restore));
        a.diagnostics = diagnostics_source();
        a.record_action = [h](const std::string &type, const std::string &source, uint32_t circuit,
                              const std::string &message) {
            gs_event ev{sizeof(gs_event),       GS_SEVERITY_INFO, h.now_utc_ns(),
                        type.c_str(),           source.c_str(),   circuit,
                        GS_EVENT_STATE_INSTANT, message.c_str()};
            try {
                h.publish(ev);
            } catch (const std::exception &e) {
                h.warning("could not record " + type + ": " + e.what());
            }
        };
        return a;
    }

    // [http-thread] `call` (a save or a restore), whose answer waits until this instance serves
    // the model the call put in force: the kernel answers before the reload goes on
    // (services/config.h), and a page's next request must see the new model (a source just
    // added shown in Monitor). Without a standby made meanwhile the model here does not change
    // and nothing is awaited. Bounded; a stop (a reload that replaces this instance) ends the
    // wait at once, before the server's stop waits for this answer.
    std::function<gs::ui::AlarmAnswer(const std::string &)>
    in_force_here(std::function<gs::ui::AlarmAnswer(const std::string &)> call) {
        if (!call) return call;
        return [this, call = std::move(call)](const std::string &input) {
            uint64_t made = g_instances_made.load();
            uint64_t serial = current_.serial();
            gs::ui::AlarmAnswer answer = call(input);
            if (answer.status == GS_OK && g_instances_made.load() != made &&
                !current_.wait_newer(serial, kInForceWait) && !current_.closed())
                host().warning("a configuration was saved, but its model was not in force here "
                               "after " +
                               std::to_string(kInForceWait.count()) +
                               " s: the answer goes out without it");
            return answer;
        };
    }

    // What GET /metrics reads: the kernel's driver counters, the storage's, the live table's
    // per-source counts and this server's requests. Services are asked at each scrape (a
    // reload may replace the storage).
    gs::ui::MetricsSources metrics_sources() {
        gs::ui::MetricsSources m;
        gs::Host h = host();
        m.links = [h] {
            std::vector<gs::ui::LinkCounters> out;
            auto *svc = h.service<gs_metrics_service_v1>(GS_METRICS_SERVICE_V1);
            if (!svc || !GS_HAS_FIELD(svc, gs_metrics_service_v1, poll_counters) ||
                !svc->poll_counters)
                return out;
            svc->poll_counters(
                svc->context,
                [](void *p, const char *plugin, const gs_poll_counters *c) -> gs_status {
                    static_cast<std::vector<gs::ui::LinkCounters> *>(p)->push_back(
                        {plugin ? plugin : "", c->link, c->requests, c->errors});
                    return GS_OK;
                },
                &out);
            return out;
        };
        m.values_stored = [h]() -> std::optional<uint64_t> {
            auto *q = h.service<gs_storage_query_v1>(GS_STORAGE_QUERY_V1);
            if (!q || !GS_HAS_FIELD(q, gs_storage_query_v1, counters) || !q->counters)
                return std::nullopt;
            gs_storage_counters c{sizeof(gs_storage_counters), 0, 0, 0};
            if (q->counters(q->context, &c) != GS_OK) return std::nullopt;
            return c.values_stored;
        };
        m.cursors = [h] {
            std::vector<gs::ui::CursorLag> out;
            auto *j = h.service<gs_storage_journal_v1>(GS_STORAGE_JOURNAL_V1);
            if (!j || !GS_HAS_FIELD(j, gs_storage_journal_v1, cursors) || !j->cursors) return out;
            j->cursors(
                j->context,
                [](void *p, const char *cursor, uint64_t, uint64_t lag) -> gs_status {
                    static_cast<std::vector<gs::ui::CursorLag> *>(p)->push_back(
                        {cursor ? cursor : "", lag});
                    return GS_OK;
                },
                &out);
            return out;
        };
        m.sources = [this, h] { // [http-thread]
            std::vector<gs::ui::SourceCounters> out;
            std::shared_ptr<gs::ui::ApiGeneration> generation = current_.get();
            if (!generation) return out;
            for (const auto &s : generation->api->live().status(h.now_mono_ns()))
                out.push_back({s.value("source", ""), s.value("batches", uint64_t(0)),
                               s.value("bad_values", uint64_t(0))});
            return out;
        };
        m.http = http_counters_.get();
        return m;
    }

    // What the Diagnostics page reads: the kernel's gridscope.metrics/1 (ABI 1.6: plugins,
    // drivers' counters, bus views) and, as /metrics, the storage's counters.
    gs::ui::DiagnosticsSource diagnostics_source() {
        gs::ui::DiagnosticsSource d;
        gs::Host h = host();
        auto metrics = [h]() -> const gs_metrics_service_v1 * {
            auto *svc = h.service<gs_metrics_service_v1>(GS_METRICS_SERVICE_V1);
            return svc && GS_HAS_FIELD(svc, gs_metrics_service_v1, plugins) ? svc : nullptr;
        };
        using Texts = std::vector<std::pair<std::string, std::string>>;
        auto keep = [](void *p, const char *plugin, const char *text) -> gs_status {
            static_cast<Texts *>(p)->emplace_back(plugin ? plugin : "", text ? text : "");
            return GS_OK;
        };
        d.plugins = [metrics, keep]() -> std::optional<std::string> {
            Texts out;
            const auto *svc = metrics();
            if (!svc || !svc->plugins || svc->plugins(svc->context, keep, &out) != GS_OK ||
                out.empty())
                return std::nullopt;
            return out.front().second;
        };
        d.drivers = [metrics, keep] {
            Texts out;
            if (const auto *svc = metrics(); svc && svc->diagnostics)
                svc->diagnostics(svc->context, keep, &out);
            return out;
        };
        d.bus_trace = [metrics, keep](const std::string &link) -> std::optional<std::string> {
            Texts out;
            const auto *svc = metrics();
            if (!svc || !svc->bus_trace ||
                svc->bus_trace(svc->context, link.c_str(), keep, &out) != GS_OK || out.empty())
                return std::nullopt;
            return out.front().second;
        };
        d.counters = metrics_sources();
        if (auto *runtime = h.service<gs_runtime_service_v1>(GS_RUNTIME_SERVICE_V1)) {
            d.data_dir = runtime->data_dir ? runtime->data_dir : "";
            d.site_file = runtime->site_file ? runtime->site_file : "";
        }
        return d;
    }

    void stop() {
        current_.close(); // a save's answer waiting for its model goes out now (in_force_here)
        if (server_) server_->stop(); // every request done: nothing holds a generation but us
        server_.reset();
    }

    // [kernel-thread] ABI 1.2: the site file was reloaded and this section did not change. The
    // kernel holds the bus calls meanwhile. The server keeps listening; a new Api on the new
    // model takes over the old one's sessions (site_reload.hpp). Nothing here waits for an HTTP
    // request, so a PUT /config answered while its own reload runs cannot hold this up.
    void site_changed() {
        if (!server_) return;  // not started: start() reads the model
        passwords_->refresh(); // as a restart would (the file may have been edited meanwhile)
        if (auto w = passwords_->take_warning(); !w.empty()) host().warning(w);
        auto next = next_generation(current_.get()->api.get());
        api_ready_.store(next->api.get(), std::memory_order_release); // the bus is held
        server_->replace_api(std::move(next));
    }

    // [bus-thread] Into the live table; nothing here waits on an HTTP client.
    void on_samples(const gs_sample_batch &batch) {
        gs::ui::Api *api = api_ready_.load(std::memory_order_acquire);
        if (!api || !batch.source) return;
        scratch_.clear();
        for (size_t i = 0; i < batch.value_count; ++i) {
            const gs_value &v = gs::value_at(batch, i);
            if (!v.data) continue;
            scratch_.push_back({v.circuit, v.data, v.value, v.quality, v.detail});
        }
        api->live().update(batch.source, batch.ts_utc_ns, host().now_utc_ns(), host().now_mono_ns(),
                           scratch_.data(), scratch_.size());
    }

    void on_event(const gs_event &event) {
        gs::ui::Api *api = api_ready_.load(std::memory_order_acquire);
        if (!api) return;
        api->on_event({event.severity, event.ts_utc_ns, event.type ? event.type : "",
                       event.source ? event.source : "", event.message ? event.message : "",
                       event.circuit, event.state});
    }

private:
    gs::ui::ServerOptions server_options_;
    static constexpr int kThreadReserve = 16;
    int port_ = 8080;
    int stale_periods_ = 3;
    int max_live_streams_ = 256;
    int max_live_streams_per_session_ = 16;
    std::vector<std::string> allowed_hosts_; // empty: HostPolicy::default_names
    std::string webroot_;
    size_t photoview_max_pages_ = gs::ui::PhotoviewStore::kDefaultMaxPages;
    bool metrics_ = false;
    // Counted across reloads (a Prometheus counter only resets with the process).
    std::shared_ptr<gs::ui::HttpCounters> http_counters_ = std::make_shared<gs::ui::HttpCounters>();
    gs::ui::ApiOptions api_options_;
    // Kept across reloads: one of each for the plugin's life (every generation uses them).
    std::unique_ptr<gs::ui::PasswordStore> passwords_;
    std::shared_ptr<gs::ui::Favourites> favourites_;
    std::shared_ptr<gs::ui::PhotoviewStore> photoview_;
    // The generation in force (declared after what it refers to: destroyed before it). The bus
    // thread reads its Api through api_ready_: it is only replaced while the bus is held.
    gs::ui::CurrentApi current_;
    std::atomic<gs::ui::Api *> api_ready_{nullptr};
    std::unique_ptr<gs::ui::Server> server_;  // after current_: stopped before it goes
    std::vector<gs::ui::LiveSample> scratch_; // reused by the one bus thread
};

} // namespace

GS_DECLARE_MODULE("ui_web", gs::descriptor<UiWeb>())
