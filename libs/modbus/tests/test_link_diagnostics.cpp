// The Diagnostics page's counters and bus view in the link scheduler (issue 15 item 4), against
// a real libmodbus server on 127.0.0.1: per-device requests, timeouts, exceptions, response
// time and last good poll; the frame trace records only while armed, keeps the last
// FrameTrace::kCapacity frames, and shows the exchange's bytes as sent and received.
#include "modbus/link.hpp"
#include "modbus_test_server.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace gs::modbus;
using gs::modbus::testing::ServerOptions;
using gs::modbus::testing::TestServer;
using namespace std::chrono_literals;

namespace {

PointSpec holding(std::string data, uint16_t address) {
    PointSpec point;
    point.data = std::move(data);
    point.address = address;
    point.type = Type::u16;
    point.function = Function::holding;
    return point;
}

DeviceConfig device(std::string id, uint8_t unit, std::vector<PointSpec> points,
                    uint32_t timeout_ms) {
    DeviceConfig config;
    config.id = std::move(id);
    config.unit = unit;
    config.period = 50ms;
    config.timeout_ms = timeout_ms;
    config.points = std::move(points);
    return config;
}

std::unique_ptr<Link> make_link(uint16_t port, std::vector<DeviceConfig> devices) {
    LinkConfig config;
    config.endpoint = TcpEndpoint{"127.0.0.1", port};
    config.connect_timeout_ms = 500;
    config.offline_after_failures = 1000; // the silent unit stays on its period
    auto link = Link::create(config, std::move(devices), {});
    REQUIRE_MESSAGE(link.ok(), (link.ok() ? "" : link.error()));
    return std::move(link).value();
}

// Waits (bounded) until pred() holds.
template <class Pred> bool eventually(Pred pred) {
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

const DeviceStats *find(const std::vector<DeviceStats> &all, const std::string &id) {
    for (const auto &d : all)
        if (d.id == id) return &d;
    return nullptr;
}

} // namespace

TEST_CASE("each device counts its requests by outcome, its response time and last good poll") {
    ServerOptions options;
    options.silent_units = {9};
    options.refused_holding = {300};
    TestServer server(options);
    server.set_holding(100, {1234});
    auto link = make_link(server.port(), {device("live", 1, {holding("A", 100)}, 500),
                                          device("refused", 2, {holding("R", 300)}, 500),
                                          device("absent", 9, {holding("A", 100)}, 100)});
    link->start();
    REQUIRE(eventually([&] {
        auto all = link->device_stats();
        return find(all, "live")->counts.requests >= 5 &&
               find(all, "absent")->counts.timeouts >= 2 &&
               find(all, "refused")->counts.exceptions >= 1;
    }));
    link->stop();
    const auto all = link->device_stats();
    const DeviceStats &live = *find(all, "live");
    CHECK(live.counts.timeouts == 0);
    CHECK(live.counts.exceptions == 0);
    CHECK(live.counts.invalid == 0);
    CHECK(live.counts.response_us > 0);
    CHECK(live.last_good_utc_ns > 0);
    CHECK(live.connected == 1);
    const DeviceStats &absent = *find(all, "absent");
    CHECK(absent.counts.timeouts == absent.counts.requests);
    CHECK(absent.last_good_utc_ns == 0);
    // A timeout costs about the device's timeout (100 ms).
    CHECK(absent.counts.response_us / absent.counts.requests >= 90'000);
    const DeviceStats &refused = *find(all, "refused");
    CHECK(refused.counts.exceptions >= 1);
    CHECK(refused.counts.timeouts == 0);

    // The link's totals are the devices' sums; its busy time is within its running time.
    const LinkStats stats = link->stats();
    CHECK(stats.counts.requests ==
          live.counts.requests + absent.counts.requests + refused.counts.requests);
    CHECK(stats.counts.timeouts == absent.counts.timeouts);
    CHECK(stats.counts.response_us ==
          live.counts.response_us + absent.counts.response_us + refused.counts.response_us);
}

TEST_CASE("the frame trace records only while armed, the exchange's exact bytes") {
    TestServer server;
    server.set_holding(100, {0x1234});
    auto link = make_link(server.port(), {device("live", 1, {holding("A", 100)}, 500)});
    link->start();
    REQUIRE(eventually([&] { return link->device_stats().front().counts.requests >= 3; }));
    CHECK(link->trace().recorded() == 0); // nobody looked: nothing recorded

    link->trace().arm(10s);
    REQUIRE(eventually([&] { return link->trace().recorded() >= 4; }));
    link->stop();
    const auto frames = link->trace().frames();
    REQUIRE(frames.size() >= 4);
    // Pairs: the MBAP request "tid 00 00 00 06 01 03 00 64 00 01", then the answer
    // "tid 00 00 00 05 01 03 02 12 34".
    size_t first = frames.front().direction == FrameDirection::sent ? 0 : 1;
    const TracedFrame &sent = frames[first];
    const TracedFrame &received = frames[first + 1];
    CHECK(sent.direction == FrameDirection::sent);
    CHECK(received.direction == FrameDirection::received);
    CHECK(sent.unit == 1);
    REQUIRE(sent.bytes.size() == 12);
    CHECK(hex_bytes(sent.bytes).substr(6) == "00 00 00 06 01 03 00 64 00 01");
    REQUIRE(received.bytes.size() == 11);
    CHECK(hex_bytes(received.bytes).substr(0, 5) == hex_bytes(sent.bytes).substr(0, 5)); // tid
    CHECK(hex_bytes(received.bytes).substr(6) == "00 00 00 05 01 03 02 12 34");
    CHECK(received.note == "good");
    CHECK(received.ts_utc_ns >= sent.ts_utc_ns);
}

TEST_CASE("the frame trace keeps the last frames only, cut at the longest ADU") {
    FrameTrace trace;
    std::vector<uint8_t> big(FrameTrace::kMaxFrame + 40, 0xAB);
    for (size_t i = 0; i < FrameTrace::kCapacity + 10; ++i) {
        const uint8_t n = static_cast<uint8_t>(i);
        trace.record(FrameDirection::sent, 1, &n, 1,
                     "a note longer than the slot keeps, which is cut");
    }
    trace.record(FrameDirection::received, 2, big.data(), big.size());
    const auto frames = trace.frames();
    REQUIRE(frames.size() == FrameTrace::kCapacity);
    CHECK(trace.recorded() == FrameTrace::kCapacity + 11);
    CHECK(frames.front().bytes == std::vector<uint8_t>{11}); // the 11 oldest went
    CHECK(frames[frames.size() - 2].note.size() == FrameTrace::kNoteLength);
    CHECK(frames.back().bytes.size() == FrameTrace::kMaxFrame);
    CHECK(frames.back().unit == 2);
    CHECK(hex_bytes({0x01, 0xAF, 0x00}) == "01 AF 00");
    CHECK(hex_bytes({}).empty());
}
