#include "api.hpp"

#include "monitor.hpp"
#include "password_rule.hpp"
#include "perimeter.hpp"
#include "request_body.hpp"
#include "text.hpp"

#include <gridscope/plugin.h>
#include <gridscope/services/control.h>

#include <algorithm>
#include <stdexcept>

namespace gs::ui {

namespace {

constexpr const char *kCookie = "gs_session";
constexpr const char *kPrefix = "/api/v1";
constexpr int64_t kSecond = 1'000'000'000;

HttpResponse ok(const json &body) {
    HttpResponse r;
    r.body = json_text(body);
    return r;
}

const char *password_hint(Profile p) {
    return p == Profile::admin ? "gridscope passwd --config <site file> --profile admin"
                               : "gridscope passwd --config <site file> --profile advanced";
}

// 429 with the wait in the Retry-After header and in the body.
HttpResponse too_many(int64_t wait_ns, const char *code, const char *message) {
    int64_t seconds = std::max<int64_t>(1, (wait_ns + kSecond - 1) / kSecond);
    HttpResponse r;
    r.status = 429;
    r.body = json_text({{"error", code}, {"message", message}, {"retry_after_s", seconds}});
    r.headers.emplace_back("Retry-After", std::to_string(seconds));
    return r;
}

// `sub` matches `pattern` whose segments "{id}" match any one non-empty segment, kept in `id`.
bool path_matches(std::string_view pattern, std::string_view sub, std::string *id) {
    while (!pattern.empty() && !sub.empty()) {
        size_t pe = pattern.find('/', 1), se = sub.find('/', 1);
        std::string_view p = pattern.substr(0, pe), s = sub.substr(0, se);
        if (p == "/{id}") {
            if (s.size() < 2) return false;
            *id = std::string(s.substr(1));
        } else if (p != s) {
            return false;
        }
        pattern = pe == std::string_view::npos ? "" : pattern.substr(pe);
        sub = se == std::string_view::npos ? "" : sub.substr(se);
    }
    return pattern.empty() && sub.empty();
}

constexpr size_t kMegabyte = 1024 * 1024;
// A site document: the kernel reads site files up to 16 MiB (kMaxConfigFileBytes).
constexpr size_t kConfigFileBytes = 16 * kMegabyte;
// A configuration backup: Photoview's 21 pages of up to 10 MiB each, with room.
constexpr size_t kBackupBytes = 256 * kMegabyte;

// Every circuit of the site as a load name "SOURCE/K" (consumption without hierarchies).
std::vector<std::string> site_loads(const SiteModel &site) {
    std::vector<std::string> out;
    for (const auto &s : site.sources)
        for (const auto &c : s.circuits)
            out.push_back(s.name + "/" + std::to_string(c.index));
    return out;
}

} // namespace

ApiState::ApiState(const ApiOptions &options, int64_t idle_timeout_ns)
    : sessions(idle_timeout_ns, options.session_max_age_s * kSecond, options.max_user_sessions,
               options.max_privileged_sessions),
      streams(options.max_live_streams, options.max_live_streams_per_session),
      by_client(options.login_free_failures, kSecond, 300 * kSecond),
      by_profile(options.login_free_failures * 4, kSecond, 60 * kSecond) {}

Api::Api(SiteModel site, LiveTable &live, PasswordStore &passwords, ApiOptions options,
         ApiClock clock, ApiActions actions, std::shared_ptr<ApiState> carried)
    : site_(std::move(site)),
      hierarchies_(consumption::Hierarchies::from_site_json(site_.document)),
      loads_(site_loads(site_)), live_(live), passwords_(passwords), options_(options),
      clock_(std::move(clock)), actions_(std::move(actions)),
      state_(carried
                 ? std::move(carried)
                 : std::make_shared<ApiState>(options, int64_t(site_.idle_timeout_s) * kSecond)),
      sessions_(state_->sessions), streams_(state_->streams), by_client_(state_->by_client),
      by_profile_(state_->by_profile), started_mono_ns_(clock_.mono_ns()) {
    // The new site's idle timeout, for every session (kept ones too).
    sessions_.set_idle_timeout_ns(int64_t(site_.idle_timeout_s) * kSecond);
}

const std::vector<Api::Route> &Api::routes() {
    static const std::vector<Route> table = {
        {"GET", "/health", kAnonymous, &Api::health},
        {"GET", "/auth", kAnonymous, &Api::auth_info},
        {"POST", "/login", kAnonymous, &Api::login},
        {"POST", "/logout", kAnySession, &Api::logout},
        {"GET", "/session", kAnySession, &Api::session},
        {"POST", "/password", kPermChangeOwnPassword, &Api::change_password},
        {"GET", "/site", kPermMonitoring, &Api::site_info},
        {"GET", "/catalog", kPermMonitoring, &Api::catalog},
        {"GET", "/perimeter", kPermMonitoring, &Api::perimeter},
        {"GET", "/monitor", kPermMonitoring, &Api::monitor},
        {"GET", "/live", kPermMonitoring, &Api::live_values},
        {"GET", "/history", kPermAnalysis, &Api::history}, // every profile has it
        {"GET", "/history/series", kPermAnalysis, &Api::history_series},
        {"GET", "/trends/favourites", kPermAnalysis, &Api::favourites_list},
        {"POST", "/trends/favourites", kPermAnalysis, &Api::favourite_save},
        {"POST", "/trends/favourites/delete", kPermAnalysis, &Api::favourite_delete},
        {"GET", "/consumption", kPermAnalysis, &Api::consumption},
        {"GET", "/alarms/summary", kPermMonitoring, &Api::alarms_summary},
        {"GET", "/alarms", kPermMonitoring, &Api::alarms_list},
        {"GET", "/alarms/export", kPermMonitoring, &Api::alarms_export},
        {"POST", "/alarms/ack", kPermAlarmAcknowledge, &Api::alarms_ack},
        {"POST", "/alarms/shelve", kPermAlarmAcknowledge, &Api::alarms_shelve},
        {"POST", "/alarms/unshelve", kPermAlarmAcknowledge, &Api::alarms_unshelve},
        {"POST", "/alarms/out-of-service", kPermAlarmOutOfService, &Api::alarms_out_of_service},
        {"GET", "/diagnostics", kPermDiagnostics, &Api::diagnostics},
        // The Diagnostics page (diagnostics_api.cpp): Admin only.
        {"GET", "/diagnostics/report", kPermConfiguration, &Api::diagnostics_report},
        {"GET", "/diagnostics/bus", kPermConfiguration, &Api::diagnostics_bus},
        {"GET", "/diagnostics/export", kPermConfiguration, &Api::diagnostics_export},
        // The Profile page (profile_api.cpp): any logged-in profile.
        {"POST", "/session/language", kAnySession, &Api::session_language},
        {"POST", "/energy/partial-reset", kPermPartialEnergyReset, &Api::partial_reset},
        {"GET", "/config/site", kPermConfiguration, &Api::config_site},
        {"GET", "/config", kPermConfiguration, &Api::config_get},
        {"PUT", "/config", kPermConfiguration, &Api::config_put, kConfigFileBytes},
        {"POST", "/config/validate", kPermConfiguration, &Api::config_validate, kConfigFileBytes},
        {"GET", "/config/backup", kPermConfiguration, &Api::config_backup},
        {"POST", "/config/restore", kPermConfiguration, &Api::config_restore, kBackupBytes, true},
        {"GET", "/photoview", kPermMonitoring, &Api::photoview_list},
        {"GET", "/photoview/images/{id}", kPermMonitoring, &Api::photoview_image_get},
        {"POST", "/photoview/pages", kPermConfiguration, &Api::photoview_create},
        {"PUT", "/photoview/pages/{id}", kPermConfiguration, &Api::photoview_update, kMegabyte},
        {"DELETE", "/photoview/pages/{id}", kPermConfiguration, &Api::photoview_delete},
        {"PUT", "/photoview/pages/{id}/image", kPermConfiguration, &Api::photoview_image_put,
         10 * kMegabyte, true},
        {"GET", "/datalogger", kPermConfiguration, &Api::datalogger_status},
        {"POST", "/datalogger/send-now", kPermConfiguration, &Api::datalogger_send_now},
        {"POST", "/datalogger/test-connection", kPermConfiguration,
         &Api::datalogger_test_connection},
        {"GET", "/discovery/scan", kPermConfiguration, &Api::discovery_get},
        {"POST", "/discovery/scan", kPermConfiguration, &Api::discovery_start},
        {"POST", "/discovery/scan/cancel", kPermConfiguration, &Api::discovery_cancel},
        {"GET", "/openapi.json", kAnonymous, &Api::openapi},
    };
    return table; // every route is described in api_doc.cpp: test_openapi.cpp fails otherwise
}

std::vector<Api::RouteInfo> Api::route_list() {
    std::vector<RouteInfo> out;
    for (const auto &r : routes())
        out.push_back({r.method, r.path, r.permission == kAnonymous, r.permission == kAnySession,
                       r.permission});
    return out;
}

std::shared_ptr<Session> Api::current_session(const HttpRequest &request, bool touch) {
    std::string id = cookie_value(request.cookie, kCookie);
    if (id.empty()) return nullptr;
    return sessions_.find(id, clock_.mono_ns(), touch);
}

std::optional<HttpResponse> Api::authorize(Context &ctx, uint32_t permission) {
    if (permission == kAnonymous) return std::nullopt;
    ctx.session = current_session(ctx.request, true);
    if (!ctx.session) return error(401, "unauthenticated", "log in first");
    if (ctx.session->profile != Profile::user) {
        // A password changed by `gridscope passwd` or another session ends this one at once:
        // the file (a few hundred bytes) is read again for every Advanced or Admin request;
        // User requests, the bulk of the traffic, have no password.
        passwords_.refresh();
        if (passwords_.stamp(ctx.session->profile) != ctx.session->password_stamp) {
            sessions_.remove(ctx.session->id);
            ctx.session.reset();
            return error(401, "password_changed", "the password changed: log in again");
        }
    }
    if (permission != kAnySession &&
        (permissions_of(ctx.session->profile) & permission) != permission)
        return error(403, "forbidden", "the profile is not allowed to do this");
    return std::nullopt;
}

HttpResponse Api::handle(const HttpRequest &request) {
    try {
        return route(request);
    } catch (const std::exception &e) {
        return error(500, "internal_error", std::string("the request failed: ") + e.what());
    } catch (...) {
        return error(500, "internal_error", "the request failed");
    }
}

HttpResponse Api::route(const HttpRequest &request) {
    if (request.path.rfind(kPrefix, 0) != 0 || (request.path.size() > 7 && request.path[7] != '/'))
        return error(404, "not_found", "no such endpoint");
    std::string sub = request.path.substr(7);
    if (sub == "/live/stream")
        return error(400, "bad_request", "the live stream is served by open_stream");
    std::string allow, path_id;
    const Route *route = find_route(request.method, sub, &path_id, &allow);
    if (allow.empty()) return error(404, "not_found", "no such endpoint");
    if (!route) {
        HttpResponse r = error(405, "method_not_allowed", "use " + allow);
        r.headers.emplace_back("Allow", allow);
        return r;
    }
    std::string why;
    auto query = parse_query(request.query, &why);
    if (!query) return error(400, "bad_query", why);
    Context ctx{request, nullptr, std::move(*query)};
    ctx.path_id = std::move(path_id);

    bool changes_state = Api::changes_state(request.method);
    if (changes_state) {
        if (request.body.size() > std::max(options_.max_body_bytes, route->max_body))
            return error(413, "body_too_large", "the request body is too large");
        std::string type = request.content_type.substr(0, request.content_type.find(';'));
        // A DELETE has no body to describe (the CSRF header still guards it).
        bool bodiless_delete = request.method == "DELETE" && request.body.empty();
        if (type != "application/json" && !route->raw_body && !bodiless_delete)
            return error(415, "unsupported_media_type", "send application/json");
        // Compared with the names this site serves, not with Host: a rebound DNS name would
        // make a matching Host and Origin.
        if (!request.origin.empty() && !options_.hosts.allows_origin(request.origin))
            return error(403, "bad_origin", "cross-origin request refused");
    }
    if (auto refused = authorize(ctx, route->permission)) return *refused;
    if (changes_state && ctx.session && !csrf_matches(*ctx.session, request.csrf_token))
        return error(403, "csrf", "missing or wrong X-CSRF-Token header");
    return (this->*(route->handler))(ctx);
}

const Api::Route *Api::find_route(const std::string &method_asked, const std::string &sub,
                                  std::string *id, std::string *allow) {
    const Route *route = nullptr;
    // HEAD is answered as GET (the server sends the headers only).
    const std::string &method = method_asked == "HEAD" ? std::string("GET") : method_asked;
    for (const auto &r : routes()) {
        std::string matched;
        if (!path_matches(r.path, sub, &matched)) continue;
        *allow += (allow->empty() ? "" : ", ") + std::string(r.method);
        if (std::string_view(r.method) == "GET") *allow += ", HEAD";
        if (method == r.method) {
            route = &r;
            *id = std::move(matched);
        }
    }
    return route;
}

size_t Api::body_limit(const std::string &method, const std::string &path) const {
    if (path.rfind(kPrefix, 0) != 0) return options_.max_body_bytes;
    std::string id, allow;
    const Route *route = find_route(method, path.substr(7), &id, &allow);
    return route ? std::max(options_.max_body_bytes, route->max_body) : options_.max_body_bytes;
}

std::variant<HttpResponse, Api::Stream> Api::open_stream(const HttpRequest &request) try {
    if (request.method != "GET" && request.method != "HEAD") {
        HttpResponse r = error(405, "method_not_allowed", "use GET");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
    }
    std::string why;
    auto query = parse_query(request.query, &why);
    if (!query) return error(400, "bad_query", why);
    Context ctx{request, nullptr, std::move(*query)};
    if (auto refused = authorize(ctx, kPermMonitoring)) return *refused;
    auto it = ctx.query.find("source");
    std::vector<std::string> sources =
        it == ctx.query.end() ? std::vector<std::string>() : split(it->second, ',');
    // alarms=1: the stream also pushes the banner's alarm count (then sources are optional).
    auto alarms = ctx.query.find("alarms");
    bool with_alarms = alarms != ctx.query.end() && alarms->second == "1";
    if (sources.empty() && !with_alarms)
        return error(400, "missing_parameter", "source: required (or alarms=1)");
    if (sources.size() > options_.max_stream_sources)
        return error(400, "too_many_sources",
                     "at most " + std::to_string(options_.max_stream_sources) +
                         " sources per stream");
    for (const auto &s : sources)
        if (!live_.has(s)) return error(404, "unknown_source", "no source '" + s + "'");
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    StreamSlots::Refusal refusal;
    auto slot = streams_.acquire(ctx.session->id, &refusal);
    if (!slot)
        return too_many(5 * kSecond, "too_many_streams",
                        refusal == StreamSlots::Refusal::session
                            ? "this session has too many open live streams"
                            : "the server has too many open live streams");
    return Stream{ctx.session, std::move(sources), std::move(slot), with_alarms};
} catch (const std::exception &e) {
    return error(500, "internal_error", std::string("the request failed: ") + e.what());
}

bool Api::alive(const Stream &stream) {
    const Session &s = *stream.session;
    if (!sessions_.alive(s, clock_.mono_ns())) return false;
    if (!sessions_.find(s.id, clock_.mono_ns(), false)) return false; // logged out
    if (s.profile != Profile::user) {
        passwords_.refresh();
        if (passwords_.stamp(s.profile) != s.password_stamp) return false;
    }
    return true;
}

std::string Api::cookie_for(const Session &s, bool tls) const {
    return std::string(kCookie) + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict" +
           (tls ? "; Secure" : "");
}

json Api::session_json(const Session &s) const {
    return json{{"profile", profile_name(s.profile)},
                {"language", s.language},
                {"csrf_token", s.csrf},
                {"permissions", permission_names(permissions_of(s.profile))},
                {"idle_timeout_s", site_.idle_timeout_s},
                {"site", site_.name}};
}

// ---------------------------------------------------------------------------------------------
// Handlers

HttpResponse Api::health(Context &) {
    return ok({{"status", "ok"},
               {"version", options_.version},
               {"uptime_s", (clock_.mono_ns() - started_mono_ns_) / kSecond}});
}

HttpResponse Api::auth_info(Context &) {
    passwords_.refresh();
    json profiles = json::array();
    for (Profile p : {Profile::user, Profile::advanced, Profile::admin}) {
        bool needs = p != Profile::user;
        json j = {{"id", profile_name(p)},
                  {"password_required", needs},
                  {"available", !needs || passwords_.is_set(p)}};
        if (needs && !passwords_.is_set(p)) j["set_password_command"] = password_hint(p);
        profiles.push_back(j);
    }
    return ok({{"site", site_.name},
               {"profiles", profiles},
               {"languages", site_.languages},
               {"default_language", site_.default_language}});
}

HttpResponse Api::login(Context &ctx) {
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto name = string_field(doc, "profile", true, 32);
    if (auto *e = std::get_if<HttpResponse>(&name)) return *e;
    auto password = string_field(doc, "password", false);
    if (auto *e = std::get_if<HttpResponse>(&password)) return *e;
    auto language = string_field(doc, "language", false, 16);
    if (auto *e = std::get_if<HttpResponse>(&language)) return *e;
    auto profile = parse_profile(std::get<std::string>(name));
    if (!profile) return error(400, "invalid_field", "profile: expected user, advanced or admin");
    std::string lang = std::get<std::string>(language);
    if (std::find(site_.languages.begin(), site_.languages.end(), lang) == site_.languages.end())
        lang = site_.default_language;

    std::string stamp;
    if (*profile != Profile::user) {
        passwords_.refresh();
        if (!passwords_.is_set(*profile)) {
            HttpResponse r = error(403, "password_not_set",
                                   std::string("no password is set for this profile; on the "
                                               "server, run: ") +
                                       password_hint(*profile));
            return r;
        }
        int64_t now = clock_.mono_ns();
        std::string client_key = "client:" + ctx.request.remote_addr;
        std::string profile_key = std::string("profile:") + profile_name(*profile);
        int64_t wait = std::max(by_client_.retry_after_ns(client_key, now),
                                by_profile_.retry_after_ns(profile_key, now));
        if (wait > 0) return too_many(wait, "too_many_attempts", "too many failed logins: wait");
        switch (passwords_.verify(*profile, std::get<std::string>(password), &stamp)) {
        case PasswordStore::Verify::ok:
            by_client_.success(client_key);
            break;
        case PasswordStore::Verify::busy:
            return too_many(kSecond, "busy", "other logins are being checked: retry");
        case PasswordStore::Verify::not_set:
            return error(403, "password_not_set", password_hint(*profile));
        case PasswordStore::Verify::wrong:
            by_client_.failure(client_key, clock_.mono_ns());
            by_profile_.failure(profile_key, clock_.mono_ns());
            return error(401, "invalid_credentials", "wrong password");
        }
    }
    // Always a new session id (no fixation); the previous session of this browser ends.
    if (auto old = cookie_value(ctx.request.cookie, kCookie); !old.empty()) sessions_.remove(old);
    auto s = sessions_.create(*profile, lang, stamp, clock_.mono_ns());
    HttpResponse r = ok(session_json(*s));
    r.headers.emplace_back("Set-Cookie", cookie_for(*s, ctx.request.tls));
    return r;
}

HttpResponse Api::logout(Context &ctx) {
    sessions_.remove(ctx.session->id);
    HttpResponse r = ok({{"ok", true}});
    r.headers.emplace_back("Set-Cookie", std::string(kCookie) +
                                             "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                             (ctx.request.tls ? "; Secure" : ""));
    return r;
}

HttpResponse Api::session(Context &ctx) {
    return ok(session_json(*ctx.session));
}

HttpResponse Api::change_password(Context &ctx) {
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto current = string_field(doc, "current", true);
    if (auto *e = std::get_if<HttpResponse>(&current)) return *e;
    auto next = string_field(doc, "new", true);
    if (auto *e = std::get_if<HttpResponse>(&next)) return *e;
    const std::string &pw = std::get<std::string>(next);
    if (std::string why = password_weakness(pw); !why.empty())
        return error(400, "weak_password", why);
    Profile profile = ctx.session->profile;
    int64_t now = clock_.mono_ns();
    std::string client_key = "client:" + ctx.request.remote_addr;
    if (int64_t wait = by_client_.retry_after_ns(client_key, now); wait > 0)
        return too_many(wait, "too_many_attempts", "too many failed attempts: wait");
    switch (passwords_.verify(profile, std::get<std::string>(current), nullptr)) {
    case PasswordStore::Verify::ok:
        break;
    case PasswordStore::Verify::busy:
        return too_many(kSecond, "busy", "retry");
    case PasswordStore::Verify::not_set:
    case PasswordStore::Verify::wrong:
        by_client_.failure(client_key, now);
        return error(401, "invalid_credentials", "the current password is wrong");
    }
    try {
        passwords_.set(profile, pw);
    } catch (const std::exception &e) {
        return error(500, "storage_failed", e.what());
    }
    // Every session of this profile ends (their stamp no longer matches); this browser gets a
    // new one.
    sessions_.remove(ctx.session->id);
    auto s = sessions_.create(profile, ctx.session->language, passwords_.stamp(profile),
                              clock_.mono_ns());
    HttpResponse r = ok(session_json(*s));
    r.headers.emplace_back("Set-Cookie", cookie_for(*s, ctx.request.tls));
    return r;
}

HttpResponse Api::site_info(Context &) {
    json sources = json::array();
    for (const auto &s : site_.sources) {
        const DeviceProfile *p = site_.profile_of(s);
        json circuits = json::array();
        for (const auto &c : s.circuits)
            circuits.push_back({{"index", c.index},
                                {"name", c.name},
                                {"fluid", c.fluid},
                                {"usage", c.usage},
                                {"zone", c.zone}});
        sources.push_back({{"name", s.name},
                           {"profile", s.profile},
                           {"maker", p ? p->maker : ""},
                           {"model", p ? p->model : ""},
                           {"family", p ? p->family : ""},
                           {"location", s.location},
                           {"period_ms", s.period_ms},
                           {"enabled", s.enabled},
                           {"circuits", circuits}});
    }
    return ok({{"name", site_.name},
               {"timezone", site_.timezone},
               {"sources", sources},
               {"hierarchies", site_.document.value("hierarchies", json::array())}});
}

HttpResponse Api::catalog(Context &) {
    return ok({{"catalog", site_.document.value("catalog", json::array())}});
}

HttpResponse Api::perimeter(Context &ctx) {
    auto v = ctx.query.find("view");
    auto f = ctx.query.find("filter");
    std::string view = v == ctx.query.end() ? "location" : v->second;
    std::string filter = f == ctx.query.end() ? "" : f->second;
    if (filter.size() > 128) return error(400, "invalid_parameter", "filter: too long");
    if (view == "photoview") return photoview_perimeter(ctx, filter);
    auto tree = perimeter_tree(site_, view, filter);
    if (!tree)
        return error(400, "invalid_parameter",
                     "view: expected location, usage, fluid, hierarchy or photoview");
    return ok(*tree);
}

HttpResponse Api::monitor(Context &ctx) {
    auto s = ctx.query.find("source");
    if (s == ctx.query.end() || s->second.empty())
        return error(400, "missing_parameter", "source: required");
    const SourceInfo *source = site_.source(s->second);
    if (!source) return error(404, "unknown_source", "no source '" + s->second + "'");
    uint32_t circuit = source->circuits.empty() ? 0 : source->circuits.front().index;
    if (auto c = ctx.query.find("circuit"); c != ctx.query.end()) {
        auto parsed = parse_u32(c->second);
        if (!parsed) return error(400, "invalid_parameter", "circuit: expected a number");
        if (*parsed != 0 && !source->circuit(*parsed))
            return error(404, "unknown_circuit", "no circuit " + c->second);
        circuit = *parsed;
    }
    return ok(monitor_description(site_, *source, circuit));
}

HttpResponse Api::live_values(Context &ctx) {
    auto s = ctx.query.find("source");
    if (s == ctx.query.end() || s->second.empty())
        return error(400, "missing_parameter", "source: required");
    auto snap = live_.snapshot(s->second, clock_.mono_ns());
    if (!snap) return error(404, "unknown_source", "no source '" + s->second + "'");
    HttpResponse r;
    r.body = *snap;
    return r;
}

HttpResponse Api::history(Context &ctx) {
    auto parsed = parse_history_request(ctx.query);
    if (auto *why = std::get_if<std::string>(&parsed)) return error(400, "invalid_parameter", *why);
    const HistoryRequest &req = std::get<HistoryRequest>(parsed);
    const HistorySource &store = actions_.history;
    if (!store.available || !store.series || !store.history || !store.available())
        return error(503, "no_storage", "this server runs no storage with a history service");
    std::vector<SeriesName> names;
    for (uint64_t id : req.ids) {
        auto name = store.series(id);
        if (!name)
            return error(400, "unknown_series", "series: no stored series " + std::to_string(id));
        names.push_back(std::move(*name));
    }
    HistoryOutcome got = store.history(req.ids, req.from_utc_ns, req.to_utc_ns, req.points);
    if (got.status == GS_ERR_INVALID_ARG)
        return error(400, "invalid_parameter",
                     "from, to: the store refuses this range (it keeps the years 1823 to 2116)");
    if (got.status == GS_ERR_NOT_FOUND)
        return error(400, "unknown_series", "series: one of the ids is not stored");
    if (got.status != GS_OK || got.series.size() != req.ids.size())
        return error(500, "storage_failed",
                     "the store could not read the history (status " + std::to_string(got.status) +
                         ")");
    HttpResponse r; // written as text: a year of 10 series is ~0.4 MB (history.hpp)
    r.body = "{\"series\":[";
    for (size_t i = 0; i < req.ids.size(); ++i) {
        const CatalogEntry *entry = site_.data(names[i].data);
        if (i) r.body += ',';
        append_history_series(r.body, req.ids[i], names[i], entry ? entry->unit : "",
                              got.series[i]);
    }
    r.body += "]}";
    return r;
}

HttpResponse Api::consumption(Context &ctx) {
    auto parsed = parse_consumption_request(ctx.query, hierarchies_, loads_);
    if (auto *why = std::get_if<std::string>(&parsed)) return error(400, "invalid_parameter", *why);
    const ConsumptionRequest &req = std::get<ConsumptionRequest>(parsed);
    const ConsumptionSource &store = actions_.consumption;
    if (!store.available || !store.read || !store.available())
        return error(503, "no_storage", "this server runs no storage with a consumption service");
    consumption::LoadReading got =
        store.read(consumption_loads(req, hierarchies_), req.step, req.from_utc_ns, req.to_utc_ns);
    if (got.status == GS_ERR_INVALID_ARG)
        return error(400, "invalid_parameter",
                     "from, to: the store refuses this range (it keeps the years 1823 to 2116)");
    if (got.status != GS_OK)
        return error(500, "storage_failed",
                     "the store could not read the consumption (status " +
                         std::to_string(got.status) + ")");
    const CatalogEntry *entry = site_.data(consumption::kConsumptionData);
    return ok(consumption_json(req, hierarchies_, got, site_.timezone, entry ? entry->unit : ""));
}

HttpResponse Api::alarms_summary(Context &) {
    std::lock_guard<std::mutex> lock(events_mutex_);
    size_t unacknowledged = 0;
    for (const auto &[key, e] : active_)
        if (e.state == 2) ++unacknowledged;
    json latest = json::array();
    for (auto it = recent_.rbegin(); it != recent_.rend() && latest.size() < 5; ++it)
        latest.push_back({{"type", it->type},
                          {"source", it->source},
                          {"circuit", it->circuit},
                          {"severity", it->severity},
                          {"state", it->state},
                          {"message", it->message},
                          {"ts", it->ts_utc_ns / 1'000'000}});
    // With an alarm engine, the banner's count is its annunciated unacknowledged records.
    int64_t engine = alarm_count();
    size_t count = engine >= 0 ? static_cast<size_t>(engine) : unacknowledged;
    return ok({{"active", active_.size()},
               {"unacknowledged", unacknowledged},
               {"count", count},
               {"engine", engine >= 0},
               {"latest", latest}});
}

HttpResponse Api::diagnostics(Context &) {
    passwords_.refresh();
    return ok({{"sources", live_.status(clock_.mono_ns())},
               {"sessions", sessions_.size()},
               {"stream_clients", stream_clients()},
               {"passwords",
                {{"advanced", passwords_.is_set(Profile::advanced)},
                 {"admin", passwords_.is_set(Profile::admin)}}}});
}

HttpResponse Api::partial_reset(Context &ctx) {
    auto parsed = json_body(ctx.request.body);
    if (auto *e = std::get_if<HttpResponse>(&parsed)) return *e;
    const json &doc = std::get<json>(parsed);
    auto name = string_field(doc, "source", true, 256);
    if (auto *e = std::get_if<HttpResponse>(&name)) return *e;
    const SourceInfo *source = site_.source(std::get<std::string>(name));
    if (!source)
        return error(404, "unknown_source", "no source '" + std::get<std::string>(name) + "'");
    auto c = doc.find("circuit");
    if (c != doc.end() && (!c->is_number_unsigned() || !source->circuit(c->get<uint32_t>())))
        return error(404, "unknown_circuit", "circuit: not a circuit of the source");
    uint32_t circuit = c != doc.end() ? c->get<uint32_t>() : 0;
    const DeviceProfile *profile = site_.profile_of(*source);
    if (!profile || !profile->has_command(GS_COMMAND_PARTIAL_ENERGY_RESET, circuit))
        return error(409, "not_supported",
                     "the profile of '" + source->name +
                         "' declares no partial energy reset (no public register for it)");
    if (!actions_.run_command)
        return error(501, "not_implemented", "this server cannot send commands to devices");
    CommandOutcome out =
        actions_.run_command(source->name, circuit, GS_COMMAND_PARTIAL_ENERGY_RESET);
    if (out.status != GS_OK) {
        // The device or its driver refused: say so, the page shows it.
        int http = out.status == GS_ERR_STATE ? 409 : out.status == GS_ERR_TIMEOUT ? 504 : 502;
        return error(http, "command_failed", "partial energy reset: " + out.message);
    }
    if (actions_.record_action)
        actions_.record_action("energy.partial_reset", source->name, circuit,
                               "partial energies reset by the " +
                                   std::string(profile_name(ctx.session->profile)) + " profile");
    return ok({{"source", source->name}, {"circuit", circuit}, {"done", true}});
}

HttpResponse Api::config_site(Context &) {
    return ok(site_.document);
}

void Api::on_event(EventRecord event) {
    std::lock_guard<std::mutex> lock(events_mutex_);
    std::string key = event.type + "|" + event.source + "|" + std::to_string(event.circuit);
    if (event.state == 2 || event.state == 4) {
        if (event.state == 4 && !active_.count(key)) {
            // an acknowledgement of something we never saw start: nothing to track
        } else {
            active_[key] = event;
        }
    } else if (event.state == 3) {
        active_.erase(key);
    }
    if (active_.size() > 10000) active_.erase(active_.begin());
    recent_.push_back(std::move(event));
    while (recent_.size() > 200)
        recent_.pop_front();
}

} // namespace gs::ui
