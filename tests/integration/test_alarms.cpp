// The alarm engine plugin through the real binary (issue 14): rules of the site file's alarms:
// section over virtual meters, acknowledged through the API by an Advanced user (a User gets
// 403), still acknowledged and not raised again after a restart; `gridscope alarms` prints the
// contract's JSON while the site runs; a bad rule is refused by `gridscope check` at its
// file:line and key, and a SIGHUP with a bad rule leaves the running engine as it was; rules
// saved through PUT /config are checked the same way and in force at once (issue 15).
#include "../support/eventually.hpp"
#include "../support/http_client.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

using gs::test::Client;
using gs::test::eventually;
using gs::test::free_port;
using gs::test::Process;
using gs::test::run;
using json = nlohmann::ordered_json; // keeps the keys in their order
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;

// The virtual meter's frequency is about 50 Hz: above 10 at every poll.
std::string site_text(const std::string &rules) {
    return "site: {name: Alarms}\n"
           "sources:\n"
           "  - {name: m1, profile: examples/virtual-meter, period_ms: 100}\n"
           "plugins:\n"
           "  ui_web: {}\n"
           "alarms:\n" +
           rules;
}

const std::string kGoodRules = "  - name: freq-high\n"
                               "    data: IFreqInst\n"
                               "    sources: [m1]\n"
                               "    high: 10\n"
                               "    deadband: \"2%\"\n"
                               "    on_delay_s: 0\n"
                               "    off_delay_s: 0\n"
                               "    criticality: high\n"
                               "    message: {en: \"Frequency high: {value}\", fr: \"Fréquence "
                               "haute : {value}\"}\n";

const std::vector<std::string> kContract = {
    "id",    "rule",   "source",  "circuit",  "data",     "criticality", "state",
    "acked", "raised", "cleared", "acked_at", "acked_by", "value",       "message"};

void check_contract(const json &record) {
    REQUIRE(record.is_object());
    std::vector<std::string> keys;
    for (const auto &[k, v] : record.items())
        keys.push_back(k);
    CHECK(keys == kContract);
    CHECK(record["id"].is_number_unsigned());
    CHECK((record["state"] == "active" || record["state"] == "normal"));
    CHECK(record["acked"].is_boolean());
    CHECK(record["raised"].is_string());
    CHECK(record["raised"].get<std::string>().size() == 24); // 2026-12-03T15:00:00.000Z
    for (const char *t : {"cleared", "acked_at", "acked_by"})
        CHECK((record[t].is_null() || record[t].is_string()));
}

json api_alarms(Client &c, const std::string &state) {
    std::string body = c.call("GET", "/alarms?state=" + state);
    REQUIRE(c.last_status == 200);
    json doc = json::parse(body);
    REQUIRE(doc.contains("alarms"));
    return doc["alarms"];
}
} // namespace

TEST_CASE("alarms: a bad rule is refused by check with file:line and key") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "alarms_check";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string site = (dir / "site.yaml").string();
    std::ofstream(site) << site_text("  - name: freq-high\n"
                                     "    data: IFreqInst\n"
                                     "    high: 50.5\n"
                                     "    deadband: lots\n"
                                     "  - name: nothing\n"
                                     "    data: INoSuchData\n"
                                     "    high: 1\n"
                                     "    sources: [m9]\n");
    auto r = run({kBin, "check", "--config", site});
    INFO(r.out, r.err);
    CHECK(r.code != 0);
    std::string all = r.out + r.err;
    CHECK(all.find(site + ":10:15: field 'alarms[0].deadband'") != std::string::npos);
    CHECK(all.find(site + ":12:11: field 'alarms[1].data': no data 'INoSuchData'") !=
          std::string::npos);
    CHECK(all.find(site + ":14:15: field 'alarms[1].sources[0]': no source 'm9'") !=
          std::string::npos);

    std::ofstream(site) << site_text(kGoodRules);
    auto good = run({kBin, "check", "--config", site});
    INFO(good.out, good.err);
    CHECK(good.code == 0);

    // A top-level section no plugin declares stays an unknown key.
    std::ofstream(site) << site_text(kGoodRules) << "alarmz: []\n";
    auto unknown = run({kBin, "check", "--config", site});
    CHECK(unknown.code != 0);
    CHECK((unknown.out + unknown.err).find("field 'alarmz': unknown key") != std::string::npos);
}

