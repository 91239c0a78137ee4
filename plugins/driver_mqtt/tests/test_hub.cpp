// The hub's side without a broker: a box's messages become the hub's batches and events, and a
// box that goes offline shows its sources offline.
#include "hub.hpp"

#include <gridscope/testing.hpp>

#include <doctest/doctest.h>

using namespace gs::hub;

namespace {

gs::Source source_of(const std::string &name,
                     std::vector<std::pair<uint32_t, std::string>> points) {
    gs::Source s;
    s.name = name;
    s.profile = "examples/virtual-meter";
    s.circuit_count = 1;
    s.period_ms = 1000;
    for (auto &[c, d] : points)
        s.points.push_back(gs::Point{c, d, "", {}});
    return s;
}

struct Fixture {
    gs::testing::FakeHost fake;
    bool stopping = false;
    std::vector<std::pair<std::string, BoxDescription>> described;
    Hub hub{fake.host(), [this] { return stopping; },
            [this](const std::string &box, BoxDescription d, std::string) {
                described.emplace_back(box, std::move(d));
            }};
    Fixture() {
        for (const char *box : {"box-01", "box-02", "box-03"})
            hub.add_box(box);
        hub.add_source(source_of("box-01.m1", {{1, "IV1Inst"}, {1, "IEaPInst"}}), "box-01", "m1");
        hub.add_source(source_of("box-01.m2", {{1, "IV1Inst"}}), "box-01", "m/2");
        hub.add_source(source_of("box-02.m1", {{1, "IV1Inst"}}), "box-02", "m1");
    }
};

} // namespace

TEST_CASE("a poll becomes a batch of the hub's source, with its original timestamp") {
    Fixture f;
    f.hub.on_message("box-01", "m1/1",
                     R"({"ts": 1700000000123, "values": {"IV1Inst": 230.5, "IEaPInst": 42, )"
                     R"("II1Inst": 3}, "quality": {}})");
    auto batches = f.fake.samples_copy();
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].source == "box-01.m1");
    CHECK(batches[0].ts_utc_ns == 1700000000123LL * 1000000);
    REQUIRE(batches[0].values.size() == 2); // II1Inst: not collected by the hub's circuit
    CHECK(batches[0].values[0].data == "IEaPInst");
    CHECK(batches[0].values[0].value == 42);
    CHECK(batches[0].values[1].value == 230.5);
    CHECK(batches[0].values[1].quality == GS_QUALITY_GOOD);
    // A source name with '/' travels as '_' in the topic.
    f.hub.on_message(
        "box-01", "m_2/1",
        R"({"ts": 5, "values": {"IV1Inst": null}, "quality": {"IV1Inst": "timeout"}})");
    batches = f.fake.samples_copy();
    REQUIRE(batches.size() == 2);
    CHECK(batches[1].source == "box-01.m2");
    CHECK(batches[1].values[0].quality == GS_QUALITY_TIMEOUT);
    // The same source name on another box feeds that box's source only.
    f.hub.on_message("box-02", "m1/1", R"({"ts": 6, "values": {"IV1Inst": 1}})");
    CHECK(f.fake.samples_copy().back().source == "box-02.m1");
    CHECK(f.hub.counters("box-01").messages == 2);
    CHECK(f.hub.counters("box-01").rejected == 0);
}

TEST_CASE("what the hub does not keep is counted and logged, never published") {
    Fixture f;
    f.hub.on_message("box-01", "unknown/1", R"({"ts": 1, "values": {"IV1Inst": 1}})");
    f.hub.on_message("box-01", "m1/2", R"({"ts": 1, "values": {"IV1Inst": 1}})");
    f.hub.on_message("box-01", "m1/1", "{not json");
    f.hub.on_message("box-01", "status", "sleepy");
    f.hub.on_message("box-01", "m1/1", R"({"ts": 1, "values": {"II1Inst": 1}})"); // no kept data
    f.hub.on_message("box-01", "homeassistant/x", "whatever"); // not a gridscope topic
    CHECK(f.fake.samples_copy().empty());
    CHECK(f.hub.counters("box-01").rejected == 4);
    CHECK(f.hub.counters("box-01").messages == 5);
    bool named = false;
    for (const auto &[level, text] : f.fake.logs)
        named =
            named || text.find("no source of this hub is fed by 'unknown'") != std::string::npos;
    CHECK(named);
}

TEST_CASE("a box's offline status makes its sources offline until it is online again") {
    Fixture f;
    f.fake.utc_ns = 1800000000000000000;
    f.hub.on_message("box-01", "status", "online"); // first contact: nothing to report
    CHECK(f.fake.events_copy().empty());
    f.hub.on_message("box-01", "status", "offline");
    auto batches = f.fake.samples_copy();
    REQUIRE(batches.size() == 2); // one per source of box-01, none for box-02
    for (const auto &b : batches) {
        CHECK(b.source.rfind("box-01.", 0) == 0);
        CHECK(b.ts_utc_ns == f.fake.utc_ns);
        for (const auto &v : b.values)
            CHECK(v.quality == GS_QUALITY_DISCONNECTED);
    }
    CHECK(batches[0].values.size() + batches[1].values.size() == 3);
    auto events = f.fake.events_copy();
    REQUIRE(events.size() == 2);
    CHECK(events[0].type == "comm.lost");
    CHECK(events[0].state == GS_EVENT_STATE_ACTIVE);
    CHECK(events[0].message.find("box box-01") != std::string::npos);
    // Said twice (the will after a clean offline): reported once.
    f.hub.on_message("box-01", "status", "offline");
    CHECK(f.fake.events_copy().size() == 2);
    // Queued data delivered after the will does not end it; `online` does.
    f.hub.on_message("box-01", "m1/1", R"({"ts": 7, "values": {"IV1Inst": 1}})");
    CHECK(f.fake.events_copy().size() == 2);
    f.hub.on_message("box-01", "status", "online");
    events = f.fake.events_copy();
    REQUIRE(events.size() == 4);
    CHECK(events[3].type == "comm.restored");
    CHECK(events[3].state == GS_EVENT_STATE_INSTANT);
}

