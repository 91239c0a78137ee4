#include "text.hpp"

#include <cctype>
#include <cstdint>

namespace gs::ui {

namespace {
int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}
} // namespace

std::optional<std::string> url_decode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return std::nullopt;
            int hi = hex_digit(in[i + 1]);
            int lo = hex_digit(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0') return std::nullopt;
        out.push_back(c);
    }
    return out;
}

std::optional<Query> parse_query(std::string_view q, std::string *why) {
    Query out;
    size_t start = 0;
    while (start <= q.size()) {
        size_t end = q.find('&', start);
        if (end == std::string_view::npos) end = q.size();
        std::string_view part = q.substr(start, end - start);
        if (!part.empty()) {
            size_t eq = part.find('=');
            auto key = url_decode(part.substr(0, eq), true);
            auto value = url_decode(
                eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), true);
            if (!key || !value) {
                if (why) *why = "malformed query string (a bad %-escape or %00)";
                return std::nullopt;
            }
            if (!valid_utf8(*key) || !valid_utf8(*value)) {
                if (why) *why = "the query string is not valid UTF-8";
                return std::nullopt;
            }
            out.emplace(std::move(*key), std::move(*value));
        }
        start = end + 1;
    }
    return out;
}

std::string cookie_value(std::string_view header, std::string_view name) {
    size_t pos = 0;
    while (pos < header.size()) {
        size_t end = header.find(';', pos);
        if (end == std::string_view::npos) end = header.size();
        std::string_view part = header.substr(pos, end - pos);
        while (!part.empty() && part.front() == ' ')
            part.remove_prefix(1);
        size_t eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name)
            return std::string(part.substr(eq + 1));
        pos = end + 1;
    }
    return {};
}

std::vector<std::string> split(std::string_view text, char sep) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find(sep, pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view part = text.substr(pos, end - pos);
        while (!part.empty() && part.front() == ' ')
            part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ')
            part.remove_suffix(1);
        if (!part.empty()) out.emplace_back(part);
        pos = end + 1;
    }
    return out;
}

bool contains_nocase(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) return true;
    if (needle.size() > haystack.size()) return false;
    for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        size_t k = 0;
        while (k < needle.size() && lower(haystack[i + k]) == lower(needle[k]))
            ++k;
        if (k == needle.size()) return true;
    }
    return false;
}

std::optional<uint64_t> parse_u64(std::string_view text) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        auto digit = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
        v = v * 10 + digit;
    }
    return v;
}

std::optional<uint32_t> parse_u32(std::string_view text) {
    auto v = parse_u64(text);
    if (!v || *v > UINT32_MAX) return std::nullopt;
    return static_cast<uint32_t>(*v);
}

} // namespace gs::ui
