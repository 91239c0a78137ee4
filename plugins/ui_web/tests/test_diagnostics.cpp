// The Diagnostics page's document (diagnostics.hpp) with fake services: the live table's rows
// merged with the drivers' counters, the plugins and storage parts, the log tail over days;
// the routes' refusals through the router. The real services: diagnostics_test.py.
#include "api.hpp"
#include "common.hpp"
#include "diagnostics.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace gs::ui;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/ui_web_diag_XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        path = tmpl;
    }
    ~TempDir() { fs::remove_all(path); }
};

void write_lines(const fs::path &file, const std::string &prefix, int count) {
    std::ofstream out(file);
    for (int i = 0; i < count; ++i)
        out << prefix << i << "\n";
}

} // namespace

TEST_CASE("the log tail takes the newest lines across days, oldest first, at most `count`") {
    TempDir dir;
    write_lines(dir.path / "gridscope-2026-12-01.log", "old ", 50);
    write_lines(dir.path / "gridscope-2026-12-02.log", "mid ", 30);
    write_lines(dir.path / "gridscope-2026-12-03.log", "new ", 20);
    write_lines(dir.path / "other.log", "never ", 5);
    auto lines = last_log_lines(dir.path.string(), 60);
    REQUIRE(lines.size() == 60);
    CHECK(lines.front() == "old 40");
    CHECK(lines[10] == "mid 0");
    CHECK(lines.back() == "new 19");
    CHECK(last_log_lines(dir.path.string(), 1000).size() == 100);
    CHECK(last_log_lines((dir.path / "missing").string(), 10).empty());
    CHECK(folder_bytes(dir.path.string()) > 0);
    CHECK(folder_bytes((dir.path / "missing").string()) == 0);
}

TEST_CASE("the document merges each live row with its driver's counters") {
    DiagnosticsSource src;
    src.plugins = [] {
        return std::optional<std::string>(
            json{{"gridscope", "0.1.0"},
                 {"abi", "1.6"},
                 {"plugins",
                  {{{"id", "storage_rocksdb"},
                    {"kind", "storage"},
                    {"state", "running"},
                    {"settings",
                     {{"retention_raw_days", "90"},
                      {"retention_day_days", "0"},
                      {"sync_writes", "true"}}}},
                   {{"id", "driver_modbus"}, {"kind", "driver"}, {"state", "running"}}}}}
                .dump());
    };
    src.drivers = [] {
        return std::vector<std::pair<std::string, std::string>>{
            {"driver_modbus",
             R"({"links": [{"link": "tcp 127.0.0.1:1502", "requests": 10, "utilisation": 0.1}],
                 "sources": [{"source": "tgbt", "link": "tcp 127.0.0.1:1502", "state": "online",
                              "requests": 10, "timeouts": 1, "mean_response_us": 1500}]})"},
            {"broken", "not json"}};
    };
    src.counters.values_stored = [] { return std::optional<uint64_t>(42); };
    src.counters.cursors = [] { return std::vector<CursorLag>{{"exporter_mqtt", 7}}; };
    TempDir dir;
    src.data_dir = dir.path.string();
    json live = json::array({{{"source", "tgbt"}, {"batches", 3}, {"stale", false}},
                             {{"source", "virtual"}, {"batches", 5}, {"stale", false}}});
    json doc = diagnostics_document(src, live, json{{"name", "Site"}}, 5);
    CHECK(doc["generated_utc_ns"] == 5);
    const json &g = doc["global"];
    CHECK(g["gridscope"] == "0.1.0");
    CHECK(g["site"] == "Site");
    CHECK(g["plugins"].size() == 2);
    CHECK(g["storage"]["values_stored"] == 42);
    CHECK(g["storage"]["plugin"] == "storage_rocksdb");
    CHECK(g["storage"]["retention_days"] == json{{"raw", 90}, {"day", 0}});
    CHECK(g["storage"]["cursors"] == json::array({{{"cursor", "exporter_mqtt"}, {"lag", 7}}}));
    const json &sources = doc["devices"]["sources"];
    REQUIRE(sources.size() == 2);
    CHECK(sources[0]["source"] == "tgbt");
    CHECK(sources[0]["batches"] == 3);  // the live row
    CHECK(sources[0]["timeouts"] == 1); // the driver's counters
    CHECK(sources[0]["plugin"] == "driver_modbus");
    CHECK(sources[1]["state"] == "unknown"); // no driver reports it
    REQUIRE(doc["devices"]["links"].size() == 1);
    CHECK(doc["devices"]["links"][0]["plugin"] == "driver_modbus");
    CHECK(!doc["global"]["process"].is_null()); // Linux
}

TEST_CASE("diagnostics routes: Admin only, a link is required, an unknown link is 404") {
    TempDir dir;
    SiteModel site = test_site();
    std::vector<LiveTable::SourceSpec> specs;
    for (const auto &s : site.sources)
        specs.push_back({s.name, s.period_ms, {}});
    LiveTable live(specs, 3);
    PasswordStore passwords((dir.path / "passwords").string());
    passwords.set(Profile::admin, "admin-pw");
    passwords.set(Profile::advanced, "advanced-pw");
    ApiActions actions;
    std::vector<std::string> asked;
    actions.diagnostics.bus_trace = [&](const std::string &link) -> std::optional<std::string> {
        asked.push_back(link);
        if (link != "tcp 127.0.0.1:1502") return std::nullopt;
        return std::string(R"({"link": "tcp 127.0.0.1:1502", "capacity": 64, "frames": []})");
    };
    Api api(std::move(site), live, passwords, {},
            ApiClock{[] { return int64_t(1); }, [] { return int64_t(2); }}, actions);
    auto login = [&](const char *profile, const char *pw) {
        HttpResponse r = api.handle(api_request(
            "POST", "/api/v1/login", json{{"profile", profile}, {"password", pw}}.dump(), ""));
        REQUIRE(r.status == 200);
        for (auto &[k, v] : r.headers)
            if (k == "Set-Cookie") return v.substr(0, v.find(';'));
        return std::string();
    };
    const std::string admin = login("admin", "admin-pw");
    for (const auto &[profile, pw] :
         {std::pair{"user", ""}, std::pair{"advanced", "advanced-pw"}}) {
        const std::string cookie = login(profile, pw);
        for (const char *target : {"/api/v1/diagnostics/report", "/api/v1/diagnostics/export",
                                   "/api/v1/diagnostics/bus?link=tcp%20127.0.0.1%3A1502"}) {
            CAPTURE(profile);
            CAPTURE(target);
            CHECK(api.handle(api_request("GET", target, "", cookie)).status == 403);
        }
    }
    CHECK(asked.empty()); // a refused profile never reaches the drivers
    CHECK(api.handle(api_request("GET", "/api/v1/diagnostics/bus", "", admin)).status == 400);
    HttpResponse r =
        api.handle(api_request("GET", "/api/v1/diagnostics/bus?link=tcp%20x%3A1", "", admin));
    CHECK(r.status == 404);
    CHECK(json::parse(r.body)["error"] == "unknown_link");
    r = api.handle(
        api_request("GET", "/api/v1/diagnostics/bus?link=tcp%20127.0.0.1%3A1502", "", admin));
    CHECK(r.status == 200);
    CHECK(json::parse(r.body)["capacity"] == 64);
    r = api.handle(api_request("GET", "/api/v1/diagnostics/export", "", admin));
    CHECK(r.status == 200);
    CHECK(r.content_type == "application/zip");
    CHECK(r.body.substr(0, 2) == "PK");
}
