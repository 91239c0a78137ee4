// HTTP values as the core of ui_web sees them (free of CivetWeb), the JSON error body every
// refusal uses, and the one JSON serialization of the plugin, which never throws.
#ifndef GS_UI_WEB_HTTP_HPP
#define GS_UI_WEB_HTTP_HPP

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace gs::ui {

struct HttpRequest {
    std::string method; // "GET", "HEAD", "POST"
    std::string path;   // decoded path, "/api/v1/live"
    std::string query;  // raw query string, without '?'
    std::string body;
    std::string content_type; // request headers ("" when absent)
    std::string cookie;
    std::string csrf_token; // X-CSRF-Token
    std::string origin;
    std::string host;
    std::string remote_addr;
    bool tls = false;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // Set-Cookie, Retry-After, Allow
    bool close = false; // end the connection after this answer (framing errors, 413, ...)
};

// `doc` as compact JSON text. Strings that are not UTF-8 (which input checks refuse before
// they get here) come out with U+FFFD instead of throwing in the middle of a request.
std::string json_text(const nlohmann::json &doc);

// {"error": code, "message": message} with `status`.
HttpResponse http_error(int status, std::string code, std::string message);

} // namespace gs::ui

#endif
