#include "modbus/point.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace gs::modbus;

namespace {

using Entry = std::map<std::string, std::string, std::less<>>;

ConfigLookup lookup(const Entry &entry) {
    return [&entry](std::string_view key) -> std::optional<std::string> {
        const auto found = entry.find(key);
        if (found == entry.end()) return std::nullopt;
        return found->second;
    };
}

Result<PointSpec> point(const Entry &entry, const Defaults &defaults = {}) {
    return parse_point(lookup(entry), defaults);
}

std::string error_of(const Entry &entry, const Defaults &defaults = {}) {
    auto parsed = point(entry, defaults);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error();
}

Defaults with_base(AddressBase base) {
    Defaults defaults;
    defaults.address_base = base;
    return defaults;
}

} // namespace

TEST_CASE("a full point entry parses") {
    auto parsed = point({{"data", "VPhN"},
                         {"circuit", "1"},
                         {"address", "0xC552"},
                         {"function", "holding"},
                         {"type", "u32"},
                         {"byte_order", "little"},
                         {"word_order", "low_first"},
                         {"coefficient", "0.01"},
                         {"offset", "-1.5"},
                         {"frame", "inst"}});
    REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error()));
    const auto &p = parsed.value();
    CHECK(p.data == "VPhN");
    CHECK(p.circuit == 1);
    CHECK(p.address == 50514);
    CHECK(p.function == Function::holding);
    CHECK(p.type == Type::u32);
    CHECK(p.byte_order == ByteOrder::little);
    CHECK(p.word_order == WordOrder::low_first);
    CHECK(p.coefficient == 0.01);
    CHECK(p.offset == -1.5);
    CHECK(p.frame == "inst");
    CHECK(p.count() == 2);
}

TEST_CASE("absent keys take the defaults") {
    Defaults defaults;
    defaults.function = Function::input;
    defaults.word_order = WordOrder::low_first;
    auto parsed = point({{"data", "F"}, {"address", "100"}, {"type", "u16"}}, defaults);
    REQUIRE(parsed.ok());
    CHECK(parsed.value().function == Function::input);
    CHECK(parsed.value().word_order == WordOrder::low_first);
    CHECK(parsed.value().byte_order == ByteOrder::big);
    CHECK(parsed.value().coefficient == 1.0);
    CHECK(parsed.value().circuit == 0);
}

TEST_CASE("errors name the field") {
    CHECK(error_of({{"data", "X"}, {"address", "1"}, {"type", "f33"}}) ==
          "field 'type': unknown type 'f33' (expected one of bit, u16, s16, u32, s32, u64, s64, "
          "f32, f64, string, string16)");
    CHECK(error_of({{"address", "1"}, {"type", "u16"}}) == "field 'data': required");
    CHECK(error_of({{"data", "X"}, {"type", "u16"}}) == "field 'address': required");
    CHECK(error_of({{"data", "X"}, {"address", "1"}}) == "field 'type': required");
    CHECK(error_of({{"data", "X"}, {"address", "65536"}, {"type", "u16"}})
              .rfind("field 'address': '65536' is not a PDU address", 0) == 0);
    CHECK(
        error_of({{"data", "X"}, {"address", "-1"}, {"type", "u16"}}).rfind("field 'address'", 0) ==
        0);
    CHECK(error_of({{"data", "X"}, {"address", "1"}, {"type", "u16"}, {"function", "5"}})
              .rfind("field 'function': unknown function '5'", 0) == 0);
    CHECK(error_of({{"data", "X"}, {"address", "1"}, {"type", "u16"}, {"coefficient", "abc"}}) ==
          "field 'coefficient': 'abc' is not a finite number");
    CHECK(error_of({{"data", "X"}, {"address", "1"}, {"type", "u16"}, {"coefficient", "0"}}) ==
          "field 'coefficient': must be a finite non-zero number");
    CHECK(error_of({{"data", "X"}, {"address", "1"}, {"type", "u16"}, {"byte_order", "mid"}})
              .rfind("field 'byte_order': unknown byte order 'mid'", 0) == 0);
    CHECK(error_of({{"data", "X"}, {"address", "1"}, {"type", "u16"}, {"circuit", "x"}})
              .rfind("field 'circuit':", 0) == 0);
    CHECK(error_of({{"data", ""}, {"address", "1"}, {"type", "u16"}}) ==
          "field 'data': must not be empty");
}

TEST_CASE("type and function must agree") {
    CHECK(error_of({{"data", "X"}, {"address", "1"}, {"type", "bit"}}) ==
          "field 'type': type bit needs function coils or discrete_inputs, not holding");
    CHECK(error_of({{"data", "X"}, {"address", "1"}, {"type", "u16"}, {"function", "coils"}})
              .rfind("field 'type': type u16 needs function holding or input, not coils", 0) == 0);
    auto coil = point({{"data", "X"}, {"address", "1"}, {"type", "bit"}, {"function", "1"}});
    REQUIRE(coil.ok());
    CHECK(coil.value().function == Function::coils);
    CHECK(point({{"data", "X"}, {"address", "1"}, {"type", "bit"}, {"function", "2"}}).ok());
    CHECK(point({{"data", "X"}, {"address", "1"}, {"type", "s16"}, {"function", "4"}}).ok());
}

TEST_CASE("address plus length must stay within 65535") {
    CHECK(point({{"data", "X"}, {"address", "65535"}, {"type", "u16"}}).ok());
    CHECK(error_of({{"data", "X"}, {"address", "65535"}, {"type", "u32"}}) ==
          "field 'address': u32 at 65535 needs 2 registers and runs past 65535");
    CHECK(error_of({{"data", "X"}, {"address", "65530"}, {"type", "string"}, {"registers", "8"}})
              .rfind("field 'address':", 0) == 0);
}

