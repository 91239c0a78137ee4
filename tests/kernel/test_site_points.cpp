// A site source's own points and a generic Modbus device's circuits (docs/configuration.md "A
// generic Modbus device"): read by the profile points' reader, checked against the catalog, the
// source's circuits and its profile's points, every error with file:line:column and its path.
#include "config/diagnostics.hpp"
#include "site/collected.hpp"
#include "site/loader.hpp"
#include "site/site_json.hpp"
#include "temp_site.hpp"

#include <gridscope/site.hpp>

#include <doctest/doctest.h>

using namespace gs::kernel;
using namespace gs::kernel::test;

namespace {

// The test folder plus a blank generic profile (family GENERIC, one circuit, no points).
TempSite generic_site(const std::string &name) {
    TempSite t(name);
    t.write("profiles/acme/generic.yaml", "profile:\n"
                                          "  name: Generic device\n"
                                          "  family: GENERIC\n"
                                          "  driver: example_virtual_meter\n"
                                          "  circuits: 1\n");
    return t;
}

const std::string kData = "data:\n"
                          "  - {name: TankPressure, type: measure, group: custom, unit: bar}\n";

bool has(const std::string &errors, const std::string &line) {
    return errors.find(line) != std::string::npos;
}

} // namespace

TEST_CASE("a generic device takes the site's circuits and points, polled after its profile's") {
    TempSite t = generic_site("points_good");
    SiteModel site = load_site(
        t.site(kData + "sources:\n"
                       "  - name: boiler\n"
                       "    profile: acme/generic\n"
                       "    circuits:\n"
                       "      - {index: 1, name: Feed}\n"
                       "      - {index: 3, name: Tank}\n"
                       "    points:\n"
                       "      - {data: TankPressure, circuit: 3, address: 10, type: u16}\n"
                       "      - {data: IV1Inst, address: 11, type: u16, frame: f}\n"
                       "  - name: m1\n"
                       "    profile: acme/meter\n"
                       "    points:\n"
                       "      - {data: TankPressure, circuit: 2, address: 1}\n"),
        t.options());
    const Source &boiler = site.sources[0];
    CHECK(boiler.circuit_count() == 3);
    REQUIRE(boiler.circuits.size() == 3); // circuit 2 implied, with default settings
    CHECK(boiler.circuits[2].index == 2);
    CHECK(boiler.circuits[2].implied);
    REQUIRE(boiler.points.size() == 2);
    CHECK(boiler.points[0].path == "sources[0].points[0]");
    CHECK(boiler.points[1].circuit == 1); // the profile points' default
    CHECK(boiler.points[0].where.line == 10);
    CHECK(boiler.points[0].where.file == site.file);
    auto polled = collected_points(site, boiler, *site.find_profile("acme/generic"));
    REQUIRE(polled.size() == 2);
    CHECK(polled[0]->data == "TankPressure");

    // A non-generic profile keeps its circuits; its points come first, then the source's.
    const Source &m1 = site.sources[1];
    auto m1_polled = collected_points(site, m1, *site.find_profile("acme/meter"));
    REQUIRE(m1_polled.size() == 3);
    CHECK(m1_polled[0]->data == "IV1Inst");
    CHECK(m1_polled[2]->data == "TankPressure");

    // The document plugins read: each of these sources has a profile of its own with every
    // point and circuit, naming the file's profile as configured_profile.
    gs::site::Site doc = gs::site::parse(site_to_json(site));
    const auto *b = doc.source("boiler");
    REQUIRE(b);
    CHECK(b->profile == "acme/generic@boiler");
    const auto *own = doc.profile_of(*b);
    REQUIRE(own);
    CHECK(own->circuits == 3);
    REQUIRE(own->data.size() == 2);
    CHECK(own->data[0].data == "TankPressure");
    CHECK(own->data[0].circuit == 3);
    CHECK(doc.profile("acme/generic")->data.empty()); // the shared profile is untouched
    CHECK(own->models.empty());                       // no product to match at discovery
    CHECK(own->identification.is_null());
    CHECK(doc.profile("acme/meter")->models == std::vector<std::string>{"ACME meter"});
    CHECK(doc.profile("acme/meter@m1")->data.size() == 3);
    CHECK(site_to_json(site).find("\"configured_profile\": \"acme/generic\"") != std::string::npos);
    REQUIRE(b->circuits.size() == 3);
}

