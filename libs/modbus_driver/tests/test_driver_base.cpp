// DriverBase: two small drivers built on it (one plain, one tuning the defaults as the SOCOMEC
// drivers do) on gs::testing::FakeHost, polling a real libmodbus server on 127.0.0.1. Every
// wait is bounded and ends on a condition.
#include "eventually.hpp"
#include "modbus_driver/driver_base.hpp"
#include "modbus_test_server.hpp"

#include <gridscope/testing.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

using gs::modbus::DriverBase;
using gs::modbus::PointResult;
using gs::modbus::testing::TestServer;
using gs::test::eventually;
using namespace std::chrono_literals;

namespace {

// Everything from DriverBase.
class PlainDriver : public DriverBase<PlainDriver> {
public:
    static constexpr const char *id = "test_plain";
    static constexpr const char *version = "1.0.0";
    static constexpr const char *description = "DriverBase with its defaults";
    explicit PlainDriver(gs::Host host) : DriverBase(host) {}
};

// Tunes the defaults and watches the polls, as driver_socomec_atys does.
class TunedDriver : public DriverBase<TunedDriver> {
public:
    static constexpr const char *id = "test_tuned";
    static constexpr const char *version = "1.0.0";
    static constexpr const char *description = "DriverBase with its own plan note and noun";
    static constexpr const char *plan_note = "; tuned";
    static constexpr const char *plan_extra_json = "\"tuned\": true, ";
    static constexpr const char *polled_noun = "meter(s)";

    explicit TunedDriver(gs::Host host)
        : DriverBase(host, [this](const std::string &, int64_t, const std::vector<PointResult> &) {
              ++polls;
          }) {}
    ~TunedDriver() override { stop(); } // the poll callback uses a member of this class

    std::atomic<int> polls{0};
};

gs::ptree point(uint32_t circuit, const std::string &data, int address) {
    gs::ptree p;
    p.put("circuit", circuit);
    p.put("data", data);
    p.put("address", address);
    p.put("type", "u16");
    return p;
}

// A source as the kernel adds it: two holding registers of unit 1 at `port`.
gs::Source meter(const std::string &name, uint16_t port) {
    gs::Source s;
    s.name = name;
    s.profile = "test/meter";
    s.circuit_count = 1;
    s.period_ms = 100;
    s.attrs.put("name", name);
    s.attrs.put("tcp", "127.0.0.1:" + std::to_string(port));
    s.attrs.put("unit", 1);
    s.attrs.put("timeout_ms", 500);
    for (const auto &[data, address] : {std::pair{"Voltage", 0}, std::pair{"Setpoint", 1}})
        s.points.push_back(gs::Point{1, data, "", point(1, data, address)});
    return s;
}

// The last published value of `data` from `source`, or -1.
double last_value(const gs::testing::FakeHost &host, const std::string &source,
                  const std::string &data) {
    double found = -1;
    for (const auto &batch : host.samples_copy())
        for (const auto &v : batch.values)
            if (batch.source == source && v.data == data && v.quality == GS_QUALITY_GOOD)
                found = v.value;
    return found;
}

size_t logs_with(const gs::testing::FakeHost &host, const std::string &text) {
    std::lock_guard<std::mutex> lock(host.mutex_);
    size_t n = 0;
    for (const auto &[level, message] : host.logs)
        n += message.find(text) != std::string::npos;
    return n;
}

} // namespace

TEST_CASE("the plugin section's link settings are declared once and checked") {
    const gs_plugin_descriptor *d = gs::descriptor<PlainDriver>();
    CHECK(d->kind == GS_KIND_DRIVER);
    REQUIRE(d->config_field_count == 4);
    CHECK(std::strcmp(d->config_fields[0].key, "connect_timeout_ms") == 0);
    CHECK(std::strcmp(d->config_fields[1].key, "offline_after_failures") == 0);
    CHECK(std::strcmp(d->config_fields[2].key, "guard_interval_us") == 0);
    CHECK(std::strcmp(d->config_fields[3].key, "phase_spacing_ms") == 0);

    gs::ptree cfg;
    cfg.put("offline_after_failures", 0);
    gs::testing::FakeHost host(cfg);
    CHECK_THROWS_WITH_AS(PlainDriver(host.host()),
                         "field 'offline_after_failures': must be at least 1", gs::InvalidArgument);
}

