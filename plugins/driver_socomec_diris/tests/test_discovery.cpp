// Discovery and polling against a real gridscope-sim process over loopback: a gateway with
// COUNTIS, DIRIS and ATyS devices, an unknown SOCOMEC model, a non-SOCOMEC device and silent
// unit ids. The driver runs on gs::testing::FakeHost. Waits are bounded; readiness is the
// simulator's "ready" line.
#include "diris_driver.hpp"
#include "scanner.hpp"

#include "eventually.hpp"
#include "process.hpp"

#include <gridscope/services/site.h>
#include <gridscope/testing.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <boost/property_tree/json_parser.hpp>

using namespace gs::socomec;
using namespace std::chrono_literals;

using gs::test::eventually;
using gs::test::free_port;

namespace {

std::string write_site(const std::string &name, const std::string &body) {
    auto dir = std::filesystem::path(GS_TEST_TMP) / name;
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "site.yaml") << body;
    return (dir / "site.yaml").string();
}

// The mixed gateway: units 5, 6, 7, 9, 12 and 20 are SOCOMEC, 21 is another maker's device,
// every other unit id is silent.
struct SimDevice {
    const char *name, *profile;
    int unit;
    const char *simulate; // the source's `simulate:` map, or ""
};
const SimDevice kMixed[] = {
    {"e23", "socomec/countis-e2x", 5, ""},
    {"e44", "socomec/countis-e3x-e4x", 6,
     "{product_name: COUNTIS E44, extended_name: COUNTIS E44}"},
    {"a10", "socomec/diris-a10", 7, ""},
    {"b30", "socomec/diris-b30", 9, ""},
    {"ats", "socomec/atys-pm", 12, ""},
    {"x99", "socomec/diris-a30", 20, "{product_name: DIRIS X99, extended_name: DIRIS X99}"},
    {"acme", "socomec/countis-e2x", 21, "{identify: false}"}};

std::string mixed_site(const std::string &address) {
    std::string site = "sources:\n";
    for (const auto &d : kMixed)
        site += std::string("  - {name: ") + d.name + ", profile: " + d.profile + ", tcp: \"" +
                address + "\", unit: " + std::to_string(d.unit) +
                (*d.simulate ? std::string(", simulate: ") + d.simulate : "") + "}\n";
    return site;
}

struct MixedGateway {
    std::string address = "127.0.0.1:" + std::to_string(free_port());
    gs::test::Process sim;
    explicit MixedGateway(const std::string &name)
        : sim({GS_SIM_BINARY, "--site", write_site(name, mixed_site(address))}) {
        REQUIRE(sim.wait_for_stdout("gridscope-sim: ready", 20s));
    }
};

gs::ptree driver_config() {
    gs::ptree cfg;
    cfg.put("profiles_dir", GS_PROFILES_DIR);
    cfg.put("identify_retry_ms", 300);
    return cfg;
}

using Device = std::map<std::string, std::string>;

std::map<int, Device> run_scan(DirisDriver &driver, const gs::ptree &params) {
    std::map<int, Device> found;
    driver.scan(params, [&](const std::vector<std::pair<std::string, std::string>> &kv) {
        Device d(kv.begin(), kv.end());
        found[std::stoi(d.at("unit"))] = d;
    });
    return found;
}

} // namespace

TEST_CASE("the plugin offers scan, read and describe through the C ABI") {
    const auto *d = gs::descriptor<DirisDriver>();
    const auto *vt = static_cast<const gs_driver_vtable *>(d->vtable);
    CHECK(std::string(d->id) == "driver_socomec_diris");
    CHECK(static_cast<bool>(vt->scan));
    CHECK(static_cast<bool>(vt->read));
    CHECK(static_cast<bool>(vt->describe));
    CHECK(static_cast<bool>(vt->write)); // points and profile commands, through the links
}

