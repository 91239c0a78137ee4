#include "api.hpp"
#include "common.hpp"
#include "password_rule.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>

using namespace gs::ui;

namespace {

constexpr int64_t kS = 1'000'000'000;

struct Fixture {
    std::string dir;
    int64_t mono = 100 * kS;
    std::unique_ptr<LiveTable> live;
    std::unique_ptr<PasswordStore> passwords;
    std::unique_ptr<Api> api;
    // What the fake control service saw and answers.
    std::vector<std::string> commands_run;
    CommandOutcome command_outcome;
    std::vector<std::string> actions_recorded;

    explicit Fixture(bool with_passwords = true, bool with_control = true,
                     ApiOptions options = {}) {
        REQUIRE(crypto_init());
        char tmpl[] = "/tmp/ui_web_api_XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        SiteModel site = test_site();
        std::vector<LiveTable::SourceSpec> specs;
        for (const auto &s : site.sources)
            specs.push_back({s.name, s.period_ms, {}});
        live = std::make_unique<LiveTable>(specs, 3);
        passwords = std::make_unique<PasswordStore>(dir + "/passwords");
        if (with_passwords) {
            passwords->set(Profile::advanced, "advanced-pw");
            passwords->set(Profile::admin, "admin-pw");
        }
        options.max_body_bytes = 1024;
        ApiActions actions;
        if (with_control)
            actions.run_command = [this](const std::string &source, uint32_t circuit,
                                         const std::string &command) {
                commands_run.push_back(source + "/" + std::to_string(circuit) + " " + command);
                return command_outcome;
            };
        actions.record_action = [this](const std::string &type, const std::string &source,
                                       uint32_t circuit, const std::string &message) {
            actions_recorded.push_back(type + " " + source + "/" + std::to_string(circuit) + ": " +
                                       message);
        };
        api = std::make_unique<Api>(
            std::move(site), *live, *passwords, options,
            ApiClock{[this] { return mono; }, [] { return 1'700'000'000 * kS; }}, actions);
    }
    ~Fixture() { std::system(("rm -rf '" + dir + "'").c_str()); }

    HttpResponse call(const std::string &method, const std::string &target,
                      const std::string &body = "", const std::string &cookie = "",
                      const std::string &csrf = "") {
        return api->handle(api_request(method, target, body, cookie, csrf));
    }

    struct Login {
        std::string cookie, csrf;
    };
    Login login(const std::string &profile, const std::string &password = "") {
        json body = {{"profile", profile}, {"password", password}, {"language", "en"}};
        HttpResponse r = call("POST", "/api/v1/login", body.dump());
        REQUIRE(r.status == 200);
        std::string set_cookie;
        for (auto &[k, v] : r.headers)
            if (k == "Set-Cookie") set_cookie = v;
        return {set_cookie.substr(0, set_cookie.find(';')), json::parse(r.body)["csrf_token"]};
    }
};

std::string header(const HttpResponse &r, const std::string &name) {
    for (auto &[k, v] : r.headers)
        if (k == name) return v;
    return "";
}

} // namespace

TEST_CASE("every endpoint as anonymous, User, Advanced User and Admin") {
    Fixture f;
    std::map<std::string, Fixture::Login> who = {{"anonymous", {}},
                                                 {"user", f.login("user")},
                                                 {"advanced", f.login("advanced", "advanced-pw")},
                                                 {"admin", f.login("admin", "admin-pw")}};
    struct Case {
        std::string method, target, body;
        std::map<std::string, int> expect;
    };
    // The expectations are the matrix of docs/api.md.
    const std::vector<Case> cases = {
        {"GET",
         "/api/v1/health",
         "",
         {{"anonymous", 200}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"GET",
         "/api/v1/auth",
         "",
         {{"anonymous", 200}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"GET",
         "/api/v1/session",
         "",
         {{"anonymous", 401}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"GET",
         "/api/v1/site",
         "",
         {{"anonymous", 401}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"GET",
         "/api/v1/catalog",
         "",
         {{"anonymous", 401}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"GET",
         "/api/v1/perimeter?view=usage",
         "",
         {{"anonymous", 401}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"GET",
         "/api/v1/monitor?source=tgbt",
         "",
         {{"anonymous", 401}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"GET",
         "/api/v1/live?source=tgbt",
         "",
         {{"anonymous", 401}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"GET",
         "/api/v1/alarms/summary",
         "",
         {{"anonymous", 401}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"GET",
         "/api/v1/diagnostics",
         "",
         {{"anonymous", 401}, {"user", 200}, {"advanced", 200}, {"admin", 200}}},
        {"POST",
         "/api/v1/energy/partial-reset",
         R"({"source": "tgbt", "circuit": 1})",
         {{"anonymous", 401}, {"user", 403}, {"advanced", 200}, {"admin", 200}}},
        {"POST",
         "/api/v1/password",
         R"({"current": "wrong", "new": "long enough"})",
         {{"anonymous", 401}, {"user", 403}, {"advanced", 401}, {"admin", 401}}},
        {"GET",
         "/api/v1/config/site",
         "",
         {{"anonymous", 401}, {"user", 403}, {"advanced", 403}, {"admin", 200}}},
        // The Diagnostics page: Admin only (bus and export: test_diagnostics.cpp).
        {"GET",
         "/api/v1/diagnostics/report",
         "",
         {{"anonymous", 401}, {"user", 403}, {"advanced", 403}, {"admin", 200}}},
        {"POST",
         "/api/v1/session/language",
         R"({"language": "xx"})",
         {{"anonymous", 401}, {"user", 400}, {"advanced", 400}, {"admin", 400}}},
    };
    for (const auto &c : cases)
        for (const auto &[profile, expected] : c.expect) {
            CAPTURE(c.target);
            CAPTURE(profile);
            HttpResponse r =
                f.call(c.method, c.target, c.body, who[profile].cookie, who[profile].csrf);
            CHECK(r.status == expected);
            CHECK(json::accept(r.body));
        }
}

TEST_CASE("login: profiles, cookie attributes, no default passwords") {
    Fixture f(false);
    HttpResponse r = f.call("POST", "/api/v1/login", R"({"profile": "user"})");
    CHECK(r.status == 200);
    std::string cookie = header(r, "Set-Cookie");
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    CHECK(cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(cookie.find("Secure") == std::string::npos);
    json body = json::parse(r.body);
    CHECK(body["profile"] == "user");
    CHECK(body["language"] == "fr"); // the site's default
    CHECK(body["permissions"].size() == 3);

    // Until a password is set, admin and advanced logins are refused with the way to set one.
    for (const char *p : {"admin", "advanced"}) {
        for (const char *pw : {"", "Admin", "UserAdvanced"}) {
            HttpResponse a =
                f.call("POST", "/api/v1/login", json{{"profile", p}, {"password", pw}}.dump());
            CHECK(a.status == 403);
            CHECK(json::parse(a.body)["error"] == "password_not_set");
            CHECK(json::parse(a.body)["message"].get<std::string>().find("gridscope passwd") !=
                  std::string::npos);
        }
    }
    json info = json::parse(f.call("GET", "/api/v1/auth").body);
    CHECK(info["profiles"][2]["available"] == false);
    CHECK(info["profiles"][2]["set_password_command"] ==
          "gridscope passwd --config <site file> --profile admin");

    // The password appears (as `gridscope passwd` would write it): accepted at once.
    f.passwords->set(Profile::admin, "s3cret-admin");
    CHECK(f.call("POST", "/api/v1/login", R"({"profile": "admin", "password": "s3cret-admin"})")
              .status == 200);
    CHECK(f.call("POST", "/api/v1/login", R"({"profile": "admin", "password": "wrong"})").status ==
          401);
}

TEST_CASE("login language is one of the site's, else the default") {
    Fixture f;
    auto lang = [&](const std::string &l) {
        return json::parse(
            f.call("POST", "/api/v1/login", json{{"profile", "user"}, {"language", l}}.dump())
                .body)["language"];
    };
    CHECK(lang("en") == "en");
    CHECK(lang("fr") == "fr");
    CHECK(lang("xx") == "fr");
}

TEST_CASE("TLS requests get Secure cookies") {
    ApiOptions tls;
    tls.hosts = HostPolicy(HostPolicy::default_names("127.0.0.1"), 8080, true);
    Fixture f(true, true, tls);
    HttpRequest r;
    r.method = "POST";
    r.path = "/api/v1/login";
    r.body = R"({"profile": "user"})";
    r.content_type = "application/json";
    r.tls = true;
    r.host = "127.0.0.1:8080";
    r.origin = "https://127.0.0.1:8080";
    HttpResponse resp = f.api->handle(r);
    CHECK(resp.status == 200);
    CHECK(header(resp, "Set-Cookie").find("; Secure") != std::string::npos);
}

TEST_CASE("failed logins are throttled per client") {
    Fixture f;
    int last = 0;
    for (int i = 0; i < 6; ++i)
        last = f.call("POST", "/api/v1/login", R"({"profile": "admin", "password": "bad"})").status;
    CHECK(last == 429);
    HttpResponse r =
        f.call("POST", "/api/v1/login", R"({"profile": "admin", "password": "admin-pw"})");
    CHECK(r.status == 429); // even the right password waits
    CHECK(std::stoi(header(r, "Retry-After")) >= 1);
    f.mono += 2 * kS;
    CHECK(
        f.call("POST", "/api/v1/login", R"({"profile": "admin", "password": "admin-pw"})").status ==
        200);
}

TEST_CASE("CSRF: state-changing requests need the session's token") {
    Fixture f;
    auto s = f.login("advanced", "advanced-pw");
    const std::string body = R"({"source": "tgbt"})";
    CHECK(f.call("POST", "/api/v1/energy/partial-reset", body, s.cookie, "").status == 403);
    // A token one character off (never the real one: the first character is changed).
    std::string wrong = s.csrf;
    wrong[0] = wrong[0] == '0' ? '1' : '0';
    CHECK(f.call("POST", "/api/v1/energy/partial-reset", body, s.cookie, wrong).status == 403);
    CHECK(f.commands_run.empty()); // refused requests never reach the device
    CHECK(f.call("POST", "/api/v1/energy/partial-reset", body, s.cookie, s.csrf).status == 200);
    CHECK(f.commands_run.size() == 1);
    CHECK(f.call("POST", "/api/v1/logout", "{}", s.cookie, "").status == 403);
    // cross-origin and non-JSON posts are refused
    HttpRequest r;
    r.method = "POST";
    r.path = "/api/v1/login";
    r.body = R"({"profile": "user"})";
    r.content_type = "application/json";
    r.host = "127.0.0.1:8080";
    r.origin = "http://evil.example";
    CHECK(f.api->handle(r).status == 403);
    r.origin = "";
    r.content_type = "application/x-www-form-urlencoded";
    CHECK(f.api->handle(r).status == 415);
}

TEST_CASE("logout ends the session") {
    Fixture f;
    auto s = f.login("user");
    CHECK(f.call("GET", "/api/v1/session", "", s.cookie).status == 200);
    HttpResponse out = f.call("POST", "/api/v1/logout", "{}", s.cookie, s.csrf);
    CHECK(out.status == 200);
    CHECK(header(out, "Set-Cookie").find("Max-Age=0") != std::string::npos);
    CHECK(f.call("GET", "/api/v1/session", "", s.cookie).status == 401);
}

TEST_CASE("idle sessions expire") {
    Fixture f; // the site's idle timeout: 600 s
    auto s = f.login("user");
    f.mono += 599 * kS;
    CHECK(f.call("GET", "/api/v1/site", "", s.cookie).status == 200);
    f.mono += 601 * kS;
    CHECK(f.call("GET", "/api/v1/site", "", s.cookie).status == 401);
}

TEST_CASE("a password change ends the profile's other sessions at once") {
    Fixture f;
    auto a = f.login("advanced", "advanced-pw");
    auto b = f.login("advanced", "advanced-pw");
    auto admin = f.login("admin", "admin-pw");
    HttpResponse r = f.call("POST", "/api/v1/password",
                            R"({"current": "advanced-pw", "new": "short"})", a.cookie, a.csrf);
    CHECK(r.status == 400);
    r = f.call("POST", "/api/v1/password", R"({"current": "advanced-pw", "new": "a new password"})",
               a.cookie, a.csrf);
    CHECK(r.status == 200);
    std::string fresh = header(r, "Set-Cookie");
    fresh = fresh.substr(0, fresh.find(';'));
    CHECK(f.call("GET", "/api/v1/session", "", a.cookie).status == 401);
    HttpResponse other = f.call("GET", "/api/v1/session", "", b.cookie);
    CHECK(other.status == 401);
    CHECK(json::parse(other.body)["error"] == "password_changed");
    CHECK(f.call("GET", "/api/v1/session", "", fresh).status == 200);
    CHECK(f.call("GET", "/api/v1/session", "", admin.cookie).status == 200); // not its profile
    CHECK(
        f.call("POST", "/api/v1/login", R"({"profile": "advanced", "password": "a new password"})")
            .status == 200);
}

TEST_CASE("bad input gets a clear 4xx") {
    Fixture f;
    auto s = f.login("admin", "admin-pw");
    auto status = [&](const std::string &m, const std::string &t, const std::string &b = "") {
        return f.call(m, t, b, s.cookie, s.csrf).status;
    };
    CHECK(status("POST", "/api/v1/login", "{not json") == 400);
    CHECK(status("POST", "/api/v1/login", "[1, 2]") == 400);
    CHECK(status("POST", "/api/v1/login", R"({"profile": 7})") == 400);
    CHECK(status("POST", "/api/v1/login", R"({"profile": "root"})") == 400);
    CHECK(status("POST", "/api/v1/login", R"({})") == 400);
    CHECK(status("POST", "/api/v1/login", std::string(2000, ' ')) == 413);
    CHECK(status("GET", "/api/v1/monitor?source=nope") == 404);
    CHECK(status("GET", "/api/v1/monitor?source=tgbt&circuit=9") == 404);
    CHECK(status("GET", "/api/v1/monitor?source=tgbt&circuit=x") == 400);
    CHECK(status("GET", "/api/v1/monitor") == 400);
    CHECK(status("GET", "/api/v1/live?source=nope") == 404);
    CHECK(status("GET", "/api/v1/live?source=%zz") == 400);
    CHECK(status("GET", "/api/v1/perimeter?view=nope") == 400);
    CHECK(status("POST", "/api/v1/energy/partial-reset", R"({"source": "nope"})") == 404);
    CHECK(status("POST", "/api/v1/energy/partial-reset", R"({"source": "tgbt", "circuit": 5})") ==
          404);
    CHECK(status("GET", "/api/v1/nope") == 404);
    CHECK(status("GET", "/api/v1") == 404);
    CHECK(status("GET", "/api/v2/health") == 404);
    CHECK(status("GET", "/api/v1health") == 404);
    CHECK(status("DELETE", "/api/v1/site") == 405);
    CHECK(status("GET", "/api/v1/login") == 405);
}

TEST_CASE("live values: snapshot and stream grant") {
    Fixture f;
    auto s = f.login("user");
    LiveSample v{1, "IV1Inst", 229.5, kQualityGood, 0};
    f.live->update("tgbt", 1'700'000'000 * kS, 1'700'000'000 * kS, f.mono, &v, 1);
    json snap = json::parse(f.call("GET", "/api/v1/live?source=tgbt", "", s.cookie).body);
    CHECK(snap["values"][0]["v"] == 229.5);
    CHECK(snap["stale"] == false);

    HttpRequest r;
    r.method = "GET";
    r.path = "/api/v1/live/stream";
    r.query = "source=tgbt,dw,tgbt";
    r.cookie = s.cookie;
    auto opened = f.api->open_stream(r);
    REQUIRE(std::holds_alternative<Api::Stream>(opened));
    auto stream = std::get<Api::Stream>(opened);
    CHECK(stream.sources == std::vector<std::string>{"dw", "tgbt"});
    CHECK(f.api->alive(stream));
    r.query = "source=nope";
    CHECK(std::get<HttpResponse>(f.api->open_stream(r)).status == 404);
    r.query = "";
    CHECK(std::get<HttpResponse>(f.api->open_stream(r)).status == 400);
    r.cookie = "";
    r.query = "source=tgbt";
    CHECK(std::get<HttpResponse>(f.api->open_stream(r)).status == 401);
    f.call("POST", "/api/v1/logout", "{}", s.cookie, s.csrf);
    CHECK_FALSE(f.api->alive(stream));
}

TEST_CASE("alarm summary counts active alarms") {
    Fixture f;
    auto s = f.login("user");
    f.api->on_event({3, 0, "device.alarm", "tgbt", "overload", 1, 2});
    f.api->on_event({3, 0, "device.alarm", "dw", "overload", 1, 2});
    f.api->on_event({3, 0, "device.alarm", "dw", "over", 1, 3});
    f.api->on_event({1, 0, "comm.lost", "pm", "lost", 0, 1});
    json sum = json::parse(f.call("GET", "/api/v1/alarms/summary", "", s.cookie).body);
    CHECK(sum["active"] == 1);
    CHECK(sum["unacknowledged"] == 1);
    CHECK(sum["latest"].size() == 4);
    CHECK(sum["latest"][0]["type"] == "comm.lost");
}

TEST_CASE("partial energy reset: the command goes to the control service, its failures are told") {
    Fixture f;
    auto s = f.login("advanced", "advanced-pw");
    auto post = [&](const std::string &body) {
        return f.call("POST", "/api/v1/energy/partial-reset", body, s.cookie, s.csrf);
    };
    HttpResponse r = post(R"({"source": "tgbt", "circuit": 1})");
    CHECK(r.status == 200);
    CHECK(json::parse(r.body) == json{{"source", "tgbt"}, {"circuit", 1}, {"done", true}});
    REQUIRE(f.commands_run.size() == 1);
    CHECK(f.commands_run[0] == "tgbt/1 partial_energy_reset");
    REQUIRE(f.actions_recorded.size() == 1);
    CHECK(f.actions_recorded[0] ==
          "energy.partial_reset tgbt/1: partial energies reset by the advanced profile");
    // The Monitor description offers it on that device only.
    auto m = json::parse(f.call("GET", "/api/v1/monitor?source=tgbt", "", s.cookie).body);
    CHECK(m["commands"] == json::array({"partial_energy_reset"}));
    m = json::parse(f.call("GET", "/api/v1/monitor?source=pm", "", s.cookie).body);
    CHECK(m["commands"] == json::array());

    // A profile without the command: refused before anything is sent.
    r = post(R"({"source": "pm"})");
    CHECK(r.status == 409);
    CHECK(json::parse(r.body)["error"] == "not_supported");
    CHECK(f.commands_run.size() == 1);

    // What the kernel or the device answered becomes a clear error.
    for (auto [status, http] : std::vector<std::pair<int, int>>{{-6, 504}, {-7, 502}, {-10, 409}}) {
        f.command_outcome = CommandOutcome{status, "unit 5 at 127.0.0.1:1502: timeout"};
        r = post(R"({"source": "tgbt"})");
        CHECK(r.status == http);
        CHECK(json::parse(r.body)["error"] == "command_failed");
        CHECK(json::parse(r.body)["message"].get<std::string>().find("timeout") !=
              std::string::npos);
    }
    CHECK(f.actions_recorded.size() == 1); // failures are not recorded as done

    // Without a control service (an older kernel): 501, said plainly.
    Fixture bare(true, false);
    auto b = bare.login("admin", "admin-pw");
    CHECK(
        bare.call("POST", "/api/v1/energy/partial-reset", R"({"source": "tgbt"})", b.cookie, b.csrf)
            .status == 501);
}

TEST_CASE("a password set by another process ends the sessions on the very next request") {
    Fixture f;
    auto a = f.login("admin", "admin-pw");
    CHECK(f.call("GET", "/api/v1/session", "", a.cookie).status == 200);
    PasswordStore other(f.dir + "/passwords"); // as `gridscope passwd` writes it
    other.set(Profile::admin, "another admin password");
    HttpResponse r = f.call("GET", "/api/v1/session", "", a.cookie); // no time has passed
    CHECK(r.status == 401);
    CHECK(json::parse(r.body)["error"] == "password_changed");
}

// ---------------------------------------------------------------------------------------------
// Issue 10

TEST_CASE("invalid UTF-8 in a query or a body: 400 with the reason, never an exception") {
    Fixture f;
    auto s = f.login("user");
    for (const char *bad : {"%ff", "%c3", "%ed%a0%80", "%c0%af"}) {
        for (std::string target :
             {"/api/v1/live?source=", "/api/v1/monitor?source=", "/api/v1/perimeter?view=",
              "/api/v1/perimeter?view=location&filter="}) {
            target += bad;
            CAPTURE(target);
            HttpResponse r = f.call("GET", target, "", s.cookie);
            CHECK(r.status == 400);
            REQUIRE(json::accept(r.body));
            CHECK(json::parse(r.body)["error"] == "bad_query");
            CHECK(json::parse(r.body)["message"].get<std::string>().find("UTF-8") !=
                  std::string::npos);
        }
        HttpRequest r;
        r.method = "GET";
        r.path = "/api/v1/live/stream";
        r.query = std::string("source=") + bad;
        r.cookie = s.cookie;
        auto opened = f.api->open_stream(r);
        REQUIRE(std::holds_alternative<HttpResponse>(opened));
        CHECK(std::get<HttpResponse>(opened).status == 400);
    }
    HttpResponse r = f.call("POST", "/api/v1/login", "{\"profile\": \"us\xff\"}");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"] == "invalid_utf8");
    // An unknown source named in valid UTF-8 is echoed back as JSON text.
    r = f.call("GET", "/api/v1/live?source=%C3%A9", "", s.cookie);
    CHECK(r.status == 404);
    CHECK(json::parse(r.body)["message"] == "no source '\xc3\xa9'");
}

TEST_CASE("an exception in a handler becomes 500 internal_error") {
    Fixture f;
    ApiActions throwing;
    throwing.run_command = [](const std::string &, uint32_t,
                              const std::string &) -> CommandOutcome {
        throw std::runtime_error("driver exploded");
    };
    f.api = std::make_unique<Api>(test_site(), *f.live, *f.passwords, ApiOptions{},
                                  ApiClock{[&f] { return f.mono; }, [] { return int64_t(0); }},
                                  throwing);
    auto s = f.login("advanced", "advanced-pw");
    HttpResponse r =
        f.call("POST", "/api/v1/energy/partial-reset", R"({"source": "tgbt"})", s.cookie, s.csrf);
    CHECK(r.status == 500);
    CHECK(json::parse(r.body)["error"] == "internal_error");
    CHECK(json::parse(r.body)["message"].get<std::string>().find("driver exploded") !=
          std::string::npos);
    CHECK(f.call("GET", "/api/v1/health").status == 200); // and the API goes on
}

TEST_CASE("HEAD is answered where GET is") {
    Fixture f;
    CHECK(f.call("HEAD", "/api/v1/health").status == 200);
    auto s = f.login("user");
    CHECK(f.call("HEAD", "/api/v1/site", "", s.cookie).status == 200);
    CHECK(f.call("HEAD", "/api/v1/site").status == 401);
    HttpResponse r = f.call("HEAD", "/api/v1/login");
    CHECK(r.status == 405);
    HttpResponse g = f.call("PUT", "/api/v1/health");
    CHECK(g.status == 405);
    CHECK(header(g, "Allow") == "GET, HEAD");
}

TEST_CASE("Origin is compared with the site's names, not with Host (DNS rebinding)") {
    Fixture f;
    HttpRequest r;
    r.method = "POST";
    r.path = "/api/v1/login";
    r.body = R"({"profile": "user"})";
    r.content_type = "application/json";
    r.host = "attacker.example:8080"; // a rebound name: Host and Origin agree
    r.origin = "http://attacker.example:8080";
    HttpResponse refused = f.api->handle(r);
    CHECK(refused.status == 403);
    CHECK(json::parse(refused.body)["error"] == "bad_origin");
    r.host = "127.0.0.1:8080";
    r.origin = "http://localhost:8080"; // another of the site's names
    CHECK(f.api->handle(r).status == 200);
    r.origin = "http://127.0.0.1:9999";
    CHECK(f.api->handle(r).status == 403);
}

TEST_CASE("1,001+ User logins never end the Admin's session") {
    Fixture f;
    auto admin = f.login("admin", "admin-pw");
    auto advanced = f.login("advanced", "advanced-pw");
    for (int i = 0; i < 1100; ++i) {
        f.mono += 1000; // each login is the most recent
        REQUIRE(f.call("POST", "/api/v1/login", R"({"profile": "user"})").status == 200);
    }
    CHECK(f.call("GET", "/api/v1/session", "", admin.cookie).status == 200);
    CHECK(f.call("GET", "/api/v1/config/site", "", admin.cookie).status == 200);
    CHECK(f.call("GET", "/api/v1/session", "", advanced.cookie).status == 200);
    CHECK(json::parse(f.call("GET", "/api/v1/diagnostics", "", admin.cookie).body)["sessions"] ==
          1000 + 2);
}

TEST_CASE("live streams are capped per session and in total: 429 beyond") {
    ApiOptions caps;
    caps.max_live_streams = 5;
    caps.max_live_streams_per_session = 3;
    Fixture f(true, true, caps);
    auto a = f.login("user");
    auto b = f.login("user");
    auto open = [&](const std::string &cookie) {
        HttpRequest r;
        r.method = "GET";
        r.path = "/api/v1/live/stream";
        r.query = "source=tgbt";
        r.cookie = cookie;
        return f.api->open_stream(r);
    };
    std::vector<Api::Stream> held;
    for (int i = 0; i < 3; ++i)
        held.push_back(std::get<Api::Stream>(open(a.cookie)));
    auto fourth = open(a.cookie);
    REQUIRE(std::holds_alternative<HttpResponse>(fourth));
    CHECK(std::get<HttpResponse>(fourth).status == 429);
    CHECK(json::parse(std::get<HttpResponse>(fourth).body)["error"] == "too_many_streams");
    CHECK(header(std::get<HttpResponse>(fourth), "Retry-After") == "5");
    held.push_back(std::get<Api::Stream>(open(b.cookie)));
    held.push_back(std::get<Api::Stream>(open(b.cookie)));
    CHECK(std::get<HttpResponse>(open(b.cookie)).status == 429); // the total
    CHECK(f.api->stream_clients() == 5);
    held.erase(held.begin()); // a stream of `a` ends: its place is free again
    CHECK(f.api->stream_clients() == 4);
    CHECK(std::holds_alternative<Api::Stream>(open(b.cookie)));
}

TEST_CASE("the web and `gridscope passwd` share one password rule") {
    Fixture f;
    auto s = f.login("advanced", "advanced-pw");
    auto change = [&](const std::string &next) {
        return f.call("POST", "/api/v1/password",
                      json{{"current", "advanced-pw"}, {"new", next}}.dump(), s.cookie, s.csrf);
    };
    HttpResponse r = change("nine char");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["message"] == password_weakness("nine char"));
    CHECK(password_weakness("nine char").find("10") != std::string::npos);
    CHECK(change("UserAdvanced").status == 400); // the manual's factory default
    CHECK(change("tab\there ok").status == 400);
    CHECK(password_weakness(
              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9")
              .find("10") != std::string::npos); // 9 characters (18 bytes)
    CHECK(change("ten chars!").status == 200);
}

TEST_CASE("a reload's new Api shares the old one's logins, stream places and throttles") {
    ApiOptions caps;
    caps.max_live_streams = 2;
    caps.max_live_streams_per_session = 2;
    Fixture f(true, true, caps);
    auto kept = f.login("admin", "admin-pw");
    auto open = [&](Api &api, const std::string &cookie) {
        HttpRequest r;
        r.method = "GET";
        r.path = "/api/v1/live/stream";
        r.query = "source=tgbt";
        r.cookie = cookie;
        return api.open_stream(r);
    };
    auto old_stream = std::get<Api::Stream>(open(*f.api, kept.cookie));
    for (int i = 0; i < 5; ++i) // a client's failures, throttled from the next one
        f.call("POST", "/api/v1/login", R"({"profile": "admin", "password": "bad"})");

    // The reload: a new Api on the (same) site takes the old one's state, as site_changed does.
    SiteModel site = test_site();
    site.idle_timeout_s = 60;
    Api next(std::move(site), *f.live, *f.passwords, caps,
             ApiClock{[&f] { return f.mono; }, [] { return 1'700'000'000 * kS; }}, {},
             f.api->state());
    auto on_next = [&](const std::string &method, const std::string &target,
                       const std::string &body, const std::string &cookie,
                       const std::string &csrf) {
        return next.handle(api_request(method, target, body, cookie, csrf));
    };
    CHECK(on_next("GET", "/api/v1/session", "", kept.cookie, "").status == 200);
    // The old model's stream still counts: one more place only.
    auto new_stream = open(next, kept.cookie);
    CHECK(std::holds_alternative<Api::Stream>(new_stream));
    auto refused = open(next, kept.cookie);
    REQUIRE(std::holds_alternative<HttpResponse>(refused));
    CHECK(std::get<HttpResponse>(refused).status == 429);
    // A login answered by the old Api after the swap (a request under way) is known to the
    // new one; a logout answered by the old one ends the session on the new one too.
    auto late = f.login("user");
    CHECK(on_next("GET", "/api/v1/session", "", late.cookie, "").status == 200);
    CHECK(f.call("POST", "/api/v1/logout", "{}", late.cookie, late.csrf).status == 200);
    CHECK(on_next("GET", "/api/v1/session", "", late.cookie, "").status == 401);
    // The throttle is not reset by a reload.
    CHECK(on_next("POST", "/api/v1/login", R"({"profile": "admin", "password": "bad"})", "", "")
              .status == 429);
    // The new site's idle timeout holds for the kept sessions.
    f.mono += 61 * kS;
    CHECK(on_next("GET", "/api/v1/session", "", kept.cookie, "").status == 401);
}
