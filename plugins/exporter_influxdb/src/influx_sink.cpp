#include "influx_sink.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace gs::influx {
namespace {

struct Response {
    std::string body;
    std::string retry_after;
};

size_t on_body(char *data, size_t size, size_t n, void *user) {
    auto *r = static_cast<Response *>(user);
    if (r->body.size() < 4096) r->body.append(data, std::min<size_t>(size * n, 4096));
    return size * n;
}

size_t on_header(char *data, size_t size, size_t n, void *user) {
    auto *r = static_cast<Response *>(user);
    std::string line(data, size * n);
    static const char kName[] = "retry-after:";
    if (line.size() > sizeof kName - 1 && strncasecmp(line.c_str(), kName, sizeof kName - 1) == 0) {
        std::string v = line.substr(sizeof kName - 1);
        size_t a = v.find_first_not_of(" \t"), b = v.find_last_not_of(" \t\r\n");
        r->retry_after = a == std::string::npos ? "" : v.substr(a, b - a + 1);
    }
    return size * n;
}

// Retry-After as delay-seconds or an HTTP date; nullopt when absent or unreadable. Capped at an
// hour so that a wrong server clock cannot stall delivery for days.
std::optional<std::chrono::milliseconds> retry_after_of(const std::string &text) {
    if (text.empty()) return std::nullopt;
    std::chrono::milliseconds delay{};
    if (text.find_first_not_of("0123456789") == std::string::npos) {
        if (text.size() > 9) return std::chrono::hours{1};
        delay = std::chrono::seconds{std::stol(text)};
    } else {
        time_t when = curl_getdate(text.c_str(), nullptr);
        if (when < 0) return std::nullopt;
        delay = std::chrono::seconds{std::max<time_t>(0, when - time(nullptr))};
    }
    return std::clamp<std::chrono::milliseconds>(delay, std::chrono::milliseconds{100},
                                                 std::chrono::hours{1});
}

std::string first_line(std::string s) {
    size_t nl = s.find('\n');
    if (nl != std::string::npos) s.resize(nl);
    if (s.size() > 300) s.resize(300);
    return s;
}

void make_dirs(const std::string &path) {
    for (size_t i = 1; i <= path.size(); ++i)
        if (i == path.size() || path[i] == '/') {
            std::string part = path.substr(0, i);
            if (mkdir(part.c_str(), 0750) != 0 && errno != EEXIST)
                throw gs::Error("cannot create " + part + ": " + strerror(errno), GS_ERR_IO);
        }
}

} // namespace

void gzip(const std::string &in, std::string &out) {
    z_stream z{};
    // 15 + 16: a gzip wrapper; level 1: the fastest, line protocol still shrinks ~10x.
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw gs::Error("zlib: deflateInit2 failed", GS_ERR_NO_MEMORY);
    out.resize(deflateBound(&z, in.size()) + 32);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw gs::Error("zlib: deflate failed", GS_ERR_FAILED);
}

InfluxSink::InfluxSink(gs::Host host, Settings settings, LineContext context, std::string park_dir)
    : host_(host), settings_(std::move(settings)), context_(std::move(context)),
      park_dir_(std::move(park_dir)) {
    curl_ = curl_easy_init();
    if (!curl_) throw gs::Error("curl_easy_init failed", GS_ERR_NO_MEMORY);
    auto escape = [this](const std::string &s) {
        char *e = curl_easy_escape(curl_, s.c_str(), static_cast<int>(s.size()));
        std::string out = e ? e : "";
        curl_free(e);
        return out;
    };
    if (settings_.v2) {
        endpoint_ = settings_.url + "/api/v2/write?org=" + escape(settings_.org) +
                    "&bucket=" + escape(settings_.bucket) + "&precision=ns";
        headers_ = curl_slist_append(headers_, ("Authorization: Token " + settings_.token).c_str());
    } else {
        endpoint_ = settings_.url + "/write?db=" + escape(settings_.database) + "&precision=ns";
        if (!settings_.username.empty()) {
            curl_easy_setopt(curl_, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
            curl_easy_setopt(curl_, CURLOPT_USERNAME, settings_.username.c_str());
            curl_easy_setopt(curl_, CURLOPT_PASSWORD, settings_.password.c_str());
        }
    }
    headers_ = curl_slist_append(headers_, "Content-Type: text/plain; charset=utf-8");
    headers_ = curl_slist_append(headers_, "Content-Encoding: gzip");
    headers_ = curl_slist_append(headers_, "Expect:"); // no 100-continue round trip
    curl_easy_setopt(curl_, CURLOPT_URL, endpoint_.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, std::min(settings_.timeout_ms, 10000L));
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, settings_.timeout_ms);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &on_header);
}

