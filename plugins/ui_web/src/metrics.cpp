#include "metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace gs::ui {

namespace {

constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string bounded_method(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "POST" ? std::string(method)
                                                                   : std::string("other");
}

void family(std::string &out, const char *name, const char *type, const char *help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

// One sample line: name{k="v",...} value
void sample(std::string &out, const char *name,
            std::initializer_list<std::pair<const char *, std::string_view>> labels,
            uint64_t value) {
    out += name;
    if (labels.size()) {
        out += '{';
        bool first = true;
        for (const auto &[key, v] : labels) {
            if (!first) out += ',';
            first = false;
            out += key;
            out += "=\"";
            out += metrics_label_value(v);
            out += '"';
        }
        out += '}';
    }
    out += ' ';
    out += std::to_string(value);
    out += '\n';
}

// Never throws out of a source: a service that fails leaves its family without samples.
template <class F> auto read_or(const F &f, decltype(f()) fallback) {
    if (!f) return fallback;
    try {
        return f();
    } catch (...) {
        return fallback;
    }
}

} // namespace

void HttpCounters::count(std::string_view method, int status) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counts_[{bounded_method(method), status}];
}

std::vector<std::pair<std::pair<std::string, int>, uint64_t>> HttpCounters::snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return {counts_.begin(), counts_.end()};
}

std::string metrics_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string metrics_text(const MetricsSources &s) {
    std::string out;
    auto links = read_or(s.links, std::vector<LinkCounters>{});
    family(out, "gridscope_poll_requests_total", "counter",
           "Requests a driver sent to its devices since it started, per link.");
    for (const auto &l : links)
        sample(out, "gridscope_poll_requests_total", {{"plugin", l.plugin}, {"link", l.link}},
               l.requests);
    family(out, "gridscope_poll_errors_total", "counter",
           "Requests not answered with data (timeout, exception, I/O error), per link.");
    for (const auto &l : links)
        sample(out, "gridscope_poll_errors_total", {{"plugin", l.plugin}, {"link", l.link}},
               l.errors);

    family(out, "gridscope_samples_stored_total", "counter",
           "Values the storage appended since it opened the store.");
    if (auto stored = read_or(s.values_stored, std::optional<uint64_t>{}))
        sample(out, "gridscope_samples_stored_total", {}, *stored);

    family(out, "gridscope_journal_lag_samples", "gauge",
           "Journal entries (sample batches and events) not yet consumed, per cursor.");
    for (const auto &c : read_or(s.cursors, std::vector<CursorLag>{}))
        sample(out, "gridscope_journal_lag_samples", {{"cursor", c.cursor}}, c.lag);

    family(out, "gridscope_http_requests_total", "counter",
           "HTTP requests this web server answered, by method and status code.");
    if (s.http)
        for (const auto &[key, n] : s.http->snapshot())
            sample(out, "gridscope_http_requests_total",
                   {{"method", key.first}, {"code", std::to_string(key.second)}}, n);

    auto sources = read_or(s.sources, std::vector<SourceCounters>{});
    family(out, "gridscope_source_batches_total", "counter",
           "Sample batches (one per poll of a device) received per source.");
    for (const auto &src : sources)
        sample(out, "gridscope_source_batches_total", {{"source", src.source}}, src.batches);
    family(out, "gridscope_source_bad_values_total", "counter",
           "Values of bad quality received per source.");
    for (const auto &src : sources)
        sample(out, "gridscope_source_bad_values_total", {{"source", src.source}}, src.bad_values);
    return out;
}

bool metrics_loopback(std::string_view addr) {
    if (addr == "::1") return true;
    if (addr.rfind("::ffff:", 0) == 0) addr.remove_prefix(7);
    unsigned a, b, c, d;
    char extra;
    std::string text(addr);
    return std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4 && a == 127 &&
           b < 256 && c < 256 && d < 256;
}

namespace {
// Constant time over the longer of the two: no early exit on the first differing byte.
bool same_secret(std::string_view given, std::string_view expected) {
    size_t n = std::max(given.size(), expected.size());
    unsigned char diff = given.size() != expected.size();
    for (size_t i = 0; i < n; ++i) {
        unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
        unsigned char e = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
        diff |= static_cast<unsigned char>(g ^ e);
    }
    return diff == 0;
}
} // namespace

bool metrics_allowed(std::string_view remote_addr, std::string_view authorization,
                     std::string_view token) {
    if (metrics_loopback(remote_addr)) return true;
    constexpr std::string_view kBearer = "Bearer ";
    if (token.empty() || authorization.size() <= kBearer.size() ||
        authorization.substr(0, kBearer.size()) != kBearer)
        return false;
    return same_secret(authorization.substr(kBearer.size()), token);
}

HttpResponse metrics_response(const MetricsSources &sources, std::string_view remote_addr,
                              std::string_view authorization, std::string_view token) {
    if (!metrics_allowed(remote_addr, authorization, token)) {
        if (token.empty())
            return http_error(403, "forbidden",
                              "metrics are served to 127.0.0.1 only (set metrics_token to "
                              "serve them to others with a bearer token)");
        HttpResponse r = http_error(401, "unauthenticated", "send Authorization: Bearer <token>");
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"gridscope metrics\"");
        return r;
    }
    HttpResponse r;
    r.content_type = kContentType;
    r.body = metrics_text(sources);
    return r;
}

} // namespace gs::ui
