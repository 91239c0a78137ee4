// Hierarchies are checked at load with file:line (issue 12 item 5): one fluid per hierarchy, no
// cycle of linked son hierarchies, a load (meters included) counted once per hierarchy, node
// names unique within a hierarchy, meters and tolerances well formed.
#include "site/site_json.hpp"
#include "temp_site.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gs::kernel;
using namespace gs::kernel::test;

namespace {
// m1 and m2: electricity; w: water on circuit 1.
const std::string kSources = "sources:\n"
                             "  - {name: m1, profile: acme/meter}\n"
                             "  - {name: m2, profile: acme/meter}\n"
                             "  - {name: w, profile: acme/meter, circuits: [{index: 1, fluid: "
                             "water}]}\n";

bool has(const std::string &errors, const std::string &needle) {
    INFO(errors);
    return errors.find(needle) != std::string::npos;
}
} // namespace

TEST_CASE("a node's meter, children and son hierarchies load, and reach the site JSON") {
    TempSite t("hier_good");
    std::string text = kSources + "hierarchies:\n"
                                  "  - name: Elec\n"
                                  "    balance_tolerance: 5%\n"
                                  "    root:\n"
                                  "      name: Site\n"
                                  "      meter: m1/1\n"
                                  "      loads: [m1/2]\n"
                                  "      children:\n"
                                  "        - {name: Floor, meter: m2/1, loads: [m2/2]}\n"
                                  "        - {name: Annex, hierarchies: [Sub]}\n"
                                  "  - {name: Sub, root: {name: Sub main, loads: [w/2]}}\n";
    SiteModel site = load_site(t.site(text), t.options());
    REQUIRE(site.hierarchies.size() == 2);
    CHECK(site.hierarchies[0].root.meter == "m1/1");
    CHECK(site.hierarchies[0].root.children[0].meter == "m2/1");
    CHECK(site.hierarchies[0].balance_tolerance == "5%");
    CHECK(site.hierarchies[1].balance_tolerance == "2%");
    std::string json = site_to_json(site);
    CHECK(has(json, "\"meter\": \"m1/1\""));
    CHECK(has(json, "\"balance_tolerance\": \"5%\""));
}

TEST_CASE("a load of another fluid, in a node or as a meter, is refused with file:line") {
    TempSite t("hier_fluid");
    std::string errors = errors_of(t, kSources + "hierarchies:\n"
                                                 "  - name: Elec\n"
                                                 "    root:\n"
                                                 "      name: Site\n"
                                                 "      loads: [m1/1, w/1]\n"
                                                 "      children:\n"
                                                 "        - {name: Pump, meter: w/1}\n");
    CHECK(has(errors, t.path("site.yaml") + ":8:7: field 'hierarchies[0].root.loads': load 'w/1' "
                                            "is water but hierarchy 'Elec' is electricity (one "
                                            "fluid per hierarchy)"));
    CHECK(
        has(errors, t.path("site.yaml") + ":11:11: field 'hierarchies[0].root.children[0].meter'"));
}

TEST_CASE("a son hierarchy of another fluid is refused") {
    TempSite t("hier_son_fluid");
    std::string errors =
        errors_of(t, kSources + "hierarchies:\n"
                                "  - {name: Elec, root: {name: Site, hierarchies: [Water]}}\n"
                                "  - {name: Water, fluid: water, root: {name: W, loads: [w/1]}}\n");
    CHECK(has(errors, t.path("site.yaml") +
                          ":6:24: field 'hierarchies[0].root.hierarchies': son "
                          "hierarchy 'Water' is water but 'Elec' is electricity"));
}

TEST_CASE("linked hierarchies that form a cycle are refused") {
    TempSite t("hier_cycle");
    std::string errors = errors_of(
        t, kSources + "hierarchies:\n"
                      "  - {name: A, root: {name: a, hierarchies: [B]}}\n"
                      "  - {name: B, root: {name: b, children: [{name: c, hierarchies: [A]}]}}\n");
    // Walking A, the link back is met at node c of B (line 7).
    CHECK(has(errors, t.path("site.yaml") +
                          ":7:42: field 'hierarchies[1].root.children[0].hierarchies': "
                          "hierarchy 'A' links into a cycle: A -> B -> A"));
    CHECK(has(errors, "hierarchy 'B' links into a cycle: B -> A -> B"));
    // Self-link.
    CHECK(has(errors_of(t, kSources + "hierarchies:\n"
                                      "  - {name: A, root: {name: a, hierarchies: [A]}}\n"),
              "hierarchy 'A' links into a cycle: A -> A"));
}

TEST_CASE("a meter counted again as a load, or a load counted through a son, is refused") {
    TempSite t("hier_count");
    std::string errors =
        errors_of(t, kSources + "hierarchies:\n"
                                "  - name: H\n"
                                "    root: {name: Site, meter: m1/1, loads: [m1/1]}\n");
    CHECK(has(errors, t.path("site.yaml") +
                          ":7:11: field 'hierarchies[0].root.loads': load 'm1/1' "
                          "is already counted in this hierarchy (" +
                          t.path("site.yaml") + ":7:11)"));
    errors =
        errors_of(t, kSources + "hierarchies:\n"
                                "  - {name: A, root: {name: a, loads: [m2/1], hierarchies: [B]}}\n"
                                "  - {name: B, root: {name: b, loads: [m2/1]}}\n");
    CHECK(has(errors, t.path("site.yaml") +
                          ":7:21: field 'hierarchies[1].root.loads': load "
                          "'m2/1' is already counted in hierarchy 'A', which "
                          "links this one (" +
                          t.path("site.yaml") + ":6:21)"));
}

TEST_CASE("node names are unique within a hierarchy, not across hierarchies") {
    TempSite t("hier_names");
    std::string errors = errors_of(t, kSources + "hierarchies:\n"
                                                 "  - name: H\n"
                                                 "    root:\n"
                                                 "      name: Site\n"
                                                 "      children:\n"
                                                 "        - {name: Floor, loads: [m1/1]}\n"
                                                 "        - {name: Floor, loads: [m1/2]}\n");
    CHECK(has(errors, t.path("site.yaml") +
                          ":11:11: field 'hierarchies[0].root.children[1].name': "
                          "node name 'Floor' is already used in this hierarchy (" +
                          t.path("site.yaml") + ":10:11)"));
    CHECK(errors_of(t, kSources + "hierarchies:\n"
                                  "  - {name: A, root: {name: Site, loads: [m1/1]}}\n"
                                  "  - {name: B, root: {name: Site, loads: [m1/2]}}\n") == "");
}

TEST_CASE("a meter naming no circuit and a bad balance_tolerance are refused") {
    TempSite t("hier_meter");
    std::string errors = errors_of(t, kSources + "hierarchies:\n"
                                                 "  - name: H\n"
                                                 "    balance_tolerance: lots\n"
                                                 "    root: {name: Site, meter: m9/1}\n");
    CHECK(has(errors, t.path("site.yaml") + ":7:24: field 'hierarchies[0].balance_tolerance': "
                                            "'lots' is not a tolerance"));
    CHECK(has(errors, t.path("site.yaml") + ":8:11: field 'hierarchies[0].root.meter': load "
                                            "'m9/1' names no source"));
}
