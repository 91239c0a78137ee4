// The REST API under /api/v1 (docs/api.md), as a pure function from a request to a response:
// routing, authentication, permissions, CSRF and input checks happen here, free of CivetWeb, so
// the whole matrix is unit-tested. server.cpp only moves bytes between CivetWeb and this.
//
// Threads: handle() and open_stream() are called by many HTTP threads at once; on_event() by
// the bus thread. Everything they share is behind its own lock (see the members).
#ifndef GS_UI_WEB_API_HPP
#define GS_UI_WEB_API_HPP

#include "auth.hpp"
#include "live_table.hpp"
#include "site_model.hpp"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace gs::ui {

struct HttpRequest {
    std::string method; // "GET", "POST", ...
    std::string path;   // decoded path, "/api/v1/live"
    std::string query;  // raw query string, without '?'
    std::string body;
    std::string content_type; // request headers ("" when absent)
    std::string cookie;
    std::string csrf_token; // X-CSRF-Token
    std::string origin;
    std::string host;
    std::string remote_addr;
    bool tls = false;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // Set-Cookie, Retry-After, Allow
};

struct ApiOptions {
    size_t max_body_bytes = 16 * 1024;
    std::string version = "0";
    int64_t session_max_age_s = 12 * 3600;
    size_t max_sessions = 1000;
    size_t max_stream_sources = 256;
    int login_free_failures = 5;
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
    Api(SiteModel site, LiveTable &live, PasswordStore &passwords, ApiOptions options,
        ApiClock clock, ApiActions actions = {});

    HttpResponse handle(const HttpRequest &request);

    // GET /api/v1/live/stream: the server pushes the snapshots of `sources` while alive().
    struct Stream {
        std::shared_ptr<Session> session;
        std::vector<std::string> sources;
    };
    std::variant<HttpResponse, Stream> open_stream(const HttpRequest &request);
    bool alive(const Stream &stream);

    // [bus-thread]
    void on_event(EventRecord event);

    const SiteModel &site() const { return site_; }
    int64_t now_mono_ns() const { return clock_.mono_ns(); }
    SessionStore &sessions() { return sessions_; }
    LiveTable &live() { return live_; }
    std::atomic<int> stream_clients{0};

    static HttpResponse error(int status, std::string code, std::string message);

private:
    struct Context {
        const HttpRequest &request;
        std::shared_ptr<Session> session;
        std::map<std::string, std::string, std::less<>> query;
    };
    using Handler = HttpResponse (Api::*)(Context &);
    struct Route {
        const char *method;
        const char *path;
        uint32_t permission; // kAnonymous, kAnySession or Permission bits (all required)
        Handler handler;
    };
    static constexpr uint32_t kAnonymous = 0;
    static constexpr uint32_t kAnySession = 1u << 31;
    static const std::vector<Route> &routes();

    // Authentication for a route; an error response when refused.
    std::optional<HttpResponse> authorize(Context &ctx, uint32_t permission);
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
    HttpResponse alarms_summary(Context &);
    HttpResponse diagnostics(Context &);
    HttpResponse partial_reset(Context &);
    HttpResponse config_site(Context &);

    SiteModel site_;
    LiveTable &live_;
    PasswordStore &passwords_;
    ApiOptions options_;
    ApiClock clock_;
    ApiActions actions_;
    SessionStore sessions_;
    LoginThrottle by_client_;  // per client address
    LoginThrottle by_profile_; // per profile, against guessing from many addresses
    int64_t started_mono_ns_;

    std::mutex events_mutex_;                   // guards active_ and recent_
    std::map<std::string, EventRecord> active_; // "type|source|circuit" of active alarms
    std::deque<EventRecord> recent_;
};

} // namespace gs::ui

#endif
