#include "text.hpp"

#include <doctest/doctest.h>

using namespace gs::ui;

TEST_CASE("url_decode") {
    CHECK(url_decode("a%20b", false) == "a b");
    CHECK(url_decode("a+b", true) == "a b");
    CHECK(url_decode("a+b", false) == "a+b");
    CHECK(url_decode("%2e%2E", false) == "..");
    CHECK_FALSE(url_decode("%", false));
    CHECK_FALSE(url_decode("%4", false));
    CHECK_FALSE(url_decode("%zz", false));
    CHECK_FALSE(url_decode("a%00b", false)); // no NUL smuggling
}

TEST_CASE("parse_query") {
    auto q = parse_query("source=tgbt&circuit=2&filter=I%2035&x&source=other");
    REQUIRE(q);
    CHECK(q->at("source") == "tgbt"); // the first value of a repeated key
    CHECK(q->at("circuit") == "2");
    CHECK(q->at("filter") == "I 35");
    CHECK(q->at("x").empty());
    CHECK(parse_query("")->empty());
    CHECK_FALSE(parse_query("a=%G1"));
}

TEST_CASE("cookies, split, contains, numbers") {
    CHECK(cookie_value("a=1; gs_session=abc; b=2", "gs_session") == "abc");
    CHECK(cookie_value("xgs_session=abc", "gs_session").empty());
    CHECK(cookie_value("", "gs_session").empty());
    CHECK(split(" a, b,,c ", ',') == std::vector<std::string>{"a", "b", "c"});
    CHECK(contains_nocase("Building A", "build"));
    CHECK_FALSE(contains_nocase("I35", "I36"));
    CHECK(contains_nocase("x", ""));
    CHECK(parse_u32("42") == 42u);
    CHECK_FALSE(parse_u32("-1"));
    CHECK_FALSE(parse_u32("4294967296"));
    CHECK_FALSE(parse_u32(""));
    CHECK_FALSE(parse_u32("1a"));
}
