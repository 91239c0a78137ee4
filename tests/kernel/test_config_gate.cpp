// `check` is `run`'s gate (issue 10, findings 3, 6 and 8): what yaml-cpp lets through silently
// is refused with file:line before any tree is built, in bounded time and memory.
#include "config/yaml_file.hpp"
#include "temp_site.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

using namespace gs::kernel;
using namespace gs::kernel::test;

namespace {
const std::string kSource = "sources:\n  - {name: m1, profile: acme/meter}\n";

bool has(const std::string &errors, const std::string &needle) {
    INFO(errors);
    return errors.find(needle) != std::string::npos;
}
} // namespace

TEST_CASE("UTF-8 is checked byte by byte: overlong forms, surrogates and stray bytes fail") {
    int line = 0, column = 0;
    CHECK_FALSE(first_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x8c\n", line, column));
    for (const char *bad :
         {"\xff", "\xc3", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80", "\xe2\x82", "\x80"}) {
        CAPTURE(std::string(bad));
        CHECK(first_invalid_utf8(std::string("ok\nab") + bad + "cd", line, column));
        CHECK(line == 2);
        CHECK(column == 3);
    }
}

TEST_CASE("invalid UTF-8 in the site file is refused with its line and column") {
    TempSite t("utf8_site");
    std::string errors = errors_of(t, "site: {name: \"Caf\xe9\"}\n" + kSource);
    CHECK(has(errors, t.path("site.yaml") + ":1:18: "));
    CHECK(has(errors, "not valid UTF-8"));
}

TEST_CASE("invalid UTF-8 in a profile is refused with the profile's file and line") {
    TempSite t("utf8_profile");
    t.write("profiles/acme/meter.yaml", "profile:\n"
                                        "  name: ACME \xed\xa0\x80 meter\n"
                                        "  driver: example_virtual_meter\n"
                                        "  points: [{data: IV1Inst, circuit: 1}]\n");
    std::string errors = errors_of(t, kSource);
    CHECK(has(errors, t.path("profiles/acme/meter.yaml") + ":2:14: "));
    CHECK(has(errors, "not valid UTF-8"));
}

TEST_CASE("a key written twice is refused where it is written the second time") {
    TempSite t("duplicate_keys");
    SUBCASE("site: twice at the top") {
        std::string errors = errors_of(t, "site: {name: A}\n" + kSource + "site: {name: B}\n");
        CHECK(has(errors, t.path("site.yaml") + ":4:1: "));
        CHECK(has(errors, "key 'site' is written twice"));
    }
    SUBCASE("a key twice in a source") {
        std::string errors = errors_of(t, "sources:\n"
                                          "  - name: m1\n"
                                          "    profile: acme/meter\n"
                                          "    period_ms: 500\n"
                                          "    period_ms: 5000\n");
        CHECK(has(errors, t.path("site.yaml") + ":5:5: "));
        CHECK(has(errors, "key 'period_ms' is written twice"));
    }
    SUBCASE("a key twice in a flow map") {
        std::string errors =
            errors_of(t, "sources:\n  - {name: m1, profile: acme/meter, name: m2}\n");
        CHECK(has(errors, t.path("site.yaml") + ":2:37: ")); // the second `name`
    }
    SUBCASE("the same key in two sibling maps is fine") {
        CHECK(errors_of(t, "sources:\n  - {name: m1, profile: acme/meter}\n"
                           "  - {name: m2, profile: acme/meter}\n") == "");
    }
}

TEST_CASE("YAML aliases are refused, so an alias bomb costs nothing") {
    TempSite t("aliases");
    SUBCASE("one alias") {
        std::string errors = errors_of(t, "sources:\n"
                                          "  - &m {name: m1, profile: acme/meter}\n"
                                          "  - *m\n");
        CHECK(has(errors, t.path("site.yaml") + ":3:5: "));
        CHECK(has(errors, "aliases (*name) are not accepted"));
    }
    SUBCASE("a 2 KB alias bomb under simulate: (10^30 leaves when walked)") {
        std::string bomb = "sources:\n  - name: m1\n    profile: acme/meter\n    simulate:\n"
                           "      l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 30; ++i) {
            std::string prev = "*l" + std::to_string(i - 1);
            bomb += "      l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
            for (int k = 0; k < 10; ++k)
                bomb += (k ? ", " : "") + prev;
            bomb += "]\n";
        }
        CHECK(bomb.size() < 2500);
        std::string errors = errors_of(t, bomb);
        CHECK(has(errors, t.path("site.yaml") + ":6:16: "));
        CHECK(has(errors, "aliases (*name) are not accepted"));
    }
}

TEST_CASE("a file over the size limit is refused before it is read") {
    TempSite t("too_big");
    std::string file = t.path("site.yaml");
    {
        std::ofstream out(file);
        out << kSource;
        std::string comment = "# " + std::string(1022, 'x') + "\n";
        while (static_cast<size_t>(out.tellp()) <= kMaxConfigFileBytes)
            out << comment;
    }
    Diagnostics diag;
    CHECK_FALSE(load_yaml_file(file, diag).IsDefined());
    REQUIRE(diag.errors().size() == 1);
    CHECK(has(diag.str(), file + ": "));
    CHECK(has(diag.str(), "config files are limited to 16 MiB"));
}

TEST_CASE("a load counted twice in one hierarchy is refused; in two hierarchies it is fine") {
    TempSite t("double_count");
    std::string errors = errors_of(t, kSource + "hierarchies:\n"
                                                "  - name: H\n"
                                                "    root:\n"
                                                "      name: Site\n"
                                                "      loads: [m1/1]\n"
                                                "      children:\n"
                                                "        - {name: Floor, loads: [m1/2, m1/1]}\n");
    CHECK(
        has(errors, t.path("site.yaml") + ":9:11: field 'hierarchies[0].root.children[0].loads'"));
    CHECK(has(errors, "load 'm1/1' is already counted in this hierarchy (" + t.path("site.yaml") +
                          ":6:7)"));
    CHECK(errors_of(t, kSource + "hierarchies:\n"
                                 "  - {name: A, root: {name: Site, loads: [m1/1, m1/2]}}\n"
                                 "  - {name: B, root: {name: Site, loads: [m1/1]}}\n") == "");
}
