#include "modbus/codec.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace gs::modbus;

namespace {

Format format_of(Type type, ByteOrder byte_order = ByteOrder::big,
                 WordOrder word_order = WordOrder::high_first) {
    Format format;
    format.type = type;
    format.byte_order = byte_order;
    format.word_order = word_order;
    return format;
}

RawValue raw(const Format &format, const std::vector<uint16_t> &words) {
    auto decoded = decode_raw(format, words.data(), words.size());
    REQUIRE_MESSAGE(decoded.ok(), (decoded.ok() ? "" : decoded.error()));
    return decoded.value();
}

double number(const Format &format, const std::vector<uint16_t> &words) {
    auto decoded = decode(format, words.data(), words.size());
    REQUIRE_MESSAGE(decoded.ok(), (decoded.ok() ? "" : decoded.error()));
    REQUIRE(std::holds_alternative<double>(decoded.value()));
    return std::get<double>(decoded.value());
}

std::string text(const Format &format, const std::vector<uint16_t> &words) {
    auto decoded = decode(format, words.data(), words.size());
    REQUIRE(decoded.ok());
    REQUIRE(std::holds_alternative<std::string>(decoded.value()));
    return std::get<std::string>(decoded.value());
}

struct OrderedWords {
    ByteOrder byte_order;
    WordOrder word_order;
    std::vector<uint16_t> words;
};

} // namespace

TEST_CASE("register counts per type") {
    CHECK(register_count(Type::bit, 0) == 1);
    CHECK(register_count(Type::u16, 0) == 1);
    CHECK(register_count(Type::s16, 0) == 1);
    CHECK(register_count(Type::u32, 0) == 2);
    CHECK(register_count(Type::s32, 0) == 2);
    CHECK(register_count(Type::f32, 0) == 2);
    CHECK(register_count(Type::u64, 0) == 4);
    CHECK(register_count(Type::s64, 0) == 4);
    CHECK(register_count(Type::f64, 0) == 4);
    CHECK(register_count(Type::string, 8) == 8);
    CHECK(register_count(Type::string16, 4) == 4);
}

TEST_CASE("type and order names parse and print") {
    for (const char *name :
         {"bit", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64", "string", "string16"}) {
        auto type = parse_type(name);
        REQUIRE(type.ok());
        CHECK(to_string(type.value()) == name);
    }
    auto bad = parse_type("f33");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == "unknown type 'f33' (expected one of bit, u16, s16, u32, s32, u64, s64, "
                         "f32, f64, string, string16)");
    CHECK(parse_byte_order("little").value() == ByteOrder::little);
    CHECK(parse_byte_order("big").value() == ByteOrder::big);
    CHECK_FALSE(parse_byte_order("middle").ok());
    CHECK(parse_word_order("low_first").value() == WordOrder::low_first);
    CHECK(parse_word_order("high_first").value() == WordOrder::high_first);
    CHECK(parse_word_order("swapped").error().find("high_first or low_first") != std::string::npos);
}

TEST_CASE("f32 123.456 in all four byte/word orders") {
    const std::vector<OrderedWords> cases{
        {ByteOrder::big, WordOrder::high_first, {0x42F6, 0xE979}},
        {ByteOrder::big, WordOrder::low_first, {0xE979, 0x42F6}},
        {ByteOrder::little, WordOrder::high_first, {0xF642, 0x79E9}},
        {ByteOrder::little, WordOrder::low_first, {0x79E9, 0xF642}},
    };
    for (const auto &c : cases) {
        const auto format = format_of(Type::f32, c.byte_order, c.word_order);
        CAPTURE(to_string(c.byte_order));
        CAPTURE(to_string(c.word_order));
        CHECK(number(format, c.words) == doctest::Approx(123.456).epsilon(1e-7));
        auto encoded = encode(format, Value{123.456});
        REQUIRE(encoded.ok());
        CHECK(encoded.value() == c.words);
    }
}

TEST_CASE("s32 negatives in all orders") {
    const std::vector<OrderedWords> cases{
        {ByteOrder::big, WordOrder::high_first, {0xFFFE, 0x1DC0}},
        {ByteOrder::big, WordOrder::low_first, {0x1DC0, 0xFFFE}},
        {ByteOrder::little, WordOrder::high_first, {0xFEFF, 0xC01D}},
        {ByteOrder::little, WordOrder::low_first, {0xC01D, 0xFEFF}},
    };
    for (const auto &c : cases) {
        const auto format = format_of(Type::s32, c.byte_order, c.word_order);
        CHECK(std::get<int64_t>(raw(format, c.words)) == -123456);
        CHECK(encode(format, Value{-123456.0}).value() == c.words);
    }
    CHECK(number(format_of(Type::s32), {0xFFFF, 0xFFFF}) == -1);
    CHECK(number(format_of(Type::s32), {0x8000, 0x0000}) == -2147483648.0);
    CHECK(number(format_of(Type::u32), {0xFFFF, 0xFFFE}) == 4294967294.0);
}

