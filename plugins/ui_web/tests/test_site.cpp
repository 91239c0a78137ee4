#include "common.hpp"
#include "monitor.hpp"
#include "perimeter.hpp"

#include <doctest/doctest.h>

using namespace gs::ui;

namespace {
std::vector<std::string> view_ids(const json &monitor) {
    std::vector<std::string> out;
    for (const auto &v : monitor["views"])
        out.push_back(v["id"]);
    return out;
}
const json *child(const json &nodes, const std::string &name) {
    for (const auto &n : nodes)
        if (n["name"] == name) return &n;
    return nullptr;
}
} // namespace

TEST_CASE("the site JSON is read") {
    SiteModel site = test_site();
    CHECK(site.name == "Test site");
    CHECK(site.sources.size() == 4);
    CHECK(site.source("dw")->period_ms == 500);
    CHECK(site.source("dw")->circuits.size() == 3);
    CHECK(site.profile_of(*site.source("tgbt"))->model == "DIRIS A40");
    CHECK(site.data("IEaPInst")->unit == "Wh");
    CHECK(site.idle_timeout_s == 600);
    CHECK(site.default_language == "fr");
    CHECK(site.hierarchies.at(0).root.children.at(0).loads.size() == 3);
}

TEST_CASE("a malformed site JSON is refused with a message") {
    CHECK_THROWS_AS(SiteModel::parse("{"), std::invalid_argument);
    CHECK_THROWS_AS(SiteModel::parse("[]"), std::invalid_argument);
    CHECK_THROWS_AS(SiteModel::parse(R"({"catalog": [{"name": "x", "counter": "yes"}]})"),
                    std::invalid_argument);
    CHECK(SiteModel::parse("{}").sources.empty());
}

TEST_CASE("perimeter by location counts loads at every level") {
    SiteModel site = test_site();
    json tree = *perimeter_tree(site, "location", "");
    CHECK(tree["loads"] == 6);
    const json *a = child(tree["nodes"], "Building A");
    REQUIRE(a);
    CHECK((*a)["loads"] == 4);
    const json *f2 = child((*a)["children"], "Floor 2");
    REQUIRE(f2);
    const json &dw = (*f2)["children"][0];
    CHECK(dw["type"] == "device");
    CHECK(dw["loads"] == 3);
    CHECK(dw["children"].size() == 3);
    CHECK(dw["children"][1]["circuit"] == 2);
    const json *f1 = child((*a)["children"], "Floor 1");
    CHECK((*f1)["children"][0]["circuit"] == 1); // a single-circuit device carries its circuit
    CHECK((*f1)["children"][0]["detail"] == "Main");
    // a source without location sits at the top
    const json *pm = child(tree["nodes"], "pm");
    REQUIRE(pm);
    CHECK((*pm)["type"] == "device");
}

TEST_CASE("perimeter by usage and fluid; unassigned folders are flagged") {
    SiteModel site = test_site();
    json usage = *perimeter_tree(site, "usage", "");
    CHECK((*child(usage["nodes"], "Lighting"))["loads"] == 2);
    json fluid = *perimeter_tree(site, "fluid", "");
    CHECK((*child(fluid["nodes"], "electricity"))["loads"] == 5);
    const json *none = child(fluid["nodes"], "");
    REQUIRE(none);
    CHECK((*none)["unassigned"] == true);
    CHECK((*none)["loads"] == 1);
}

TEST_CASE("perimeter by hierarchy skips unknown loads") {
    json tree = *perimeter_tree(test_site(), "hierarchy", "");
    CHECK(tree["loads"] == 3);
    CHECK(tree["nodes"][0]["name"] == "Electricity");
}