TEST_CASE("discovery finds the SOCOMEC devices of a mixed gateway, in bounded time") {
    MixedGateway gw("discovery_mixed");
    gs::testing::FakeHost host(driver_config());
    DirisDriver driver(host.host());
    gs::ptree params;
    params.put("tcp", gw.address);
    params.put("units", "1-25");
    params.put("timeout_ms", 100);
    auto t0 = std::chrono::steady_clock::now();
    auto found = run_scan(driver, params);
    auto took = std::chrono::steady_clock::now() - t0;

    // 25 unit ids, 18 of them silent: about 18 x 100 ms.
    CHECK(took < 6s);
    CHECK(found.size() == 6);
    REQUIRE(found.count(5));
    CHECK(found[5]["vendor"] == "SOCOMEC");
    CHECK(found[5]["family"] == "COUNTIS");
    CHECK(found[5]["model"] == "COUNTIS E23");
    CHECK(found[5]["profile"] == "socomec/countis-e2x");
    CHECK(found[5]["circuits"] == "1");
    CHECK(found[5]["product_order_id"] == "100");
    CHECK(found[5]["tcp"] == gw.address);
    REQUIRE(found.count(6)); // by the profile's model alias "COUNTIS E44"
    CHECK(found[6]["profile"] == "socomec/countis-e3x-e4x");
    CHECK(found[6]["model"] == "COUNTIS E44");
    REQUIRE(found.count(7));
    CHECK(found[7]["family"] == "DIRIS");
    CHECK(found[7]["profile"] == "socomec/diris-a10");
    REQUIRE(found.count(9));
    CHECK(found[9]["profile"] == "socomec/diris-b30");
    CHECK(found[9]["circuits"] == "4");
    REQUIRE(found.count(12));
    CHECK(found[12]["family"] == "ATYS");
    CHECK(found[12]["profile"] == "socomec/atys-pm");
    REQUIRE(found.count(20)); // unknown SOCOMEC model: reported, without a profile
    CHECK(found[20]["family"] == "DIRIS");
    CHECK(found[20]["model"] == "DIRIS X99");
    CHECK(found[20]["profile"] == "");
    CHECK(found[20]["circuits"] == "");
    CHECK(found.count(21) == 0); // not SOCOMEC: left alone

    auto events = host.events_copy();
    std::vector<std::string> progress;
    for (const auto &e : events)
        if (e.type == "discovery.progress") {
            progress.push_back(e.message);
            CHECK(e.state == GS_EVENT_STATE_INSTANT);
            CHECK(e.source.empty());
        }
    REQUIRE(progress.size() == 27); // start, 25 units, summary
    CHECK(progress.front() == "unit 0/25, 0 found");
    CHECK(progress[25] == "unit 25/25, 6 found");
    CHECK(progress.back().find("6 SOCOMEC device(s), 1 other answering unit(s) left alone, 18 "
                               "silent unit id(s)") != std::string::npos);
}

namespace {
// A gridscope.site/1 document listing the profile files; `full` adds what the kernel has given
// since d32b4ab (models, defaults, point attrs), else only what it gave before.
std::string site_document(bool full) {
    std::vector<std::string> errors;
    gs::ptree profiles;
    for (const auto &f : load_profile_dir(GS_PROFILES_DIR, errors)) {
        gs::ptree p;
        p.put("id", f.info.id);
        p.put("maker", f.info.maker);
        p.put("model", f.info.model);
        p.put("family", f.info.family);
        p.put("circuits", f.info.circuits);
        gs::ptree data;
        for (const auto &point : f.points) {
            gs::ptree d;
            d.put("circuit", point.circuit);
            d.put("data", point.data);
            if (full) d.add_child("attrs", point.attrs);
            data.push_back({"", d});
        }
        if (full) {
            gs::ptree models;
            for (const auto &m : f.info.models)
                models.push_back({"", gs::ptree(m)});
            p.add_child("models", models);
            p.add_child("defaults", f.defaults);
        }
        p.add_child("data", data);
        profiles.push_back({"", p});
    }
    gs::ptree doc;
    doc.add_child("profiles", profiles);
    std::ostringstream out;
    boost::property_tree::write_json(out, doc);
    return out.str();
}
} // namespace

