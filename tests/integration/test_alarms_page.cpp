// The Alarms and events page's API through the real binary (issue 14 item 5, docs/api.md):
// GET /alarms paged with filters (type, source, category, status, criticality, period, offset,
// limit, kpis), the original GET /alarms?state= unchanged, a User refused on changes, and
// GET /alarms/export's zip opened with libzip, its alarms.csv and events.csv checked against
// the list.
#include "../support/eventually.hpp"
#include "../support/http_client.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <zip.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using gs::test::Client;
using gs::test::eventually;
using gs::test::free_port;
using gs::test::Process;
using gs::test::run;
using json = nlohmann::ordered_json;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;

// m1's frequency (about 50 Hz) is above 10: freq-high (high) fires on m1; below 1000: freq-low
// (low) fires on m2; m1's phase voltages (about 230 V) are 50 % of a declared 460 V: one dip,
// running, on m1.
const std::string kSite = R"(site: {name: Alarms page, timezone: Europe/Paris}
sources:
  - {name: m1, profile: examples/virtual-meter, period_ms: 100}
  - {name: m2, profile: examples/virtual-meter, period_ms: 100}
plugins:
  ui_web: {}
alarms:
  - name: freq-high
    data: IFreqInst
    sources: [m1]
    high: 10
    deadband: "2%"
    on_delay_s: 0
    criticality: high
    message: {en: "Frequency high: {value}", fr: "Fréquence haute : {value}"}
  - {name: freq-low, data: IFreqInst, sources: [m2], low: 1000, criticality: low}
  - {name: en50160, kind: voltage_events, nominal_v: 460, sources: [m1]}
)";

json get(Client &c, const std::string &path, int status = 200) {
    std::string body = c.call("GET", path);
    INFO(path, " -> ", body);
    REQUIRE(c.last_status == status);
    return json::parse(body);
}

std::vector<std::string> rule_order(const json &items) {
    std::vector<std::string> out;
    for (const auto &i : items)
        out.push_back(i["rule"].get<std::string>());
    return out;
}

// The files of a zip archive held in memory, by name.
std::map<std::string, std::string> unzip(const std::string &bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    REQUIRE(src);
    zip_t *archive = zip_open_from_source(src, ZIP_RDONLY, &error);
    if (!archive) zip_source_free(src);
    REQUIRE_MESSAGE(archive, "not a zip archive: ", zip_error_strerror(&error));
    std::map<std::string, std::string> files;
    for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
        zip_stat_t st;
        REQUIRE(zip_stat_index(archive, i, 0, &st) == 0);
        zip_file_t *f = zip_fopen_index(archive, i, 0);
        REQUIRE(f);
        std::string data(st.size, '\0');
        CHECK(zip_fread(f, data.data(), st.size) == static_cast<zip_int64_t>(st.size));
        zip_fclose(f);
        files[st.name] = data;
    }
    zip_close(archive);
    return files;
}

// Lines of a CSV file without quoted line breaks (enough here), each split on commas outside
// quotes.
std::vector<std::vector<std::string>> csv_rows(const std::string &text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        REQUIRE(!line.empty());
        REQUIRE(line.back() == '\r'); // CRLF
        line.pop_back();
        std::vector<std::string> fields(1);
        bool quoted = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            char c = line[i];
            if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"')
                fields.back() += '"', ++i;
            else if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
                fields.emplace_back();
            else
                fields.back() += c;
        }
        rows.push_back(fields);
    }
    return rows;
}

std::size_t column(const std::vector<std::string> &header, const std::string &name) {
    auto it = std::find(header.begin(), header.end(), name);
    REQUIRE_MESSAGE(it != header.end(), "no column ", name);
    return static_cast<std::size_t>(it - header.begin());
}
} // namespace

