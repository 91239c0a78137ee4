// The site model loader: good files load; every bad one is refused with file:line:column and
// the field's path.
#include "config/diagnostics.hpp"
#include "site/loader.hpp"
#include "site/site_json.hpp"
#include "temp_site.hpp"

#include <gridscope/site.hpp>

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

TEST_CASE("gridscope/site.hpp reads back every field of the document the kernel builds") {
    TempSite t("round_trip");
    t.write("profiles/acme/switch.yaml", "profile:\n"
                                         "  name: ACME switch\n"
                                         "  maker: ACME\n"
                                         "  model: SW-1\n"
                                         "  models: [SW-1, SW-1b]\n"
                                         "  family: SWITCHES\n"
                                         "  circuits: 2\n"
                                         "  identification: {product_order_id: 300}\n"
                                         "  defaults: {type: u16}\n"
                                         "  points:\n"
                                         "    - {data: IV1Inst, circuit: 0, states: {0: Open}}\n"
                                         "  commands:\n"
                                         "    - {name: reset_all, value: 1}\n"
                                         "    - {name: reset_two, circuit: 2, value: 1}\n");
    SiteModel model = load_site(
        t.site("site: {name: \"Plant \\\"\\u00e9\\\"\", timezone: Europe/Paris}\n"
               "users: {session_idle_timeout_s: 600, languages: [fr], default_language: fr}\n"
               "sources:\n"
               "  - {name: m1, profile: acme/meter, period_ms: 500, location: B/F1,\n"
               "     circuits: [{index: 1, name: Main, fluid: gas, usage: Heating, zone: Z1,\n"
               "                 models: [metrology]},\n"
               "                {index: 2, name: Aux, fluid: gas}]}\n"
               "  - {name: sw, profile: acme/switch, enabled: false}\n"
               "hierarchies:\n"
               "  - name: H\n"
               "    fluid: gas\n"
               "    root: {name: R, loads: [m1/1], children: [{name: C, loads: [m1/2]}]}\n"),
        t.options());

    gs::site::Site site = gs::site::parse(site_to_json(model));
    CHECK(site.name == "Plant \"\xc3\xa9\"");
    CHECK(site.timezone == "Europe/Paris");
    CHECK(site.file == model.file);
    REQUIRE(site.catalog.size() == model.catalog.data.size());
    for (const auto &[name, entry] : model.catalog.data) {
        const gs::site::CatalogEntry *e = site.data(name);
        REQUIRE(e);
        CHECK(e->unit == entry.unit);
        CHECK(e->group == entry.group);
        CHECK(e->counter == entry.counter);
    }
    REQUIRE(site.model("metrology"));
    CHECK(site.model("metrology")->history_period_s ==
          model.models.at("metrology").history_period_s);
    CHECK(site.model("metrology")->data == std::vector<std::string>{"IV1Inst"});

    const gs::site::Profile *sw = site.profile("acme/switch");
    REQUIRE(sw);
    CHECK(sw->maker == "ACME");
    CHECK(sw->family == "SWITCHES");
    CHECK(sw->circuits == 2);
    CHECK(sw->models == std::vector<std::string>{"SW-1", "SW-1b"});
    CHECK(sw->identification["product_order_id"] == "300");
    CHECK(sw->defaults["type"] == "u16");
    REQUIRE(sw->data.size() == 1);
    CHECK(sw->data[0].circuit == 0);
    CHECK(sw->data[0].attrs["data"] == "IV1Inst");
    CHECK(sw->data[0].states["0"] == "Open");
    CHECK(sw->commands_for(1) == std::vector<std::string>{"reset_all"});
    CHECK(sw->has_command("reset_two", 2));
    CHECK(site.profile("acme/meter")->driver == "example_virtual_meter");

    REQUIRE(site.sources.size() == 2);
    const gs::site::Source &m1 = *site.source("m1");
    CHECK(m1.profile == "acme/meter");
    CHECK(m1.period_ms == 500);
    CHECK(m1.location == "B/F1");
    CHECK(m1.enabled);
    REQUIRE(m1.circuits.size() == 2);
    const gs::site::Circuit &main = *m1.circuit(1);
    CHECK(main.name == "Main");
    CHECK(main.fluid == "gas");
    CHECK(main.usage == "Heating");
    CHECK(main.zone == "Z1");
    CHECK(main.models == std::vector<std::string>{"metrology"});
    CHECK_FALSE(site.source("sw")->enabled);

    REQUIRE(site.hierarchies.size() == 1);
    CHECK(site.hierarchies[0].fluid == "gas");
    CHECK(site.hierarchies[0].root.loads == std::vector<std::string>{"m1/1"});
    CHECK(site.hierarchies[0].root.children.at(0).loads == std::vector<std::string>{"m1/2"});
    CHECK(site.users.session_idle_timeout_s == 600);
    CHECK(site.users.languages == std::vector<std::string>{"fr"});
    CHECK(site.users.default_language == "fr");
}

TEST_CASE("gridscope/site.hpp refuses what is not a site document") {
    CHECK_THROWS_AS(gs::site::parse("{"), gs::site::ParseError);
    CHECK_THROWS_AS(gs::site::parse("[]"), gs::site::ParseError);
    CHECK_THROWS_AS(gs::site::parse(R"({"sources": [{"name": "a", "enabled": 3}]})"),
                    gs::site::ParseError);
    std::string deep = R"({"hierarchies": [{"root": )";
    for (int i = 0; i < 70; ++i)
        deep += R"({"children": [)";
    deep += "{}";
    for (int i = 0; i < 70; ++i)
        deep += "]}";
    deep += "}]}";
    CHECK_THROWS_WITH_AS(gs::site::parse(deep), doctest::Contains("deeper than 64"),
                         gs::site::ParseError);
    // Text forms of numbers and booleans (a property-tree writer's) read as their values.
    gs::site::Site s = gs::site::parse(
        R"({"sources": [{"name": "a", "period_ms": "250", "enabled": "false", "circuits": [{"index": "3"}]}]})");
    CHECK(s.sources.at(0).period_ms == 250);
    CHECK_FALSE(s.sources.at(0).enabled);
    CHECK(s.sources.at(0).circuits.at(0).index == 3);
}