TEST_CASE("with an older site document alone, discovery matches each profile's model name") {
    MixedGateway gw("discovery_site_service_old");
    gs::testing::FakeHost host; // no profiles_dir
    std::string json = site_document(false);
    gs_site_service_v1 service{sizeof(gs_site_service_v1), 0, json.c_str()};
    host.services[GS_SITE_SERVICE_V1] = &service;
    DirisDriver driver(host.host());
    gs::ptree params;
    params.put("tcp", gw.address);
    params.put("units", "5-7");
    params.put("timeout_ms", 100);
    auto found = run_scan(driver, params);
    REQUIRE(found.size() == 3);
    CHECK(found[5]["profile"] == "socomec/countis-e2x");
    CHECK(found[7]["profile"] == "socomec/diris-a10");
    // "COUNTIS E44" is only an alias (`models:`), which that document did not carry.
    CHECK(found[6]["profile"] == "");
}

TEST_CASE("with today's site document alone, aliases match and auto sources are polled") {
    MixedGateway gw("discovery_site_service");
    gs::testing::FakeHost host; // no profiles_dir: everything comes from the kernel's document
    std::string json = site_document(true);
    gs_site_service_v1 service{sizeof(gs_site_service_v1), 0, json.c_str()};
    host.services[GS_SITE_SERVICE_V1] = &service;
    DirisDriver driver(host.host());
    gs::ptree params;
    params.put("tcp", gw.address);
    params.put("units", "5-7");
    params.put("timeout_ms", 100);
    auto found = run_scan(driver, params);
    REQUIRE(found.size() == 3);
    CHECK(found[6]["profile"] == "socomec/countis-e3x-e4x");

    gs::Source auto_source;
    auto_source.name = "e44";
    auto_source.profile = kAutoProfile;
    auto_source.circuit_count = 1;
    auto_source.period_ms = 200;
    auto_source.attrs.put("tcp", gw.address);
    auto_source.attrs.put("unit", 6);
    driver.add_source(auto_source);
    auto batches = driver.read("e44");
    REQUIRE(batches.size() == 1);
    CHECK(batches.front().size() > 20);
    CHECK(driver.describe("e44", false).rfind("socomec/countis-e3x-e4x: ", 0) == 0);
    CHECK(driver.describe("e44", false).find("; identification FC03 @50000") != std::string::npos);
}

TEST_CASE("a scan stops at its time limit and refuses bad parameters") {
    MixedGateway gw("discovery_limits");
    gs::testing::FakeHost host(driver_config());
    DirisDriver driver(host.host());
    gs::ptree params;
    params.put("tcp", gw.address);
    params.put("units", "30-247"); // all silent
    params.put("timeout_ms", 100);
    params.put("max_duration_ms", 500);
    auto t0 = std::chrono::steady_clock::now();
    CHECK(run_scan(driver, params).empty());
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    CHECK(host.events_copy().back().message.find("stopped at max_duration_ms") !=
          std::string::npos);

    gs::ptree bad = params;
    bad.put("unit", "1");
    CHECK_THROWS_AS(run_scan(driver, bad), gs::InvalidArgument);
    bad = params;
    bad.put("units", "1-300");
    CHECK_THROWS_AS(run_scan(driver, bad), gs::InvalidArgument);
    CHECK_THROWS_AS(run_scan(driver, gs::ptree()), gs::InvalidArgument);

    // An address range with a port: here the one loopback address of the simulator.
    gs::ptree range;
    range.put("ip_range", "127.0.0.1");
    range.put("port", gw.address.substr(gw.address.rfind(':') + 1));
    range.put("units", "5");
    auto by_range = run_scan(driver, range);
    REQUIRE(by_range.size() == 1);
    CHECK(by_range[5]["tcp"] == gw.address);

    // A gateway that refuses the connection costs one connect, and is counted.
    gs::ptree closed;
    closed.put("tcp", "127.0.0.1:" + std::to_string(free_port()));
    closed.put("units", "1-247");
    t0 = std::chrono::steady_clock::now();
    CHECK(run_scan(driver, closed).empty());
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    CHECK(host.events_copy().back().message.find("1 unreachable gateway(s)") != std::string::npos);
}

