#ifndef GS_UI_WEB_TEST_COMMON_HPP
#define GS_UI_WEB_TEST_COMMON_HPP

#include "http.hpp"
#include "site_model.hpp"

#include <fstream>
#include <sstream>
#include <string>

inline std::string read_text(const std::string &path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline gs::ui::SiteModel test_site() {
    return gs::ui::SiteModel::parse(read_text(std::string(UI_WEB_TEST_DATA) + "/site.json"));
}

// A request to the API as the server hands it over (`target` = path?query), from 127.0.0.1.
inline gs::ui::HttpRequest api_request(const std::string &method, const std::string &target,
                                       const std::string &body, const std::string &cookie,
                                       const std::string &csrf = "") {
    gs::ui::HttpRequest r;
    r.method = method;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    r.body = body;
    r.content_type = method == "POST" || !body.empty() ? "application/json" : "";
    r.cookie = cookie;
    r.csrf_token = csrf;
    r.host = "127.0.0.1:8080";
    r.remote_addr = "127.0.0.1";
    return r;
}

#endif