TEST_CASE("alarms: raised, acknowledged by Advanced (User 403), kept across a restart") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "alarms_e2e";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string site = (dir / "site.yaml").string();
    std::string data = (dir / "data").string();
    std::ofstream(site) << site_text(kGoodRules);
    auto pw = run({kBin, "passwd", "--config", site, "--data-dir", data, "--profile", "advanced"},
                  std::string("advanced-pass-1\nadvanced-pass-1\n"));
    INFO(pw.err);
    REQUIRE(pw.code == 0);
    int port = free_port();
    std::vector<std::string> argv = {kBin,         "run", "--config",    site,
                                     "--data-dir", data,  "--http-port", std::to_string(port)};
    uint64_t id = 0;
    {
        Process gs(argv);
        REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));
        Client user{"http://127.0.0.1:" + std::to_string(port), (dir / "user.jar").string(), "", 0};
        user.login("user", "");
        json active;
        REQUIRE(eventually([&] { return !(active = api_alarms(user, "active")).empty(); }));
        REQUIRE(active.size() == 1);
        check_contract(active[0]);
        CHECK(active[0]["rule"] == "freq-high");
        CHECK(active[0]["source"] == "m1");
        CHECK(active[0]["data"] == "IFreqInst");
        CHECK(active[0]["criticality"] == "high");
        CHECK(active[0]["state"] == "active");
        CHECK(active[0]["acked"] == false);
        CHECK(active[0]["value"].get<double>() > 10);
        CHECK(active[0]["message"].get<std::string>().rfind("Frequency high: ", 0) == 0);
        id = active[0]["id"].get<uint64_t>();

        // The banner's count is the engine's.
        json summary = json::parse(user.call("GET", "/alarms/summary"));
        CHECK(summary["count"] == 1);
        CHECK(summary["engine"] == true);

        // `gridscope alarms` while the site runs: the contract's objects exactly.
        auto cli = run({kBin, "alarms", "--config", site, "--data-dir", data, "--state", "active",
                        "--format", "json"});
        INFO(cli.err);
        REQUIRE(cli.code == 0);
        json listed = json::parse(cli.out);
        REQUIRE(listed.is_array());
        REQUIRE(listed.size() == 1);
        check_contract(listed[0]);
        CHECK(listed[0]["id"] == id);
        CHECK(listed[0]["acked"] == false);
        auto bad_state = run({kBin, "alarms", "--config", site, "--data-dir", data, "--state",
                              "sleeping", "--format", "json"});
        CHECK(bad_state.code == 2);

        // A User sees, but may not acknowledge.
        std::string ack = R"({"ids": [)" + std::to_string(id) + R"(], "comment": "on it"})";
        user.call("POST", "/alarms/ack", ack);
        CHECK(user.last_status == 403);
        CHECK(api_alarms(user, "unacked").size() == 1);

        Client adv{user.base, (dir / "adv.jar").string(), "", 0};
        adv.login("advanced", "advanced-pass-1");
        json done = json::parse(adv.call("POST", "/alarms/ack", ack));
        CHECK(adv.last_status == 200);
        CHECK(done["acknowledged"] == json::array({id}));
        json again = json::parse(adv.call("POST", "/alarms/ack", ack));
        CHECK(again["already"] == json::array({id})); // never twice
        json rec = api_alarms(user, "all");
        REQUIRE(rec.size() == 1);
        CHECK(rec[0]["acked"] == true);
        CHECK(rec[0]["acked_by"] == "advanced");
        CHECK(rec[0]["acked_at"].is_string());
        CHECK(rec[0]["state"] == "active");
        json detailed = json::parse(user.call("GET", "/alarms?state=all&details=1"));
        CHECK(detailed["alarms"][0]["ack_comment"] == "on it");
        CHECK(json::parse(user.call("GET", "/alarms/summary"))["count"] == 0);
        user.call("GET", "/alarms?state=sleeping");
        CHECK(user.last_status == 400);
        // Shelving: Advanced and Admin; out of service: Admin only.
        user.call("POST", "/alarms/shelve", R"({"id": 1, "duration_s": 60})");
        CHECK(user.last_status == 403);
        adv.call("POST", "/alarms/shelve", R"({"id": 999999, "duration_s": 60})");
        CHECK(adv.last_status == 404);
        adv.call("POST", "/alarms/shelve", R"({"id": 1, "duration_s": 0})");
        CHECK(adv.last_status == 400);
        adv.call("POST", "/alarms/out-of-service", R"({"rule": "freq-high", "out": true})");
        CHECK(adv.last_status == 403);

        // A bad rule at a reload: refused, the engine keeps its state.
        std::ofstream(site) << site_text(kGoodRules + "    low: lots\n");
        gs.signal(SIGHUP);
        REQUIRE(gs.wait_for_stderr("reload refused; the running config stays", 20s));
        CHECK(gs.err().find("field 'alarms[0].low'") != std::string::npos);
        CHECK(api_alarms(user, "all").size() == 1);
        std::ofstream(site) << site_text(kGoodRules);

        gs.signal(SIGTERM);
        REQUIRE(gs.wait(20s) == 0);
    }
    {
        Process gs(argv);
        REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));
        Client user{"http://127.0.0.1:" + std::to_string(port), (dir / "user2.jar").string(), "",
                    0};
        user.login("user", "");
        // Polls arrive every 100 ms: after a second of them the condition is still true, the
        // record is the same one, still acknowledged, and nothing new was raised.
        std::string live;
        REQUIRE(eventually([&] {
            live = user.call("GET", "/live?source=m1");
            return live.find("IFreqInst") != std::string::npos;
        }));
        std::this_thread::sleep_for(1s);
        json all = api_alarms(user, "all");
        REQUIRE(all.size() == 1);
        CHECK(all[0]["id"] == id);
        CHECK(all[0]["acked"] == true);
        CHECK(all[0]["acked_by"] == "advanced");
        CHECK(all[0]["state"] == "active");
        CHECK(api_alarms(user, "unacked").empty());
        gs.signal(SIGTERM);
        REQUIRE(gs.wait(20s) == 0);
    }
}

