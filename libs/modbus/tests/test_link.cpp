// Integration tests: the link scheduler and read_once against a real libmodbus server on
// 127.0.0.1. Every wait is bounded and ends on a condition, never on a sleep.
#include "modbus/link.hpp"
#include "modbus_test_server.hpp"

#include <modbus.h>

#include <doctest/doctest.h>

#include <condition_variable>
#include <map>
#include <mutex>

using namespace gs::modbus;
using gs::modbus::testing::closed_port;
using gs::modbus::testing::ServerOptions;
using gs::modbus::testing::TestServer;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kWait = 5s; // upper bound of every wait; normally met in milliseconds

PointSpec make(std::string data, uint16_t address, Type type = Type::u16,
               Function function = Function::holding) {
    PointSpec point;
    point.data = std::move(data);
    point.address = address;
    point.type = type;
    point.function = function;
    return point;
}

struct StateEvent {
    std::string device;
    bool connected;
    std::string reason;
};

// Collects what the link reports, and lets the test wait for a condition on it.
class Recorder {
public:
    LinkCallbacks callbacks() {
        LinkCallbacks callbacks;
        callbacks.on_result = [this](const std::string &device, int64_t ts_utc_ns,
                                     std::vector<PointResult> results) {
            std::lock_guard lock(mutex_);
            last_ts_utc_ns_ = ts_utc_ns;
            results_[device].push_back(std::move(results));
            changed_.notify_all();
        };
        callbacks.on_link_state = [this](const std::string &device, bool connected,
                                         const std::string &reason) {
            std::lock_guard lock(mutex_);
            states_.push_back({device, connected, reason});
            changed_.notify_all();
        };
        return callbacks;
    }

    // Waits until pred(results, states) holds, at most kWait.
    template <class Pred> bool wait(Pred pred) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kWait, [&] { return pred(results_, states_); });
    }

    size_t result_count(const std::string &device) {
        std::lock_guard lock(mutex_);
        return results_[device].size();
    }
    std::vector<PointResult> last(const std::string &device) {
        std::lock_guard lock(mutex_);
        return results_[device].empty() ? std::vector<PointResult>{} : results_[device].back();
    }
    std::vector<StateEvent> states() {
        std::lock_guard lock(mutex_);
        return states_;
    }

    int64_t last_ts_utc_ns() {
        std::lock_guard lock(mutex_);
        return last_ts_utc_ns_;
    }

    using Results = std::map<std::string, std::vector<std::vector<PointResult>>>;
    using States = std::vector<StateEvent>;

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    Results results_;
    States states_;
    int64_t last_ts_utc_ns_ = 0;
};

bool all_good(const std::vector<PointResult> &results) {
    if (results.empty()) return false;
    for (const auto &result : results) {
        if (!result.quality.is_good()) return false;
    }
    return true;
}

double number_of(const PointResult &result) {
    REQUIRE(result.value.has_value());
    return std::get<double>(*result.value);
}

LinkConfig tcp_link(uint16_t port) {
    LinkConfig config;
    config.endpoint = TcpEndpoint{"127.0.0.1", port};
    config.connect_timeout_ms = 500;
    config.reconnect = BackoffConfig{50ms, 200ms, 2.0, Jitter::none};
    config.offline_poll = BackoffConfig{500ms, 1000ms, 2.0, Jitter::none};
    return config;
}

DeviceConfig device(std::string id, uint8_t unit, std::vector<PointSpec> points,
                    std::chrono::milliseconds period = 50ms, uint32_t timeout_ms = 500) {
    DeviceConfig config;
    config.id = std::move(id);
    config.unit = unit;
    config.period = period;
    config.timeout_ms = timeout_ms;
    config.points = std::move(points);
    return config;
}

std::unique_ptr<Link> make_link(LinkConfig config, std::vector<DeviceConfig> devices,
                                Recorder &recorder) {
    auto link = Link::create(std::move(config), std::move(devices), recorder.callbacks());
    REQUIRE_MESSAGE(link.ok(), (link.ok() ? "" : link.error()));
    return std::move(link).value();
}

