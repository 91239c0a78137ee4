#include "request_guard.hpp"

#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <strings.h>

namespace gs::ui {

const char *const kAllowedMethods = "GET, HEAD, POST";

namespace {

bool same_name(const std::string &a, const char *b) {
    return strcasecmp(a.c_str(), b) == 0;
}

HttpResponse refuse(int status, const char *code, std::string message, bool close) {
    HttpResponse r = http_error(status, code, std::move(message));
    r.close = close;
    return r;
}

} // namespace

GuardResult check_request(const RequestHead &head, const HostPolicy &hosts) {
    GuardResult out;
    // PUT and DELETE only reach the API (Photoview's pages), which answers 405 where a route
    // has neither; never the static files.
    bool api_change =
        (head.method == "PUT" || head.method == "DELETE") && head.raw_path.rfind("/api/", 0) == 0;
    if (head.method != "GET" && head.method != "HEAD" && head.method != "POST" && !api_change) {
        // Its body (if any) is never read: the connection closes after the answer.
        HttpResponse r = refuse(405, "method_not_allowed", "use GET, HEAD or POST", true);
        r.headers.emplace_back("Allow", kAllowedMethods);
        out.refusal = std::move(r);
        return out;
    }

    const std::string *host = nullptr;
    int content_lengths = 0;
    bool transfer_encoding = false;
    for (const auto &[name, value] : head.headers) {
        if (!valid_utf8(name) || !valid_utf8(value)) {
            out.refusal = refuse(400, "invalid_utf8",
                                 "a header is not valid UTF-8 (" +
                                     (valid_utf8(name) ? name : std::string("?")) + ")",
                                 true);
            return out;
        }
        if (same_name(name, "Host")) {
            if (host) {
                out.refusal = refuse(400, "bad_host", "more than one Host header", true);
                return out;
            }
            host = &value;
        } else if (same_name(name, "Content-Length")) {
            ++content_lengths;
            if (value.empty() || value.size() > 18 ||
                !std::all_of(value.begin(), value.end(),
                             [](char c) { return c >= '0' && c <= '9'; })) {
                out.refusal = refuse(400, "bad_framing", "Content-Length: not a number", true);
                return out;
            }
        } else if (same_name(name, "Transfer-Encoding")) {
            transfer_encoding = true;
        }
    }
    if (content_lengths > 1) {
        out.refusal = refuse(400, "bad_framing", "more than one Content-Length header", true);
        return out;
    }
    if (content_lengths == 1 && transfer_encoding) {
        out.refusal =
            refuse(400, "bad_framing", "Content-Length together with Transfer-Encoding", true);
        return out;
    }
    if (!host) {
        out.refusal = refuse(400, "bad_host", "the Host header is missing", true);
        return out;
    }
    if (!hosts.allows_host(*host)) {
        out.refusal = refuse(421, "unknown_host",
                             "this server does not serve that host name (see allowed_hosts)", true);
        return out;
    }

    auto path = url_decode(head.raw_path, false);
    if (!path) {
        out.refusal = refuse(400, "bad_path", "malformed path (a bad %-escape or %00)", false);
        return out;
    }
    if (!valid_utf8(*path)) {
        out.refusal = refuse(400, "invalid_utf8", "the path is not valid UTF-8", false);
        return out;
    }
    std::string why;
    if (!parse_query(head.query, &why)) {
        out.refusal = refuse(400, "bad_query", why, false);
        return out;
    }
    out.path = std::move(*path);
    return out;
}

} // namespace gs::ui
