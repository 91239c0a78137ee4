#include "request_body.hpp"

#include "text.hpp"

namespace gs::ui {

// A JSON object body, or the 400 to answer.
std::variant<nlohmann::json, HttpResponse> json_body(const std::string &body) {
    if (!valid_utf8(body))
        return http_error(400, "invalid_utf8", "the request body is not valid UTF-8");
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded())
        return http_error(400, "malformed_json", "the request body is not valid JSON");
    if (!doc.is_object())
        return http_error(400, "malformed_json", "the request body must be a JSON object");
    return doc;
}

// An optional string member; a 400 when present with another type.
std::variant<std::string, HttpResponse> string_field(const nlohmann::json &doc, const char *key,
                                                     bool required, size_t max_size) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) {
        if (required) return http_error(400, "invalid_field", std::string(key) + ": required");
        return std::string();
    }
    if (!it->is_string())
        return http_error(400, "invalid_field", std::string(key) + ": expected a string");
    std::string value = it->get<std::string>();
    if (value.size() > max_size)
        return http_error(400, "invalid_field", std::string(key) + ": too long");
    return value;
}

} // namespace gs::ui
