// Issue 10: the checks of every request before CivetWeb or the API sees it (request_guard),
// the Host/Origin names (host_policy) and UTF-8 validation (text).
#include "request_guard.hpp"
#include "text.hpp"

#include <doctest/doctest.h>

using namespace gs::ui;

namespace {

const HostPolicy kHosts(HostPolicy::default_names("127.0.0.1"), 8080, false);

RequestHead head(std::string method, std::string path,
                 std::vector<std::pair<std::string, std::string>> extra = {},
                 std::string query = "") {
    RequestHead h{std::move(method), std::move(path), std::move(query), {}};
    h.headers.emplace_back("Host", "127.0.0.1:8080");
    for (auto &e : extra)
        h.headers.push_back(std::move(e));
    return h;
}

int status_of(const RequestHead &h) {
    GuardResult r = check_request(h, kHosts);
    return r.refusal ? r.refusal->status : 0;
}

std::string error_of(const RequestHead &h) {
    GuardResult r = check_request(h, kHosts);
    return r.refusal ? nlohmann::json::parse(r.refusal->body)["error"].get<std::string>() : "";
}

} // namespace

TEST_CASE("UTF-8 validation: overlong forms, surrogates, truncation and stray bytes fail") {
    CHECK(valid_utf8(""));
    CHECK(valid_utf8("plain ascii"));
    CHECK(valid_utf8("B\xc3\xa2timent \xe2\x82\xac \xf0\x9f\x94\x8c")); // â, €, plug emoji
    CHECK(valid_utf8("\xf4\x8f\xbf\xbf"));                              // U+10FFFF
    CHECK_FALSE(valid_utf8("\xff"));
    CHECK_FALSE(valid_utf8("\xc3"));             // truncated
    CHECK_FALSE(valid_utf8("\xed\xa0\x80"));     // U+D800, a surrogate
    CHECK_FALSE(valid_utf8("\xc0\xaf"));         // overlong '/'
    CHECK_FALSE(valid_utf8("\xe0\x80\xaf"));     // overlong, 3 bytes
    CHECK_FALSE(valid_utf8("\xf0\x80\x80\xaf")); // overlong, 4 bytes
    CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
    CHECK_FALSE(valid_utf8("\x80"));             // continuation first
    CHECK_FALSE(valid_utf8("a\xc3(b"));          // bad continuation
}

TEST_CASE("query strings must decode to UTF-8, with the reason") {
    for (const char *q :
         {"source=%ff", "source=%c3", "source=%ed%a0%80", "source=%c0%af", "filter=%e2%82"}) {
        CAPTURE(q);
        std::string why;
        CHECK_FALSE(parse_query(q, &why));
        CHECK(why.find("UTF-8") != std::string::npos);
    }
    std::string why;
    CHECK_FALSE(parse_query("a=%zz", &why));
    CHECK(why.find("malformed") != std::string::npos);
    CHECK(parse_query("filter=B%C3%A2timent")->at("filter") == "B\xc3\xa2timent");
}

TEST_CASE("host policy: listed names with this server's port only") {
    HostPolicy p({"127.0.0.1", "localhost", "::1", "GridScope.Example"}, 8080, false);
    CHECK(p.allows_host("127.0.0.1:8080"));
    CHECK(p.allows_host("LOCALHOST:8080"));
    CHECK(p.allows_host("[::1]:8080"));
    CHECK(p.allows_host("gridscope.example:8080"));
    CHECK_FALSE(p.allows_host("attacker.example:8080")); // DNS rebinding
    CHECK_FALSE(p.allows_host("127.0.0.1:8081"));
    CHECK_FALSE(p.allows_host("127.0.0.1")); // port 80 is not this server's
    CHECK_FALSE(p.allows_host("127.0.0.1:"));
    CHECK_FALSE(p.allows_host("127.0.0.1:80a"));
    CHECK_FALSE(p.allows_host("::1:8080"));
    CHECK_FALSE(p.allows_host("[::1"));
    CHECK_FALSE(p.allows_host(""));
    CHECK(p.allows_origin("http://localhost:8080"));
    CHECK_FALSE(p.allows_origin("https://localhost:8080")); // another scheme
    CHECK_FALSE(p.allows_origin("http://attacker.example:8080"));
    CHECK_FALSE(p.allows_origin("null"));

    HostPolicy web({"site.example"}, 80, false);
    CHECK(web.allows_host("site.example"));
    CHECK(web.allows_host("site.example:80"));
    HostPolicy tls({"site.example"}, 443, true);
    CHECK(tls.allows_host("site.example"));
    CHECK(tls.allows_origin("https://site.example"));

    CHECK(HostPolicy::default_names("0.0.0.0") ==
          std::vector<std::string>{"127.0.0.1", "localhost", "[::1]"});
    CHECK(HostPolicy::default_names("192.168.1.20").back() == "192.168.1.20");
}