TEST_CASE("16-bit types") {
    CHECK(std::get<uint64_t>(raw(format_of(Type::u16), {0xFFFF})) == 65535);
    CHECK(std::get<int64_t>(raw(format_of(Type::s16), {0xFFFF})) == -1);
    CHECK(std::get<int64_t>(raw(format_of(Type::s16), {0x8000})) == -32768);
    CHECK(std::get<uint64_t>(raw(format_of(Type::u16, ByteOrder::little), {0x3412})) == 0x1234);
    // Word order does not matter for one register.
    CHECK(std::get<uint64_t>(
              raw(format_of(Type::u16, ByteOrder::big, WordOrder::low_first), {0x1234})) == 0x1234);
    CHECK(encode(format_of(Type::s16), Value{-2.0}).value() == std::vector<uint16_t>{0xFFFE});
}

TEST_CASE("u64, s64 and f64 in all orders") {
    const std::vector<OrderedWords> u64_cases{
        {ByteOrder::big, WordOrder::high_first, {0x0102, 0x0304, 0x0506, 0x0708}},
        {ByteOrder::big, WordOrder::low_first, {0x0708, 0x0506, 0x0304, 0x0102}},
        {ByteOrder::little, WordOrder::high_first, {0x0201, 0x0403, 0x0605, 0x0807}},
        {ByteOrder::little, WordOrder::low_first, {0x0807, 0x0605, 0x0403, 0x0201}},
    };
    for (const auto &c : u64_cases) {
        const auto format = format_of(Type::u64, c.byte_order, c.word_order);
        CHECK(std::get<uint64_t>(raw(format, c.words)) == 0x0102030405060708ull);
        CHECK(encode_raw(format, RawValue{uint64_t{0x0102030405060708ull}}).value() == c.words);
    }
    // Full 64-bit precision survives in the raw value.
    CHECK(std::get<uint64_t>(raw(format_of(Type::u64), {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF})) ==
          UINT64_MAX);

    const std::vector<OrderedWords> s64_cases{
        {ByteOrder::big, WordOrder::high_first, {0xFFFF, 0xFEE0, 0x8E04, 0xFB35}},
        {ByteOrder::big, WordOrder::low_first, {0xFB35, 0x8E04, 0xFEE0, 0xFFFF}},
        {ByteOrder::little, WordOrder::high_first, {0xFFFF, 0xE0FE, 0x048E, 0x35FB}},
        {ByteOrder::little, WordOrder::low_first, {0x35FB, 0x048E, 0xE0FE, 0xFFFF}},
    };
    for (const auto &c : s64_cases) {
        const auto format = format_of(Type::s64, c.byte_order, c.word_order);
        CHECK(std::get<int64_t>(raw(format, c.words)) == -1234567890123LL);
        CHECK(encode(format, Value{-1234567890123.0}).value() == c.words);
    }

    const auto f64 = format_of(Type::f64);
    CHECK(number(f64, {0xC093, 0x4A45, 0x6D5C, 0xFAAD}) == -1234.5678);
    CHECK(number(format_of(Type::f64, ByteOrder::big, WordOrder::low_first),
                 {0xFAAD, 0x6D5C, 0x4A45, 0xC093}) == -1234.5678);
    CHECK(encode(f64, Value{-1234.5678}).value() ==
          std::vector<uint16_t>{0xC093, 0x4A45, 0x6D5C, 0xFAAD});
}

TEST_CASE("strings: two characters per register, NUL padded") {
    Format format = format_of(Type::string);
    format.string_registers = 8;
    const std::vector<uint16_t> socomec{0x534F, 0x434F, 0x4D45, 0x4300, 0, 0, 0, 0};
    CHECK(text(format, socomec) == "SOCOMEC");
    CHECK(encode(format, Value{std::string("SOCOMEC")}).value() == socomec);

    // Odd and full lengths.
    format.string_registers = 2;
    CHECK(text(format, {0x4142, 0x4344}) == "ABCD");
    CHECK(text(format, {0x4142, 0x4300}) == "ABC");
    CHECK_FALSE(encode(format, Value{std::string("ABCDE")}).ok());

    // Little byte order: low byte first within each register.
    Format swapped = format_of(Type::string, ByteOrder::little);
    swapped.string_registers = 2;
    CHECK(text(swapped, {0x4241, 0x0043}) == "ABC");
    CHECK(encode(swapped, Value{std::string("ABC")}).value() ==
          std::vector<uint16_t>{0x4241, 0x0043});
}