TEST_CASE("a source without points of its own keeps its profile in the document") {
    TempSite t = generic_site("points_none");
    SiteModel site = load_site(t.site("sources:\n  - {name: m1, profile: acme/meter}\n"
                                      "  - {name: g1, profile: acme/generic}\n"),
                               t.options());
    gs::site::Site doc = gs::site::parse(site_to_json(site));
    CHECK(doc.source("m1")->profile == "acme/meter");
    CHECK(doc.source("g1")->profile == "acme/generic");
    CHECK(doc.profiles.size() == 2);
}

TEST_CASE("each bad field of a source's point is refused with file, line, column and path") {
    TempSite t = generic_site("points_bad");
    std::string e =
        errors_of(t, kData + "sources:\n"
                             "  - name: boiler\n"
                             "    profile: acme/generic\n"
                             "    circuits: [{index: 2}]\n"
                             "    points:\n"
                             "      - {data: Nope, circuit: 1, address: 1, type: u16}\n"
                             "      - {data: TankPressure, circuit: 3, address: 2, type: u16}\n"
                             "      - {circuit: 1, address: 3, type: u16}\n"
                             "      - {data: TankPressure, circuit: 1, name: reset, value: 1}\n"
                             "      - {data: TankPressure, circuit: 1, address: 4, type: u16}\n"
                             "      - {data: TankPressure, circuit: two, address: 5}\n"
                             "      - just a text\n");
    INFO(e);
    CHECK(has(e, "site.yaml:8:16: field 'sources[0].points[0].data': 'Nope' is neither a catalog "
                 "data nor a custom data (declare it under data:)"));
    CHECK(has(e, "site.yaml:9:39: field 'sources[0].points[1].circuit': circuit 3 but source "
                 "'boiler' has 2 (add it under circuits:)"));
    CHECK(has(e, "site.yaml:10:9: field 'sources[0].points[2].data': is required"));
    CHECK(has(e, "site.yaml:11:48: field 'sources[0].points[3].name': is a command key"));
    CHECK(has(e, "site.yaml:11:62: field 'sources[0].points[3].value': is a command key"));
    CHECK(has(e, "site.yaml:12:9: field 'sources[0].points[4]': 'TankPressure' of circuit 1 is "
                 "already mapped at "));
    CHECK(has(e, "site.yaml:13:39: field 'sources[0].points[5].circuit': expected"));
    CHECK(has(e, "site.yaml:14:9: field 'sources[0].points[6]': expected a map"));
}

TEST_CASE("a source's point may not map again what its profile maps") {
    TempSite t = generic_site("points_twice");
    std::string e = errors_of(t, "sources:\n"
                                 "  - name: m1\n"
                                 "    profile: acme/meter\n"
                                 "    points:\n"
                                 "      - {data: IEaPInst, circuit: 2, address: 1}\n");
    INFO(e);
    CHECK(has(e, "site.yaml:5:9: field 'sources[0].points[0]': 'IEaPInst' of circuit 2 is already "
                 "mapped by profile 'acme/meter' at "));
    CHECK(has(e, "profiles/acme/meter.yaml:7:7"));
}

TEST_CASE("points is a list, and only a generic device takes more circuits than its profile") {
    TempSite t = generic_site("points_circuits");
    std::string e = errors_of(t, "sources:\n"
                                 "  - name: m1\n"
                                 "    profile: acme/meter\n"
                                 "    circuits: [{index: 3}]\n"
                                 "    points: {data: IV1Inst}\n");
    INFO(e);
    CHECK(has(e, "site.yaml:4:16: field 'sources[0].circuits': circuit 3 but profile 'acme/meter' "
                 "has 2 (only a generic Modbus device takes more circuits)"));
    CHECK(has(e, "site.yaml:5:13: field 'sources[0].points': expected a list"));
}