namespace {
gs::Source source(const std::string &name, const std::string &profile, const std::string &tcp,
                  int unit) {
    gs::Source s;
    s.name = name;
    s.profile = profile;
    s.circuit_count = 1;
    s.period_ms = 200;
    s.attrs.put("name", name);
    s.attrs.put("profile", profile);
    s.attrs.put("tcp", tcp);
    s.attrs.put("unit", unit);
    s.attrs.put("timeout_ms", 300);
    if (profile == kAutoProfile) return s;
    auto f = load_profile_file(std::string(GS_PROFILES_DIR) + "/" + profile + ".yaml", profile);
    s.defaults = f.defaults;
    for (const auto &p : f.points)
        s.points.push_back(gs::Point{p.circuit, p.data, "", p.attrs});
    return s;
}

double last_value(const gs::testing::FakeHost &host, const std::string &src,
                  const std::string &data) {
    double v = -1;
    for (const auto &b : host.samples_copy())
        if (b.source == src)
            for (const auto &x : b.values)
                if (x.data == data && x.quality == GS_QUALITY_GOOD) v = x.value;
    return v;
}

bool logged(const gs::testing::FakeHost &host, const std::string &needle) {
    std::lock_guard<std::mutex> lock(host.mutex_);
    for (const auto &[level, line] : host.logs)
        if (line.find(needle) != std::string::npos) return true;
    return false;
}
} // namespace

TEST_CASE("socomec/auto sources poll the profile the device identifies; mismatches warn") {
    MixedGateway gw("polling_auto");
    gs::testing::FakeHost host(driver_config());
    DirisDriver driver(host.host());
    driver.add_source(source("a10_auto", kAutoProfile, gw.address, 7));
    driver.add_source(source("b30_auto", kAutoProfile, gw.address, 9));
    driver.add_source(source("wrong", "socomec/countis-e2x", gw.address, 7)); // it is an A-10
    driver.add_source(source("x99_auto", kAutoProfile, gw.address, 20));      // unknown model
    CHECK(driver.describe("a10_auto", false).find("chosen from the device") != std::string::npos);
    driver.start();
    CHECK(eventually([&] {
        return last_value(host, "a10_auto", "IV1Inst") > 200 &&
               last_value(host, "b30_auto", "IV1Inst") > 200 &&
               last_value(host, "wrong", "IV1Inst") > 200;
    }));
    driver.stop();
    // B-30 values are per load: load 1 carries the voltage.
    CHECK(last_value(host, "a10_auto", "IFreqInst") == doctest::Approx(50).epsilon(0.01));
    CHECK(logged(host, "a10_auto: unit 7 at tcp " + gw.address +
                           " is a SOCOMEC DIRIS 'DIRIS A-10', order id 400, software 1.00 -> "
                           "profile socomec/diris-a10"));
    CHECK(logged(host, "wrong: the device reports 'DIRIS A-10' (profile socomec/diris-a10) but the "
                       "source is configured with profile socomec/countis-e2x"));
    CHECK(logged(host, "x99_auto: unknown SOCOMEC model 'DIRIS X99': no profile matches"));
    CHECK(last_value(host, "x99_auto", "IV1Inst") == -1);
    CHECK(driver.describe("b30_auto", false).rfind("socomec/diris-b30: ", 0) == 0);
    CHECK(driver.describe("b30_auto", false).find("; identification FC03 @50000") !=
          std::string::npos);
}

TEST_CASE("an auto source whose device is silent at start is identified when it answers") {
    std::string address = "127.0.0.1:" + std::to_string(free_port());
    gs::testing::FakeHost host(driver_config());
    DirisDriver driver(host.host());
    driver.add_source(source("late", kAutoProfile, address, 5));
    driver.start(); // nothing listens yet
    CHECK(eventually([&] { return logged(host, "identification: cannot connect"); }, 5s));
    std::string site = write_site("polling_late", "sources:\n  - {name: e23, profile: "
                                                  "socomec/countis-e2x, tcp: \"" +
                                                      address + "\", unit: 5}\n");
    gs::test::Process sim({GS_SIM_BINARY, "--site", site});
    REQUIRE(sim.wait_for_stdout("gridscope-sim: ready", 20s));
    CHECK(eventually([&] { return last_value(host, "late", "IV1Inst") > 200; }));
    CHECK(logged(host, "-> profile socomec/countis-e2x"));
    driver.stop();
}