TEST_CASE("only GET, HEAD and POST pass; the others get 405 and the connection closes") {
    CHECK(status_of(head("GET", "/")) == 0);
    CHECK(status_of(head("HEAD", "/api/v1/health")) == 0);
    CHECK(status_of(head("POST", "/api/v1/login")) == 0);
    for (const char *m : {"PROPFIND", "PUT", "DELETE", "MKCOL", "OPTIONS", "PATCH", "TRACE",
                          "CONNECT", "MOVE", "COPY", "LOCK", "UNLOCK", "PROPPATCH", "get"}) {
        CAPTURE(m);
        GuardResult r = check_request(head(m, "/index.html"), kHosts);
        REQUIRE(r.refusal);
        CHECK(r.refusal->status == 405);
        CHECK(r.refusal->close);
        CHECK(r.refusal->headers.at(0) ==
              std::pair<std::string, std::string>{"Allow", "GET, HEAD, POST"});
    }
}

TEST_CASE("Host: required, and one of the site's names (DNS rebinding)") {
    RequestHead none{"GET", "/", "", {}};
    CHECK(status_of(none) == 400);
    CHECK(error_of(none) == "bad_host");
    RequestHead other{"GET", "/api/v1/live", "", {{"Host", "attacker.example:8080"}}};
    CHECK(status_of(other) == 421);
    RequestHead twice = head("GET", "/", {{"host", "attacker.example:8080"}});
    CHECK(status_of(twice) == 400);
    RequestHead lower{"GET", "/", "", {{"host", "localhost:8080"}}};
    CHECK(status_of(lower) == 0);
}

TEST_CASE("framing: one Content-Length of digits, never with Transfer-Encoding") {
    CHECK(status_of(head("POST", "/api/v1/login", {{"Content-Length", "12"}})) == 0);
    CHECK(status_of(head("POST", "/api/v1/login", {{"Transfer-Encoding", "chunked"}})) == 0);
    for (auto extra : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {{"Content-Length", "12"}, {"Content-Length", "40"}},
             {{"Content-Length", "12"}, {"content-length", "12"}},
             {{"Content-Length", "12"}, {"Transfer-Encoding", "chunked"}},
             {{"Transfer-Encoding", "chunked"}, {"Content-Length", "0"}},
             {{"Content-Length", "12, 12"}},
             {{"Content-Length", "-1"}},
             {{"Content-Length", "+5"}},
             {{"Content-Length", ""}},
             {{"Content-Length", "99999999999999999999"}}}) {
        GuardResult r = check_request(head("POST", "/api/v1/login", extra), kHosts);
        REQUIRE(r.refusal);
        CHECK(r.refusal->status == 400);
        CHECK(r.refusal->close);
        CHECK(nlohmann::json::parse(r.refusal->body)["error"] == "bad_framing");
    }
}

TEST_CASE("paths and queries decode to UTF-8 without NUL; headers are UTF-8") {
    GuardResult ok = check_request(head("GET", "/js/app%2Ejs"), kHosts);
    CHECK_FALSE(ok.refusal);
    CHECK(ok.path == "/js/app.js");
    CHECK(status_of(head("GET", "/index.html%00.txt")) == 400);
    CHECK(error_of(head("GET", "/index.html%00.txt")) == "bad_path");
    CHECK(status_of(head("GET", "/a%zz")) == 400);
    CHECK(error_of(head("GET", "/a%ff")) == "invalid_utf8");
    CHECK(error_of(head("GET", "/a\xff")) == "invalid_utf8");
    for (const char *q : {"source=%ff", "source=%c3", "source=%ed%a0%80", "source=%c0%af"}) {
        CAPTURE(q);
        CHECK(status_of(head("GET", "/api/v1/live", {}, q)) == 400);
        CHECK(error_of(head("GET", "/api/v1/live", {}, q)) == "bad_query");
    }
    for (auto bad :
         std::vector<std::pair<std::string, std::string>>{{"Cookie", "gs_session=\xff"},
                                                          {"X-CSRF-Token", "\xc3"},
                                                          {"Origin", "http://\xed\xa0\x80"},
                                                          {"User-Agent", "\xc0\xaf"},
                                                          {"X-\xff", "name"}}) {
        GuardResult r = check_request(head("GET", "/api/v1/session", {bad}), kHosts);
        REQUIRE(r.refusal);
        CHECK(r.refusal->status == 400);
        CHECK(nlohmann::json::parse(r.refusal->body)["error"] == "invalid_utf8");
    }
}
