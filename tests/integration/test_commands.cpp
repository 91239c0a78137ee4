// The manual's "Partial energy reset" end to end: a COUNTIS E2x served by gridscope-sim, polled by
// driver_modbus; the web UI's POST /api/v1/energy/partial-reset goes through the kernel's
// gridscope.control/1 service to the driver, which writes the profile's command to the device;
// the device's partial meters drop to zero and the next polls show it. HTTP through curl.
#include "../support/http_client.hpp"
#include "../support/process.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
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

// The value of `name` in a GET /live answer (NaN if absent or without a value).
double live_value(const std::string &json, const std::string &name) {
    std::smatch m;
    std::regex re("\"d\": ?\"" + name + "\"[^}]*?\"v\": ?([-0-9.eE+]+)");
    if (!std::regex_search(json, m, re)) return NAN;
    return std::stod(m[1]);
}
} // namespace

TEST_CASE("partial energy reset: web UI -> control service -> driver -> device") {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "commands";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    // Two gateways: the DIRIS on the lower port, the COUNTIS on the higher one, so that the
    // COUNTIS is polled by the driver's second link and a write must find the right link.
    int port_a = free_port(), port_b = free_port(), http_port = free_port();
    int diris_port = std::min(port_a, port_b), countis_port = std::max(port_a, port_b);
    REQUIRE(diris_port != countis_port);
    std::string site = (dir / "site.yaml").string();
    std::ofstream(site) << "site: {name: Commands test, timezone: Europe/Paris}\n"
                           "sources:\n"
                           "  - name: countis\n"
                           "    profile: socomec/countis-e2x\n"
                           "    tcp: \"127.0.0.1:" +
                               std::to_string(countis_port) +
                               "\"\n"
                               "    unit: 5\n"
                               "    period_ms: 300\n"
                               "    timeout_ms: 1000\n"
                               "    circuits: [{index: 1, name: Offices}]\n"
                               "  - name: diris\n"
                               "    profile: socomec/diris-a40\n"
                               "    tcp: \"127.0.0.1:" +
                               std::to_string(diris_port) +
                               "\"\n"
                               "    unit: 6\n"
                               "    period_ms: 300\n"
                               "plugins: {ui_web: {bind_address: 127.0.0.1}}\n";
    Process sim({kSim, "--site", site});
    REQUIRE(sim.wait_for_stdout("gridscope-sim: ready", 20s));
    auto pw = run({kBin, "passwd", "--config", site, "--data-dir", (dir / "data").string(),
                   "--profile", "advanced"},
                  std::string("advanced-pass-1\nadvanced-pass-1\n"));
    INFO(pw.err);
    REQUIRE(pw.code == 0);
    Process gs({kBin, "run", "--config", site, "--data-dir", (dir / "data").string(), "--http-port",
                std::to_string(http_port)});
    REQUIRE(gs.wait_for_stdout("gridscope: ready", 20s));

    Client user{"http://127.0.0.1:" + std::to_string(http_port), (dir / "user.jar").string(), "",
                0};
    user.login("user", "");
    user.call("POST", "/energy/partial-reset", R"({"source": "countis"})");
    CHECK(user.last_status == 403); // the manual's table: User may not reset

    Client adv{user.base, (dir / "adv.jar").string(), "", 0};
    adv.login("advanced", "advanced-pass-1");
    // The Monitor description offers the command on this device, not on the DIRIS A40.
    std::string desc = adv.call("GET", "/monitor?source=countis&circuit=1");
    CHECK(desc.find("\"commands\":[\"partial_energy_reset\"]") != std::string::npos);
    CHECK(adv.call("GET", "/monitor?source=diris&circuit=1").find("\"commands\":[]") !=
          std::string::npos);

    double before = NAN;
    for (int i = 0; i < 100 && !(before > 0); ++i) {
        before = live_value(adv.call("GET", "/live?source=countis"), "IEaPPartialInst");
        if (!(before > 0)) std::this_thread::sleep_for(100ms);
    }
    INFO("partial Ea+ before: ", before);
    REQUIRE(before > 100000); // the simulated meter starts with >= 100 kWh on its partial

    std::string out =
        adv.call("POST", "/energy/partial-reset", R"({"source": "countis", "circuit": 1})");
    INFO(out, gs.err());
    REQUIRE(adv.last_status == 200);
    CHECK(out.find("\"done\":true") != std::string::npos);

    // The next polls show the reset: a few Wh at most since, far below the value before.
    double after = NAN;
    for (int i = 0; i < 100; ++i) {
        after = live_value(adv.call("GET", "/live?source=countis"), "IEaPPartialInst");
        if (after < 1000) break;
        std::this_thread::sleep_for(100ms);
    }
    CHECK(after < 1000);
    // The total meter is untouched.
    CHECK(live_value(adv.call("GET", "/live?source=countis"), "IEaPInst") > before);

    // A device whose profile has no such command: a clear refusal, nothing written.
    out = adv.call("POST", "/energy/partial-reset", R"({"source": "diris"})");
    CHECK(adv.last_status == 409);
    CHECK(out.find("not_supported") != std::string::npos);

    // The action is recorded as an event.
    std::this_thread::sleep_for(300ms);
    CHECK(adv.call("GET", "/alarms/summary").find("energy.partial_reset") != std::string::npos);

    // The device stops answering: the command fails within the device's timeout, clearly.
    sim.signal(SIGKILL);
    sim.wait(5s);
    auto t0 = std::chrono::steady_clock::now();
    out = adv.call("POST", "/energy/partial-reset", R"({"source": "countis"})");
    auto took = std::chrono::steady_clock::now() - t0;
    INFO(out);
    CHECK((adv.last_status == 502 || adv.last_status == 504));
    CHECK(out.find("command_failed") != std::string::npos);
    CHECK(took < 10s);
    gs.signal(SIGTERM);
    CHECK(gs.wait(20s) == 0);
}
