// GET /api/v1/openapi.json: every route documented (a route added without an entry in
// api_doc.cpp fails here), the document's structure as OpenAPI 3.0 wants it, and the roles it
// states checked against what the router actually lets each profile do.
#include "api.hpp"
#include "api_doc.hpp"
#include "common.hpp"
#include "openapi.hpp"

#include <algorithm>
#include <doctest/doctest.h>

#include <cstdlib>
#include <set>

using namespace gs::ui;
using nlohmann::json;

namespace {

constexpr int64_t kS = 1'000'000'000;

struct Server {
    std::string dir;
    std::unique_ptr<LiveTable> live;
    std::unique_ptr<PasswordStore> passwords;
    std::unique_ptr<Api> api;
    Server() {
        REQUIRE(crypto_init());
        char tmpl[] = "/tmp/ui_web_openapi_XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        SiteModel site = test_site();
        std::vector<LiveTable::SourceSpec> specs;
        for (const auto &s : site.sources)
            specs.push_back({s.name, s.period_ms, {}});
        live = std::make_unique<LiveTable>(specs, 3);
        passwords = std::make_unique<PasswordStore>(dir + "/passwords");
        passwords->set(Profile::advanced, "advanced-pw");
        passwords->set(Profile::admin, "admin-pw");
        api = std::make_unique<Api>(std::move(site), *live, *passwords, ApiOptions{},
                                    ApiClock{[] { return 100 * kS; }, [] { return 0; }});
    }
    ~Server() { std::system(("rm -rf '" + dir + "'").c_str()); }
    HttpResponse call(const std::string &method, const std::string &path,
                      const std::string &cookie = "", const std::string &csrf = "") {
        return api->handle(
            api_request(method, "/api/v1" + path, method == "GET" ? "" : "{}", cookie, csrf));
    }
    std::pair<std::string, std::string> login(const std::string &profile,
                                              const std::string &password) {
        json body = {{"profile", profile}, {"password", password}};
        HttpResponse r = api->handle(api_request("POST", "/api/v1/login", body.dump(), ""));
        REQUIRE(r.status == 200);
        for (auto &[k, v] : r.headers)
            if (k == "Set-Cookie")
                return {v.substr(0, v.find(';')), json::parse(r.body)["csrf_token"]};
        FAIL("no cookie");
        return {};
    }
};

const std::set<std::string> kMethods = {"get",     "put",  "post",  "delete",
                                        "options", "head", "patch", "trace"};

// The structure OpenAPI 3.0 requires of what this document uses.
void check_structure(const json &doc) {
    REQUIRE(doc.is_object());
    REQUIRE(doc["openapi"].is_string());
    CHECK(doc["openapi"].get<std::string>().rfind("3.0.", 0) == 0);
    REQUIRE(doc["info"].is_object());
    CHECK(doc["info"]["title"].is_string());
    CHECK(doc["info"]["version"].is_string());
    REQUIRE(doc["paths"].is_object());
    std::set<std::string> operation_ids;
    for (const auto &[path, item] : doc["paths"].items()) {
        CAPTURE(path);
        CHECK(path.rfind('/', 0) == 0);
        REQUIRE(item.is_object());
        for (const auto &[key, op] : item.items()) {
            CAPTURE(key);
            if (key == "servers") {
                CHECK(op.is_array());
                continue;
            }
            REQUIRE(kMethods.count(key));
            REQUIRE(op.is_object());
            CHECK(op["summary"].is_string());
            CHECK(op["summary"] != "(undocumented)");
            REQUIRE(op["operationId"].is_string());
            CHECK(operation_ids.insert(op["operationId"]).second);
            CHECK(op["security"].is_array());
            REQUIRE(op["x-gridscope-profiles"].is_array());
            CHECK(!op["x-gridscope-profiles"].empty());
            if (op.contains("parameters"))
                for (const auto &p : op["parameters"]) {
                    CHECK(p["name"].is_string());
                    CHECK((p["in"] == "query" || p["in"] == "header"));
                    CHECK(p["schema"].is_object());
                }
            REQUIRE(op["responses"].is_object());
            REQUIRE(op["responses"].contains("200"));
            for (const auto &[status, response] : op["responses"].items()) {
                CAPTURE(status);
                CHECK(status.size() == 3);
                CHECK(std::atoi(status.c_str()) >= 100);
                CHECK(response["description"].is_string());
                if (status != "200") {
                    const json &schema = response["content"]["application/json"]["schema"];
                    REQUIRE(schema["$ref"] == "#/components/schemas/Error");
                    CHECK(!response["x-gridscope-errors"].empty());
                }
            }
        }
    }
    CHECK(doc["components"]["schemas"]["Error"]["type"] == "object");
    for (const auto &[name, scheme] : doc["components"]["securitySchemes"].items())
        CHECK(scheme["type"].is_string());
}

} // namespace

