// The database side of exporter_influxdb, on libcurl: entries become line protocol, sent in
// requests of at most 5,000 lines, gzip-compressed, to /write (v1) or /api/v2/write (v2).
//   2xx (204)   the lines are stored: the entries count as acknowledged (the cursor moves)
//   400         the database refuses the batch as such (a type conflict, a parse error): it is
//               parked in <data_dir>/exporter_influxdb/parked/<first>-<last>.lp with an event
//               `exporter_influxdb.batch_parked`, and delivery goes on: never retried forever
//   429, 503    Retry-After (seconds or an HTTP date) is waited before trying again
//   otherwise   a failure: backoff with jitter, then the same lines again
#pragma once

#include "line_protocol.hpp"
#include "settings.hpp"

#include <gridscope/journal.hpp>

#include <curl/curl.h>

#include <optional>
#include <string>
#include <unordered_map>

namespace gs::influx {

constexpr size_t kMaxLinesPerRequest = 5000;

class InfluxSink : public gs::JournalSink {
public:
    InfluxSink(gs::Host host, Settings settings, LineContext context, std::string park_dir);
    ~InfluxSink() override;

    gs::Delivery deliver(const std::vector<gs::JournalEntry> &entries) override;

private:
    struct Answer {
        long status = 0; // 0: no HTTP answer (the message says why)
        std::string message;
        std::optional<std::chrono::milliseconds> retry_after;
    };
    // Sends `body` (line protocol); on 400 parks it. False when it must be sent again.
    bool send(const std::string &body, size_t lines, uint64_t first_seq, uint64_t last_seq,
              gs::Delivery &d);
    Answer post(const std::string &body);
    void park(const std::string &body, size_t lines, uint64_t first_seq, uint64_t last_seq,
              const Answer &answer);

    gs::Host host_;
    Settings settings_;
    LineContext context_;
    std::string park_dir_;
    std::string endpoint_;
    CURL *curl_ = nullptr;
    struct curl_slist *headers_ = nullptr;
    std::string gzip_; // reused buffer
};

// gzip (RFC 1952) of `in` into `out`; throws gs::Error on a zlib failure.
void gzip(const std::string &in, std::string &out);

} // namespace gs::influx
