// The Alarms and events page's selection: alarms and voltage events together, filters, newest
// first, paging.
#include "helpers.hpp"

using namespace gs::alarms;
using namespace gs::alarms::test;

namespace {

const char *kRules = R"(
alarms:
  - {name: hot, data: ITemp, high: 50, criticality: critical}
  - {name: low-load, data: IPInst, low: 10, criticality: low}
  - {name: en50160, kind: voltage_events, nominal_v: 230, sources: [tgbt], criticality: high}
)";

void poll_voltage(Engine &e, double v, TimeNs t) {
    SampleValue s[] = {{0, "IV1Inst", v, true}, {0, "IV2Inst", v, true}, {0, "IV3Inst", v, true}};
    e.on_samples("tgbt", t, s, 3);
}

// Ids of a page's rows, in order.
std::vector<uint64_t> ids(const QueryPage &p) {
    std::vector<uint64_t> out;
    for (const Row &r : p.rows)
        out.push_back(std::holds_alternative<AlarmRecord>(r) ? std::get<AlarmRecord>(r).id
                                                             : std::get<EventRow>(r).event.id);
    return out;
}

} // namespace

TEST_CASE("query: alarms and events together, filtered, newest first, paged") {
    Engine e(rules(kRules), {}, in_memory());
    feed(e, "m1", 1, "ITemp", 60, at(0));  // hot@m1: critical, active
    feed(e, "m2", 1, "ITemp", 70, at(10)); // hot@m2: critical
    feed(e, "m2", 1, "ITemp", 20, at(20)); //   cleared, unacked
    feed(e, "m1", 1, "IPInst", 5, at(30)); // low-load@m1: low, active
    poll_voltage(e, 230, at(40));          //
    poll_voltage(e, 150, at(41));          // a dip starts
    poll_voltage(e, 230, at(45));          // and ends
    auto all = e.records();
    REQUIRE(all.size() == 3);
    uint64_t hot1 = all[0].id, hot2 = all[1].id, low = all[2].id;
    REQUIRE(e.acknowledge({hot1}, "advanced", "seen", at(50)).acknowledged.size() == 1);

    QueryPage every = e.query({});
    CHECK(every.total == 4);
    REQUIRE(every.rows.size() == 4);
    CHECK(std::holds_alternative<EventRow>(every.rows[0])); // the dip, the newest
    const EventRow &dip = std::get<EventRow>(every.rows[0]);
    CHECK(dip.event.kind == VoltageEventKind::dip);
    CHECK(dip.criticality == Criticality::high);
    CHECK(ids(every) == std::vector<uint64_t>{dip.event.id, low, hot2, hot1});

    Query q;
    q.events = false;
    CHECK(ids(e.query(q)) == std::vector<uint64_t>{low, hot2, hot1});
    q = {};
    q.alarms = false;
    CHECK(ids(e.query(q)) == std::vector<uint64_t>{dip.event.id});
    q = {};
    q.criticalities = {Criticality::critical};
    CHECK(ids(e.query(q)) == std::vector<uint64_t>{hot2, hot1});
    q.statuses = {Status::unacked};
    CHECK(ids(e.query(q)) == std::vector<uint64_t>{hot2});
    q = {};
    q.statuses = {Status::active};
    CHECK(ids(e.query(q)) == std::vector<uint64_t>{low, hot1});
    q.statuses = {Status::cleared};
    CHECK(ids(e.query(q)) == std::vector<uint64_t>{dip.event.id, hot2});
    q = {};
    q.sources = {"m2", "tgbt"};
    CHECK(ids(e.query(q)) == std::vector<uint64_t>{dip.event.id, hot2});
    q = {};
    q.categories = {"dip", "limit"};
    CHECK(e.query(q).total == 4);
    q.categories = {"swell"};
    CHECK(e.query(q).total == 0);
    // The period: rows whose [raised, cleared] meets [from, to).
    q = {};
    q.from = at(25);
    CHECK(ids(e.query(q)) == std::vector<uint64_t>{dip.event.id, low, hot1}); // hot2 ended at 20
    q.to = at(35);
    CHECK(ids(e.query(q)) == std::vector<uint64_t>{low, hot1});
    // Paging: the total stays; the rows are the page's.
    q = {};
    q.offset = 1;
    q.limit = 2;
    QueryPage page = e.query(q);
    CHECK(page.total == 4);
    CHECK(ids(page) == std::vector<uint64_t>{low, hot2});
    q.offset = 4;
    CHECK(e.query(q).rows.empty());
    CHECK(e.query(q).total == 4);
}

TEST_CASE("query: shelved and out of service are statuses; names round-trip") {
    Engine e(rules(kRules), {}, in_memory());
    feed(e, "m1", 1, "ITemp", 60, at(0));
    feed(e, "m1", 1, "IPInst", 5, at(1));
    auto all = e.records();
    REQUIRE(all.size() == 2);
    REQUIRE(e.shelve(all[0].id, 60 * S, "advanced", at(2)).empty());
    REQUIRE(e.set_out_of_service("low-load", true, "admin", at(3)).empty());
    Query q;
    q.statuses = {Status::shelved};
    QueryPage shelved = e.query(q);
    REQUIRE(shelved.rows.size() == 1);
    CHECK(std::get<AlarmRecord>(shelved.rows[0]).rule == "hot");
    q.statuses = {Status::out_of_service};
    QueryPage oos = e.query(q);
    REQUIRE(oos.total == 1);
    CHECK(std::get<AlarmRecord>(oos.rows[0]).rule == "low-load");

    for (const char *n : {"active", "cleared", "unacked", "acked", "shelved", "out_of_service"})
        CHECK(std::string(name_of(*status_named(n))) == n);
    CHECK(!status_named("finished"));
    CHECK(criticality_named("critical") == Criticality::critical);
    CHECK(!criticality_named("urgent"));
    REQUIRE(e.rule("hot"));
    CHECK(e.rule("hot")->limits.at(0).value == 50);
    CHECK(e.rule("nothing") == nullptr);
}

TEST_CASE("query: a deep page among 50,000 finished records") {
    EngineOptions o;
    o.history_max = 100000;
    Engine e(rules(kRules), {}, o);
    for (int i = 0; i < 50000; ++i) { // 50,000 activations, acknowledged and cleared: history
        feed(e, "m1", 1, "ITemp", 60, at(2 * i));
        feed(e, "m1", 1, "ITemp", 20, at(2 * i + 1));
        auto changes = e.take_changes(); // raised, cleared
        REQUIRE(changes.size() == 2);
        REQUIRE(changes[0].kind == ChangeKind::raised);
        e.acknowledge({changes[0].record.id}, "a", "", at(2 * i + 1));
        e.take_changes(); // acknowledged, finished
    }
    Query q;
    q.limit = 100;
    q.offset = 49900;
    QueryPage p = e.query(q);
    CHECK(p.total == 50000);
    REQUIRE(p.rows.size() == 100);
    CHECK(std::get<AlarmRecord>(p.rows.back()).raised == at(0)); // the oldest is the last row
}