TEST_CASE("openapi: every route of the table is documented, and nothing else") {
    // A route added to Api::routes() needs its entry in api_doc.cpp (summary, parameters,
    // errors): this is the check that fails otherwise.
    CHECK(undocumented_routes() == std::vector<std::string>{});
    CHECK(stale_route_docs() == std::vector<std::string>{});
    json doc = openapi_document("1.2.3");
    for (const auto &r : Api::route_list()) {
        std::string method = r.method;
        for (char &c : method)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        CHECK_MESSAGE(doc["paths"].contains(r.path), r.path);
        CHECK_MESSAGE(doc["paths"][r.path].contains(method), r.method << " " << r.path);
    }
    CHECK(doc["paths"]["/live/stream"].contains("get"));
    CHECK(doc["paths"]["/metrics"]["servers"][0]["url"] == "/");
}

TEST_CASE("openapi: the document's structure, served at GET /api/v1/openapi.json") {
    Server s;
    HttpResponse r = s.call("GET", "/openapi.json");
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/json");
    json doc = json::parse(r.body);
    check_structure(doc);
    CHECK(doc == openapi_document(ApiOptions{}.version));
    // Errors of the route's kind and its own.
    const json &login = doc["paths"]["/login"]["post"]["responses"];
    CHECK(login["401"]["x-gridscope-errors"] == json::array({"invalid_credentials"}));
    CHECK(login.contains("415"));
    CHECK(login["429"]["headers"].contains("Retry-After"));
    const json &config = doc["paths"]["/config/site"]["get"];
    CHECK(config["x-gridscope-profiles"] == json::array({"admin"}));
    CHECK(config["responses"]["403"]["x-gridscope-errors"] == json::array({"forbidden"}));
    CHECK(doc["paths"]["/health"]["get"]["x-gridscope-profiles"] == json::array({"anonymous"}));
}

TEST_CASE("openapi: the roles it states are the ones the router enforces") {
    Server s;
    std::map<std::string, std::pair<std::string, std::string>> sessions = {
        {"user", s.login("user", "")},
        {"advanced", s.login("advanced", "advanced-pw")},
        {"admin", s.login("admin", "admin-pw")}};
    json doc = openapi_document("0");
    for (const auto &r : Api::route_list()) {
        if (r.path == "/logout" || r.path == "/login") continue; // would end or replace sessions
        std::string method = r.method;
        std::transform(method.begin(), method.end(), method.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const json &profiles = doc["paths"][r.path][method]["x-gridscope-profiles"];
        CAPTURE(r.path);
        if (profiles == json::array({"anonymous"})) {
            CHECK(s.call(r.method, r.path).status != 401);
            continue;
        }
        HttpResponse anonymous = s.call(r.method, r.path);
        CHECK(anonymous.status == 401);
        for (const auto &[profile, session] : sessions) {
            CAPTURE(profile);
            bool allowed = std::find(profiles.begin(), profiles.end(), profile) != profiles.end();
            HttpResponse got = s.call(r.method, r.path, session.first, session.second);
            // A binary answer (a zip) is no refusal: refusals are JSON.
            const json answer = json::parse(got.body, nullptr, false);
            std::string code = answer.is_object() ? answer.value("error", "") : "";
            if (allowed) {
                CHECK(code != "forbidden");
                CHECK(code != "unauthenticated");
            } else {
                CHECK(code == "forbidden");
            }
        }
    }
}

TEST_CASE("openapi: every state-changing route states the CSRF header the router requires") {
    Server s;
    auto [cookie, csrf] = s.login("admin", "admin-pw");
    json doc = openapi_document("0");
    size_t checked = 0;
    for (const auto &r : Api::route_list()) {
        std::string method = r.method;
        std::transform(method.begin(), method.end(), method.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const json &op = doc["paths"][r.path][method];
        CAPTURE(r.method);
        CAPTURE(r.path);
        bool documented = false;
        for (const auto &p : op.value("parameters", json::array()))
            if (p["name"] == "X-CSRF-Token" && p["in"] == "header" && p["required"] == true)
                documented = true;
        const json refusals = op["responses"].value("403", json::object());
        const json codes = refusals.value("x-gridscope-errors", json::array());
        bool csrf_refusal = std::find(codes.begin(), codes.end(), "csrf") != codes.end();
        if (!Api::changes_state(r.method) || r.anonymous) {
            CHECK_FALSE(documented);
            CHECK_FALSE(csrf_refusal);
            continue;
        }
        CHECK(documented);
        CHECK(csrf_refusal);
        // And the router does refuse it without the token (an Admin session passes every
        // permission check first).
        HttpResponse refused = s.call(r.method, r.path, cookie, "");
        CHECK(refused.status == 403);
        CHECK(json::parse(refused.body, nullptr, false).value("error", "") == "csrf");
        ++checked;
    }
    // POST, PUT and DELETE routes are all among them.
    CHECK(checked > 20);
    for (const char *method : {"put", "delete"}) {
        bool seen = false;
        for (const auto &[path, item] : doc["paths"].items())
            seen = seen || item.contains(method);
        CHECK_MESSAGE(seen, method);
    }
}
