// The hub's sources learned from a box's description (description.hpp, learned_sources.hpp):
// the entries written into the hub's site document, hand-made entries left alone.
#include "learned_sources.hpp"

#include <doctest/doctest.h>

using namespace gs::hub;

namespace {

const char *kDescription = R"({"format": 1, "site": "Building A", "sources": [
  {"name": "tgbt", "profile": "socomec/diris-a40", "period_ms": 5000, "location": "Floor 1",
   "circuits": [{"index": 1, "name": "Main", "fluid": "electricity", "usage": "Lighting",
                 "zone": "", "models": ["metered_energy", "custom_x"], "data": ["IEaPInst"]},
                {"index": 2, "name": "tgbt/2", "models": ["custom_x"]},
                {"index": 3, "name": "tgbt/3", "models": ["metrology"]}]},
  {"name": "odd", "profile": "acme/unknown", "circuits": [{"index": 1, "models": ["metrology"]}]},
  {"name": "m2", "profile": "socomec/diris-a40", "circuits": [{"index": 1, "models": ["metrology"]}]}],
  "units": {"IEaPInst": "Wh"}})";

HubKnows hub_knows() {
    HubKnows k;
    k.profiles = {"socomec/diris-a40"};
    k.models = {"metered_energy", "metrology"};
    return k;
}

json tgbt_entry() {
    return json::parse(R"({"name": "box-01.tgbt", "profile": "socomec/diris-a40",
      "driver": "driver_mqtt", "box": "box-01", "remote_source": "tgbt", "learned": true,
      "period_ms": 5000, "location": "box-01/Floor 1",
      "circuits": [{"index": 1, "name": "Main", "fluid": "electricity", "usage": "Lighting",
                    "models": ["metered_energy"]},
                   {"index": 3, "models": ["metrology"]}]})");
}

} // namespace

TEST_CASE("a description gives one entry per source the hub can take, the box at the top") {
    Learned l = learned_entries("box-01", parse_description(kDescription), hub_knows());
    REQUIRE(l.entries.size() == 2);
    CHECK(l.entries[0] == tgbt_entry()); // the box's default circuit name is not copied
    CHECK(l.entries[1]["name"] == "box-01.m2");
    CHECK(l.entries[1]["location"] == "box-01"); // no location on the box: the box itself
    CHECK(l.entries[1]["period_ms"] == 1000);
    REQUIRE(l.problems.size() == 3);
    CHECK(l.problems[0] == "box box-01, source 'tgbt': circuit 1: model(s) custom_x unknown on "
                           "this hub: left out");
    CHECK(l.problems[1] == "box box-01, source 'tgbt': circuit 2: none of its models (custom_x) "
                           "is known on this hub: not added");
    CHECK(l.problems[2].find("source 'odd': profile 'acme/unknown' is not installed on this "
                             "hub: not added") != std::string::npos);
}

TEST_CASE("merging adds, keeps, updates and removes the box's learned entries only") {
    json site = json::parse(R"({"site": {"name": "Hub"}, "sources": [
      {"name": "local", "profile": "socomec/diris-a40", "driver": "driver_modbus", "tcp": "x:502"},
      {"name": "box-01.gone", "profile": "socomec/diris-a40", "driver": "driver_mqtt",
       "box": "box-01", "remote_source": "gone", "learned": true},
      {"name": "box-02.gone", "profile": "socomec/diris-a40", "driver": "driver_mqtt",
       "box": "box-02", "remote_source": "gone", "learned": true}]})");
    Learned l = learned_entries("box-01", parse_description(kDescription), hub_knows());
    MergeCount c = merge_learned(site, "box-01", l);
    CHECK(c.added == 2);
    CHECK(c.removed == 1);
    CHECK(c.changed());
    REQUIRE(site["sources"].size() == 4);
    CHECK(site["sources"][0]["name"] == "local");
    CHECK(site["sources"][1]["name"] == "box-02.gone"); // another box's: untouched
    CHECK(site["sources"][2] == tgbt_entry());
    // Again: nothing changes, even with the document's scalars written as text.
    site["sources"][2]["period_ms"] = "5000";
    site["sources"][2]["learned"] = "true";
    site["sources"][2]["circuits"][1]["name"] = "box-01.tgbt/3"; // the kernel's default, written
    Learned again = learned_entries("box-01", parse_description(kDescription), hub_knows());
    c = merge_learned(site, "box-01", again);
    CHECK_FALSE(c.changed());
    CHECK(c.kept == 2);
    // The box's source moved: the entry is replaced in place.
    std::string moved = kDescription;
    moved.replace(moved.find("Floor 1"), 7, "Floor 2");
    Learned l2 = learned_entries("box-01", parse_description(moved), hub_knows());
    c = merge_learned(site, "box-01", l2);
    CHECK(c.updated == 1);
    CHECK(site["sources"][2]["location"] == "box-01/Floor 2");
}

TEST_CASE("hand-made sources win: never overwritten, and their names are not taken") {
    json site = json::parse(R"({"sources": [
      {"name": "tgbt-by-hand", "profile": "socomec/diris-a40", "driver": "driver_mqtt",
       "box": "box-01", "remote_source": "tgbt", "location": "mine"},
      {"name": "box-01.m2", "profile": "socomec/diris-a40", "driver": "driver_modbus"}]})");
    const json before = site;
    Learned l = learned_entries("box-01", parse_description(kDescription), hub_knows());
    size_t problems = l.problems.size();
    MergeCount c = merge_learned(site, "box-01", l);
    CHECK_FALSE(c.changed());
    CHECK(site == before);
    REQUIRE(l.problems.size() == problems + 1);
    CHECK(l.problems.back() == "box box-01, source 'm2': not added: the name 'box-01.m2' is "
                               "taken by a source listed by hand");
}

TEST_CASE("a malformed description is refused with the reason") {
    CHECK_THROWS_WITH_AS(parse_description("[]"), "description: not a JSON object",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_description(R"({"format": 1})"),
                         "description: 'sources' must be a list", std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_description(R"({"format": 1, "sources": [{"name": "a"}]})"),
                         "description: source 'a': no profile", std::invalid_argument);
    CHECK_THROWS_WITH_AS(
        parse_description(R"({"format": 1, "sources": [{"name": "a", "profile": "p",)"
                          R"( "circuits": [{"index": 0}]}]})"),
        "description: source 'a': 'index' must be a circuit number from 1", std::invalid_argument);
    CHECK_THROWS_WITH_AS(
        parse_description(R"({"format": 1, "sources": [{"name": "a", "profile": "p"},)"
                          R"( {"name": "a", "profile": "p"}]})"),
        "description: source 'a' twice", std::invalid_argument);
}
