// Alarm-rate KPIs: alarms per day, floods, chattering, stale.
#include "alarms/kpi.hpp"
#include "helpers.hpp"

using namespace gs::alarms;
using namespace gs::alarms::test;

namespace {

std::vector<Activation> every(double seconds, int n, const std::string &alarm, double from = 0) {
    std::vector<Activation> out;
    for (int i = 0; i < n; ++i)
        out.push_back({at(from + i * seconds), alarm, Criticality::low});
    return out;
}

} // namespace

TEST_CASE("a flood is more than 10 alarms in 10 minutes") {
    auto ten = every(59, 10, "a"); // 10 in 531 s: no flood
    CHECK(compute_kpis(ten, {}, at(0), at(86400), at(86400)).floods.empty());
    auto eleven = every(59, 11, "a"); // 11 in 590 s
    Kpis k = compute_kpis(eleven, {}, at(0), at(86400), at(86400));
    REQUIRE(k.floods.size() == 1);
    CHECK(k.floods[0].start == at(0));
    CHECK(k.floods[0].end == at(590));
    CHECK(k.floods[0].peak == 11);
    auto spread = every(61, 11, "a"); // 11 in 610 s: never 11 within 10 minutes
    CHECK(compute_kpis(spread, {}, at(0), at(86400), at(86400)).floods.empty());
    // Two floods an hour apart.
    auto two = every(10, 20, "a");
    auto later = every(10, 20, "b", 3600);
    two.insert(two.end(), later.begin(), later.end());
    k = compute_kpis(two, {}, at(0), at(86400), at(86400));
    REQUIRE(k.floods.size() == 2);
    CHECK(k.floods[0].activations == 20);
    CHECK(k.floods[1].start == at(3600));
}

TEST_CASE("chattering is 3 activations or more of one alarm in a minute") {
    auto acts = every(29, 3, "chatty");     // 3 in 58 s
    auto slow = every(31, 3, "slow", 1000); // 3 in 62 s
    auto mixed = every(10, 1, "x", 2000);   // others do not add up
    acts.insert(acts.end(), slow.begin(), slow.end());
    acts.insert(acts.end(), mixed.begin(), mixed.end());
    Kpis k = compute_kpis(acts, {}, at(0), at(86400), at(86400));
    REQUIRE(k.chattering.size() == 1);
    CHECK(k.chattering[0].alarm == "chatty");
    CHECK(k.chattering[0].peak == 3);
    CHECK(k.chattering[0].first == at(0));
}

TEST_CASE("alarms per day over the period, by criticality; stale alarms") {
    std::vector<Activation> acts = every(3600, 48, "a"); // 48 over two days
    acts.push_back({at(-10), "before", Criticality::high});
    acts.back().criticality = Criticality::high;
    acts[0].criticality = Criticality::critical;
    Kpis k = compute_kpis(acts, {}, at(0), at(2 * 86400), at(2 * 86400));
    CHECK(k.activations == 48);
    CHECK(k.alarms_per_day == doctest::Approx(24));
    CHECK(k.by_criticality[static_cast<int>(Criticality::critical)] == 1);
    CHECK(k.by_criticality[static_cast<int>(Criticality::low)] == 47);
    CHECK(k.by_criticality[static_cast<int>(Criticality::high)] == 0);

    AlarmRecord old_one, young, cleared;
    old_one.id = 1, old_one.active = true, old_one.raised = at(0);
    young.id = 2, young.active = true, young.raised = at(3600);
    cleared.id = 3, cleared.active = false, cleared.raised = at(0);
    k = compute_kpis({}, {old_one, young, cleared}, at(0), at(1), at(86400 + 1800));
    CHECK(k.stale == std::vector<uint64_t>{1});
}

TEST_CASE("the engine logs annunciated activations for the KPIs") {
    Engine e(rules(R"(
alarms:
  - {name: hi, data: IPInst, high: 100}
)"),
             {}, in_memory());
    for (int i = 0; i < 8; ++i)
        feed(e, "m1", 1, "IPInst", i % 2 ? 50 : 150, at(i * 10));
    Kpis k = e.kpis(at(0), at(86400), at(100));
    CHECK(k.activations == 4);
    REQUIRE(k.chattering.size() == 1);
    CHECK(k.chattering[0].alarm == "hi/high@m1/1");
    CHECK(k.chattering[0].peak == 3); // 0, 20, 40 s (a minute is [t, t + 60 s))
    CHECK(k.stale.empty());
    feed(e, "m1", 1, "IPInst", 150, at(200));
    CHECK(e.kpis(at(0), at(86400), at(200 + 86401)).stale.size() == 1);
}
