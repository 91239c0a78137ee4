// The JSON body of a POST and its string members, checked: every handler that reads a body
// answers the same 400s (docs/api.md, "Bad input").
#ifndef GS_UI_WEB_REQUEST_BODY_HPP
#define GS_UI_WEB_REQUEST_BODY_HPP

#include "http.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace gs::ui {

// A JSON object body, or the 400 to answer.
std::variant<nlohmann::json, HttpResponse> json_body(const std::string &body);

// An optional string member; a 400 when present with another type, or longer than max_size.
std::variant<std::string, HttpResponse> string_field(const nlohmann::json &doc, const char *key,
                                                     bool required, size_t max_size = 1024);

} // namespace gs::ui

#endif
