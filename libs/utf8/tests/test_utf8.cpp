#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "utf8/utf8.hpp"

#include <doctest/doctest.h>

#include <string>

using gs::utf8::sequence_length;
using gs::utf8::valid;

TEST_CASE("well-formed UTF-8 of each length") {
    CHECK(valid(""));
    CHECK(valid("plain ASCII"));
    CHECK(valid("\xc3\xa9t\xc3\xa9")); // été
    CHECK(valid("\xe2\x82\xac"));      // €
    CHECK(valid("\xf0\x9f\x94\x8c"));  // U+1F50C
    CHECK(valid("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
    CHECK(sequence_length("a\xc3\xa9", 1) == 2);
    CHECK(sequence_length("\xe2\x82\xac", 0) == 3);
    CHECK(sequence_length("\xf0\x9f\x94\x8c", 0) == 4);
    CHECK(valid(std::string("nul \0 inside", 12)));
}

TEST_CASE("every kind of ill-formed UTF-8 is refused") {
    CHECK_FALSE(valid("\x80"));             // a continuation byte first
    CHECK_FALSE(valid("\xc0\xaf"));         // overlong '/' (C0)
    CHECK_FALSE(valid("\xc1\xbf"));         // overlong (C1)
    CHECK_FALSE(valid("\xe0\x80\xaf"));     // overlong, 3 bytes
    CHECK_FALSE(valid("\xf0\x80\x80\xaf")); // overlong, 4 bytes
    CHECK_FALSE(valid("\xed\xa0\x80"));     // U+D800, a UTF-16 surrogate
    CHECK_FALSE(valid("\xf4\x90\x80\x80")); // U+110000, beyond Unicode
    CHECK_FALSE(valid("\xf5\x80\x80\x80")); // F5..FF never appear
    CHECK_FALSE(valid("\xff"));
    CHECK_FALSE(valid("\xc3")); // cut by the end
    CHECK_FALSE(valid("\xe2\x82"));
    CHECK_FALSE(valid("\xc3\x28")); // a continuation that is not one
    CHECK(sequence_length("ok\xc3", 2) == 0);
}
