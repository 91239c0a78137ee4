// A browser session for integration tests, played with curl and a cookie jar.
#pragma once

#include <string>

namespace gs::test {

struct Client {
    std::string base, jar, csrf;
    int last_status = 0;

    // METHOD base/api/v1<path> with the session's cookie, Origin and CSRF token; the body of
    // the answer (its status in last_status).
    std::string call(const std::string &method, const std::string &path,
                     const std::string &body = "");
    // POST /login; keeps the CSRF token.
    void login(const std::string &profile, const std::string &password);
};

} // namespace gs::test