TEST_CASE("alarms page API: filters, paging, KPIs, the original list, User 403, zip export") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "alarms_page";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string site = (dir / "site.yaml").string();
    std::string data = (dir / "data").string();
    std::ofstream(site) << kSite;
    auto pw = run({kBin, "passwd", "--config", site, "--data-dir", data, "--profile", "advanced"},
                  std::string("advanced-pass-1\nadvanced-pass-1\n"));
    INFO(pw.err);
    REQUIRE(pw.code == 0);
    int port = free_port();
    Process gs(
        {kBin, "run", "--config", site, "--data-dir", data, "--http-port", std::to_string(port)});
    REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));
    Client user{"http://127.0.0.1:" + std::to_string(port), (dir / "user.jar").string(), "", 0};
    user.login("user", "");

    json page;
    REQUIRE(eventually([&] { return (page = get(user, "/alarms?type=all"))["total"] == 3; }));
    REQUIRE(page["items"].size() == 3);
    std::map<std::string, json> by_rule;
    for (const auto &i : page["items"])
        by_rule[i["rule"].get<std::string>()] = i;
    REQUIRE(by_rule.size() == 3);
    // Newest first.
    for (std::size_t i = 1; i < page["items"].size(); ++i)
        CHECK(page["items"][i - 1]["raised"].get<std::string>() >=
              page["items"][i]["raised"].get<std::string>());

    const json &high = by_rule["freq-high"];
    CHECK(high["type"] == "alarm");
    CHECK(high["category"] == "limit");
    CHECK(high["criticality"] == "high");
    CHECK(high["isa_state"] == "active-unacknowledged");
    CHECK(high["thresholds"] == json::parse(R"([{"level": "high", "value": 10.0,
                                                   "criticality": "high"}])"));
    CHECK(high["deadband"] == "2%");
    CHECK(high["on_delay_s"] == 0);
    CHECK(high["value"].get<double>() > 10);
    const json &dip = by_rule["en50160"];
    CHECK(dip["type"] == "event");
    CHECK(dip["category"] == "dip");
    CHECK(dip["state"] == "active");
    CHECK(dip["cleared"].is_null());
    CHECK(dip["nominal_v"] == 460);
    CHECK(dip["depth_pct"].get<double>() > 10);
    CHECK(dip["phases"].size() == 3);
    CHECK(dip["method"].get<std::string>().find("not IEC 61000-4-30 class A") != std::string::npos);

    // Filters.
    CHECK(rule_order(get(user, "/alarms?criticality=high")["items"]) ==
          std::vector<std::string>{"freq-high"});
    CHECK(rule_order(get(user, "/alarms?criticality=low,high&type=alarm")["items"]).size() == 2);
    CHECK(rule_order(get(user, "/alarms?type=event")["items"]) ==
          std::vector<std::string>{"en50160"});
    CHECK(rule_order(get(user, "/alarms?source=m2")["items"]) ==
          std::vector<std::string>{"freq-low"});
    CHECK(get(user, "/alarms?category=dip,swell")["total"] == 1);
    CHECK(get(user, "/alarms?status=unacked")["total"] == 2); // events are never acknowledged
    CHECK(get(user, "/alarms?status=cleared")["total"] == 0);
    CHECK(get(user, "/alarms?type=all&to=2020-01-01T00:00:00Z")["total"] == 0);
    CHECK(get(user, "/alarms?type=all&from=2020-01-01T00:00:00%2B01:00")["total"] == 3);
    // Paging: the total stays, the page holds the rows asked for.
    json second = get(user, "/alarms?offset=1&limit=1");
    CHECK(second["total"] == 3);
    REQUIRE(second["items"].size() == 1);
    CHECK(second["items"][0]["id"] == page["items"][1]["id"]);
    CHECK(get(user, "/alarms?offset=3&limit=50")["items"].empty());
    // KPIs.
    json kpis = get(user, "/alarms?type=all&kpis=1")["kpis"];
    CHECK(kpis["activations"].get<int>() >= 2);
    CHECK(kpis["standing"] == 2);
    CHECK(kpis["unacked"] == 2);
    CHECK(kpis["by_criticality"]["high"].get<int>() >= 1);
    CHECK(kpis["floods"].is_array());
    CHECK(kpis["chattering"].is_array());
    CHECK(kpis["stale"].is_array());
    // Bad parameters: a clear 400 naming them.
    for (const char *bad :
         {"/alarms?limit=0", "/alarms?limit=1001", "/alarms?status=sleeping",
          "/alarms?category=fire", "/alarms?criticality=urgent", "/alarms?type=both",
          "/alarms?type=all&state=active", "/alarms?type=all&from=yesterday", "/alarms?offset=-1",
          "/alarms/export?status=sleeping"}) {
        json e = get(user, bad, 400);
        CHECK(e["error"] == "invalid_parameter");
    }

    // The original list answers as before: the contract's fields only, alarms only.
    json original = get(user, "/alarms?state=all");
    REQUIRE(original.size() == 1);
    REQUIRE(original["alarms"].size() == 2);
    CHECK(original["alarms"][0].size() == 14);

    // A User may not acknowledge nor shelve; an Advanced user acknowledges with a comment.
    uint64_t high_id = high["id"].get<uint64_t>();
    std::string ack = R"({"ids": [)" + std::to_string(high_id) + R"(], "comment": "on it"})";
    user.call("POST", "/alarms/ack", ack);
    CHECK(user.last_status == 403);
    user.call("POST", "/alarms/shelve",
              R"({"id": )" + std::to_string(high_id) + R"(, "duration_s": 60})");
    CHECK(user.last_status == 403);
    CHECK(get(user, "/alarms?status=acked")["total"] == 0);
    Client adv{user.base, (dir / "adv.jar").string(), "", 0};
    adv.login("advanced", "advanced-pass-1");
    adv.call("POST", "/alarms/ack", ack);
    CHECK(adv.last_status == 200);
    json acked = get(user, "/alarms?status=acked");
    REQUIRE(acked["items"].size() == 1);
    CHECK(acked["items"][0]["id"] == high_id);
    CHECK(acked["items"][0]["acked_by"] == "advanced");
    CHECK(acked["items"][0]["ack_comment"] == "on it");
    CHECK(acked["items"][0]["isa_state"] == "active-acknowledged");

    // The export, as a User: every row of the selection, newest first, as the list shows them.
    json listed = get(user, "/alarms?type=all&limit=1000")["items"];
    std::string zip_bytes = user.call("GET", "/alarms/export?type=all");
    REQUIRE(user.last_status == 200);
    auto files = unzip(zip_bytes);
    REQUIRE(files.size() == 2);
    REQUIRE(files.count("alarms.csv"));
    REQUIRE(files.count("events.csv"));
    auto alarms_csv = csv_rows(files["alarms.csv"]);
    auto events_csv = csv_rows(files["events.csv"]);
    REQUIRE(alarms_csv.size() == 3); // header + 2
    REQUIRE(events_csv.size() == 2); // header + 1
    const auto &ah = alarms_csv[0];
    CHECK(ah.size() == 23);
    std::vector<std::string> listed_alarm_ids, csv_alarm_ids;
    for (const auto &i : listed)
        if (i["type"] == "alarm") listed_alarm_ids.push_back(std::to_string(i["id"].get<int>()));
    for (std::size_t r = 1; r < alarms_csv.size(); ++r) {
        REQUIRE(alarms_csv[r].size() == ah.size());
        csv_alarm_ids.push_back(alarms_csv[r][column(ah, "id")]);
    }
    CHECK(csv_alarm_ids == listed_alarm_ids);
    const std::regex local_time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+01:00)"); // Paris, Dec
    for (std::size_t r = 1; r < alarms_csv.size(); ++r) {
        const auto &row = alarms_csv[r];
        CHECK(std::regex_match(row[column(ah, "raised")], local_time));
        if (row[column(ah, "rule")] != "freq-high") continue;
        CHECK(row[column(ah, "acked")] == "true");
        CHECK(row[column(ah, "acked_by")] == "advanced");
        CHECK(row[column(ah, "ack_comment")] == "on it");
        CHECK(std::regex_match(row[column(ah, "acked_at")], local_time));
        CHECK(row[column(ah, "criticality")] == "high");
        CHECK(row[column(ah, "message")].rfind("Frequency high: ", 0) == 0);
    }
    const auto &eh = events_csv[0];
    CHECK(events_csv[1][column(eh, "category")] == "dip");
    CHECK(events_csv[1][column(eh, "state")] == "active");
    CHECK(events_csv[1][column(eh, "end")].empty());
    CHECK(events_csv[1][column(eh, "phases")] == "1 2 3");
    CHECK(std::regex_match(events_csv[1][column(eh, "start")], local_time));

    // The export follows the filters: critical-high alarms only, no event of that criticality.
    auto filtered = unzip(user.call("GET", "/alarms/export?criticality=high"));
    REQUIRE(user.last_status == 200);
    CHECK(csv_rows(filtered["alarms.csv"]).size() == 2);
    CHECK(csv_rows(filtered["events.csv"]).size() == 1); // the header alone

    gs.signal(SIGTERM);
    REQUIRE(gs.wait(20s) == 0);
}
