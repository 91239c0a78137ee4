// Small text helpers of the HTTP layer: URL decoding, query strings, cookies. Pure functions.
#ifndef GS_UI_WEB_TEXT_HPP
#define GS_UI_WEB_TEXT_HPP

#include <utf8/utf8.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gs::ui {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). nullopt on a malformed escape
// or on a decoded NUL byte.
std::optional<std::string> url_decode(std::string_view in, bool plus_is_space);

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above
// U+10FFFF): libs/utf8. Every text that reaches a JSON document or a log is checked with this
// first.
inline bool valid_utf8(std::string_view text) {
    return gs::utf8::valid(text);
}

// "a=1&b=x%20y" -> {a: 1, b: "x y"}; nullopt when an escape is malformed or a decoded key or
// value is not UTF-8 (`why`, when given, says which). A repeated key keeps its first value.
using Query = std::map<std::string, std::string, std::less<>>;
std::optional<Query> parse_query(std::string_view q, std::string *why = nullptr);

// The value of cookie `name` in a Cookie header, or "" if absent.
std::string cookie_value(std::string_view header, std::string_view name);

// Splits on `sep`, dropping empty parts and trimming spaces.
std::vector<std::string> split(std::string_view text, char sep);

// Case-insensitive (ASCII) "haystack contains needle"; an empty needle matches.
bool contains_nocase(std::string_view haystack, std::string_view needle);

// Strictly a decimal unsigned integer that fits in 32 (64) bits.
std::optional<uint32_t> parse_u32(std::string_view text);
std::optional<uint64_t> parse_u64(std::string_view text);

} // namespace gs::ui

#endif
