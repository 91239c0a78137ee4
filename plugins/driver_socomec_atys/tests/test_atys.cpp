// ATyS p M: status decoding, transfer detection, and the driver on gs::testing::FakeHost
// against gridscope-sim switching I <-> II every second. Waits are bounded.
#include "atys.hpp"
#include "atys_driver.hpp"

#include "eventually.hpp"
#include "process.hpp"

#include <gridscope/testing.hpp>

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace gs::socomec::atys;
using namespace std::chrono_literals;

TEST_CASE("status values decode as the ATyS p M table says") {
    CHECK(position_name(0) == "unknown");
    CHECK(position_name(1) == "O");
    CHECK(position_name(2) == "I");
    CHECK(position_name(3) == "II");
    CHECK(position_name(7) == "code 7");
    CHECK(mode_name(0x0000) == "manual");
    CHECK(mode_name(0x0010) == "automatic");
    CHECK(mode_name(0x0020) == "remote control");
    CHECK(mode_name(0x0040) == "inhibit");
    CHECK(mode_name(0x0030) == "mode 0x0030");
    CHECK(is_automatic(0x0010));
    CHECK_FALSE(is_automatic(0x0000));
    CHECK(source_state_name(0) == "under threshold");
    CHECK(source_state_name(1) == "present");
    CHECK(source_state_name(2) == "available");
    CHECK(is_available(2));
    CHECK_FALSE(is_available(1));
    Status s;
    s.mode = 0x10;
    s.source1 = 2;
    s.source2 = 0;
    CHECK(s.describe() == "mode automatic, source 1 available, source 2 under threshold");
}

TEST_CASE("a transfer is each change of the known switch position, not the first reading") {
    TransferTracker t;
    CHECK_FALSE(t.update(2)); // first reading: remembered only
    CHECK_FALSE(t.update(2));
    CHECK(t.update(3) == std::optional<std::string>("transfer I \u2192 II"));
    CHECK_FALSE(t.update(0)); // unknown: skipped
    CHECK(t.update(1) == std::optional<std::string>("transfer II \u2192 O"));
    CHECK(t.update(2) == std::optional<std::string>("transfer O \u2192 I"));
    CHECK(t.position() == 2);
    TransferTracker u;
    CHECK_FALSE(u.update(0));
    CHECK_FALSE(u.update(3)); // the first known position
}

using gs::test::eventually;
using gs::test::free_port;

namespace {

gs::ptree to_ptree(const YAML::Node &node) {
    gs::ptree out;
    if (node.IsScalar())
        out.put_value(node.Scalar());
    else if (node.IsMap())
        for (const auto &kv : node)
            out.push_back({kv.first.Scalar(), to_ptree(kv.second)});
    else if (node.IsSequence())
        for (size_t i = 0; i < node.size(); ++i)
            out.push_back({std::to_string(i), to_ptree(node[i])});
    return out;
}

// The source as the kernel would add it: the socomec/atys-pm profile's points.
gs::Source atys_source(const std::string &name, const std::string &tcp, int unit) {
    YAML::Node p = YAML::LoadFile(GS_PROFILES_DIR "/socomec/atys-pm.yaml")["profile"];
    gs::Source s;
    s.name = name;
    s.profile = "socomec/atys-pm";
    s.circuit_count = 1;
    s.period_ms = 100;
    s.attrs.put("name", name);
    s.attrs.put("tcp", tcp);
    s.attrs.put("unit", unit);
    s.attrs.put("timeout_ms", 200);
    s.defaults = to_ptree(p["defaults"]);
    for (const auto &point : p["points"])
        s.points.push_back(gs::Point{point["circuit"].as<uint32_t>(),
                                     point["data"].as<std::string>(), "", to_ptree(point)});
    return s;
}

std::vector<gs::testing::RecordedEvent> events_of(const gs::testing::FakeHost &host,
                                                  const std::string &type) {
    std::vector<gs::testing::RecordedEvent> out;
    for (const auto &e : host.events_copy())
        if (e.type == type) out.push_back(e);
    return out;
}

std::string sim_site(const std::string &address) {
    auto dir = std::filesystem::path(GS_TEST_TMP) / "atys";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "site.yaml")
        << "sources:\n  - {name: ats, profile: socomec/atys-pm, tcp: \"" << address
        << "\", unit: 3, simulate: {transfer_every_s: 1}}\n";
    return (dir / "site.yaml").string();
}

} // namespace

