// GET /api/v1/consumption's request checks and answer (consumption_api.hpp), on hand-made load
// values; consumption_test.py runs it against the real server and store.
#include "consumption_api.hpp"

#include <doctest/doctest.h>

using namespace gs::ui;
namespace gc = gs::consumption;

namespace {

constexpr int64_t kS = 1'000'000'000;

gc::Hierarchies site() {
    return gc::Hierarchies::from_site_json(nlohmann::json::parse(R"({
      "sources": [{"name": "tgbt", "circuits": [{"index": 1}, {"index": 2, "usage": "HVAC"}]}],
      "hierarchies": [{"name": "Elec", "root": {"name": "Site", "meter": "tgbt/1",
                                                "loads": ["tgbt/2"], "children": []}}]})"));
}

ConsumptionRequest parse(const std::string &query) {
    auto q = parse_query(query);
    REQUIRE(q);
    auto r = parse_consumption_request(*q, site(), {"tgbt/1", "tgbt/2"});
    INFO(query);
    REQUIRE(std::holds_alternative<ConsumptionRequest>(r));
    return std::get<ConsumptionRequest>(r);
}

} // namespace

TEST_CASE("the consumption query: defaults from the period, the root node") {
    const std::string day = "from=2026-03-29T00:00:00%2B01:00&to=2026-03-30T00:00:00%2B02:00";
    ConsumptionRequest r = parse("hierarchy=Elec&" + day);
    CHECK(r.bucket == "hour");
    CHECK_FALSE(r.node);
    CHECK(r.to_utc_ns - r.from_utc_ns == 23 * 3600 * kS);
    CHECK(parse("hierarchy=Elec&from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z").bucket ==
          "day");
    CHECK(parse("hierarchy=Elec&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z").bucket ==
          "month");
    CHECK(parse("circuit=tgbt/2,tgbt/1&bucket=week&" + day).circuits ==
          std::vector<std::string>{"tgbt/2", "tgbt/1"});
}

TEST_CASE("the consumption answer: buckets, totals and the unbalanced buckets") {
    gc::Hierarchies all = site();
    ConsumptionRequest r = parse("hierarchy=Elec&node=Site&bucket=day&from=2026-03-28T00:00:00Z"
                                 "&to=2026-03-30T00:00:00Z");
    gc::LoadReading reading;
    reading.bounds.starts = {1774652400 * kS, 1774738800 * kS}; // 28 and 29 March, Paris
    reading.bounds.ends = {1774738800 * kS, 1774821600 * kS};
    reading.values = {{"tgbt/1", {1000, 1000}}, {"tgbt/2", {900, 1030}}};
    nlohmann::json j = consumption_json(r, all, reading, "Europe/Paris", "Wh");
    CHECK(j["buckets"][0] == nlohmann::json::parse(R"(
        {"start": "2026-03-28T00:00:00+01:00", "end": "2026-03-29T00:00:00+01:00", "value": 1000,
         "parts": [{"name": "tgbt/2", "kind": "load", "value": 900},
                   {"name": "unmeasured", "kind": "unmeasured", "value": 100}]})"));
    CHECK(j["total"] == nlohmann::json::parse(R"({"value": 2000,
        "parts": [{"name": "tgbt/2", "kind": "load", "value": 1930},
                  {"name": "unmeasured", "kind": "unmeasured", "value": 70}]})"));
    // 29 March: the load counts 30 more than the meter, over the 2 % tolerance (20).
    REQUIRE(j["imbalances"].size() == 1);
    CHECK(j["imbalances"][0] == nlohmann::json::parse(R"(
        {"hierarchy": "Elec", "node": "Site", "meter": "tgbt/1",
         "start": "2026-03-29T00:00:00+01:00", "end": "2026-03-30T00:00:00+02:00",
         "meter_value": 1000, "parts_value": 1030, "tolerance": 20})"));
    CHECK(j["node"] == "Site");
    CHECK(j["by"] == "load");
    CHECK(j["unit"] == "Wh");
}
