// GET /metrics (issue 17): the Prometheus text exposition format 0.0.4 of what the site counts,
// and who may read it. Free of CivetWeb and the SDK: the counters come in through functions
// that plugin.cpp binds to the kernel's and the storage's services, so tests fake them.
//
// Families (docs/api.md, "Metrics"):
//   gridscope_poll_requests_total{plugin,link}  requests a driver sent (its own count)
//   gridscope_poll_errors_total{plugin,link}    ... not answered with data
//   gridscope_samples_stored_total              values the storage appended since it opened
//   gridscope_journal_lag_samples{cursor}       journal entries after each consumer's cursor
//   gridscope_http_requests_total{method,code}  requests this web server answered
//   gridscope_source_batches_total{source}      sample batches the UI received per source
//   gridscope_source_bad_values_total{source}   ... values of bad quality among them
#ifndef GS_UI_WEB_METRICS_HPP
#define GS_UI_WEB_METRICS_HPP

#include "http.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gs::ui {

// [any-thread] Requests answered, by method (GET, HEAD, POST, other) and status code.
class HttpCounters {
public:
    void count(std::string_view method, int status);
    std::vector<std::pair<std::pair<std::string, int>, uint64_t>> snapshot() const;

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, uint64_t> counts_;
};

struct LinkCounters {
    std::string plugin, link;
    uint64_t requests = 0, errors = 0;
};
struct CursorLag {
    std::string cursor;
    uint64_t lag = 0;
};
struct SourceCounters {
    std::string source;
    uint64_t batches = 0, bad_values = 0;
};

// What /metrics reads; an empty function (or nullopt) leaves its families without samples.
struct MetricsSources {
    std::function<std::vector<LinkCounters>()> links;       // gridscope.metrics/1
    std::function<std::optional<uint64_t>()> values_stored; // storage query counters
    std::function<std::vector<CursorLag>()> cursors;        // storage journal cursors
    std::function<std::vector<SourceCounters>()> sources;   // the live table
    const HttpCounters *http = nullptr;
};

// The exposition text: every family with HELP and TYPE, even when it has no sample yet.
std::string metrics_text(const MetricsSources &sources);

// A label value escaped as the format requires (\\, \", \n).
std::string metrics_label_value(std::string_view value);

// Who may read /metrics: a client on the loopback (127.0.0.0/8, ::1, ::ffff:127.x) without
// anything; any other only with `Authorization: Bearer <token>` when a token is configured
// (compared in constant time).
bool metrics_loopback(std::string_view remote_addr);
bool metrics_allowed(std::string_view remote_addr, std::string_view authorization,
                     std::string_view token);

// The whole answer to GET/HEAD /metrics: 200 text/plain; version=0.0.4, or 401/403 refusals.
HttpResponse metrics_response(const MetricsSources &sources, std::string_view remote_addr,
                              std::string_view authorization, std::string_view token);

} // namespace gs::ui

#endif