TEST_CASE("string16: one character per register in the low byte (SOCOMEC STRING_16)") {
    Format format = format_of(Type::string16);
    format.string_registers = 4;
    const std::vector<uint16_t> soco{0x0053, 0x004F, 0x0043, 0x004F};
    CHECK(text(format, soco) == "SOCO");
    CHECK(encode(format, Value{std::string("SOCO")}).value() == soco);
    CHECK(text(format, {0x0041, 0x0042, 0x0000, 0x0000}) == "AB");
}

TEST_CASE("coefficient and offset") {
    Format energy = format_of(Type::u32);
    energy.coefficient = 1000; // raw kWh -> Wh
    CHECK(number(energy, {0x0000, 0x3039}) == 12345000.0);

    Format voltage = format_of(Type::u32);
    voltage.coefficient = 0.01; // V/100 -> V
    CHECK(number(voltage, {0x0000, 23012}) == doctest::Approx(230.12));
    CHECK(encode(voltage, Value{230.12}).value() == std::vector<uint16_t>{0x0000, 23012});

    Format temperature = format_of(Type::s16);
    temperature.coefficient = 0.1;
    temperature.offset = -40;
    CHECK(number(temperature, {500}) == doctest::Approx(10.0));
    CHECK(encode(temperature, Value{10.0}).value() == std::vector<uint16_t>{500});

    CHECK(std::get<double>(scale(RawValue{true}, 1, 0)) == 1.0);
}

TEST_CASE("bits") {
    const auto bit = format_of(Type::bit);
    CHECK(std::get<bool>(raw(bit, {1})) == true);
    CHECK(std::get<bool>(raw(bit, {0})) == false);
    CHECK(encode(bit, Value{1.0}).value() == std::vector<uint16_t>{1});
    CHECK(encode(bit, Value{0.0}).value() == std::vector<uint16_t>{0});
    CHECK_FALSE(encode(bit, Value{2.0}).ok());
}

TEST_CASE("decode and encode errors") {
    const std::vector<uint16_t> one{1};
    auto short_input = decode(format_of(Type::u32), one.data(), one.size());
    REQUIRE_FALSE(short_input.ok());
    CHECK(short_input.error() == "need 2 registers, got 1");
    CHECK_FALSE(decode(format_of(Type::u16), nullptr, 0).ok());
    CHECK_FALSE(decode(format_of(Type::string), one.data(), one.size()).ok()); // no count

    CHECK_FALSE(encode(format_of(Type::u16), Value{70000.0}).ok());
    CHECK_FALSE(encode(format_of(Type::u16), Value{-1.0}).ok());
    CHECK_FALSE(encode(format_of(Type::s16), Value{-40000.0}).ok());
    CHECK_FALSE(encode(format_of(Type::u32), Value{std::nan("")}).ok());
    CHECK_FALSE(encode(format_of(Type::u64), Value{1.9e19}).ok());
    CHECK_FALSE(encode(format_of(Type::f32), Value{1e39}).ok());
    CHECK_FALSE(encode(format_of(Type::u16), Value{std::string("x")}).ok());
    Format zero = format_of(Type::u16);
    zero.coefficient = 0;
    CHECK_FALSE(encode(zero, Value{1.0}).ok());
    CHECK(encode(format_of(Type::u16), Value{65535.4}).value() == std::vector<uint16_t>{65535});
}

TEST_CASE("round trip of every numeric type in every order") {
    const Type types[] = {Type::u16, Type::s16, Type::u32, Type::s32,
                          Type::u64, Type::s64, Type::f32, Type::f64};
    const double values[] = {0, 1, 100, 12345};
    for (Type type : types) {
        for (ByteOrder byte_order : {ByteOrder::big, ByteOrder::little}) {
            for (WordOrder word_order : {WordOrder::high_first, WordOrder::low_first}) {
                for (double value : values) {
                    const auto format = format_of(type, byte_order, word_order);
                    auto words = encode(format, Value{value});
                    REQUIRE(words.ok());
                    CHECK(number(format, words.value()) == value);
                }
            }
        }
    }
}