TEST_CASE("the driver publishes the status and an atys.transfer event at each transfer") {
    std::string address = "127.0.0.1:" + std::to_string(free_port());
    std::string site = sim_site(address);
    auto sim = std::make_unique<gs::test::Process>(
        std::vector<std::string>{GS_SIM_BINARY, "--site", site});
    REQUIRE(sim->wait_for_stdout("gridscope-sim: ready", 20s));

    gs::ptree cfg;
    cfg.put("offline_after_failures", 1);
    cfg.put("connect_timeout_ms", 300);
    gs::testing::FakeHost host(cfg);
    AtysDriver driver(host.host());
    CHECK_THROWS_AS(driver.add_source([&] {
        gs::Source s = atys_source("bad", address, 3);
        s.points.erase(s.points.begin() + 2); // AtysSwitchPosition
        return s;
    }()),
                    gs::InvalidArgument);
    driver.add_source(atys_source("ats", address, 3));
    CHECK(driver.describe("ats", false).find("atys.transfer") != std::string::npos);
    driver.start();

    // The simulator switches I <-> II every second: two transfers within a few seconds.
    REQUIRE(eventually([&] { return events_of(host, "atys.transfer").size() >= 2; }, 8s));
    auto transfers = events_of(host, "atys.transfer");
    for (const auto &e : transfers) {
        CHECK(e.source == "ats");
        CHECK(e.severity == GS_SEVERITY_MEDIUM);
        CHECK(e.state == GS_EVENT_STATE_INSTANT);
        bool i_to_ii = e.message.rfind("transfer I \u2192 II; ", 0) == 0;
        bool ii_to_i = e.message.rfind("transfer II \u2192 I; ", 0) == 0;
        CHECK_MESSAGE((i_to_ii || ii_to_i), e.message);
        CHECK(e.message.find("mode automatic, source 1 available, source 2 available") !=
              std::string::npos);
    }
    CHECK(transfers[0].message.substr(0, 14) != transfers[1].message.substr(0, 14));

    // One event per change seen in the published samples, none for the first reading. A poll
    // publishes its samples before its event: events recorded before the samples were copied
    // are at most the changes in them, and the events of those changes follow.
    size_t events_before = events_of(host, "atys.transfer").size();
    size_t changes = 0;
    double last = -1;
    bool first = true;
    for (const auto &b : host.samples_copy())
        for (const auto &v : b.values)
            if (v.data == "AtysSwitchPosition" && v.quality == GS_QUALITY_GOOD) {
                if (!first && v.value != last) ++changes;
                first = false;
                last = v.value;
            }
    CHECK(changes >= 2);
    CHECK(events_before <= changes);
    CHECK(eventually([&] { return events_of(host, "atys.transfer").size() >= changes; }, 2s));

    // Communication lost when the simulator goes away, restored when it comes back.
    sim.reset();
    REQUIRE(eventually([&] { return !events_of(host, "comm.lost").empty(); }, 8s));
    CHECK(events_of(host, "comm.lost").front().severity == GS_SEVERITY_HIGH);
    sim = std::make_unique<gs::test::Process>(
        std::vector<std::string>{GS_SIM_BINARY, "--site", site});
    REQUIRE(sim->wait_for_stdout("gridscope-sim: ready", 20s));
    CHECK(eventually([&] { return !events_of(host, "comm.restored").empty(); }, 40s));
    driver.stop();
}

TEST_CASE("the plugin offers read and describe through the C ABI, not scan") {
    const auto *d = gs::descriptor<AtysDriver>();
    const auto *vt = static_cast<const gs_driver_vtable *>(d->vtable);
    CHECK(std::string(d->id) == "driver_socomec_atys");
    CHECK(static_cast<bool>(vt->read));
    CHECK(static_cast<bool>(vt->describe));
    CHECK_FALSE(static_cast<bool>(vt->scan));
}
