// GET /metrics: the exposition text (format 0.0.4, parsed strictly here) and who may read it.
#include "metrics.hpp"

#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace gs::ui;

namespace {

// A strict reader of the text format 0.0.4: every line is a HELP, a TYPE or a sample of the
// family declared just before; names and labels as the format allows; values unsigned here.
struct Exposition {
    std::map<std::string, std::string> types;                      // family -> type
    std::map<std::string, std::map<std::string, uint64_t>> values; // family -> labels -> value
};
Exposition parse_strict(const std::string &text) {
    static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) [^\n]+)");
    static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge))");
    // name{label="value",...} value, label values with \\ \" \n escapes only.
    static const std::string label = R"([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")";
    static const std::regex line("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(" + label + "(?:," + label +
                                 ")*)\\})? ([0-9]+)");
    Exposition out;
    std::string current, helped;
    std::istringstream in(text);
    std::string l;
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');
    while (std::getline(in, l)) {
        std::smatch m;
        if (std::regex_match(l, m, help)) {
            REQUIRE(!out.types.count(m[1])); // one HELP per family, before its TYPE
            helped = m[1];
        } else if (std::regex_match(l, m, type)) {
            REQUIRE(m[1] == helped);
            current = m[1];
            out.types[current] = m[2];
            out.values[current];
        } else {
            REQUIRE_MESSAGE(std::regex_match(l, m, line), "not an exposition line: " << l);
            REQUIRE_MESSAGE(m[1] == current, "sample outside its family: " << l);
            std::string labels = m[3];
            REQUIRE_MESSAGE(!out.values[current].count(labels), "duplicate sample: " << l);
            out.values[current][labels] = std::stoull(m[4]);
        }
    }
    return out;
}

MetricsSources fake(const HttpCounters *http) {
    MetricsSources s;
    s.links = [] {
        return std::vector<LinkCounters>{{"driver_modbus", "tcp 127.0.0.1:1502", 40, 3},
                                         {"example_virtual_meter", "virtual \"odd\\name\"", 7, 0}};
    };
    s.values_stored = [] { return std::optional<uint64_t>(1234); };
    s.cursors = [] { return std::vector<CursorLag>{{"exporter_mqtt", 17}}; };
    s.sources = [] { return std::vector<SourceCounters>{{"tgbt", 5, 1}}; };
    s.http = http;
    return s;
}

} // namespace

TEST_CASE("metrics: every family, strict format, labels escaped") {
    HttpCounters http;
    http.count("GET", 200);
    http.count("GET", 200);
    http.count("POST", 403);
    http.count("PROPFIND", 405); // bounded: not one label value per invented method
    Exposition e = parse_strict(metrics_text(fake(&http)));
    for (const char *f : {"gridscope_poll_requests_total", "gridscope_poll_errors_total",
                          "gridscope_samples_stored_total", "gridscope_http_requests_total",
                          "gridscope_source_batches_total", "gridscope_source_bad_values_total"})
        CHECK(e.types.at(f) == "counter");
    CHECK(e.types.at("gridscope_journal_lag_samples") == "gauge");
    auto &req = e.values["gridscope_poll_requests_total"];
    CHECK(req.at(R"(plugin="driver_modbus",link="tcp 127.0.0.1:1502")") == 40);
    CHECK(req.at(R"(plugin="example_virtual_meter",link="virtual \"odd\\name\"")") == 7);
    CHECK(e.values["gridscope_poll_errors_total"].at(
              R"(plugin="driver_modbus",link="tcp 127.0.0.1:1502")") == 3);
    CHECK(e.values["gridscope_samples_stored_total"].at("") == 1234);
    CHECK(e.values["gridscope_journal_lag_samples"].at(R"(cursor="exporter_mqtt")") == 17);
    auto &h = e.values["gridscope_http_requests_total"];
    CHECK(h.at(R"(method="GET",code="200")") == 2);
    CHECK(h.at(R"(method="POST",code="403")") == 1);
    CHECK(h.at(R"(method="other",code="405")") == 1);
    CHECK(e.values["gridscope_source_batches_total"].at(R"(source="tgbt")") == 5);
    CHECK(metrics_label_value("a\nb") == "a\\nb");
}

TEST_CASE("metrics: a missing or failing source leaves its family empty, never the answer") {
    MetricsSources none;
    none.links = []() -> std::vector<LinkCounters> { throw std::runtime_error("gone"); };
    Exposition e = parse_strict(metrics_text(none));
    CHECK(e.types.size() == 7);
    for (const auto &[family, samples] : e.values)
        CHECK_MESSAGE(samples.empty(), family);
}

TEST_CASE("metrics: 127.0.0.1 without a token; others only with the bearer token") {
    const std::string token = "s3cret-token-0123456789";
    for (const char *loop : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
        CHECK(metrics_allowed(loop, "", ""));
        CHECK(metrics_allowed(loop, "", token));
    }
    for (const char *other : {"192.168.1.20", "10.0.0.1", "::ffff:10.0.0.1", "fe80::1", "128.0.0.1",
                              "127.0.0.1.5", "", "1127.0.0.1"}) {
        CHECK_FALSE(metrics_allowed(other, "", ""));
        CHECK_FALSE(metrics_allowed(other, "Bearer " + token, "")); // no token configured
        CHECK_FALSE(metrics_allowed(other, "", token));
        CHECK_FALSE(metrics_allowed(other, "Bearer wrong", token));
        CHECK_FALSE(metrics_allowed(other, "Bearer " + token + "x", token));
        CHECK_FALSE(metrics_allowed(other, "Bearer " + token.substr(1), token));
        CHECK_FALSE(metrics_allowed(other, "Basic " + token, token));
        CHECK_FALSE(metrics_allowed(other, "Bearer ", token));
        CHECK(metrics_allowed(other, "Bearer " + token, token));
    }
    MetricsSources none;
    CHECK(metrics_response(none, "10.0.0.1", "", "").status == 403);
    HttpResponse refused = metrics_response(none, "10.0.0.1", "Bearer nope", token);
    CHECK(refused.status == 401);
    REQUIRE(refused.headers.size() == 1);
    CHECK(refused.headers[0].first == "WWW-Authenticate");
    HttpResponse ok = metrics_response(none, "10.0.0.1", "Bearer " + token, token);
    CHECK(ok.status == 200);
    CHECK(ok.content_type == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(ok.body.find("# TYPE gridscope_http_requests_total counter\n") != std::string::npos);
}