InfluxSink::~InfluxSink() {
    curl_slist_free_all(headers_);
    if (curl_) curl_easy_cleanup(curl_);
}

InfluxSink::Answer InfluxSink::post(const std::string &body) {
    gzip(body, gzip_);
    Response response;
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, gzip_.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(gzip_.size()));
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response);
    CURLcode rc = curl_easy_perform(curl_);
    Answer a;
    if (rc != CURLE_OK) {
        a.message = settings_.url + ": " + curl_easy_strerror(rc);
        return a;
    }
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &a.status);
    a.message = "HTTP " + std::to_string(a.status) + ": " + first_line(response.body);
    a.retry_after = retry_after_of(response.retry_after);
    return a;
}

void InfluxSink::park(const std::string &body, size_t lines, uint64_t first_seq, uint64_t last_seq,
                      const Answer &answer) {
    std::string file =
        park_dir_ + "/" + std::to_string(first_seq) + "-" + std::to_string(last_seq) + ".lp";
    std::string where;
    try {
        make_dirs(park_dir_);
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << body;
        out.close();
        if (!out) throw gs::Error("cannot write " + file, GS_ERR_IO);
        where = "parked in " + file;
    } catch (const std::exception &e) {
        where = std::string("not parked: ") + e.what();
    }
    std::string message = "the database refused a batch of " + std::to_string(lines) +
                          " lines (journal " + std::to_string(first_seq) + ".." +
                          std::to_string(last_seq) + ", " + answer.message + "); " + where;
    host_.error(message);
    gs_event event{sizeof(gs_event),
                   GS_SEVERITY_MEDIUM,
                   host_.now_utc_ns(),
                   "exporter_influxdb.batch_parked",
                   nullptr,
                   0,
                   GS_EVENT_STATE_INSTANT,
                   message.c_str()};
    try {
        host_.publish(event);
    } catch (const std::exception &e) {
        host_.warning(std::string("the parked batch's event was not taken: ") + e.what());
    }
}

bool InfluxSink::send(const std::string &body, size_t lines, uint64_t first_seq, uint64_t last_seq,
                      gs::Delivery &d) {
    if (lines == 0) return true;
    Answer a = post(body);
    if (a.status >= 200 && a.status < 300) return true;
    if (a.status == 400) {
        park(body, lines, first_seq, last_seq, a);
        return true;
    }
    d.failed = true;
    d.error = a.message;
    if (a.status == 429 || a.status == 503) d.retry_after = a.retry_after;
    return false;
}

gs::Delivery InfluxSink::deliver(const std::vector<gs::JournalEntry> &entries) {
    gs::Delivery d;
    std::string body, one;
    size_t lines = 0, first = 0; // lines in body; index of the first entry in body
    for (size_t i = 0; i < entries.size(); ++i) {
        one.clear();
        size_t n = append_lines(context_, entries[i], one);
        if (lines > 0 && lines + n > kMaxLinesPerRequest) {
            if (!send(body, lines, entries[first].seq, entries[i - 1].seq, d)) return d;
            d.acknowledged = i;
            body.clear();
            lines = 0;
        }
        if (lines == 0) first = i;
        if (n > kMaxLinesPerRequest) { // one huge entry: in pieces of 5,000 lines
            size_t start = 0, count = 0;
            for (size_t pos = 0; pos < one.size(); pos = one.find('\n', pos) + 1) {
                if (++count > kMaxLinesPerRequest) {
                    if (!send(one.substr(start, pos - start), kMaxLinesPerRequest, entries[i].seq,
                              entries[i].seq, d))
                        return d;
                    start = pos;
                    count = 1;
                }
            }
            if (!send(one.substr(start), count, entries[i].seq, entries[i].seq, d)) return d;
            d.acknowledged = i + 1;
            continue;
        }
        body += one;
        lines += n;
    }
    if (!send(body, lines, entries[first].seq, entries.back().seq, d)) return d;
    d.acknowledged = entries.size();
    return d;
}

} // namespace gs::influx