TEST_CASE("validate_point refuses a profile point the core cannot read") {
    gs::testing::FakeHost host;
    gs::Host h = host.host();
    gs::ptree good = point(1, "Voltage", 0);
    CHECK_NOTHROW(PlainDriver::validate_point(h, gs::ptree(), good));
    gs::ptree no_type = good;
    no_type.erase("type");
    CHECK_THROWS_AS(PlainDriver::validate_point(h, gs::ptree(), no_type), gs::InvalidArgument);
    gs::ptree bad_address = good;
    bad_address.put("address", "not a number");
    CHECK_THROWS_AS(PlainDriver::validate_point(h, gs::ptree(), bad_address), gs::InvalidArgument);
}

TEST_CASE("a driver on DriverBase polls, reads, writes and describes its sources") {
    TestServer server;
    server.set_holding(0, {230, 7});
    gs::testing::FakeHost host;
    PlainDriver driver(host.host());
    driver.add_source(meter("m1", server.port()));

    SUBCASE("an unknown source is not found, whatever is asked") {
        for (auto call : {+[](PlainDriver &d) { d.read("nope"); },
                          +[](PlainDriver &d) { d.write("nope", 1, "Setpoint", 1); },
                          +[](PlainDriver &d) { d.describe("nope", false); }}) {
            try {
                call(driver);
                FAIL("no error");
            } catch (const gs::Error &e) {
                CHECK(e.code() == GS_ERR_NOT_FOUND);
                CHECK(std::string(e.what()) == "no source 'nope'");
            }
        }
    }

    SUBCASE("read: every point, now, without the links") {
        auto batches = driver.read("m1");
        REQUIRE(batches.size() == 1);
        const gs_sample_batch &b = batches[0].view();
        REQUIRE(b.value_count == 2);
        CHECK(std::string(b.source) == "m1");
        CHECK(b.values[0].value == 230);
        CHECK(b.values[1].value == 7);
    }

    SUBCASE("describe: the plan, as text and as JSON") {
        CHECK(driver.describe("m1", false).rfind("test/meter: 2 points in 1 request(s)\n", 0) == 0);
        CHECK(
            driver.describe("m1", true).rfind("{\"profile\": \"test/meter\", \"requests\": [", 0) ==
            0);
    }

    SUBCASE("start polls on one link; a write goes through it; a second start adds nothing") {
        driver.start();
        driver.start();
        CHECK(eventually([&] { return last_value(host, "m1", "Voltage") == 230; }));
        CHECK(logs_with(host, "polling ") == 1);
        CHECK(logs_with(host, "polling 1 device(s) on 1 link(s)") == 1);
        driver.write("m1", 1, "Setpoint", 42);
        CHECK(server.holding(1) == 42);
        CHECK(eventually([&] { return last_value(host, "m1", "Setpoint") == 42; }));
        try {
            driver.write("m1", 2, "Setpoint", 1);
            FAIL("no error");
        } catch (const gs::Error &e) {
            CHECK(e.code() == GS_ERR_NOT_FOUND);
        }
        driver.stop();
        size_t published = host.samples_copy().size();
        std::this_thread::sleep_for(300ms); // three periods: nothing more once stopped
        CHECK(host.samples_copy().size() == published);
    }
}

TEST_CASE("a driver tunes DriverBase by its own static members and a poll callback") {
    TestServer server;
    server.set_holding(0, {231, 0});
    gs::testing::FakeHost host;
    const gs::Source source = meter("m2", server.port());
    TunedDriver driver(host.host());
    driver.add_source(source);
    CHECK(driver.describe("m2", false).find("2 points in 1 request(s); tuned\n") !=
          std::string::npos);
    CHECK(driver.describe("m2", true)
              .rfind("{\"profile\": \"test/meter\", \"tuned\": true, "
                     "\"requests\": [",
                     0) == 0);
    driver.start();
    CHECK(eventually([&] { return driver.polls.load() >= 2; }));
    CHECK(logs_with(host, "polling 1 meter(s) on 1 link(s)") == 1);
    CHECK(last_value(host, "m2", "Voltage") == 231);
}