std::vector<PointSpec> meter_points() {
    auto voltage = make("V", 10, Type::u32, Function::input);
    voltage.coefficient = 0.01;
    auto name = make("Name", 110, Type::string);
    name.string_registers = 4;
    return {make("F32", 100, Type::f32),
            make("S16", 102, Type::s16),
            name,
            voltage,
            make("Coil", 3, Type::bit, Function::coils),
            make("Input", 5, Type::bit, Function::discrete_inputs)};
}

void fill_meter(TestServer &server) {
    server.set_holding(100, {0x42F6, 0xE979, 0xFFFB});
    server.set_holding(110, {0x534F, 0x434F, 0x4D45, 0x4300});
    server.set_input(10, {0x0000, 23012});
    server.set_coil(3, true);
    server.set_discrete_input(5, true);
}

void check_meter_values(const std::vector<PointResult> &results) {
    REQUIRE(results.size() == 6);
    for (size_t i = 0; i < results.size(); ++i)
        CHECK(results[i].index == i);
    CHECK(number_of(results[0]) == doctest::Approx(123.456).epsilon(1e-6));
    CHECK(number_of(results[1]) == -5);
    REQUIRE(results[2].value.has_value());
    CHECK(std::get<std::string>(*results[2].value) == "SOCOMEC");
    CHECK(number_of(results[3]) == doctest::Approx(230.12));
    CHECK(number_of(results[4]) == 1);
    CHECK(number_of(results[5]) == 1);
}

bool has_state(const Recorder::States &states, const std::string &id, bool connected) {
    for (const auto &state : states) {
        if (state.device == id && state.connected == connected) return true;
    }
    return false;
}

} // namespace

TEST_CASE("libmodbus errors map to qualities") {
    CHECK(quality_from_errno(EMBXILADD) == Quality::exception(2));
    CHECK(quality_from_errno(EMBXILVAL) == Quality::exception(3));
    CHECK(quality_from_errno(EMBXGTAR) == Quality::exception(11));
    CHECK(quality_from_errno(ETIMEDOUT) == Quality::timeout());
    CHECK(quality_from_errno(EMBBADCRC) == Quality::invalid());
    CHECK(quality_from_errno(EMBBADDATA) == Quality::invalid());
    CHECK(quality_from_errno(EMBBADSLAVE) == Quality::invalid());
    CHECK(quality_from_errno(EMBMDATA) == Quality::invalid());
    CHECK(quality_from_errno(ECONNRESET) == Quality::disconnected());
    CHECK(quality_from_errno(EPIPE) == Quality::disconnected());
    CHECK(to_string(Quality::exception(2)) == "exception 2 (illegal data address)");
}

TEST_CASE("link configuration errors name the device") {
    Recorder recorder;
    const auto config = tcp_link(1502);
    auto bad_unit = Link::create(config, {device("a", 250, {make("X", 0)})}, recorder.callbacks());
    CHECK(bad_unit.error() == "device 'a': unit id 250 is out of range (0..247 or 255 on TCP)");
    auto twice = Link::create(config, {device("a", 1, {make("X", 0)}), device("a", 2, {})},
                              recorder.callbacks());
    CHECK(twice.error() == "device 'a': id used twice on the link");
    auto bad_plan =
        Link::create(config, {device("m", 1, {make("X", 65535, Type::u32)})}, recorder.callbacks());
    CHECK(bad_plan.error().rfind("device 'm': point X(0): field 'address'", 0) == 0);
    CHECK_FALSE(Link::create(config, {}, recorder.callbacks()).ok());
    LinkConfig serial;
    serial.endpoint = SerialEndpoint{"/dev/null", 9600, 'X', 8, 1};
    CHECK(Link::create(serial, {device("a", 1, {make("X", 0)})}, recorder.callbacks()).error() ==
          "serial parity must be N, E or O");
}

TEST_CASE("the link reads and decodes every kind of point from a real server") {
    TestServer server;
    fill_meter(server);
    Recorder recorder;
    auto link = make_link(tcp_link(server.port()), {device("meter", 1, meter_points())}, recorder);
    link->start();
    REQUIRE(recorder.wait([](auto &results, auto &) {
        return results["meter"].size() >= 3 && all_good(results["meter"].back());
    }));
    check_meter_values(recorder.last("meter"));
    CHECK(recorder.last_ts_utc_ns() > 1600000000LL * 1000000000LL); // a UTC time after 2020
    CHECK(has_state(recorder.states(), "meter", true));
    CHECK(link->describe_plans().find("FC03 @100 x3 -> F32(0)+0, S16(0)+2") != std::string::npos);

    const auto stats = link->stats();
    CHECK(stats.cycles >= 3);
    CHECK(stats.connects == 1);
    CHECK(stats.max_start_jitter >= stats.last_start_jitter);
    CHECK(stats.mean_start_jitter_us >= 0);

    const auto before = Clock::now();
    link->stop();
    CHECK(Clock::now() - before < 1s);
    CHECK_FALSE(link->running());
    // Exactly one "connected" transition, however many cycles ran.
    CHECK(recorder.states().size() == 1);
}

