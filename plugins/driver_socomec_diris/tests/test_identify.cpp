// Identification: the block decoded from known raw registers, the profile choice, the site
// service's profile list, the unit and address ranges.
#include "identify.hpp"
#include "scanner.hpp"

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <stdexcept>

using namespace gs::socomec;

namespace {

// STRING_NORM: two characters per register, high byte first, NUL padded.
std::vector<uint16_t> norm(const std::string &text, size_t registers = 8) {
    std::vector<uint16_t> out(registers, 0);
    for (size_t i = 0; i < text.size() && i / 2 < registers; ++i)
        out[i / 2] |= static_cast<uint16_t>(static_cast<unsigned char>(text[i]) << (i % 2 ? 0 : 8));
    return out;
}

std::vector<uint16_t> names(const std::string &vendor, const std::string &product,
                            const std::string &extended) {
    std::vector<uint16_t> out = norm(vendor);
    for (const auto &s : {product, extended}) {
        auto n = norm(s);
        out.insert(out.end(), n.begin(), n.end());
    }
    return out;
}

ProfileInfo profile(const std::string &id, const std::string &family,
                    std::vector<std::string> models, uint32_t circuits,
                    std::optional<uint16_t> order) {
    return ProfileInfo{id, "SOCOMEC", models.front(), models, family, circuits, order};
}

std::vector<ProfileInfo> catalog() {
    return {profile("socomec/countis-e2x", "COUNTIS", {"COUNTIS E23", "COUNTIS E24"}, 1, 100),
            profile("socomec/diris-a10", "DIRIS", {"DIRIS A-10", "DIRIS A10"}, 1, 400),
            profile("socomec/diris-b30", "DIRIS", {"DIRIS B-30", "DIRIS B30"}, 4, 400),
            profile("socomec/atys-pm", "ATYS", {"ATyS p M"}, 1, 300),
            profile("test/diris-a", "DIRIS", {"DIRIS A"}, 1, std::nullopt),
            ProfileInfo{"generic/meter",
                        "ACME",
                        "DIRIS A-10 clone",
                        {"DIRIS A-10 clone"},
                        "GENERIC",
                        1,
                        std::nullopt}};
}

} // namespace

TEST_CASE("the SOCO signature is four STRING_16 registers") {
    const uint16_t soco[] = {0x0053, 0x004F, 0x0043, 0x004F};
    CHECK(is_socomec_signature(soco, 4));
    const uint16_t norm_soco[] = {0x534F, 0x434F, 0x0000, 0x0000}; // STRING_NORM is not it
    CHECK_FALSE(is_socomec_signature(norm_soco, 4));
    CHECK_FALSE(is_socomec_signature(soco, 3));
    const uint16_t zeros[] = {0, 0, 0, 0};
    CHECK_FALSE(is_socomec_signature(zeros, 4));
}

TEST_CASE("the identification block decodes from known raw registers") {
    // 50004..50007: order id 100, product id 0, table version 1.01, software 2.05.
    std::vector<uint16_t> order{0x0064, 0x0000, 0x0065, 0x00CD};
    // 50042 "SOCOMEC", 50050 "COUNTIS E23", 50058 "COUNTIS E23" as a device holds them.
    std::vector<uint16_t> block{0x534F, 0x434F, 0x4D45, 0x4300, 0,      0,      0, 0,
                                0x434F, 0x554E, 0x5449, 0x5320, 0x4532, 0x3300, 0, 0,
                                0x434F, 0x554E, 0x5449, 0x5320, 0x4532, 0x3300, 0, 0};
    Identity id = decode_identity(order, block);
    CHECK(id.product_order_id == 100);
    CHECK(id.family() == "COUNTIS");
    CHECK(id.table_version == 101);
    CHECK(id.software_version == 205);
    CHECK(id.vendor == "SOCOMEC");
    CHECK(id.product_name == "COUNTIS E23");
    CHECK(id.extended_name == "COUNTIS E23");
    CHECK(id.model() == "COUNTIS E23");

    SUBCASE("trailing spaces and odd lengths") {
        CHECK(decode_string_norm(norm("DIRIS A-10   ").data(), 8) == "DIRIS A-10");
        CHECK(decode_string_norm(norm("ABC").data(), 8) == "ABC");
        CHECK(decode_string_norm(norm("0123456789ABCDEF").data(), 8) == "0123456789ABCDEF");
    }
    SUBCASE("a block without names (ATyS p M, 17 words)") {
        Identity atys = decode_identity({300, 1000, 101, 100}, {});
        CHECK(atys.family() == "ATYS");
        CHECK(atys.model().empty());
    }
    CHECK(family_of(200) == "PROTECTION");
    CHECK(family_of(400) == "DIRIS");
    CHECK(family_of(999).empty());
}

