// The site model loader: good files load; every bad one is refused with file:line:column and
// the field's path.
#include "config/diagnostics.hpp"
#include "site/loader.hpp"
#include "site/site_json.hpp"
#include "temp_site.hpp"

#include <boost/property_tree/json_parser.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace gs::kernel;

using namespace gs::kernel::test;

TEST_CASE("a good site loads with its catalog, models, profiles, sources and hierarchies") {
    TempSite t("good");
    SiteModel site = load_site(
        t.site("site: {name: Plant, timezone: Europe/Paris}\n"
               "sources:\n"
               "  - name: m1\n"
               "    profile: acme/meter\n"
               "    period_ms: 500\n"
               "    location: Building A/Floor 1\n"
               "    circuits:\n"
               "      - {index: 1, name: Lights, usage: Lighting, models: [metrology]}\n"
               "hierarchies:\n"
               "  - name: Elec\n"
               "    root: {name: Site, loads: [m1/1], children: [{name: B, loads: [m1/2]}]}\n"),
        t.options());
    CHECK(site.name == "Plant");
    CHECK(site.timezone == "Europe/Paris");
    CHECK(site.catalog.find("IEaPInst")->counter);
    REQUIRE(site.sources.size() == 1);
    const Source &s = site.sources[0];
    CHECK(s.driver == "example_virtual_meter");
    CHECK(s.period_ms == 500);
    REQUIRE(s.circuits.size() == 2); // circuit 2 comes from the profile's count
    CHECK(s.circuits[0].name == "Lights");
    CHECK(s.circuits[1].index == 2);
    CHECK(s.circuits[1].name == "m1/2");
    CHECK(site.hierarchies[0].root.children[0].loads[0] == "m1/2");
}

TEST_CASE("an unknown key is refused with file, line, column and field") {
    TempSite t("unknown_key");
    std::string e = errors_of(t, "sources:\n"
                                 "  - name: m1\n"
                                 "    profile: acme/meter\n"
                                 "    circuits:\n"
                                 "      - {index: 1, fluidd: gas}\n");
    CHECK(e.find("site.yaml:5:20: field 'sources[0].circuits[0].fluidd': unknown key") !=
          std::string::npos);
}

TEST_CASE("a wrong type is refused with its position") {
    TempSite t("wrong_type");
    std::string e = errors_of(t, "sources:\n"
                                 "  - name: m1\n"
                                 "    profile: acme/meter\n"
                                 "    period_ms: fast\n");
    CHECK(
        e.find("site.yaml:4:16: field 'sources[0].period_ms': expected an integer, found 'fast'") !=
        std::string::npos);
}

TEST_CASE("missing, unknown and inconsistent references are all reported at once") {
    TempSite t("refs");
    std::string e = errors_of(t, "site: {timezone: Mars/Olympus}\n"
                                 "sources:\n"
                                 "  - name: m1\n"
                                 "    profile: acme/nope\n"
                                 "  - profile: acme/meter\n"
                                 "  - name: m3\n"
                                 "    profile: acme/meter\n"
                                 "    circuits: [{index: 3, models: [nothing]}]\n"
                                 "hierarchies:\n"
                                 "  - {name: H, root: {name: R, loads: [m9/1]}}\n");
    CHECK(e.find("site.yaml:1:18: field 'site.timezone': unknown time zone 'Mars/Olympus'") !=
          std::string::npos);
    CHECK(e.find("field 'sources[0].profile': unknown profile 'acme/nope'") != std::string::npos);
    CHECK(e.find("site.yaml:5:5: field 'sources[1].name': is required") != std::string::npos);
    CHECK(e.find("circuit 3 but profile 'acme/meter' has 2") != std::string::npos);
    CHECK(e.find("unknown model 'nothing'") != std::string::npos);
    CHECK(e.find("load 'm9/1' names no source") != std::string::npos);
}

TEST_CASE("a YAML syntax error is reported with its position") {
    TempSite t("syntax");
    std::string e = errors_of(t, "sources:\n  - name: [unclosed\n");
    CHECK(e.find("site.yaml:3:1: YAML syntax") != std::string::npos);
}

TEST_CASE("a bad profile names its own file, line and field") {
    TempSite t("bad_profile");
    t.write("profiles/acme/broken.yaml", "profile:\n"
                                         "  name: Broken\n"
                                         "  circuits: two\n"
                                         "  points:\n"
                                         "    - {data: NotInCatalog}\n");
    std::string e = errors_of(t, "sources: []\n");
    CHECK(e.find("broken.yaml:3:13: field 'profile.circuits': expected a non-negative integer, "
                 "found 'two'") != std::string::npos);
    CHECK(e.find("broken.yaml:5:7: field 'profile.points[0].data': 'NotInCatalog' is neither a "
                 "catalog data nor a custom data") != std::string::npos);
}

