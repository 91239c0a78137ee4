// The REST API under /api/v1 (docs/api.md), as a pure function from a request to a response:
// routing, authentication, permissions, CSRF and input checks happen here, free of CivetWeb, so
// the whole matrix is unit-tested. server.cpp only moves bytes between CivetWeb and this.
//
// Threads: handle() and open_stream() are called by many HTTP threads at once; on_event() by
// the bus thread. Everything they share is behind its own lock (see the members).
#ifndef GS_UI_WEB_API_HPP
#define GS_UI_WEB_API_HPP

#include "alarm_engine.hpp"
#include "auth.hpp"
#include "consumption_api.hpp"
#include "datalogger.hpp"
#include "diagnostics.hpp"
#include "discovery.hpp"
#include "favourites.hpp"
#include "history.hpp"
#include "host_policy.hpp"
#include "http.hpp"
#include "live_table.hpp"
#include "photoview_store.hpp"
#include "site_config.hpp"
#include "site_model.hpp"
#include "stored_series.hpp"
#include "stream_slots.hpp"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace gs::ui {

struct ApiOptions {
    size_t max_body_bytes = 16 * 1024;
    std::string version = "0";
    int64_t session_max_age_s = 12 * 3600;
    // Separate budgets: User logins (no password) can only end other User sessions.
    size_t max_user_sessions = 1000;
    size_t max_privileged_sessions = 64; // per profile (Advanced User, Admin)
    size_t max_stream_sources = 256;
    // Each open live stream holds a server thread: bounded in total and per session (429).
    size_t max_live_streams = 256;
    size_t max_live_streams_per_session = 16;
    int login_free_failures = 5;
    // Origin of state-changing requests; the server also checks Host against it.
    HostPolicy hosts{HostPolicy::default_names("127.0.0.1"), 8080, false};
};

struct ApiClock {
    std::function<int64_t()> mono_ns;
    std::function<int64_t()> utc_ns;
};

// What the API asks of the rest of the site. Empty functions mean "not offered here".
struct CommandOutcome {
    int status = 0;      // a gs_status (GS_OK when done)
    std::string message; // why, when not done
};
struct ApiActions {
    // Runs a profile command on a device (service gridscope.control/1); blocking.
    std::function<CommandOutcome(const std::string &source, uint32_t circuit,
                                 const std::string &command)>
        run_command;
    // Records who did what (an instant event on the bus: the store keeps it).
    std::function<void(const std::string &type, const std::string &source, uint32_t circuit,
                       const std::string &message)>
        record_action;
    // The stored history (GET /api/v1/history); see storage_history.hpp.
    HistorySource history;
    // The Trends page: the stored series (GET /history/series) and the favourites file.
    StoredSeriesList stored_series;
    std::shared_ptr<Favourites> favourites;
    // Each load's consumption per bucket (GET /api/v1/consumption); see storage_consumption.hpp.
    ConsumptionSource consumption;
    // The alarm engine (GET /api/v1/alarms, POST /alarms/ack...); see alarm_engine.hpp.
    AlarmEngine alarms;
    // The Photoview pages (GET /api/v1/photoview...); see photoview_store.hpp.
    std::shared_ptr<PhotoviewStore> photoview;
    // The Datalogger page (GET /api/v1/datalogger...); see datalogger.hpp.
    Datalogger datalogger;
    // Auto discovery (GET/POST /api/v1/discovery/scan); see discovery.hpp.
    Discovery discovery;
    // The site file as a document (GET/PUT /api/v1/config...); see site_config.hpp.
    SiteConfig config;
    // The Diagnostics page (GET /api/v1/diagnostics/report...); see diagnostics.hpp.
    DiagnosticsSource diagnostics;
};

// What outlives one site model's Api. A reload builds a new Api on the new model and hands it
// its predecessor's state (site_reload.hpp): the same logins (a login or logout answered by the
// old Api while the new one already serves is seen by both), the same count of open live
// streams (those still open on the old model count until they end), the same login throttling.
struct ApiState {
    ApiState(const ApiOptions &options, int64_t idle_timeout_ns);
    SessionStore sessions;
    StreamSlots streams;
    LoginThrottle by_client;  // per client address
    LoginThrottle by_profile; // per profile, against guessing from many addresses
};

