// Drivers declare circuits at identification (issue 12 item 4), end to end: a `socomec/auto`
// source in front of gridscope-sim serving a DIRIS B-30 with 3 of its 4 loads enabled. The
// driver identifies the device, reads each load's status and declares the profile and the 3
// circuits through the kernel's gridscope.device/1 service; the site model then has exactly those
// circuits (GET /site, the perimeter, the Monitor), the circuits' models decide what is polled,
// and the energies are stored as counters: `gridscope query --consumption` gives their
// consumption.
#include "../support/eventually.hpp"
#include "../support/http_client.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

using gs::test::Client;
using gs::test::free_port;
using gs::test::Process;
using gs::test::run;
using namespace std::chrono_literals;

namespace {
const std::string kBin = GS_BINARY;
const std::string kSim = GS_SIM_BINARY;

std::string utc_text(std::chrono::system_clock::time_point t) {
    std::time_t s = std::chrono::system_clock::to_time_t(t);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&s));
    return buf;
}

// The circuit indices of the site's only source in a GET /site answer, in order.
std::vector<int> circuits_of(const std::string &site_json) {
    std::vector<int> out;
    auto open = site_json.find("\"circuits\":[", site_json.find("\"sources\""));
    if (open == std::string::npos) return out;
    // Circuits hold no nested arrays in this answer: the list ends at the first "]".
    std::string list = site_json.substr(open, site_json.find(']', open) - open);
    std::regex index("\"index\":([0-9]+)");
    for (std::sregex_iterator it(list.begin(), list.end(), index), end; it != end; ++it)
        out.push_back(std::stoi((*it)[1]));
    return out;
}
} // namespace

TEST_CASE("a socomec/auto DIRIS B-30 gets its real circuits, and its energies are counters") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "identified";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    int port = free_port(), http_port = free_port();
    std::string site = (dir / "site.yaml").string();
    std::string data = (dir / "data").string();
    // A high rated current makes the kWh registers move within seconds.
    std::ofstream(site) << "site: {name: Identified test, timezone: Europe/Paris}\n"
                           "sources:\n"
                           "  - name: b30\n"
                           "    profile: socomec/auto\n"
                           "    tcp: \"127.0.0.1:" +
                               std::to_string(port) +
                               "\"\n"
                               "    unit: 3\n"
                               "    period_ms: 250\n"
                               "    simulate: {profile: socomec/diris-b30, loads: 3, "
                               "rated_current_a: 20000}\n"
                               "    circuits:\n"
                               "      - {index: 2, name: Offices, models: [metered_energy]}\n"
                               "plugins: {ui_web: {bind_address: 127.0.0.1}, storage_rocksdb: "
                               "{}}\n";
    Process sim({kSim, "--site", site});
    REQUIRE(sim.wait_for_stdout("gridscope-sim: ready", 20s));
    Process gs({kBin, "run", "--config", site, "--data-dir", data, "--http-port",
                std::to_string(http_port)});
    REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));
    const auto started = std::chrono::system_clock::now();
    // The identified device enters the model; the UI takes it through site_changed (its server
    // restarts meanwhile, so the API is asked once it did).
    REQUIRE(gs.wait_for_stderr("[ui_web] kept running, with the new site model", 30s));

    Client user{"http://127.0.0.1:" + std::to_string(http_port), (dir / "user.jar").string(), "",
                0};
    user.login("user", "");
    // The placeholder's 6 circuits until the device is identified, then exactly the 3 loads.
    std::string site_json;
    bool identified = gs::test::eventually(
        [&] {
            site_json = user.call("GET", "/site");
            return circuits_of(site_json) == std::vector<int>{1, 2, 3};
        },
        20s);
    INFO(site_json);
    INFO(gs.err());
    REQUIRE(identified);
    CHECK(site_json.find("\"profile\":\"socomec/diris-b30\"") != std::string::npos);
    CHECK(site_json.find("\"name\":\"Offices\"") != std::string::npos); // the file's circuit 2
    CHECK(site_json.find("\"name\":\"b30/4\"") == std::string::npos);

    // The perimeter: the device with one load per circuit, 3 in all.
    std::string perimeter = user.call("GET", "/perimeter?view=location");
    INFO(perimeter);
    CHECK(perimeter.find("\"loads\":3,\"nodes\"") != std::string::npos);
    CHECK(perimeter.find("\"circuit\":4") == std::string::npos);
    // The Monitor describes the identified device.
    std::string monitor = user.call("GET", "/monitor?source=b30&circuit=1");
    CHECK(monitor.find("\"id\":\"socomec/diris-b30\"") != std::string::npos);
    CHECK(monitor.find("\"IEaPInst\"") != std::string::npos);

    // Stored: circuits 1-3 only; circuit 2 only its model's data.
    std::map<std::string, long long> stored;
    auto list = [&] {
        auto r = run({kBin, "query", "--config", site, "--data-dir", data, "--format", "json"});
        stored.clear();
        std::regex series("\"source\": \"([^\"]+)\", \"circuit\": ([0-9]+), \"data\": "
                          "\"([^\"]+)\", \"count\": ([1-9][0-9]*)");
        for (std::sregex_iterator it(r.out.begin(), r.out.end(), series), end; it != end; ++it)
            stored[(*it)[1].str() + "/" + (*it)[2].str() + "/" + (*it)[3].str()] =
                std::stoll((*it)[4]);
        return stored["b30/1/IEaPInst"] >= 20 && stored["b30/2/IEaPInst"] >= 20;
    };
    REQUIRE(gs::test::eventually(list, 30s));
    std::set<std::string> circuits;
    for (const auto &[key, count] : stored)
        circuits.insert(key.substr(0, key.find('/', 4)));
    CHECK(circuits == std::set<std::string>{"b30/0", "b30/1", "b30/2", "b30/3"});
    CHECK(stored.count("b30/1/IV1Inst") == 1); // no models: everything
    CHECK(stored.count("b30/2/IV1Inst") == 0); // metered_energy only
    CHECK(stored.count("b30/2/IEaNInst") == 1);

    // Counters: the consumption of the hours around the run is the energy the meter counted.
    auto q = run({kBin, "query", "--config", site, "--data-dir", data, "--consumption", "--circuit",
                  "b30/1", "--bucket", "hour", "--from", utc_text(started - 1h), "--to",
                  utc_text(started + 2h), "--format", "json"});
    INFO(q.out, q.err);
    REQUIRE(q.code == 0);
    double total = 0;
    std::regex value("\"value\": ([-0-9.e+]+)");
    for (std::sregex_iterator it(q.out.begin(), q.out.end(), value), end; it != end; ++it)
        total += std::stod((*it)[1]);
    CHECK(total >= 1000); // whole kWh of the B-30's register, in Wh
    gs.signal(SIGTERM);
    CHECK(gs.wait(30s) == 0);
}