TEST_CASE("the repository's profiles and demo site load") {
    LoadOptions options{{std::string(GS_SOURCE_DIR) + "/profiles"}};
    SiteModel site = load_site(std::string(GS_SOURCE_DIR) + "/examples/demo/site.yaml", options);
    CHECK(site.catalog.data.size() >= 160);
    CHECK(site.models.count("metered_energy") == 1);
    CHECK(site.models.count("metrology") == 1);
    CHECK(site.profiles.count("socomec/countis-e2x") == 1);
    CHECK(!site.sources.empty());
}

TEST_CASE("the site model as JSON (service gridscope.site/1) is valid JSON with every part") {
    TempSite t("json");
    SiteModel site =
        load_site(t.site("site: {name: \"Plant \\\"A\\\"\"}\n"
                         "sources:\n  - {name: m1, profile: acme/meter, "
                         "location: B/F1, circuits: [{index: 1, usage: Lighting}]}\n"
                         "hierarchies:\n  - {name: H, root: {name: R, loads: [m1/1]}}\n"),
                  t.options());
    std::istringstream in(gs::kernel::site_to_json(site));
    boost::property_tree::ptree json;
    REQUIRE_NOTHROW(boost::property_tree::read_json(in, json));
    CHECK(json.get<std::string>("name") == "Plant \"A\"");
    CHECK(json.get_child("catalog").size() == 2);
    const auto &source = json.get_child("sources").front().second;
    CHECK(source.get<std::string>("location") == "B/F1");
    CHECK(source.get_child("circuits").size() == 2);
    const auto &profile = json.get_child("profiles").front().second;
    CHECK(profile.get<std::string>("driver") == "example_virtual_meter");
    CHECK(profile.get_child("data").front().second.get<std::string>("attrs.data") == "IV1Inst");
    CHECK(json.get<std::string>("hierarchies..name") == "H"); // ptree: list items have key ""
}

TEST_CASE("profile commands load, with their errors named by file, line and field") {
    TempSite t("commands");
    t.write("profiles/acme/resettable.yaml", "profile:\n"
                                             "  name: Resettable\n"
                                             "  circuits: 2\n"
                                             "  points:\n"
                                             "    - {data: IEaPInst, circuit: 1}\n"
                                             "  commands:\n"
                                             "    - {name: partial_energy_reset, value: 0x001F, "
                                             "address: 57890}\n"
                                             "    - {name: reset_one, circuit: 2, value: 1}\n");
    SiteModel site = load_site(t.site("sources: []\n"), t.options());
    const Profile *p = site.find_profile("acme/resettable");
    REQUIRE(p);
    REQUIRE(p->commands.size() == 2);
    CHECK(p->commands[0].name == "partial_energy_reset");
    CHECK(p->commands[0].circuit == 0);
    CHECK(p->commands[0].value == 31); // hex is a number too
    CHECK(p->commands[0].node["address"].as<int>() == 57890);
    CHECK(p->commands[1].circuit == 2);
    CHECK(gs::kernel::site_to_json(site).find(
              "\"commands\": [{\"name\": \"partial_energy_reset\", \"circuit\": 0}, "
              "{\"name\": \"reset_one\", \"circuit\": 2}]") != std::string::npos);

    t.write("profiles/acme/resettable.yaml", "profile:\n"
                                             "  name: Resettable\n"
                                             "  points:\n"
                                             "    - {data: IEaPInst, value: 3}\n"
                                             "  commands:\n"
                                             "    - {name: Bad-Name, value: 1}\n"
                                             "    - {name: ok, circuit: 4, value: 1}\n"
                                             "    - {name: ok2}\n"
                                             "    - {name: ok3, value: 1, data: IEaPInst}\n"
                                             "    - {name: ok3, value: 2}\n");
    std::string e = errors_of(t, "sources: []\n");
    INFO(e);
    CHECK(e.find("resettable.yaml:4:31: field 'profile.points[0].value': is a command key") !=
          std::string::npos);
    CHECK(e.find("resettable.yaml:6:14: field 'profile.commands[0].name': 'Bad-Name' is not a "
                 "command name") != std::string::npos);
    CHECK(e.find("field 'profile.commands[1].circuit': circuit 4 but the profile has 1") !=
          std::string::npos);
    CHECK(e.find("field 'profile.commands[2].value'") != std::string::npos);
    CHECK(e.find("field 'profile.commands[3].data': is not a command key") != std::string::npos);
    CHECK(e.find("profile.commands[4]': command 'ok3' of circuit 0 is already declared") !=
          std::string::npos);
}
