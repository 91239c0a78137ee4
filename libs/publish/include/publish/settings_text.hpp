// Parsers of single setting values, shared by parse_settings() and the glue (which may read a
// key through the host's typed getters instead). Each returns nullopt and fills `error` with
// what is accepted when the text is wrong.
#pragma once

#include "publish/settings.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gs::publish {

// "500ms", "30s", "10m", "2h", "7d": one integer and one unit.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::string &error);
// "HH:MM" (24 h): minutes after midnight.
std::optional<int> parse_time_of_day(std::string_view text, std::string &error);
// "mon".."sun" (also full English names): 0 = Monday.
std::optional<unsigned> parse_weekday(std::string_view text, std::string &error);
std::optional<bool> parse_bool(std::string_view text, std::string &error);
std::optional<Protocol> parse_protocol(std::string_view text, std::string &error);
std::optional<PlanType> parse_plan_type(std::string_view text, std::string &error);
std::optional<FileGrouping> parse_file_grouping(std::string_view text, std::string &error);
std::optional<HttpMethod> parse_http_method(std::string_view text, std::string &error);
std::optional<HttpAuth> parse_http_auth(std::string_view text, std::string &error);

} // namespace gs::publish
