#include <doctest/doctest.h>

#include <core/store.hpp>
#include <temp_dir.hpp>

using namespace gs::store;
using gs::store::testing::TempDir;

namespace {
constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kJan1 = 1767225600;

Event make(int64_t ts_s, const char *type, const char *source, uint8_t severity, EventState state) {
    Event e;
    e.ts_utc_ns = ts_s * kNs;
    e.type = type;
    e.source = source;
    e.circuit = 3;
    e.severity = severity;
    e.state = state;
    e.message = std::string(type) + " on " + source;
    return e;
}

std::vector<std::string> types(const std::vector<Event> &events) {
    std::vector<std::string> out;
    for (auto &e : events)
        out.push_back(e.type);
    return out;
}
} // namespace

TEST_CASE("events: query filters and state changes") {
    TempDir dir;
    auto store = Store::open(dir.path());
    store->open_cursor("exporter");
    uint64_t over =
        store->append_event(make(kJan1 + 10, "overvoltage", "A", 3, EventState::active));
    uint64_t boot = store->append_event(make(kJan1 + 20, "startup", "B", 1, EventState::instant));
    uint64_t under =
        store->append_event(make(kJan1 + 30, "undervoltage", "A", 2, EventState::active));

    EventQuery by_source;
    by_source.source = "A";
    CHECK(types(store->query_events(by_source)) ==
          std::vector<std::string>{"overvoltage", "undervoltage"});
    EventQuery by_type;
    by_type.type = "startup";
    CHECK(types(store->query_events(by_type)) == std::vector<std::string>{"startup"});
    EventQuery by_severity;
    by_severity.min_severity = 2;
    CHECK(store->query_events(by_severity).size() == 2);
    EventQuery by_period;
    by_period.from_utc_ns = (kJan1 + 15) * kNs;
    by_period.to_utc_ns = (kJan1 + 30) * kNs;
    CHECK(types(store->query_events(by_period)) == std::vector<std::string>{"startup"});

    CHECK(store->finish_event(over, (kJan1 + 100) * kNs));
    CHECK_FALSE(store->finish_event(over, (kJan1 + 101) * kNs));
    CHECK_FALSE(store->finish_event(boot, (kJan1 + 101) * kNs)); // instant events do not finish
    CHECK(store->acknowledge_event(under, (kJan1 + 110) * kNs));
    CHECK_FALSE(store->acknowledge_event(under, (kJan1 + 111) * kNs));
    CHECK(store->finish_event(under, (kJan1 + 120) * kNs)); // acknowledged alarms still finish
    CHECK_FALSE(store->acknowledge_event(12345, kJan1 * kNs));

    EventQuery finished;
    finished.states = {EventState::finished};
    auto done = store->query_events(finished);
    REQUIRE(done.size() == 2);
    CHECK(done[0].id == over);
    CHECK(done[0].finished_ts_utc_ns == (kJan1 + 100) * kNs);
    CHECK(done[1].acknowledged_ts_utc_ns == (kJan1 + 110) * kNs);
    EventQuery active;
    active.states = {EventState::active, EventState::acknowledged};
    CHECK(store->query_events(active).empty());
    auto got = store->get_event(boot);
    REQUIRE(got);
    CHECK(got->message == "startup on B");

    // The journal has the three creations and the three changes, in order.
    auto entries = store->read_journal("exporter", 100);
    REQUIRE(entries.size() == 6);
    CHECK(entries[0].event.id == over);
    CHECK(entries[0].event.state == EventState::active);
    CHECK(entries[3].event.id == over);
    CHECK(entries[3].event.state == EventState::finished);
    CHECK(entries[4].event.state == EventState::acknowledged);
    CHECK(entries[5].event.state == EventState::finished);
    CHECK(entries[5].event.acknowledged_ts_utc_ns != 0);
}
