// The alarm engine plugin through the real binary (issue 14): rules of the site file's alarms:
// section over virtual meters, acknowledged through the API by an Advanced user (a User gets
// 403), still acknowledged and not raised again after a restart; `gridscope alarms` prints the
// contract's JSON while the site runs; a bad rule is refused by `gridscope check` at its
// file:line and key, and a SIGHUP with a bad rule leaves the running engine as it was.
#include "../support/eventually.hpp"
#include "../support/http_client.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

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