TEST_CASE("an on-demand read identifies an auto source first") {
    MixedGateway gw("read_auto");
    gs::testing::FakeHost host(driver_config());
    DirisDriver driver(host.host());
    driver.add_source(source("e23", kAutoProfile, gw.address, 5));
    driver.add_source(source("acme", kAutoProfile, gw.address, 21));
    auto batches = driver.read("e23");
    REQUIRE(batches.size() == 1);
    const auto &b = batches.front();
    CHECK(b.size() > 30);
    CHECK_THROWS_AS(driver.read("acme"), gs::Error);
    CHECK(logged(host, "is not a SOCOMEC device"));
    CHECK_THROWS_AS(driver.read("nope"), gs::Error);
}

TEST_CASE("a profile command runs through the polling link (partial energy reset)") {
    MixedGateway gw("command");
    gs::testing::FakeHost host(driver_config());
    DirisDriver driver(host.host());
    gs::Source s = source("e23", "socomec/countis-e2x", gw.address, 5);
    gs::ptree target; // as in profiles/socomec/countis-e2x.yaml
    target.put("address", 57890);
    target.put("type", "u16");
    s.commands.push_back(gs::Point{0, "partial_energy_reset", "", target});
    driver.add_source(s);
    CHECK_THROWS_AS(driver.write("e23", 0, "partial_energy_reset", 0x1F), gs::Error); // stopped
    driver.start();
    REQUIRE(eventually([&] { return last_value(host, "e23", "IEaPPartialInst") > 100000; }));
    driver.write("e23", 0, "partial_energy_reset", 0x1F);
    // The simulated COUNTIS reset its partial meters: the next polls show it (kWh resolution).
    CHECK(eventually([&] { return last_value(host, "e23", "IEaPPartialInst") < 1000; }));
    CHECK(last_value(host, "e23", "IEaPInst") > 100000); // the total meter is untouched
    try {
        driver.write("e23", 1, "no_such_command", 1);
        FAIL("an unknown command must be refused");
    } catch (const gs::Error &e) {
        CHECK(e.code() == GS_ERR_NOT_FOUND);
    }
    driver.stop();
}

TEST_CASE("a device identified late joins its gateway's link: one scheduler per gateway") {
    std::string address = "127.0.0.1:" + std::to_string(free_port());
    // Unit 6 stays silent for the simulator's first 2 seconds.
    std::string site = write_site(
        "late_join", "sources:\n"
                     "  - {name: e23, profile: socomec/countis-e2x, tcp: \"" +
                         address +
                         "\", unit: 5}\n"
                         "  - {name: e44, profile: socomec/countis-e3x-e4x, tcp: \"" +
                         address +
                         "\", unit: 6, simulate: {fault: silent, duration_s: 2, product_name: "
                         "COUNTIS E44, extended_name: COUNTIS E44}}\n");
    gs::test::Process sim({GS_SIM_BINARY, "--site", site});
    REQUIRE(sim.wait_for_stdout("gridscope-sim: ready", 20s));
    gs::testing::FakeHost host(driver_config());
    DirisDriver driver(host.host());
    driver.add_source(source("first", kAutoProfile, address, 5));
    driver.add_source(source("second", kAutoProfile, address, 6));
    driver.start();
    CHECK(eventually([&] { return last_value(host, "first", "IV1Inst") > 200; }));
    // Identified through the running link (between its requests), then polled on it.
    CHECK(eventually([&] { return last_value(host, "second", "IV1Inst") > 200; }));
    CHECK(logged(host, "second: identified late, polled on the link of tcp 127.0.0.1:"));
    CHECK(logged(host, "-> profile socomec/countis-e3x-e4x"));
    // The first device kept its polling meanwhile.
    const size_t before = host.samples_copy().size();
    CHECK(eventually([&] { return host.samples_copy().size() > before + 4; }));
    driver.stop();
}