// An event as the UI keeps it (alarms shortcut, later the Alarms and events page).
struct EventRecord {
    uint32_t severity = 0;
    int64_t ts_utc_ns = 0;
    std::string type, source, message;
    uint32_t circuit = 0;
    uint32_t state = 0; // gs_event_state: 1 instant, 2 active, 3 finished, 4 acknowledged
};

class Api {
public:
    // `carried`: the state of the Api this one replaces (a reload), else a new one is made.
    Api(SiteModel site, LiveTable &live, PasswordStore &passwords, ApiOptions options,
        ApiClock clock, ApiActions actions = {}, std::shared_ptr<ApiState> carried = nullptr);

    // Never throws: an exception of a handler becomes 500 internal_error (and is logged by the
    // server, which sees the status).
    HttpResponse handle(const HttpRequest &request);
    // The largest body `method path` accepts (the server stops reading beyond it): the
    // route's own limit when it has one (a Photoview image), else max_body_bytes.
    size_t body_limit(const std::string &method, const std::string &path) const;

    // GET /api/v1/live/stream: the server pushes the snapshots of `sources` while alive().
    // The stream counts against the limits until the last copy of `slot` is gone.
    struct Stream {
        std::shared_ptr<Session> session;
        std::vector<std::string> sources;
        std::shared_ptr<StreamSlots::Slot> slot;
        bool alarms = false; // also push "alarms" events: {"count": the banner's count}
    };
    std::variant<HttpResponse, Stream> open_stream(const HttpRequest &request);
    bool alive(const Stream &stream);

    // [bus-thread]
    void on_event(EventRecord event);
    // The banner's count: the alarm engine's annunciated unacknowledged records; -1 without an
    // engine (the live stream pushes it when it changes).
    int64_t alarm_count() const;
    // Changes whenever the engine's records change (raised, cleared, acknowledged...): the
    // stream pushes the count then, even when it is the same number.
    uint64_t alarm_revision() const;

    const SiteModel &site() const { return site_; }
    int64_t now_mono_ns() const { return clock_.mono_ns(); }
    SessionStore &sessions() { return sessions_; }
    const std::shared_ptr<ApiState> &state() const { return state_; }
    LiveTable &live() { return live_; }
    size_t stream_clients() const { return streams_.in_use(); }

    // The route table as data (GET /api/v1/openapi.json and its test; openapi.hpp).
    struct RouteInfo {
        std::string method, path;
        bool anonymous = false;   // no session needed
        bool any_session = false; // any logged-in profile
        uint32_t permission = 0;  // else: Permission bits, all required
    };
    static std::vector<RouteInfo> route_list();
    // Every method but GET and HEAD: checked for body size, media type, Origin and, with a
    // session, the X-CSRF-Token header (and documented so in openapi.json).
    static bool changes_state(const std::string &method) {
        return method != "GET" && method != "HEAD";
    }

    static HttpResponse error(int status, std::string code, std::string message) {
        return http_error(status, std::move(code), std::move(message));
    }

private:
    struct Context {
        const HttpRequest &request;
        std::shared_ptr<Session> session;
        std::map<std::string, std::string, std::less<>> query;
        std::string path_id = {}; // what a route's "{id}" segment matched
    };
    using Handler = HttpResponse (Api::*)(Context &);
    struct Route {
        const char *method;
        const char *path;
        uint32_t permission; // kAnonymous, kAnySession or Permission bits (all required)
        Handler handler;
        size_t max_body = 0;   // 0: options_.max_body_bytes
        bool raw_body = false; // any Content-Type (the handler checks it), not only JSON
    };
    // The route for `method` (HEAD as GET) at `sub` (the path after /api/v1), its "{id}" in
    // `id`; `allow` collects the methods of the routes at that path.
    static const Route *find_route(const std::string &method, const std::string &sub,
                                   std::string *id, std::string *allow);
    static constexpr uint32_t kAnonymous = 0;
    static constexpr uint32_t kAnySession = 1u << 31;
    static const std::vector<Route> &routes();