TEST_CASE("a profile is chosen by a case-insensitive prefix of the extended name") {
    auto profiles = catalog();
    auto pick = [&](uint16_t order, const std::string &product, const std::string &extended) {
        return match_profile(
            decode_identity({order, 0, 101, 100}, names("SOCOMEC", product, extended)), profiles);
    };
    Match m = pick(100, "COUNTIS E24", "countis e24 MID");
    REQUIRE(m.profile);
    CHECK(m.profile->id == "socomec/countis-e2x");
    CHECK(m.method == "extended_name");
    CHECK(m.matched_name == "COUNTIS E24");

    // The longest model name wins: "DIRIS A-10" over "DIRIS A"; maker ACME never matches.
    m = pick(400, "DIRIS A-10", "DIRIS A-10 clone");
    REQUIRE(m.profile);
    CHECK(m.profile->id == "socomec/diris-a10");
    m = pick(400, "DIRIS A-20", "DIRIS A-20");
    REQUIRE(m.profile);
    CHECK(m.profile->id == "test/diris-a");

    // The product name is used when the extended name is empty.
    m = pick(400, "DIRIS B30", "");
    REQUIRE(m.profile);
    CHECK(m.profile->id == "socomec/diris-b30");
    CHECK(m.method == "product_name");

    // A published order id must agree: a 'DIRIS A-10' that says COUNTIS is not the A-10 (only
    // the test profile without an order id is left).
    m = pick(100, "DIRIS A-10", "DIRIS A-10");
    REQUIRE(m.profile);
    CHECK(m.profile->id == "test/diris-a");
    m = pick(100, "DIRIS B-30", "DIRIS B-30");
    CHECK(m.profile == nullptr);

    // Unknown model: no profile (reported, not dropped).
    m = pick(400, "DIRIS X99", "DIRIS X99");
    CHECK(m.profile == nullptr);
    auto report = discovery_report(
        17, decode_identity({400, 0, 101, 100}, names("SOCOMEC", "DIRIS X99", "DIRIS X99")), m);
    std::map<std::string, std::string> kv(report.begin(), report.end());
    CHECK(kv["unit"] == "17");
    CHECK(kv["vendor"] == "SOCOMEC");
    CHECK(kv["family"] == "DIRIS");
    CHECK(kv["model"] == "DIRIS X99");
    CHECK(kv["profile"] == "");
    CHECK(kv["circuits"] == "");
    CHECK(kv["match"] == "none");
    CHECK(kv["software_version"] == "1.00");

    // No names at all (ATyS p M): the only profile with order id 300.
    m = match_profile(decode_identity({300, 0, 101, 100}, {}), profiles);
    REQUIRE(m.profile);
    CHECK(m.profile->id == "socomec/atys-pm");
    CHECK(m.method == "product_order_id");
    report = discovery_report(3, decode_identity({300, 0, 101, 100}, {}), m);
    kv = std::map<std::string, std::string>(report.begin(), report.end());
    CHECK(kv["model"] == "ATyS p M");
    CHECK(kv["circuits"] == "1");
    CHECK(kv["family"] == "ATYS");
}

TEST_CASE("profiles come from the gridscope.site/1 document") {
    const std::string json = R"({"name": "x", "catalog": [], "models": [],
      "profiles": [
        {"id": "socomec/countis-e2x", "name": "COUNTIS E23/E24", "maker": "SOCOMEC",
         "model": "COUNTIS E23", "family": "COUNTIS", "driver": "driver_modbus", "circuits": 1,
         "data": [{"circuit": 1, "data": "IEaPInst"}]},
        {"id": "socomec/diris-b30", "name": "DIRIS B-30", "maker": "SOCOMEC",
         "model": "DIRIS B-30", "family": "DIRIS", "driver": "driver_modbus", "circuits": 4,
         "models": ["DIRIS B-30", "DIRIS B30"], "identification": {"product_order_id": 400},
         "data": []}],
      "sources": []})";
    auto profiles = profiles_from_site_json(json);
    REQUIRE(profiles.size() == 2);
    CHECK(profiles[0].models == std::vector<std::string>{"COUNTIS E23"});
    CHECK_FALSE(profiles[0].product_order_id);
    CHECK(profiles[1].circuits == 4);
    CHECK(profiles[1].models.size() == 2);
    CHECK(profiles[1].product_order_id == 400);

    // Today's document has no `models`: "COUNTIS E24" is only known through the YAML files.
    Identity e24 =
        decode_identity({100, 0, 101, 100}, names("SOCOMEC", "COUNTIS E24", "COUNTIS E24"));
    CHECK(match_profile(e24, profiles).profile == nullptr);
    auto merged = merge_profiles(profiles, catalog());
    Match m = match_profile(e24, merged);
    REQUIRE(m.profile);
    CHECK(m.profile->id == "socomec/countis-e2x");
    CHECK(m.profile->product_order_id == 100);

    CHECK_THROWS_AS(profiles_from_site_json("not json"), std::runtime_error);
}

TEST_CASE("unit ids and address ranges") {
    auto u = parse_units("1-247");
    REQUIRE(u);
    CHECK(u.value().size() == 247);
    CHECK(u.value().front() == 1);
    CHECK(u.value().back() == 247);
    u = parse_units("5, 1,3-4,5");
    REQUIRE(u);
    CHECK(u.value() == std::vector<uint8_t>{1, 3, 4, 5});
    CHECK_FALSE(parse_units("0-256"));
    CHECK_FALSE(parse_units("7-3"));
    CHECK_FALSE(parse_units("a"));
    CHECK_FALSE(parse_units(""));
    CHECK(parse_units("x-2").error().find("'x-2'") != std::string::npos);

    auto ips = parse_ip_range("192.168.1.10-12");
    REQUIRE(ips);
    CHECK(ips.value() == std::vector<std::string>{"192.168.1.10", "192.168.1.11", "192.168.1.12"});
    ips = parse_ip_range("10.0.0.7");
    REQUIRE(ips);
    CHECK(ips.value() == std::vector<std::string>{"10.0.0.7"});
    CHECK_FALSE(parse_ip_range("192.168.1.10-9"));
    CHECK_FALSE(parse_ip_range("192.168.1.10-300"));
    CHECK_FALSE(parse_ip_range("gateway.local"));
}
