// What a driver declares of an identified device (gridscope.device/1, site/identified.hpp):
// checked against the model, then the source takes the identified profile and the device's
// circuits, keeping what the site file configures.
#include "site/collected.hpp"
#include "site/identified.hpp"
#include "site/site_json.hpp"
#include "temp_site.hpp"

#include <gridscope/plugin.h>
#include <gridscope/site.hpp>

#include <doctest/doctest.h>

#include <algorithm>

using namespace gs::kernel;
using namespace gs::kernel::test;

namespace {

// A placeholder with 6 circuits and no points, and a 4-circuit device it may turn out to be.
SiteModel auto_site(TempSite &t) {
    t.write("profiles/acme/auto.yaml", "profile:\n"
                                       "  name: ACME device identified at start\n"
                                       "  driver: example_virtual_meter\n"
                                       "  circuits: 6\n"
                                       "  points: []\n");
    t.write("profiles/acme/four.yaml", "profile:\n"
                                       "  name: ACME four loads\n"
                                       "  driver: example_virtual_meter\n"
                                       "  circuits: 4\n"
                                       "  points:\n"
                                       "    - {data: IEaPInst, circuit: 1}\n"
                                       "    - {data: IV1Inst, circuit: 1}\n"
                                       "    - {data: IEaPInst, circuit: 2}\n"
                                       "    - {data: IV1Inst, circuit: 2}\n"
                                       "    - {data: IEaPInst, circuit: 3}\n"
                                       "    - {data: IEaPInst, circuit: 4}\n");
    return load_site(t.site("models:\n"
                            "  - {id: energy, name: Energy, data: [IEaPInst]}\n"
                            "sources:\n"
                            "  - name: dev\n"
                            "    profile: acme/auto\n"
                            "    circuits:\n"
                            "      - {index: 2, name: Offices, models: [energy]}\n"
                            "      - {index: 5, name: Spare}\n"
                            "  - {name: off, profile: acme/auto, enabled: false}\n"),
                     t.options());
}

std::vector<uint32_t> indices(const Source &s) {
    std::vector<uint32_t> out;
    for (const auto &c : s.circuits)
        out.push_back(c.index);
    return out;
}

} // namespace

TEST_CASE("a declaration is checked against the site") {
    TempSite t("identified_check");
    SiteModel site = auto_site(t);
    int32_t code = GS_OK;
    CHECK(check_identified(site, "dev", {"acme/four", {1, 2, 3}}, code).empty());
    CHECK(code == GS_OK);
    CHECK(check_identified(site, "nope", {"acme/four", {1}}, code) == "no source 'nope'");
    CHECK(code == GS_ERR_NOT_FOUND);
    CHECK(check_identified(site, "dev", {"acme/none", {1}}, code) ==
          "no profile 'acme/none' in the site");
    CHECK(code == GS_ERR_NOT_FOUND);
    CHECK(check_identified(site, "off", {"acme/four", {1}}, code) == "source 'off' is disabled");
    CHECK(code == GS_ERR_STATE);
    for (auto bad : {std::vector<uint32_t>{0}, {5}, {2, 1}, {1, 1}}) {
        CAPTURE(bad.front());
        CHECK_FALSE(check_identified(site, "dev", {"acme/four", bad}, code).empty());
        CHECK(code == GS_ERR_INVALID_ARG);
    }
}

TEST_CASE("the source takes the identified profile and the device's circuits") {
    TempSite t("identified_apply");
    SiteModel site = auto_site(t);
    std::vector<uint32_t> before = indices(*site.find_source("dev")); // the file's first
    std::sort(before.begin(), before.end());
    CHECK(before == std::vector<uint32_t>{1, 2, 3, 4, 5, 6});
    std::vector<std::string> warnings;
    apply_identified(site, "dev", {"acme/four", {1, 2, 3}}, warnings);
    const Source &dev = *site.find_source("dev");
    CHECK(dev.profile == "acme/four");
    CHECK(dev.configured_profile == "acme/auto");
    // The placeholder's implied circuits 4 and 6 go; the file's circuit 5 stays, with a warning.
    CHECK(indices(dev) == std::vector<uint32_t>{1, 2, 3, 5});
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("circuit 5 of 'dev' is configured but the device (acme/four) does not "
                           "have it") != std::string::npos);
    CHECK(dev.circuits[0].name == "dev/1");
    CHECK(dev.circuits[1].name == "Offices"); // the file's settings and models
    // The circuits' models decide what is polled of the identified profile.
    std::vector<std::string> polled;
    for (const ProfilePoint *p : collected_points(site, dev, *site.find_profile(dev.profile)))
        polled.push_back(std::to_string(p->circuit) + ":" + p->data);
    CHECK(polled ==
          std::vector<std::string>{"1:IEaPInst", "1:IV1Inst", "2:IEaPInst", "3:IEaPInst"});
    // Applied again (a reload keeps the declaration): the same model.
    std::vector<std::string> again;
    apply_identified(site, "dev", {"acme/four", {1, 2, 3}}, again);
    CHECK(indices(*site.find_source("dev")) == std::vector<uint32_t>{1, 2, 3, 5});
    CHECK(site.find_source("dev")->configured_profile == "acme/auto");
    // The site document says what the device is and what the file said.
    gs::site::Site doc = gs::site::parse(site_to_json(site));
    CHECK(doc.sources.at(0).profile == "acme/four");
    CHECK(site_to_json(site).find("\"configured_profile\": \"acme/auto\"") != std::string::npos);
}