TEST_CASE("cycle starts follow absolute deadlines") {
    TestServer server;
    Recorder recorder;
    auto link =
        make_link(tcp_link(server.port()), {device("m", 1, {make("X", 0)}, 20ms)}, recorder);
    const auto started = Clock::now();
    link->start();
    REQUIRE(recorder.wait([](auto &results, auto &) { return results["m"].size() >= 25; }));
    const auto elapsed = Clock::now() - started;
    link->stop();
    // 25 cycles at 20 ms start at 0..480 ms: no faster than the deadlines allow.
    CHECK(elapsed >= 470ms);
    const auto stats = link->stats();
    CHECK(stats.cycles + stats.overruns >= 25);
}

TEST_CASE("the devices of a link start at evenly spread phases of their period") {
    TestServer server;
    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::string, std::vector<Clock::time_point>> starts;
    LinkCallbacks callbacks;
    callbacks.on_result = [&](const std::string &id, int64_t, std::vector<PointResult>) {
        std::lock_guard lock(mutex);
        starts[id].push_back(Clock::now());
        changed.notify_all();
    };
    std::vector<DeviceConfig> devices;
    for (int i = 0; i < 4; ++i)
        devices.push_back(device("d" + std::to_string(i), 1, {make("X", 0)}, 400ms));
    auto link = Link::create(tcp_link(server.port()), devices, callbacks);
    REQUIRE(link.ok());
    link.value()->start();
    {
        std::unique_lock lock(mutex);
        REQUIRE(changed.wait_for(lock, kWait, [&] { return starts["d3"].size() >= 3; }));
    }
    link.value()->stop();
    std::lock_guard lock(mutex);
    // d(i) runs at i x 100 ms within each 400 ms period; the link's own start is d0's.
    for (int i = 1; i < 4; ++i) {
        const auto offset = starts["d" + std::to_string(i)][0] - starts["d0"][0];
        CAPTURE(i);
        CHECK(offset > i * 100ms - 30ms);
        CHECK(offset < i * 100ms + 60ms);
        // Absolute deadlines: the third cycle is two periods after the first.
        const auto two = starts["d" + std::to_string(i)][2] - starts["d" + std::to_string(i)][0];
        CHECK(two > 800ms - 30ms);
        CHECK(two < 800ms + 60ms);
    }
    const auto stats = link.value()->stats();
    CHECK(stats.max_start_jitter < 60ms);
}

TEST_CASE("a dead unit times out within its timeout and does not starve a live one") {
    ServerOptions options;
    options.silent_units = {9};
    TestServer server(options);
    fill_meter(server);
    Recorder recorder;
    auto config = tcp_link(server.port());
    config.offline_after_failures = 2;
    auto link = make_link(config,
                          {device("live", 1, {make("F32", 100, Type::f32)}, 50ms, 500),
                           device("dead", 9, {make("A", 0), make("B", 200)}, 50ms, 150)},
                          recorder);
    link->start();
    // The dead device gets timeouts, then is declared lost exactly once.
    REQUIRE(recorder.wait([](auto &, auto &states) { return has_state(states, "dead", false); }));
    const auto dead = recorder.last("dead");
    REQUIRE(dead.size() == 2);
    for (const auto &result : dead) {
        CHECK(result.quality == Quality::timeout());
        CHECK_FALSE(result.value.has_value());
    }
    // While the dead device is polled on its backoff, the live one keeps its 50 ms rate.
    const size_t live_before = recorder.result_count("live");
    const auto window_start = Clock::now();
    REQUIRE(recorder.wait(
        [&](auto &results, auto &) { return results["live"].size() >= live_before + 10; }));
    CHECK(Clock::now() - window_start < 2s);
    CHECK(all_good(recorder.last("live")));

    const auto before = Clock::now();
    link->stop();
    CHECK(Clock::now() - before < 1s);
    size_t dead_lost = 0;
    for (const auto &state : recorder.states())
        dead_lost += state.device == "dead" && !state.connected ? 1 : 0;
    CHECK(dead_lost == 1);
}

