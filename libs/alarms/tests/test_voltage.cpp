// EN 50160-style voltage events from polled RMS values.
#include "alarms/voltage_events.hpp"
#include "helpers.hpp"

using namespace gs::alarms;
using namespace gs::alarms::test;

namespace {

struct Run {
    VoltageDetector det{"v", "tgbt", 0, 230.0, 3};
    uint64_t next_id = 1;
    std::vector<VoltageEvent> events;
    void poll(double v1, double v2, double v3, TimeNs t) {
        for (std::size_t p = 0; p < 3; ++p) {
            for (auto &u : det.update(p, p == 0 ? v1 : p == 1 ? v2 : v3, t, next_id))
                if (u.what != VoltageDetector::What::updated) events.push_back(u.event);
        }
    }
};

} // namespace

TEST_CASE("a dip across three phases is one event, from the first crossing to the last recovery") {
    Run r;
    r.poll(230, 231, 229, at(0));
    r.poll(200, 231, 229, at(1)); // phase 1 at 87 %
    r.poll(150, 190, 229, at(2)); // phase 2 joins
    r.poll(160, 180, 200, at(3)); // phase 3 joins; phase 2 lowest 78 %
    r.poll(230, 205, 229, at(4)); // phase 2 at 89 %: still crossed
    r.poll(230, 210, 229, at(5)); // 91.3 %: inside the hysteresis band, still crossed
    CHECK(r.events.size() == 1);  // the start
    r.poll(230, 213, 229, at(6)); // 92.6 %: every phase recovered
    REQUIRE(r.events.size() == 2);
    const VoltageEvent &e = r.events[1];
    CHECK(e.id == r.events[0].id);
    CHECK(e.kind == VoltageEventKind::dip);
    CHECK(e.start == at(1));
    CHECK(e.end == at(6));
    CHECK(e.duration() == 5 * S);
    CHECK(e.phases == 7u);
    CHECK(e.extreme_v == 150);
    CHECK(e.extreme_pct() == doctest::Approx(65.217).epsilon(0.001));
    CHECK(e.depth_pct() == doctest::Approx(34.783).epsilon(0.001));
    CHECK(std::string(VoltageEvent::kMethod).find("not IEC 61000-4-30 class A") !=
          std::string::npos);
}

TEST_CASE("an interruption: every phase below 5 %; one phase below 5 % is a dip") {
    Run r;
    r.poll(230, 230, 230, at(0));
    r.poll(5, 230, 230, at(1));
    r.poll(230, 230, 230, at(2));
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[1].kind == VoltageEventKind::dip);
    CHECK(r.events[1].phases == 1u);
    r.poll(100, 3, 2, at(10));
    r.poll(1, 0, 2, at(11));
    r.poll(230, 230, 230, at(400));
    REQUIRE(r.events.size() == 4);
    CHECK(r.events[3].kind == VoltageEventKind::interruption);
    CHECK(r.events[3].start == at(10));
    CHECK(r.events[3].long_interruption()); // > 3 min
    CHECK(r.events[3].extreme_v == 0);
}

TEST_CASE("a swell above 110 %, ending at 108 %; a dip and a swell at once are two events") {
    Run r;
    r.poll(230, 230, 230, at(0));
    r.poll(256, 230, 230, at(1)); // 111.3 %
    r.poll(250, 200, 230, at(2)); // 108.7 %: still; phase 2 dips
    r.poll(248, 230, 230, at(3)); // 107.8 %: swell ends; dip ends
    REQUIRE(r.events.size() == 4);
    CHECK(r.events[0].kind == VoltageEventKind::swell);
    CHECK(r.events[1].kind == VoltageEventKind::dip);
    const VoltageEvent &swell =
        r.events[3].kind == VoltageEventKind::swell ? r.events[3] : r.events[2];
    CHECK(swell.end == at(3));
    CHECK(swell.extreme_v == 256);
    CHECK(swell.depth_pct() == doctest::Approx(11.304).epsilon(0.001));
}

TEST_CASE("the engine turns polls into voltage events, and a running one survives a restart") {
    TempDir dir;
    const char *yaml = R"(
alarms:
  - {name: en50160, kind: voltage_events, nominal_v: 230, sources: [tgbt]}
)";
    auto poll = [](Engine &e, const char *src, double v1, double v2, double v3, TimeNs t) {
        SampleValue v[] = {{0, "IV1Inst", v1, true},
                           {0, "IV2Inst", v2, true},
                           {0, "IV3Inst", v3, true},
                           {0, "IPInst", 1000, true}};
        e.on_samples(src, t, v, 4);
    };
    {
        Engine e(rules(yaml), {}, in_dir(dir));
        poll(e, "tgbt", 230, 230, 230, at(0));
        poll(e, "other", 100, 100, 100, at(0)); // not selected
        poll(e, "tgbt", 180, 190, 230, at(1));
        auto changes = e.take_changes();
        REQUIRE(changes.size() == 1);
        CHECK(changes[0].kind == ChangeKind::voltage_started);
        CHECK(e.voltage_events().size() == 1);
    }
    Engine e(rules(yaml), {}, in_dir(dir));
    REQUIRE(e.voltage_events().size() == 1);
    poll(e, "tgbt", 170, 230, 230, at(20));
    poll(e, "tgbt", 230, 230, 230, at(21));
    auto events = e.voltage_events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].start == at(1));
    CHECK(events[0].end == at(21));
    CHECK(events[0].extreme_v == 170);
    CHECK(events[0].phases == 3u);
    auto changes = e.take_changes();
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].kind == ChangeKind::voltage_ended);
}