TEST_CASE("a lost broker makes the box's sources offline; its data brings them back") {
    Fixture f;
    f.hub.broker_lost("box-02", "lost the broker 127.0.0.1:1: connection refused");
    auto batches = f.fake.samples_copy();
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].source == "box-02.m1");
    CHECK(batches[0].values[0].quality == GS_QUALITY_DISCONNECTED);
    f.hub.broker_lost("box-02", "again");
    CHECK(f.fake.samples_copy().size() == 1);
    f.hub.on_message("box-02", "m1/1", R"({"ts": 8, "values": {"IV1Inst": 2}})");
    auto events = f.fake.events_copy();
    REQUIRE(events.size() == 2);
    CHECK(events[1].type == "comm.restored");
    CHECK(f.fake.samples_copy().back().values[0].quality == GS_QUALITY_GOOD);
}

TEST_CASE("a box's events become the hub's, on the hub's source names") {
    Fixture f;
    f.hub.on_message("box-01", "events",
                     R"({"ts": 1700000000000, "type": "comm.lost", "source": "m/2", "circuit": 0, )"
                     R"("severity": "high", "state": "active", "message": "communication lost"})");
    f.hub.on_message("box-01", "events",
                     R"({"ts": 1700000000001, "type": "site.note", "source": null, "circuit": 0, )"
                     R"("severity": "info", "state": "instant", "message": "reloaded"})");
    f.hub.on_message(
        "box-01", "events",
        R"({"ts": 1700000000002, "type": "comm.lost", "source": "other", "circuit": 1, )"
        R"("severity": "low", "state": "finished", "message": "x"})");
    auto events = f.fake.events_copy();
    REQUIRE(events.size() == 3);
    CHECK(events[0].source == "box-01.m2");
    CHECK(events[0].ts_utc_ns == 1700000000000LL * 1000000);
    CHECK(events[0].severity == GS_SEVERITY_HIGH);
    CHECK(events[1].source.empty());
    CHECK(events[1].message == "box-01: reloaded");
    CHECK(events[2].source.empty());
    CHECK(events[2].circuit == 0);
    CHECK(events[2].message == "box-01: other: x");
    CHECK(events[2].state == GS_EVENT_STATE_FINISHED);
}

TEST_CASE("a full bus holds the message until it is taken, or the plugin stops") {
    Fixture f;
    f.fake.publish_result = GS_ERR_RETRY_LATER;
    f.stopping = true; // else the call would wait for the bus
    f.hub.on_message("box-01", "m1/1", R"({"ts": 1, "values": {"IV1Inst": 1}})");
    CHECK(f.fake.samples_copy().empty());
}

TEST_CASE("one box source feeds one hub source") {
    Fixture f;
    CHECK_THROWS_AS(f.hub.add_source(source_of("again", {{1, "IV1Inst"}}), "box-01", "m1"),
                    gs::InvalidArgument);
}

TEST_CASE("a box's description goes to the learner, parsed; a bad one is refused") {
    Fixture f;
    f.hub.on_message("box-03", "description",
                     R"({"format": 1, "site": "B3", "sources": [{"name": "m9", )"
                     R"("profile": "examples/virtual-meter", "circuits": [{"index": 1}]}]})");
    REQUIRE(f.described.size() == 1);
    CHECK(f.described[0].first == "box-03"); // a box without any source yet is received too
    REQUIRE(f.described[0].second.sources.size() == 1);
    CHECK(f.described[0].second.sources[0].name == "m9");
    f.hub.on_message("box-03", "description", R"({"format": 2, "sources": []})");
    f.hub.on_message("box-03", "description", ""); // the retained message removed: nothing
    CHECK(f.described.size() == 1);
    CHECK(f.hub.counters("box-03").rejected == 1);
    CHECK_THROWS_AS(f.hub.add_source(source_of("x", {{1, "IV1Inst"}}), "box-09", "x"),
                    gs::InvalidArgument);
}

TEST_CASE("data for a source being learned are held, then replayed by the next driver") {
    Fixture f;
    f.hub.on_message("box-03", "description",
                     R"({"format": 1, "sources": [{"name": "m9", "profile": "p"}]})");
    f.hub.on_message("box-03", "m9/1", R"({"ts": 7, "values": {"IV1Inst": 1}})");
    f.hub.on_message("box-03", "other/1", R"({"ts": 7, "values": {"IV1Inst": 1}})");
    CHECK(f.fake.samples_copy().empty());
    CHECK(f.hub.counters("box-03").rejected == 1); // `other` is not described: refused
    Hub::Held held = f.hub.take_held();
    REQUIRE(held["box-03"].size() == 1);
    // The driver the learn's reload starts has the source.
    gs::testing::FakeHost fake;
    Hub next{fake.host(), [] { return false; }};
    next.add_box("box-03");
    next.add_source(source_of("box-03.m9", {{1, "IV1Inst"}}), "box-03", "m9");
    next.replay(held);
    auto batches = fake.samples_copy();
    REQUIRE(batches.size() == 1);
    CHECK(batches[0].source == "box-03.m9");
    CHECK(batches[0].ts_utc_ns == 7000000);
    CHECK(f.hub.take_held().empty());
}