TEST_CASE("a closed port gives disconnected, and the link reconnects when the server is back") {
    const uint16_t port = closed_port();
    Recorder recorder;
    auto link =
        make_link(tcp_link(port), {device("m", 1, {make("F32", 100, Type::f32)})}, recorder);
    link->start();
    REQUIRE(recorder.wait([](auto &results, auto &states) {
        return has_state(states, "m", false) && !results["m"].empty();
    }));
    CHECK(recorder.last("m").at(0).quality == Quality::disconnected());
    CHECK(recorder.states().at(0).reason.find("cannot connect") != std::string::npos);

    {
        ServerOptions options;
        options.port = port;
        TestServer server(options);
        fill_meter(server);
        REQUIRE(recorder.wait([](auto &results, auto &states) {
            return has_state(states, "m", true) && all_good(results["m"].back());
        }));
        CHECK(number_of(recorder.last("m").at(0)) == doctest::Approx(123.456).epsilon(1e-6));
    } // the server goes away: the connection is lost

    REQUIRE(recorder.wait(
        [](auto &, auto &states) { return states.size() >= 3 && !states.back().connected; }));
    {
        ServerOptions options;
        options.port = port;
        TestServer server(options);
        REQUIRE(recorder.wait([](auto &results, auto &states) {
            return states.size() >= 4 && states.back().connected && all_good(results["m"].back());
        }));
        link->stop();
    }
    CHECK(link->stats().connects == 2);
}

TEST_CASE("a refused register splits the merged request; only its point fails") {
    ServerOptions options;
    options.refused_holding = {202};
    TestServer server(options);
    server.set_holding(200, {1, 2, 3, 4});
    Recorder recorder;
    auto link = make_link(
        tcp_link(server.port()),
        {device("m", 1,
                {make("P200", 200), make("P201", 201), make("P202", 202), make("P203", 203)},
                20ms)},
        recorder);
    link->start();
    REQUIRE(recorder.wait([](auto &results, auto &) {
        const auto &cycles = results["m"];
        if (cycles.empty()) return false;
        const auto &last = cycles.back();
        return last.size() == 4 && last[0].quality.is_good() && last[1].quality.is_good() &&
               last[3].quality.is_good();
    }));
    const auto results = recorder.last("m");
    CHECK(number_of(results[0]) == 1);
    CHECK(number_of(results[1]) == 2);
    CHECK(number_of(results[3]) == 4);
    CHECK(results[2].quality == Quality::exception(2));
    CHECK_FALSE(results[2].value.has_value());
    CHECK(link->describe_plans().find("failed: P202(0) exception 2") != std::string::npos);
    // The first cycle saw the whole request refused: every point got the exception, no value.
    // (Checked through the plan: the original merged request is gone.)
    CHECK(link->describe_plans().find("x4") == std::string::npos);
    link->stop();
    CHECK(has_state(recorder.states(), "m", true));
}

