// SIGHUP through the real binary (issue 10, findings 2, 3 and 10): every refused file, whatever
// part refuses it (YAML, kernel, a driver, a plugin's section), leaves the site running
// untouched: polling, storing, serving, sessions alive. A valid file keeps the sessions, and
// the store holds one sample per poll across the reloads.
#include "../support/eventually.hpp"
#include "../support/http_client.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

using gs::test::Client;
using gs::test::free_port;
using gs::test::Process;
using gs::test::run;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;
const std::string kSim = GS_SIM_BINARY;

std::string site_text(const std::string &name, const std::string &m1_extra,
                      const std::string &plugins_extra = "") {
    return "site: {name: " + name +
           "}\n"
           "sources:\n"
           "  - {name: m1, profile: examples/virtual-meter, period_ms: 100" +
           m1_extra +
           "}\n"
           "  - {name: m2, profile: examples/virtual-meter, period_ms: 100}\n"
           "plugins:\n"
           "  storage_rocksdb: {}\n"
           "  ui_web: {" +
           plugins_extra + "}\n";
}

// Counts `needle` in the stderr read so far, reading for up to `timeout` until there are `n`.
bool wait_count(Process &p, const std::string &needle, size_t n,
                std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        size_t count = 0;
        for (size_t at = p.err().find(needle); at != std::string::npos;
             at = p.err().find(needle, at + 1))
            ++count;
        if (count >= n) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        p.wait_for_stderr("\x01never\x01", 100ms); // reads what arrived
    }
}

std::string replaced(std::string text, const std::string &from, const std::string &to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

int64_t iso_ms(const std::string &iso) { // "2026-12-03T11:05:30.405Z"
    std::tm tm{};
    REQUIRE(strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm));
    return static_cast<int64_t>(timegm(&tm)) * 1000 + std::stoi(iso.substr(20, 3));
}
} // namespace

TEST_CASE("SIGHUP: a refused file changes nothing, a valid one keeps sessions and every sample") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "reload_e2e";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string site = (dir / "site.yaml").string();
    std::ofstream(site) << site_text("Plant", "");
    int port = free_port();
    Process gs({kBin, "run", "--config", site, "--data-dir", (dir / "data").string(), "--http-port",
                std::to_string(port)});
    REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));
    Client user{"http://127.0.0.1:" + std::to_string(port), (dir / "user.jar").string(), "", 0};
    user.login("user", "");
    // Polled all along: every series runs from before the first reload to after the last one.
    auto now_ms = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    std::this_thread::sleep_for(300ms); // a few polls before the first SIGHUP
    const int64_t before_reloads_ms = now_ms();

    struct Bad {
        const char *what;
        std::string text;
        std::string error; // expected in the log, with file:line
    };
    const std::vector<Bad> refused = {
        {"a driver key", site_text("Changed", ", colour: blue"),
         site + ":3:5: field 'sources[0]': source 'm1': field 'colour'"},
        {"a kernel type", replaced(site_text("Changed", ""), "period_ms: 100", "period_ms: x"),
         site + ":3:60: field 'sources[0].period_ms': expected an integer"},
        {"a key out of its declared range", site_text("Changed", "", "num_threads: 1"),
         "field 'plugins.ui_web.num_threads': expected an integer from 8 to 8192, found '1'"},
        // Each key in range, but not together: the plugin's own check in create().
        {"a plugin's own check", site_text("Changed", "", "num_threads: 64, max_live_streams: 60"),
         "plugin 'ui_web' could not be created"},
        {"invalid UTF-8", site_text("Caf\xe9", ""), site + ":1:17: not valid UTF-8"},
        {"a key twice", site_text("Changed", "") + "site: {name: Again}\n",
         site + ":8:1: key 'site' is written twice"},
        {"an alias",
         replaced(site_text("Changed", ""), "storage_rocksdb: {}",
                  "storage_rocksdb: &s {}\n  ui_web_copy: *s"),
         site + ":7:16: YAML aliases"},
    };
    size_t n = 0;
    for (const auto &bad : refused) {
        CAPTURE(std::string(bad.what));
        std::ofstream(site) << bad.text;
        gs.signal(SIGHUP);
        REQUIRE(wait_count(gs, "reload refused; the running config stays", ++n, 20s));
        CHECK(gs.err().find(bad.error) != std::string::npos);
        CHECK_FALSE(gs.wait(0ms)); // still running
        user.call("GET", "/health");
        CHECK(user.last_status == 200);
        std::string me = user.call("GET", "/session");
        CHECK(user.last_status == 200); // still logged in
        std::string info = user.call("GET", "/site");
        CHECK(info.find("\"Plant\"") != std::string::npos); // the running model
    }

    // A history query hands ui_web the storage's services; a new model must still keep it.
    user.call("GET", "/history?series=1&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z"
                     "&points=10");
    CHECK((user.last_status == 200 || user.last_status == 400)); // 400: no such series yet

    // Valid files: the same one, a new site name (the UI and the store learn it), a source's
    // location (only the kernel reads it). Sessions carry over; drivers poll on.
    const std::vector<std::string> taken = {site_text("Plant", ""), site_text("Renamed", ""),
                                            site_text("Renamed", ", location: Roof")};
    size_t reloaded = 0;
    for (const auto &text : taken) {
        std::ofstream(site) << text;
        gs.signal(SIGHUP);
        REQUIRE(wait_count(gs, "[kernel] reloaded", ++reloaded, 20s));
        std::string me = user.call("GET", "/session");
        INFO(me);
        CHECK(user.last_status == 200);
    }
    std::string renamed = user.call("GET", "/site");
    INFO(renamed);
    CHECK(renamed.find("\"Renamed\"") != std::string::npos);
    const int64_t after_reloads_ms = now_ms();
    std::this_thread::sleep_for(1s); // polls after the last reload
    gs.signal(SIGTERM);
    REQUIRE(gs.wait(20s));

    // One stored sample per poll: no gap in any series across the refused and taken reloads.
    auto list = run({kBin, "query", "--config", site, "--data-dir", (dir / "data").string(),
                     "--format", "json"});
    REQUIRE(list.code == 0);
    std::regex series("\"source\": \"(m[12])\", \"circuit\": [0-9]+, \"data\": \"([A-Za-z0-9]+)\", "
                      "\"count\": ([0-9]+), \"from\": \"([^\"]+)\", \"to\": \"([^\"]+)\"");
    size_t checked = 0;
    for (std::sregex_iterator it(list.out.begin(), list.out.end(), series), end; it != end; ++it) {
        const auto &m = *it;
        int64_t span_ms = iso_ms(m[5]) - iso_ms(m[4]);
        int64_t polls = (span_ms + 50) / 100 + 1; // period 100 ms, absolute deadlines
        CAPTURE(m.str());
        CHECK(std::stoll(m[3]) == polls);
        CHECK(iso_ms(m[4]) < before_reloads_ms);
        CHECK(iso_ms(m[5]) > after_reloads_ms + 500);
        ++checked;
    }
    CHECK(checked >= 2);
}