    // Authentication for a route; an error response when refused.
    std::optional<HttpResponse> authorize(Context &ctx, uint32_t permission);
    HttpResponse route(const HttpRequest &request);
    std::shared_ptr<Session> current_session(const HttpRequest &request, bool touch);
    std::string cookie_for(const Session &s, bool tls) const;
    nlohmann::json session_json(const Session &s) const;

    HttpResponse health(Context &);
    HttpResponse auth_info(Context &);
    HttpResponse login(Context &);
    HttpResponse logout(Context &);
    HttpResponse session(Context &);
    HttpResponse change_password(Context &);
    HttpResponse site_info(Context &);
    HttpResponse catalog(Context &);
    HttpResponse perimeter(Context &);
    HttpResponse monitor(Context &);
    HttpResponse live_values(Context &);
    HttpResponse history(Context &);
    // trends_api.cpp
    HttpResponse history_series(Context &);
    HttpResponse favourites_list(Context &);
    HttpResponse favourite_save(Context &);
    HttpResponse favourite_delete(Context &);
    HttpResponse consumption(Context &);
    HttpResponse alarms_summary(Context &);
    // alarms_api.cpp
    HttpResponse alarms_list(Context &);
    HttpResponse alarms_page(Context &);
    HttpResponse alarms_export(Context &);
    HttpResponse alarms_ack(Context &);
    HttpResponse alarms_shelve(Context &);
    HttpResponse alarms_unshelve(Context &);
    HttpResponse shelve_or_unshelve(Context &, bool shelve);
    HttpResponse alarms_out_of_service(Context &);
    // datalogger_api.cpp
    HttpResponse datalogger_status(Context &);
    HttpResponse datalogger_send_now(Context &);
    HttpResponse datalogger_test_connection(Context &);
    std::string who(const Context &ctx) const; // the acting profile, kept with what it did
    // discovery_api.cpp
    HttpResponse discovery_get(Context &);
    HttpResponse discovery_start(Context &);
    HttpResponse discovery_cancel(Context &);
    // photoview_api.cpp
    PhotoviewStore *photoview_store();
    HttpResponse photoview_list(Context &);
    HttpResponse photoview_create(Context &);
    HttpResponse photoview_update(Context &);
    HttpResponse photoview_delete(Context &);
    HttpResponse photoview_image_put(Context &);
    HttpResponse photoview_image_get(Context &);
    // GET /perimeter?view=photoview: the pages, each with the devices it shows.
    HttpResponse photoview_perimeter(Context &, const std::string &filter);
    HttpResponse diagnostics(Context &);
    // diagnostics_api.cpp: the Diagnostics page (Admin)
    nlohmann::json diagnostics_now();
    HttpResponse diagnostics_report(Context &);
    HttpResponse diagnostics_bus(Context &);
    HttpResponse diagnostics_export(Context &);
    // profile_api.cpp: the Profile page
    HttpResponse session_language(Context &);
    HttpResponse partial_reset(Context &);
    HttpResponse config_site(Context &);
    // config_api.cpp
    HttpResponse config_get(Context &);
    HttpResponse config_put(Context &);
    HttpResponse config_validate(Context &);
    HttpResponse config_backup(Context &);
    HttpResponse config_restore(Context &);
    static HttpResponse invalid(const AlarmAnswer &a, const char *code);
    HttpResponse openapi(Context &); // openapi.cpp

    SiteModel site_;
    consumption::Hierarchies hierarchies_; // the site's, for the consumption maths
    std::vector<std::string> loads_;       // every circuit "SOURCE/K" of the site
    LiveTable &live_;
    PasswordStore &passwords_;
    ApiOptions options_;
    ApiClock clock_;
    ApiActions actions_;
    std::shared_ptr<ApiState> state_; // the members below are its parts
    SessionStore &sessions_;
    StreamSlots &streams_;
    LoginThrottle &by_client_;
    LoginThrottle &by_profile_;
    int64_t started_mono_ns_;

    std::mutex events_mutex_;                   // guards active_ and recent_
    std::map<std::string, EventRecord> active_; // "type|source|circuit" of active alarms
    std::deque<EventRecord> recent_;
};

} // namespace gs::ui

#endif
