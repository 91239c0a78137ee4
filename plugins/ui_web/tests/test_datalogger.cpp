// The Datalogger endpoints (datalogger_api.cpp) against a fake exporter: who may call them,
// what reaches the exporter, and what the browser gets back.
#include "api.hpp"
#include "common.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace gs::ui;

namespace {

constexpr int64_t kS = 1'000'000'000;

struct DataloggerFixture {
    std::string dir;
    std::unique_ptr<LiveTable> live;
    std::unique_ptr<PasswordStore> passwords;
    std::unique_ptr<Api> api;
    std::vector<std::string> asked;    // what the fake exporter was asked
    std::vector<std::string> recorded; // actions recorded as events
    AlarmAnswer answer{GS_OK, "{\"files\":[]}"};

    explicit DataloggerFixture(bool with_datalogger = true) {
        REQUIRE(crypto_init());
        char tmpl[] = "/tmp/ui_web_datalogger_XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        SiteModel site = test_site();
        live = std::make_unique<LiveTable>(std::vector<LiveTable::SourceSpec>{}, 3);
        passwords = std::make_unique<PasswordStore>(dir + "/passwords");
        passwords->set(Profile::advanced, "advanced-pw");
        passwords->set(Profile::admin, "admin-pw");
        ApiActions actions;
        if (with_datalogger) {
            actions.datalogger.status = [this] {
                asked.push_back("status");
                return answer;
            };
            actions.datalogger.send_now = [this](const std::string &type) {
                asked.push_back("send_now " + type);
                return answer;
            };
            actions.datalogger.test_connection = [this] {
                asked.push_back("test_connection");
                return answer;
            };
        }
        actions.record_action = [this](const std::string &type, const std::string &, uint32_t,
                                       const std::string &message) {
            recorded.push_back(type + ": " + message);
        };
        api = std::make_unique<Api>(
            std::move(site), *live, *passwords, ApiOptions{},
            ApiClock{[] { return 100 * kS; }, [] { return 1'700'000'000 * kS; }}, actions);
    }
    ~DataloggerFixture() { std::system(("rm -rf '" + dir + "'").c_str()); }

    struct Login {
        std::string cookie, csrf;
    };
    Login login(const std::string &profile, const std::string &password = "") {
        json body = {{"profile", profile}, {"password", password}, {"language", "en"}};
        HttpResponse r = api->handle(api_request("POST", "/api/v1/login", body.dump(), "", ""));
        REQUIRE(r.status == 200);
        std::string set_cookie;
        for (auto &[k, v] : r.headers)
            if (k == "Set-Cookie") set_cookie = v;
        return {set_cookie.substr(0, set_cookie.find(';')), json::parse(r.body)["csrf_token"]};
    }
    HttpResponse call(const std::string &method, const std::string &target, const Login &who,
                      const std::string &body = "") {
        return api->handle(api_request(method, target, body, who.cookie, who.csrf));
    }
};

} // namespace

TEST_CASE("datalogger: Admin only, as the manual's configuration section") {
    DataloggerFixture f;
    const std::map<std::string, DataloggerFixture::Login> who = {
        {"anonymous", {}},
        {"user", f.login("user")},
        {"advanced", f.login("advanced", "advanced-pw")},
        {"admin", f.login("admin", "admin-pw")}};
    const std::map<std::string, int> expected = {
        {"anonymous", 401}, {"user", 403}, {"advanced", 403}, {"admin", 200}};
    for (const char *target : {"/api/v1/datalogger"}) {
        for (const auto &[name, status] : expected) {
            CAPTURE(name);
            CHECK(f.call("GET", target, who.at(name)).status == status);
        }
    }
    for (const char *target : {"/api/v1/datalogger/send-now", "/api/v1/datalogger/test-connection"})
        for (const auto &[name, status] : expected) {
            CAPTURE(name);
            CAPTURE(target);
            CHECK(f.call("POST", target, who.at(name), "{}").status == status);
        }
    // Only the three admin calls reached the exporter.
    CHECK(f.asked == std::vector<std::string>{"status", "send_now ", "test_connection"});
    // A POST without the CSRF token is refused before the exporter is asked.
    DataloggerFixture::Login no_csrf{who.at("admin").cookie, ""};
    CHECK(f.call("POST", "/api/v1/datalogger/send-now", no_csrf, "{}").status == 403);
    CHECK(f.asked.size() == 3);
}

TEST_CASE("datalogger: the exporter's answers and refusals") {
    DataloggerFixture f;
    auto admin = f.login("admin", "admin-pw");
    f.answer = {GS_OK, R"({"server":{"password_set":true},"plans":[]})"};
    HttpResponse r = f.call("GET", "/api/v1/datalogger", admin);
    CHECK(r.status == 200);
    CHECK(json::parse(r.body)["server"]["password_set"] == true);

    f.answer = {GS_OK, R"([{"file":"box-01_index_all_20261203100000.csv","type":"index",)"
                       R"("rows":1,"bytes":300,"status":"sent"}])"};
    r = f.call("POST", "/api/v1/datalogger/send-now", admin, R"({"type":"index"})");
    CHECK(r.status == 200);
    CHECK(json::parse(r.body)["files"][0]["status"] == "sent");
    CHECK(f.asked.back() == "send_now index");
    REQUIRE(f.recorded.size() == 1);
    CHECK(f.recorded[0] == "datalogger.send_now: files sent now (index) by the admin profile");

    CHECK(f.call("POST", "/api/v1/datalogger/send-now", admin, R"({"type":3})").status == 400);
    CHECK(f.call("POST", "/api/v1/datalogger/send-now", admin, "not json").status == 400);
    f.answer = {GS_ERR_INVALID_ARG, "no plan of type 'status'"};
    r = f.call("POST", "/api/v1/datalogger/send-now", admin, R"({"type":"status"})");
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["message"] == "type: no plan of type 'status'");
    f.answer = {GS_ERR_STATE, "the Datalogger is not running"};
    r = f.call("POST", "/api/v1/datalogger/test-connection", admin, "{}");
    CHECK(r.status == 503);
    CHECK(json::parse(r.body)["error"] == "no_datalogger");
    f.answer = {GS_ERR_FAILED, "boom"};
    CHECK(f.call("GET", "/api/v1/datalogger", admin).status == 500);
    CHECK(f.recorded.size() == 1); // refusals record nothing
}

TEST_CASE("datalogger: a site without exporter_files answers 503") {
    DataloggerFixture f(false);
    auto admin = f.login("admin", "admin-pw");
    HttpResponse r = f.call("GET", "/api/v1/datalogger", admin);
    CHECK(r.status == 503);
    CHECK(json::parse(r.body)["error"] == "no_datalogger");
}

namespace {

std::string last_type;
gs_status fake_status(void *, gs_text_fn on_json, void *payload) {
    return on_json(payload, "{\"plans\":[]}");
}
gs_status fake_send(void *, const char *type, gs_text_fn on_json, void *payload) {
    last_type = type ? type : "(null)";
    on_json(payload, "no plan of that type");
    return GS_ERR_INVALID_ARG;
}
gs_status fake_test(void *, gs_text_fn on_json, void *payload) {
    return on_json(payload, "{\"ok\":true}");
}

} // namespace

TEST_CASE("datalogger_over: the service looked up until found") {
    const gs_datalogger_service_v1 service = {sizeof service, 0,          nullptr,
                                              &fake_status,   &fake_send, &fake_test};
    const gs_datalogger_service_v1 *offered = nullptr;
    Datalogger d = datalogger_over([&] { return offered; });
    CHECK(d.status().status == GS_ERR_STATE); // not offered (yet)
    offered = &service;
    AlarmAnswer a = d.status();
    CHECK(a.status == GS_OK);
    CHECK(a.text == "{\"plans\":[]}");
    a = d.send_now("index");
    CHECK(a.status == GS_ERR_INVALID_ARG);
    CHECK(a.text == "no plan of that type");
    CHECK(last_type == "index");
    CHECK(d.test_connection().text == "{\"ok\":true}");
    gs_datalogger_service_v1 old = service;
    old.struct_size = 8; // an older, smaller struct is not used
    offered = &old;
    CHECK(datalogger_over([&] { return offered; }).status().status == GS_ERR_STATE);
}