// The issue's own files: driver_modbus refuses each; the COUNTIS served by gridscope-sim is
// polled, stored and shown all along.
TEST_CASE("SIGHUP with driver_modbus errors (unit 300, unit one, port 99999, a misspelt key)") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "reload_modbus";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string site = (dir / "site.yaml").string(), data = (dir / "data").string();
    int sim_port = free_port(), http_port = free_port();
    auto site_with = [&](const std::string &unit_line) {
        return "site: {name: Modbus reload}\n"
               "sources:\n"
               "  - name: countis\n"
               "    profile: socomec/countis-e2x\n"
               "    tcp: \"127.0.0.1:" +
               std::to_string(sim_port) + "\"\n" + unit_line +
               "    period_ms: 200\n"
               "plugins:\n"
               "  storage_rocksdb: {}\n"
               "  ui_web: {}\n";
    };
    const std::string good = site_with("    unit: 5\n");
    std::ofstream(site) << good;
    std::string query_site = (dir / "query.yaml").string(); // `query` reads a site file too
    std::ofstream(query_site) << good;
    Process sim({kSim, "--site", site});
    REQUIRE(sim.wait_for_stdout("gridscope-sim: ready", 20s));
    Process gs({kBin, "run", "--config", site, "--data-dir", data, "--http-port",
                std::to_string(http_port)});
    REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));
    Client user{"http://127.0.0.1:" + std::to_string(http_port), (dir / "user.jar").string(), "",
                0};
    user.login("user", "");
    auto last_poll = [&] { // the live table's last batch time (ms), 0 before the first
        std::smatch m;
        std::string live = user.call("GET", "/live?source=countis");
        return std::regex_search(live, m, std::regex("\"ts\": ?([0-9]+)")) ? std::stoll(m[1]) : 0LL;
    };
    auto stored = [&] { // samples stored for the countis so far (the store is read while running)
        auto list =
            run({kBin, "query", "--config", query_site, "--data-dir", data, "--format", "json"});
        long long total = 0;
        std::regex count("\"source\": \"countis\"[^}]*\"count\": ([0-9]+)");
        for (std::sregex_iterator it(list.out.begin(), list.out.end(), count), end; it != end; ++it)
            total += std::stoll((*it)[1]);
        return total;
    };
    REQUIRE(gs::test::eventually([&] { return last_poll() != 0; }, 5s));

    struct Bad {
        std::string unit_line, error;
    };
    const std::vector<Bad> refused = {
        {"    unit: 300\n", "field 'unit': expected an integer from 0 to 255, found '300'"},
        {"    unit: \"one\"\n", "field 'unit': expected an integer from 0 to 255, found 'one'"},
        {"    unit: 5\n    tcp: \"127.0.0.1:99999\"\n", "key 'tcp' is written twice"},
        {"    unti: 5\n", "field 'unti': unknown key for driver '"},
    };
    size_t n = 0;
    for (const auto &bad : refused) {
        CAPTURE(bad.error);
        int64_t poll_before = last_poll();
        long long stored_before = stored();
        std::ofstream(site) << site_with(bad.unit_line);
        gs.signal(SIGHUP);
        REQUIRE(wait_count(gs, "reload refused; the running config stays", ++n, 20s));
        CHECK(gs.err().find(site + ":") != std::string::npos);
        CHECK(gs.err().find(bad.error) != std::string::npos);
        CHECK_FALSE(gs.wait(0ms));
        // still polling and serving, still logged in, still storing
        CHECK(gs::test::eventually([&] { return last_poll() > poll_before; }, 5s));
        CHECK(user.last_status == 200);
        CHECK(gs::test::eventually([&] { return stored() > stored_before; }, 5s));
    }
    // The port out of range alone, without the duplicate key the line above adds.
    std::string bad_port = good;
    bad_port.replace(bad_port.find(std::to_string(sim_port)), std::to_string(sim_port).size(),
                     "99999");
    std::ofstream(site) << bad_port;
    gs.signal(SIGHUP);
    REQUIRE(wait_count(gs, "reload refused; the running config stays", ++n, 20s));
    CHECK(gs.err().find("field 'tcp': bad port in '127.0.0.1:99999'") != std::string::npos);
    CHECK_FALSE(gs.wait(0ms));
    gs.signal(SIGTERM);
    CHECK(gs.wait(20s));
}