namespace {
// The records of `state` through the API, or null while the web UI restarts its server after a
// save (curl's refused connection is not a failure here).
json alarms_now(const Client &c, const std::string &state) {
    auto r = run({"/usr/bin/curl", "-s", "-m", "5", "-b", c.jar, "-w", "\n%{http_code}",
                  c.base + "/api/v1/alarms?state=" + state},
                 std::nullopt, 10s);
    auto cut = r.out.rfind('\n');
    if (r.code != 0 || cut == std::string::npos || r.out.substr(cut + 1) != "200") return nullptr;
    json doc = json::parse(r.out.substr(0, cut), nullptr, false);
    return doc.is_object() && doc.contains("alarms") ? doc["alarms"] : json();
}

// The site document with rule 0's high threshold set to `high`.
json with_high(json site, double high) {
    site["alarms"][0]["high"] = high;
    return site;
}

// A running site whose rule freq-high (high: 1000) never fires (the frequency is about 50 Hz),
// with an Admin session for the configuration API.
struct SavedRules {
    std::filesystem::path dir;
    std::string site, data;
    std::unique_ptr<Process> gs;
    Client admin;
    json original; // the site document as GET /config gave it first

    explicit SavedRules(const std::string &name) : dir(std::filesystem::path(GS_TEST_TMP) / name) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        site = (dir / "site.yaml").string();
        data = (dir / "data").string();
        std::string quiet = kGoodRules;
        quiet.replace(quiet.find("high: 10"), 8, "high: 1000");
        std::ofstream(site) << site_text(quiet);
        auto pw = run({kBin, "passwd", "--config", site, "--data-dir", data, "--profile", "admin"},
                      std::string("admin-pass-1\nadmin-pass-1\n"));
        INFO(pw.err);
        REQUIRE(pw.code == 0);
        int port = free_port();
        gs = std::make_unique<Process>(std::vector<std::string>{kBin, "run", "--config", site,
                                                                "--data-dir", data, "--http-port",
                                                                std::to_string(port)});
        REQUIRE(gs->wait_for_stdout("gridscope: ready", 20s));
        admin =
            Client{"http://127.0.0.1:" + std::to_string(port), (dir / "admin.jar").string(), "", 0};
        admin.login("admin", "admin-pass-1");
        json doc = json::parse(admin.call("GET", "/config"));
        REQUIRE(admin.last_status == 200);
        original = doc["site"];
        REQUIRE(original["alarms"][0]["high"] == 1000);
    }
    ~SavedRules() {
        gs->signal(SIGTERM);
        CHECK(gs->wait(20s) == 0);
    }
    std::string site_bytes() const {
        std::ifstream in(site, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    // PUT /config once the server answers again after the previous save; the answer.
    json put(const json &doc, int status) {
        REQUIRE(eventually([&] { return !alarms_now(admin, "all").is_null(); }, 30s));
        json cur = json::parse(admin.call("GET", "/config"));
        std::string out =
            admin.call("PUT", "/config", json{{"version", cur["version"]}, {"site", doc}}.dump());
        INFO(out);
        REQUIRE(admin.last_status == status);
        return json::parse(out);
    }
    // Waits for `n` active alarms (bounded); the records.
    json wait_active(std::size_t n) {
        json active;
        REQUIRE(eventually(
            [&] {
                active = alarms_now(admin, "active");
                return active.is_array() && active.size() == n;
            },
            30s));
        return active;
    }
};
} // namespace

// Issue 15: a save through PUT /config runs the rule checks `gridscope check` runs, on the text
// being saved (not the file it replaces), and reports them at their keys.
TEST_CASE("alarms: a rule check refuses a PUT /config at its key, the file untouched") {
    SavedRules s("alarms_put_invalid");
    const std::string before = s.site_bytes();
    json bad = s.original;
    bad["alarms"][0]["deadband"] = "lots";
    bad["alarms"][0]["sources"][0] = "m9";
    json refused = s.put(bad, 400);
    CHECK(refused["error"] == "invalid_config");
    std::map<std::string, std::string> errors;
    for (const auto &e : refused["errors"])
        errors[e["path"].get<std::string>()] = e["message"].get<std::string>();
    INFO(refused.dump());
    REQUIRE(errors.count("alarms[0].deadband") == 1);
    CHECK(errors["alarms[0].deadband"].find("percentage of the limit") != std::string::npos);
    REQUIRE(errors.count("alarms[0].sources[0]") == 1);
    CHECK(errors["alarms[0].sources[0]"].find("no source 'm9'") != std::string::npos);
    CHECK(s.site_bytes() == before);
    CHECK(!std::filesystem::exists(s.site + ".1"));
    json validated =
        json::parse(s.admin.call("POST", "/config/validate", json{{"site", bad}}.dump()));
    REQUIRE(s.admin.last_status == 200);
    auto unordered = [](const json &j) { return nlohmann::json::parse(j.dump()); };
    CHECK(unordered(validated["errors"]) == unordered(refused["errors"]));
    // `gridscope check` refuses the same rule in a file.
    std::string bad_text = before;
    bad_text.replace(bad_text.find("deadband: \"2%\""), 14, "deadband: lots");
    std::ofstream(s.dir / "bad.yaml") << bad_text;
    CHECK(run({kBin, "check", "--config", (s.dir / "bad.yaml").string()}).code != 0);
    // The engine still runs its rules: nothing fires at 1000.
    std::this_thread::sleep_for(500ms); // polls every 100 ms
    CHECK(alarms_now(s.admin, "active").empty());
}

// Issue 15: a rule saved through PUT /config is in force at once: the running engine raises
// and clears by the new threshold; an active alarm whose rule is removed returns to normal
// (docs/alarms.md, "What a rule change does to the alarms").
TEST_CASE("alarms: a threshold saved through PUT /config is the running engine's at once") {
    SavedRules s("alarms_put_threshold");
    std::this_thread::sleep_for(500ms); // polls every 100 ms: nothing at 1000
    CHECK(alarms_now(s.admin, "active").empty());

    // A threshold of 10: raised.
    s.put(with_high(s.original, 10), 200);
    json active = s.wait_active(1);
    CHECK(active[0]["rule"] == "freq-high");
    const uint64_t id = active[0]["id"];
    CHECK(json::parse(s.admin.call("GET", "/config"))["site"]["alarms"][0]["high"] == 10);

    // Back to 1000: the same record clears (the frequency is below 1000 - 2 %).
    s.put(with_high(s.original, 1000), 200);
    json all;
    REQUIRE(eventually(
        [&] {
            all = alarms_now(s.admin, "all");
            return all.is_array() && all.size() == 1 && all[0]["state"] == "normal";
        },
        30s));
    CHECK(all[0]["id"] == id);
    CHECK(alarms_now(s.admin, "active").empty());

    // Raised again, then its rule replaced by another: the alarm returns to normal.
    s.put(with_high(s.original, 10), 200);
    s.wait_active(1);
    json other = s.original;
    other["alarms"][0]["name"] = "freq-low";
    other["alarms"][0].erase("high");
    other["alarms"][0]["low"] = 1;
    s.put(other, 200);
    s.wait_active(0);
    for (const auto &r : alarms_now(s.admin, "all"))
        CHECK(r["state"] == "normal");
}