TEST_CASE("perimeter by hierarchy: meters first, son hierarchies under their node") {
    json doc = json::parse(read_text(std::string(UI_WEB_TEST_DATA) + "/site.json"));
    auto &root = doc["hierarchies"][0]["root"];
    root["meter"] = "pm/1";
    root["children"][0]["hierarchies"] = json::array({"Floor 2 sockets"});
    doc["hierarchies"].push_back({{"name", "Floor 2 sockets"},
                                  {"fluid", "electricity"},
                                  {"root",
                                   {{"name", "Sockets board"},
                                    {"loads", json::array({"dw/2"})},
                                    {"hierarchies", json::array()},
                                    {"children", json::array()}}}});
    json tree = *perimeter_tree(SiteModel::parse(doc.dump()), "hierarchy", "");
    REQUIRE(tree["nodes"].size() == 1); // the son hangs under Floor 2, not at the top
    const json &top = tree["nodes"][0];
    CHECK(top["name"] == "Electricity");
    CHECK(top["top"] == true);
    CHECK(top["hierarchy"] == "Electricity");
    const json &site = top["children"][0];
    CHECK(site["name"] == "Site");
    CHECK(site["hierarchy"] == "Electricity");
    CHECK_FALSE(site.contains("top"));
    CHECK(site["children"][0]["source"] == "pm"); // the meter, first
    CHECK(site["children"][0]["meter"] == true);
    CHECK(site["children"][1]["source"] == "tgbt");
    CHECK_FALSE(site["children"][1].contains("meter"));
    const json &floor = site["children"][2];
    CHECK(floor["name"] == "Floor 2");
    const json &son = floor["children"].back();
    CHECK(son["name"] == "Floor 2 sockets");
    CHECK(son["top"] == true);
    CHECK(son["hierarchy"] == "Floor 2 sockets");
    CHECK(son["children"][0]["name"] == "Sockets board");
    CHECK(son["children"][0]["hierarchy"] == "Floor 2 sockets");
    CHECK(son["children"][0]["children"][0]["circuit"] == 2);
    CHECK(tree["loads"] == 4); // tgbt/1, dw/1, dw/2 and the meter pm/1
}

TEST_CASE("perimeter filter keeps matches and their ancestors, and recounts") {
    SiteModel site = test_site();
    json tree = *perimeter_tree(site, "location", "i35");
    CHECK(tree["loads"] == 1);
    const json &a = tree["nodes"][0];
    CHECK(a["name"] == "Building A");
    CHECK(a["loads"] == 1);
    // a matching folder keeps its whole subtree
    json b = *perimeter_tree(site, "location", "building b");
    CHECK(b["loads"] == 1);
    // filter by device model
    json m = *perimeter_tree(site, "location", "PM8000");
    CHECK(m["loads"] == 1);
    CHECK((*perimeter_tree(site, "location", "zzz"))["nodes"].empty());
    CHECK_FALSE(perimeter_tree(site, "photoview", ""));
}

TEST_CASE("monitor views follow the device's data") {
    SiteModel site = test_site();
    json diris = monitor_description(site, *site.source("tgbt"), 1);
    CHECK(view_ids(diris) == std::vector<std::string>{"network-summary", "load-summary",
                                                      "load-currents-voltages", "load-power",
                                                      "load-energy", "load-quality"});
    CHECK(diris["network_type"] == "3P+N");
    CHECK(diris["data"].size() == 8);
    CHECK(diris["data"][0]["unit"] == "V");

    // a Digiware circuit sees its own current and the device-wide voltage
    json dw = monitor_description(site, *site.source("dw"), 2);
    CHECK(dw["data"].size() == 2);
    CHECK(dw["circuit_name"] == "Sockets");
    CHECK(dw["network_type"] == "1P+N");

    json ats = monitor_description(site, *site.source("ats"), 1);
    CHECK(view_ids(ats) == std::vector<std::string>{"atys-status"});
    CHECK(ats["data"][0]["states"]["3"] == "II");

    json pm = monitor_description(site, *site.source("pm"), 1);
    CHECK(view_ids(pm) == std::vector<std::string>{"load-power", "load-energy", "data-table"});
}
