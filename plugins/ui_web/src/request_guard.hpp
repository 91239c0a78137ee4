// The checks every request passes before CivetWeb or the API sees it (CivetWeb's begin_request
// callback calls check_request for static files and /api alike):
//   - only GET, HEAD and POST (CivetWeb's WebDAV, PUT, DELETE, OPTIONS never run): 405;
//   - a Host header, naming this site (HostPolicy): 400 without, 421 for another name;
//   - unambiguous framing: one Content-Length of digits only, never with Transfer-Encoding
//     (else a second request could hide in the body): 400, and the connection closes;
//   - the path and the query decode (no %00, no malformed escape) to UTF-8; every header value
//     is UTF-8: 400 with the reason.
// Pure and free of CivetWeb: unit-tested in tests/test_request_guard.cpp.
#ifndef GS_UI_WEB_REQUEST_GUARD_HPP
#define GS_UI_WEB_REQUEST_GUARD_HPP

#include "host_policy.hpp"
#include "http.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gs::ui {

struct RequestHead {
    std::string method;
    std::string raw_path; // as sent, before %-decoding
    std::string query;    // as sent, without '?'
    std::vector<std::pair<std::string, std::string>> headers;
};

struct GuardResult {
    std::optional<HttpResponse> refusal; // set when the request must not go further
    std::string path;                    // the decoded path when accepted
};

GuardResult check_request(const RequestHead &head, const HostPolicy &hosts);

// "GET, HEAD, POST": the methods that reach the server (the Allow header of a 405).
extern const char *const kAllowedMethods;

} // namespace gs::ui

#endif
