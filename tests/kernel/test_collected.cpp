// Models decide what is collected (issue 12 item 3): a circuit collects the union of its models'
// data; `enabled: false` on a source, a circuit or a data; `history` decides what is stored.
#include "site/collected.hpp"
#include "site/site_json.hpp"
#include "temp_site.hpp"

#include <gridscope/site.hpp>

#include <doctest/doctest.h>

using namespace gs::kernel;
using namespace gs::kernel::test;

namespace {

// The data of the points the driver of source `name` is handed, as "circuit:data".
std::vector<std::string> polled(const SiteModel &site, const std::string &name) {
    const Source *s = site.find_source(name);
    REQUIRE(s);
    std::vector<std::string> out;
    for (const ProfilePoint *p : collected_points(site, *s, *site.find_profile(s->profile)))
        out.push_back(std::to_string(p->circuit) + ":" + p->data);
    return out;
}

const std::string kModels = "models:\n"
                            "  - {id: energy, name: Energy, data: [IEaPInst]}\n"
                            "  - {id: live, name: Live, history: false, datalogger: true,\n"
                            "     data: [IV1Inst]}\n";

} // namespace

TEST_CASE("a circuit polls the union of its models' data, and only the points its profile maps") {
    TempSite t("collected_union");
    // acme/meter maps IV1Inst on circuit 1 and IEaPInst on circuit 2.
    SiteModel site = load_site(t.site(kModels + "sources:\n"
                                                "  - name: all\n"
                                                "    profile: acme/meter\n"
                                                "  - name: some\n"
                                                "    profile: acme/meter\n"
                                                "    circuits:\n"
                                                "      - {index: 1, models: [energy]}\n"
                                                "      - {index: 2, models: [energy, live]}\n"
                                                "  - name: none\n"
                                                "    profile: acme/meter\n"
                                                "    circuits:\n"
                                                "      - {index: 1, models: []}\n"
                                                "      - {index: 2, models: [metrology]}\n"),
                               t.options());
    // No `models:` key: every point of the profile, as before models were applied.
    CHECK(polled(site, "all") == std::vector<std::string>{"1:IV1Inst", "2:IEaPInst"});
    // Circuit 1's model has IEaPInst, which the profile maps on circuit 2 only.
    CHECK(polled(site, "some") == std::vector<std::string>{"2:IEaPInst"});
    CHECK(polled(site, "none").empty());
    const Source &some = *site.find_source("some");
    CHECK(collects(site, some, 2, "IEaPInst"));
    CHECK(collects(site, some, 2, "IV1Inst")); // in `live`, though the profile has no such point
    CHECK_FALSE(collects(site, some, 1, "IV1Inst"));
    CHECK(collects(site, some, 0, "IV1Inst")); // the device: what any of its circuits collects
    CHECK_FALSE(collects(site, *site.find_source("none"), 0, "IEaPInst"));
}

TEST_CASE("history decides what is stored, datalogger what is published") {
    TempSite t("collected_history");
    SiteModel site = load_site(t.site(kModels + "sources:\n"
                                                "  - name: m\n"
                                                "    profile: acme/meter\n"
                                                "    circuits:\n"
                                                "      - {index: 1, models: [live]}\n"
                                                "      - {index: 2, models: [energy]}\n"),
                               t.options());
    const Source &m = *site.find_source("m");
    CHECK(polled(site, "m") == std::vector<std::string>{"1:IV1Inst", "2:IEaPInst"});
    CHECK_FALSE(keeps_history(site, m, 1, "IV1Inst")); // polled for live values only
    CHECK(keeps_history(site, m, 2, "IEaPInst"));
    CHECK(in_datalogger(site, m, 1, "IV1Inst"));
    CHECK_FALSE(in_datalogger(site, m, 2, "IEaPInst"));

    // The site document says it, and the SDK reader reads it back.
    gs::site::Site doc = gs::site::parse(site_to_json(site));
    CHECK_FALSE(doc.models.at("live").history);
    CHECK(doc.models.at("live").datalogger);
    CHECK(doc.models.at("energy").history);
    const auto &c1 = doc.sources.at(0).circuits.at(0);
    CHECK(c1.collected == std::vector<std::string>{"IV1Inst"});
    CHECK(c1.history.empty());
    CHECK(c1.datalogger == std::vector<std::string>{"IV1Inst"});
    const auto &c2 = doc.sources.at(0).circuits.at(1);
    CHECK(c2.history == std::vector<std::string>{"IEaPInst"});
}

TEST_CASE("enabled: false on a source, a circuit or a data stops its collection") {
    TempSite t("collected_enabled");
    SiteModel site =
        load_site(t.site("data:\n"
                         "  - {name: Spare, type: measure, enabled: false}\n"
                         "sources:\n"
                         "  - {name: off, profile: acme/meter, enabled: false}\n"
                         "  - name: circuit_off\n"
                         "    profile: acme/meter\n"
                         "    circuits:\n"
                         "      - {index: 1, enabled: false}\n"
                         "  - name: data_off\n"
                         "    profile: acme/meter\n"
                         "    circuits:\n"
                         "      - {index: 2, data: [{name: IEaPInst, enabled: false}]}\n"),
                  t.options());
    CHECK(polled(site, "off").empty());
    CHECK(polled(site, "circuit_off") == std::vector<std::string>{"2:IEaPInst"});
    CHECK(polled(site, "data_off") == std::vector<std::string>{"1:IV1Inst"});
    CHECK_FALSE(site.catalog.find("Spare")->enabled);
    gs::site::Site doc = gs::site::parse(site_to_json(site));
    CHECK_FALSE(doc.sources.at(1).circuits.at(0).enabled);
    CHECK(doc.sources.at(1).circuits.at(0).collected.empty());
    CHECK_FALSE(doc.catalog.at("Spare").enabled);
}

TEST_CASE("a circuit's data settings are checked with file and field") {
    TempSite t("collected_errors");
    std::string err = errors_of(t, "sources:\n"
                                   "  - name: m\n"
                                   "    profile: acme/meter\n"
                                   "    circuits:\n"
                                   "      - {index: 1, data: [{name: Nope, enabled: false}]}\n"
                                   "      - {index: 2, enabled: maybe,\n"
                                   "         data: [{name: IEaPInst}, {name: IEaPInst, on: 1}]}\n");
    INFO(err);
    CHECK(err.find("site.yaml:5:9: field 'sources[0].circuits.data': 'Nope' is not a known data") !=
          std::string::npos);
    CHECK(err.find("field 'sources[0].circuits[1].enabled': expected true or false") !=
          std::string::npos);
    CHECK(err.find("field 'sources[0].circuits[1].data[1].name': data 'IEaPInst' is listed twice "
                   "on this circuit") != std::string::npos);
    CHECK(err.find("field 'sources[0].circuits[1].data[1].on': unknown key") != std::string::npos);
}