TEST_CASE("writes go through the link thread") {
    TestServer server;
    Recorder recorder;
    auto power = make("Setpoint", 302, Type::f32);
    auto scaled = make("Scaled", 300);
    scaled.coefficient = 0.1;
    auto link = make_link(tcp_link(server.port()),
                          {device("m", 1,
                                  {scaled, power, make("Coil", 7, Type::bit, Function::coils),
                                   make("Ro", 5, Type::u16, Function::input)})},
                          recorder);
    // Not running: refused at once.
    CHECK(link->submit_write("m", 0, Value{1.0}).get().quality == Quality::disconnected());

    link->start();
    auto scaled_write = link->submit_write("m", 0, Value{4.2});
    auto float_write = link->submit_write("m", 1, Value{123.456});
    auto coil_write = link->submit_write("m", 2, Value{1.0});
    for (auto *future : {&scaled_write, &float_write, &coil_write}) {
        REQUIRE(future->wait_for(kWait) == std::future_status::ready);
        const auto outcome = future->get();
        CHECK_MESSAGE(outcome.quality.is_good(), outcome.detail);
    }
    CHECK(server.holding(300) == 42);
    CHECK(server.holding(302) == 0x42F6);
    CHECK(server.holding(303) == 0xE979);
    CHECK(server.coil(7));

    CHECK(link->submit_write("m", 3, Value{1.0}).get().quality == Quality::invalid());
    CHECK(link->submit_write("m", 9, Value{1.0}).get().quality == Quality::invalid());
    CHECK(link->submit_write("x", 0, Value{1.0}).get().quality == Quality::invalid());
    CHECK(link->submit_write("m", 0, Value{1e9}).get().detail.find("out of range") !=
          std::string::npos);
    // Refusals a caller acts on carry a code, not only text.
    CHECK(link->submit_write("x", 0, Value{1.0}).get().refusal == WriteRefusal::unknown_device);
    CHECK(link->submit_write("m", 9, Value{1.0}).get().refusal == WriteRefusal::unknown_point);
    CHECK(link->submit_write("m", 0, Value{1e9}).get().refusal == WriteRefusal::none);
    link->stop();
}

TEST_CASE("a running link reads for a unit it does not poll, then takes that unit in") {
    TestServer server;
    server.set_holding(300, {42});
    Recorder recorder;
    auto link = make_link(tcp_link(server.port()), {device("a", 1, {make("X", 300)})}, recorder);
    ReadRequest probe;
    probe.address = 300;
    probe.count = 1;
    // Not running: disconnected at once, nothing sent.
    CHECK(link->submit_read(2, probe, 500).get().quality == Quality::disconnected());

    link->start();
    REQUIRE(recorder.wait([](auto &results, auto &) { return results["a"].size() >= 2; }));
    // A read between the link's requests (an identification before adding the device).
    auto read = link->submit_read(2, probe, 500);
    REQUIRE(read.wait_for(kWait) == std::future_status::ready);
    const Outcome outcome = read.get();
    CHECK_MESSAGE(outcome.quality.is_good(), outcome.detail);
    REQUIRE(outcome.values.size() == 1);
    CHECK(outcome.values[0] == 42);

    // The device joins the running link and is polled with the other one.
    REQUIRE(link->add_device(device("b", 2, {make("X", 300)})));
    const size_t a_before = recorder.result_count("a");
    REQUIRE(recorder.wait([&](auto &results, auto &) {
        return results["b"].size() >= 3 && results["a"].size() >= a_before + 3;
    }));
    CHECK(number_of(recorder.last("b").front()) == 42);
    CHECK_FALSE(link->add_device(device("b", 3, {make("X", 300)})));   // id used twice
    CHECK_FALSE(link->add_device(device("c", 250, {make("X", 300)}))); // no such unit id on TCP
    link->stop();
}

TEST_CASE("read_once reads a device, or fails clearly within its timeout") {
    ServerOptions options;
    options.silent_units = {9};
    options.refused_holding = {102};
    TestServer server(options);
    fill_meter(server);

    auto points = meter_points();
    auto results = read_once(TcpEndpoint{"127.0.0.1", server.port()}, device("m", 1, points));
    REQUIRE_MESSAGE(results.ok(), (results.ok() ? "" : results.error()));
    // 102 is refused: the merged request 100..102 is split on the spot, F32 still reads.
    REQUIRE(results.value().size() == 6);
    CHECK(number_of(results.value()[0]) == doctest::Approx(123.456).epsilon(1e-6));
    CHECK(results.value()[1].quality == Quality::exception(2));
    CHECK(number_of(results.value()[3]) == doctest::Approx(230.12));

    auto start = Clock::now();
    auto dead =
        read_once(TcpEndpoint{"127.0.0.1", server.port()}, device("d", 9, points, 1000ms, 200));
    REQUIRE_FALSE(dead.ok());
    CHECK(dead.error().find("timeout after 200 ms") != std::string::npos);
    CHECK(Clock::now() - start < 1500ms);

    start = Clock::now();
    auto closed = read_once(TcpEndpoint{"127.0.0.1", closed_port()}, device("c", 1, points));
    REQUIRE_FALSE(closed.ok());
    CHECK(closed.error().find("cannot connect to tcp 127.0.0.1:") != std::string::npos);
    CHECK(Clock::now() - start < 1500ms);
}
