#include "publish/settings_text.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <utility>

namespace gs::publish {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char &c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// One enum parser for all the word-valued keys: the words accepted, in the order listed in the
// error message.
template <class T, size_t N>
std::optional<T> parse_word(std::string_view text, const std::pair<const char *, T> (&words)[N],
                            std::string &error) {
    const std::string word = lower(text);
    std::string accepted;
    for (const auto &[name, value] : words) {
        if (word == name) return value;
        accepted += accepted.empty() ? "" : " | ";
        accepted += name;
    }
    error = "'" + std::string(text) + "' is not one of " + accepted;
    return std::nullopt;
}

} // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::string &error) {
    int64_t count = 0;
    const char *end = text.data() + text.size();
    auto [rest, ec] = std::from_chars(text.data(), end, count);
    const std::string_view unit(rest, static_cast<size_t>(end - rest));
    static const std::pair<const char *, int64_t> units[] = {
        {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
    if (ec == std::errc() && rest != text.data() && count >= 0 && count < (int64_t{1} << 31))
        for (const auto &[name, ms] : units)
            if (unit == name) return std::chrono::milliseconds{count * ms};
    error = "'" + std::string(text) +
            "' is not a duration (a whole number and ms, s, m, h or d: "
            "30s, 10m, 1h, 7d)";
    return std::nullopt;
}

std::optional<int> parse_time_of_day(std::string_view text, std::string &error) {
    const bool shaped = text.size() == 5 && text[2] == ':' && std::isdigit(text[0]) &&
                        std::isdigit(text[1]) && std::isdigit(text[3]) && std::isdigit(text[4]);
    if (shaped) {
        const int hours = (text[0] - '0') * 10 + (text[1] - '0');
        const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
        if (hours < 24 && minutes < 60) return hours * 60 + minutes;
    }
    error = "'" + std::string(text) + "' is not a time of day \"HH:MM\" (00:00 to 23:59)";
    return std::nullopt;
}

std::optional<unsigned> parse_weekday(std::string_view text, std::string &error) {
    static const std::pair<const char *, unsigned> days[] = {
        {"mon", 0}, {"tue", 1}, {"wed", 2}, {"thu", 3}, {"fri", 4}, {"sat", 5}, {"sun", 6}};
    static const char *const full[] = {"monday", "tuesday",  "wednesday", "thursday",
                                       "friday", "saturday", "sunday"};
    const std::string word = lower(text);
    for (unsigned i = 0; i < 7; ++i)
        if (word == full[i]) return i;
    return parse_word(text, days, error);
}

std::optional<bool> parse_bool(std::string_view text, std::string &error) {
    static const std::pair<const char *, bool> words[] = {
        {"true", true}, {"false", false}, {"yes", true}, {"no", false}};
    return parse_word(text, words, error);
}

std::optional<Protocol> parse_protocol(std::string_view text, std::string &error) {
    static const std::pair<const char *, Protocol> words[] = {
        {"ftp", Protocol::ftp},
        {"ftps", Protocol::ftps},
        {"ftps-implicit", Protocol::ftps_implicit},
        {"http", Protocol::http},
        {"https", Protocol::https}};
    return parse_word(text, words, error);
}

std::optional<PlanType> parse_plan_type(std::string_view text, std::string &error) {
    static const std::pair<const char *, PlanType> words[] = {
        {"index", PlanType::index},
        {"measurement", PlanType::measurement},
        {"alarms", PlanType::alarms},
        {"load_curve", PlanType::load_curve},
        {"status", PlanType::status},
        {"log", PlanType::log},
        {"config_backup", PlanType::config_backup}};
    return parse_word(text, words, error);
}

std::optional<FileGrouping> parse_file_grouping(std::string_view text, std::string &error) {
    static const std::pair<const char *, FileGrouping> words[] = {
        {"all", FileGrouping::all}, {"per_device", FileGrouping::per_device}};
    return parse_word(text, words, error);
}

std::optional<HttpMethod> parse_http_method(std::string_view text, std::string &error) {
    static const std::pair<const char *, HttpMethod> words[] = {{"post", HttpMethod::post},
                                                                {"put", HttpMethod::put}};
    return parse_word(text, words, error);
}

std::optional<HttpAuth> parse_http_auth(std::string_view text, std::string &error) {
    static const std::pair<const char *, HttpAuth> words[] = {{"basic", HttpAuth::basic},
                                                              {"ntlm", HttpAuth::ntlm}};
    return parse_word(text, words, error);
}

} // namespace gs::publish