TEST_CASE("string register counts") {
    auto name =
        point({{"data", "Name"}, {"address", "50050"}, {"type", "string"}, {"registers", "8"}});
    REQUIRE(name.ok());
    CHECK(name.value().count() == 8);
    CHECK(error_of({{"data", "Name"}, {"address", "50050"}, {"type", "string"}}) ==
          "field 'registers': required for type string");
    CHECK(error_of({{"data", "Name"}, {"address", "1"}, {"type", "string"}, {"registers", "0"}})
              .rfind("field 'registers': '0' is out of range (1..125)", 0) == 0);
    CHECK(error_of({{"data", "X"}, {"address", "1"}, {"type", "u32"}, {"registers", "2"}})
              .rfind("field 'registers': only string types", 0) == 0);
}

TEST_CASE("address notations are converted only when the profile says so") {
    // pdu (default): decimal or hex, 0-based.
    CHECK(point({{"data", "X"}, {"address", "0"}, {"type", "u16"}}).value().address == 0);
    CHECK(point({{"data", "X"}, {"address", "0xC350"}, {"type", "u16"}}).value().address == 50000);
    // A 4xxxxx reference is just a number out of range under pdu: not silently converted.
    CHECK_FALSE(point({{"data", "X"}, {"address", "418444"}, {"type", "u16"}}).ok());

    const auto one_based = with_base(AddressBase::one_based);
    CHECK(point({{"data", "X"}, {"address", "1"}, {"type", "u16"}}, one_based).value().address ==
          0);
    CHECK(
        point({{"data", "X"}, {"address", "65536"}, {"type", "u16"}}, one_based).value().address ==
        65535);
    CHECK_FALSE(point({{"data", "X"}, {"address", "0"}, {"type", "u16"}}, one_based).ok());

    const auto modicon = with_base(AddressBase::modicon);
    auto holding = point({{"data", "X"}, {"address", "400001"}, {"type", "u16"}}, modicon);
    REQUIRE(holding.ok());
    CHECK(holding.value().address == 0);
    CHECK(holding.value().function == Function::holding);
    auto input = point({{"data", "X"}, {"address", "30010"}, {"type", "u16"}}, modicon);
    REQUIRE(input.ok());
    CHECK(input.value().address == 9);
    CHECK(input.value().function == Function::input);
    auto coil = point({{"data", "X"}, {"address", "000005"}, {"type", "bit"}}, modicon);
    REQUIRE(coil.ok());
    CHECK(coil.value().function == Function::coils);
    CHECK(coil.value().address == 4);
    CHECK(point({{"data", "X"}, {"address", "10001"}, {"type", "bit"}}, modicon).value().function ==
          Function::discrete_inputs);
    CHECK(point({{"data", "X"}, {"address", "465536"}, {"type", "u16"}}, modicon).value().address ==
          65535);
    CHECK_FALSE(point({{"data", "X"}, {"address", "400000"}, {"type", "u16"}}, modicon).ok());
    CHECK_FALSE(point({{"data", "X"}, {"address", "500001"}, {"type", "u16"}}, modicon).ok());
    CHECK_FALSE(point({{"data", "X"}, {"address", "4001"}, {"type", "u16"}}, modicon).ok());
    CHECK(error_of({{"data", "X"}, {"address", "300001"}, {"type", "u16"}, {"function", "holding"}},
                   modicon) ==
          "field 'address': reference '300001' is in the input table but function is holding");

    const auto vendor = with_base(AddressBase::modicon_zero_based);
    auto socomec = point({{"data", "X"}, {"address", "418444"}, {"type", "u16"}}, vendor);
    REQUIRE(socomec.ok());
    CHECK(socomec.value().address == 18444);
    CHECK(socomec.value().function == Function::holding);
    CHECK(point({{"data", "X"}, {"address", "400000"}, {"type", "u16"}}, vendor).value().address ==
          0);
    CHECK_FALSE(point({{"data", "X"}, {"address", "40000"}, {"type", "u16"}}, vendor).ok());
}

TEST_CASE("defaults parse with limits") {
    std::map<std::string, std::string, std::less<>> entry{{"max_registers", "60"},
                                                          {"max_gap", "4"},
                                                          {"timeout_ms", "250"},
                                                          {"word_order", "low_first"},
                                                          {"address_base", "modicon"}};
    auto defaults = parse_defaults(lookup(entry));
    REQUIRE(defaults.ok());
    CHECK(defaults.value().max_registers == 60);
    CHECK(defaults.value().max_gap == 4);
    CHECK(defaults.value().timeout_ms == 250);
    CHECK(defaults.value().word_order == WordOrder::low_first);
    CHECK(defaults.value().address_base == AddressBase::modicon);
    CHECK(defaults.value().max_bits == 2000);

    entry = {{"max_registers", "126"}};
    CHECK(parse_defaults(lookup(entry)).error() ==
          "field 'max_registers': '126' is out of range (1..125)");
    entry = {{"max_bits", "2001"}};
    CHECK_FALSE(parse_defaults(lookup(entry)).ok());
    entry = {{"address_base", "octal"}};
    CHECK(parse_defaults(lookup(entry)).error().rfind("field 'address_base': unknown", 0) == 0);
}

TEST_CASE("accepted keys are public") {
    CHECK(is_point_key("data"));
    CHECK(is_point_key("registers"));
    CHECK_FALSE(is_point_key("adress"));
    CHECK(is_defaults_key("max_gap"));
    CHECK_FALSE(is_defaults_key("data"));
}
