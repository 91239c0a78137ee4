#include "server.hpp"

#include "request_guard.hpp"
#include "static_files.hpp"

#include <civetweb.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace gs::ui {

namespace {

constexpr int kLogError = 4; // gs_log_level
constexpr int kLogWarning = 3;
constexpr int kLogInfo = 2;

// The headers of every static file: CivetWeb's (additional_header) and ours (static_files.hpp).
const std::pair<const char *, const char *> kStaticHeaders[] = {
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
     "form-action 'self'"},
};
// Files under the current version never change (static_files.hpp).
const char *kImmutable = "public, max-age=31536000, immutable";

std::string header(mg_connection *conn, const char *name) {
    const char *v = mg_get_header(conn, name);
    return v ? v : "";
}

// Sends `r`; without its body for HEAD. `r.close` ends the connection after it: CivetWeb then
// neither reads nor discards what is left of the request, the socket closes at once.
void send(mg_connection *conn, const HttpResponse &r, bool head = false) {
    if (r.close) mg_disable_connection_keep_alive(conn);
    std::string length = std::to_string(r.body.size());
    if (mg_response_header_start(conn, r.status) != 0) return; // an answer is already out
    mg_response_header_add(conn, "Content-Type", r.content_type.c_str(), -1);
    mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
    // Nothing is cached unless the answer says otherwise (images under never-reused URLs).
    bool own_cache = std::any_of(r.headers.begin(), r.headers.end(),
                                 [](const auto &h) { return h.first == "Cache-Control"; });
    if (!own_cache) mg_response_header_add(conn, "Cache-Control", "no-store", -1);
    mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
    if (r.close) mg_response_header_add(conn, "Connection", "close", -1);
    for (const auto &[name, value] : r.headers)
        mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
    mg_response_header_send(conn);
    if (!head && !r.body.empty()) mg_write(conn, r.body.data(), r.body.size());
}

HttpResponse closing(HttpResponse r) {
    r.close = true;
    return r;
}

// Each worker holds a socket: make sure the process may open that many (a service manager's
// default soft limit is often 1024). Only the soft limit moves, never above the hard one.
void raise_file_limit(size_t wanted, const Server::Log &log) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= wanted) return;
    rlim_t target = lim.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(wanted, lim.rlim_max);
    if (target <= lim.rlim_cur) return;
    rlimit raised{target, lim.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
        log(kLogInfo, "open files limit raised to " + std::to_string(target) + " for " +
                          std::to_string(wanted) + " connections and files");
    if (target < wanted)
        log(kLogWarning, "the open files limit (" + std::to_string(target) +
                             ") is below num_threads + 256: connections may be refused");
}

bool is_api(std::string_view path) {
    return path == "/api" || path.substr(0, 5) == "/api/";
}

} // namespace

Server::Server(CurrentApi &apis, ServerOptions options, Log log)
    : apis_(apis), options_(std::move(options)), log_(std::move(log)) {}

Server::~Server() {
    stop();
}

void Server::start() {
    bool tls = !options_.tls_certificate.empty();
    mg_init_library(tls ? MG_FEATURES_TLS : 0);
    std::string ports = options_.bind_address.find(':') != std::string::npos
                            ? "[" + options_.bind_address + "]:" // IPv6 literal
                            : options_.bind_address + ":";
    ports += std::to_string(options_.port) + (tls ? "s" : "");
    std::string threads = std::to_string(options_.num_threads);
    std::string timeout = std::to_string(options_.request_timeout_ms);
    raise_file_limit(static_cast<size_t>(options_.num_threads) + 256, log_);
    char *root = realpath(options_.document_root.c_str(), nullptr);
    root_real_ = root ? root : options_.document_root;
    free(root);
    std::string headers = "X-Content-Type-Options: nosniff";
    for (auto [name, value] : kStaticHeaders)
        headers += std::string("\r\n") + name + ": " + value;
    if (tls) headers += "\r\nStrict-Transport-Security: max-age=31536000";
    std::vector<const char *> opts = {
        "listening_ports",
        ports.c_str(),
        "document_root",
        options_.document_root.c_str(),
        "num_threads",
        threads.c_str(),
        "request_timeout_ms",
        timeout.c_str(),
        "enable_directory_listing",
        "no",
        "enable_keep_alive",
        "yes",
        "keep_alive_timeout_ms",
        timeout.c_str(),
        // Bursts of connections wait in the kernel's queue, not in SYN retries.
        "listen_backlog",
        "1024",
        "index_files",
        "index.html",
        "cgi_pattern",
        "",
        "ssi_pattern",
        "",
        "hide_files_patterns",
        "**/.*|**/package.json|**/package-lock.json",
        "static_file_cache_control",
        "no-cache",
        "additional_header",
        headers.c_str(),
        // The guard decodes (and refuses %00, bad escapes, invalid UTF-8); static files are
        // looked up by the path as sent, so an escape can never reach the file system.
        "decode_url",
        "no",
        // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm
        // and the client's delayed ACK add ~40 ms to every keep-alive response.
        "tcp_nodelay",
        "1",
    };
    if (tls) {
        opts.insert(opts.end(), {"ssl_certificate", options_.tls_certificate.c_str(),
                                 "ssl_protocol_version", "4"});
    }
    opts.push_back(nullptr);

    mg_callbacks callbacks{};
    callbacks.log_message = &Server::on_log;
    callbacks.begin_request = &Server::on_begin_request;
    callbacks.end_request = &Server::on_end_request;
    char error_text[256] = {0};
    mg_init_data init{};
    init.callbacks = &callbacks;
    init.user_data = this;
    init.configuration_options = opts.data();
    mg_error_data error{};
    error.text = error_text;
    error.text_buffer_size = sizeof error_text;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = false;
    }
    ctx_ = mg_start2(&init, &error);
    if (!ctx_) {
        mg_exit_library();
        throw std::runtime_error("cannot start the web server on " + ports + ": " +
                                 (error_text[0] ? error_text : "unknown error"));
    }
    log_(kLogInfo, std::string("serving ") + (tls ? "https" : "http") + " on " + ports + " from " +
                       options_.document_root);
}

void Server::stop() {
    if (!ctx_) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    {
        // The requests under way finish first (bounded: a slow one is cut as before).
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, std::chrono::seconds(10), [this] { return answering_ == 0; });
    }
    mg_stop(ctx_); // joins the worker threads: the live streams see stopping_ and return
    ctx_ = nullptr;
    mg_exit_library();
}

void Server::replace_api(std::shared_ptr<ApiGeneration> next) {
    apis_.replace(std::move(next)); // the previous one is freed by whoever holds it last
    // The old live streams see `retired` (set before this lock is taken: no wake-up is lost).
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
}

bool Server::wait_end(int64_t ms, const ApiGeneration &generation) {
    std::unique_lock<std::mutex> lock(mutex_);
    return wake_.wait_for(lock, std::chrono::milliseconds(ms),
                          [&] { return stopping_ || generation.retired.load(); });
}

int Server::on_log(const mg_connection *conn, const char *message) {
    const mg_context *ctx = mg_get_context(conn);
    auto *self = ctx ? static_cast<Server *>(mg_get_user_data(ctx)) : nullptr;
    try {
        if (self) self->log_(kLogWarning, std::string("civetweb: ") + message);
    } catch (...) {
        // a message that cannot be logged is dropped, never thrown into CivetWeb
    }
    return 1;
}

// Every request CivetWeb answered, ours and its static files alike, with the status it sent.
void Server::on_end_request(const mg_connection *conn, int status) {
    const mg_context *ctx = mg_get_context(conn);
    auto *self = ctx ? static_cast<Server *>(mg_get_user_data(ctx)) : nullptr;
    const mg_request_info *ri = mg_get_request_info(conn);
    if (!self || !self->options_.http_counters || !ri) return;
    try {
        self->options_.http_counters->count(ri->request_method ? ri->request_method : "", status);
    } catch (...) {
        // a count that cannot be kept (no memory) is dropped, never thrown into CivetWeb
    }
}

int Server::on_begin_request(mg_connection *conn) {
    const mg_context *ctx = mg_get_context(conn);
    auto *self = ctx ? static_cast<Server *>(mg_get_user_data(ctx)) : nullptr;
    return self ? self->guarded(conn) : 0;
}

int Server::guarded(mg_connection *conn) {
    const mg_request_info *ri = mg_get_request_info(conn);
    std::string what = std::string(ri->request_method ? ri->request_method : "?") + " " +
                       (ri->local_uri ? ri->local_uri : "?");
    try {
        return admit(conn);
    } catch (const std::exception &e) {
        log_(kLogError, "request " + what + " failed: " + e.what());
    } catch (...) {
        log_(kLogError, "request " + what + " failed");
    }
    send(conn, closing(Api::error(500, "internal_error", "the request failed (see the log)")));
    return 500;
}

int Server::admit(mg_connection *conn) {
    const mg_request_info *ri = mg_get_request_info(conn);
    RequestHead head;
    head.method = ri->request_method ? ri->request_method : "";
    head.raw_path = ri->local_uri ? ri->local_uri : ""; // dot segments removed, not decoded
    head.query = ri->query_string ? ri->query_string : "";
    for (int i = 0; i < ri->num_headers; ++i)
        head.headers.emplace_back(ri->http_headers[i].name ? ri->http_headers[i].name : "",
                                  ri->http_headers[i].value ? ri->http_headers[i].value : "");
    bool is_head = head.method == "HEAD";
    GuardResult checked = check_request(head, options_.hosts);
    if (checked.refusal) {
        send(conn, *checked.refusal, is_head);
        return checked.refusal->status;
    }
    if (is_api(checked.path)) return serve_api(conn, checked.path);
    if (options_.metrics && checked.path == "/metrics") {
        HttpResponse r =
            head.method == "POST"
                ? Api::error(405, "method_not_allowed", "use GET")
                : metrics_response(*options_.metrics, ri->remote_addr,
                                   header(conn, "Authorization"), options_.metrics_token);
        if (r.status == 405) r.headers.emplace_back("Allow", "GET, HEAD");
        send(conn, r, is_head);
        return r.status;
    }
    // Static files: no escapes (the UI's file names need none), nothing outside the root.
    std::optional<VersionedPath> versioned = split_versioned(checked.path);
    const std::string &file = versioned ? versioned->path : checked.path;
    if (checked.path != head.raw_path || leaves_root(file) ||
        (versioned && hidden_static_path(file))) {
        send(conn, Api::error(404, "not_found", "no such file"), is_head);
        return 404;
    }
    if (head.method != "GET" && !is_head) return 0; // CivetWeb answers as before
    if (versioned)
        return serve_static(
            conn, file, versioned->version == version(false) ? kImmutable : "no-cache", is_head);
    if (file == "/" || file == "/index.html")
        return serve_static(conn, "/index.html", "no-cache", is_head);
    return 0; // CivetWeb serves it
}

std::string Server::version(bool refresh) {
    std::lock_guard<std::mutex> lock(version_mutex_);
    if (refresh || version_.empty()) version_ = webroot_version(root_real_);
    return version_;
}

// A file of the root (static_files.hpp) with the static files' headers; index.html names every
// file under the current version, checked again on each load (a file edited or installed since
// gets a new URL).
int Server::serve_static(mg_connection *conn, const std::string &path,
                         const std::string &cache_control, bool head) {
    std::optional<HttpResponse> r = static_file(root_real_, path, cache_control);
    if (!r) {
        send(conn, Api::error(404, "not_found", "no such file"), head);
        return 404;
    }
    if (path == "/index.html") r->body = with_versioned_urls(r->body, "/v/" + version(true));
    for (auto [name, value] : kStaticHeaders)
        r->headers.emplace_back(name, value);
    if (!options_.tls_certificate.empty())
        r->headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
    send(conn, *r, head);
    return r->status;
}

bool Server::leaves_root(const std::string &path) const {
    auto outside = [this](const std::string &file) {
        char *real = realpath(file.c_str(), nullptr);
        if (!real) return false; // does not exist: CivetWeb answers 404
        std::string r = real;
        free(real);
        return r != root_real_ && r.compare(0, root_real_.size() + 1, root_real_ + "/") != 0;
    };
    std::string file = options_.document_root + path;
    // A folder is served through its index.html: check both.
    return outside(file) || outside(file + (file.back() == '/' ? "" : "/") + "index.html");
}

int Server::serve_api(mg_connection *conn, const std::string &path) {
    // The Api in force now answers this request, even if a reload replaces it meanwhile.
    const std::shared_ptr<ApiGeneration> generation = apis_.get();
    if (!generation) {
        send(conn, Api::error(503, "starting", "the site is starting"));
        return 503;
    }
    Api &api = *generation->api;
    const mg_request_info *ri = mg_get_request_info(conn);
    HttpRequest req;
    req.method = ri->request_method ? ri->request_method : "";
    req.path = path;
    req.query = ri->query_string ? ri->query_string : "";
    req.remote_addr = ri->remote_addr;
    req.tls = ri->is_ssl != 0;
    req.content_type = header(conn, "Content-Type");
    req.cookie = header(conn, "Cookie");
    req.csrf_token = header(conn, "X-CSRF-Token");
    req.origin = header(conn, "Origin");
    req.host = header(conn, "Host");

    bool is_head = req.method == "HEAD";

    // The body, bounded in size and time. Refused unread when announced too large; a body
    // that stops short of its Content-Length is refused after request_timeout_ms. Either way
    // the connection closes at once (nothing left to read or discard). Chunked bodies (no
    // browser sends them) also close the connection after the answer: CivetWeb cannot tell
    // their end from a pause.
    bool chunked = !header(conn, "Transfer-Encoding").empty();
    long long announced = ri->content_length; // -1 when absent
    size_t limit = std::max(options_.max_body_bytes, api.body_limit(req.method, req.path));
    if (announced > static_cast<long long>(limit)) {
        send(conn, closing(Api::error(413, "body_too_large", "the request body is too large")));
        return 413;
    }
    if (announced > 0 || chunked) {
        auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(options_.request_timeout_ms);
        char buf[4096];
        for (;;) {
            int n = mg_read(conn, buf, sizeof buf);
            if (n <= 0) break;
            req.body.append(buf, static_cast<size_t>(n));
            if (req.body.size() > limit) {
                send(conn,
                     closing(Api::error(413, "body_too_large", "the request body is too large")));
                return 413;
            }
            if (announced >= 0 && req.body.size() >= static_cast<size_t>(announced)) break;
            if (std::chrono::steady_clock::now() > deadline) break;
        }
        if (announced >= 0 && req.body.size() < static_cast<size_t>(announced)) {
            send(conn, closing(Api::error(400, "incomplete_body",
                                          "the body is shorter than its Content-Length (or "
                                          "took longer than request_timeout_ms)")));
            return 400;
        }
    }

    HttpResponse r;
    if (req.path == "/api/v1/live/stream") {
        auto opened = api.open_stream(req);
        if (auto *stream = std::get_if<Api::Stream>(&opened)) {
            if (!is_head) {
                serve_stream(conn, *generation, *stream);
                return 200;
            }
            r.content_type = "text/event-stream";
        } else {
            r = std::get<HttpResponse>(opened);
        }
        if (chunked) r.close = true;
        send(conn, r, is_head);
        return r.status;
    }
    // A request under way is answered before stop() lets CivetWeb go (it drops what is written
    // once stopping): a configuration save that changes this plugin's own section is answered
    // just before the reload stops this server (docs/api.md, "PUT /config"). A reload that
    // keeps the server waits for nothing here: it only swaps the Api (replace_api).
    Answering answering(*this);
    r = api.handle(req);
    if (chunked) r.close = true;
    if (r.status >= 500) log_(kLogWarning, req.method + " " + req.path + ": " + r.body);
    send(conn, r, is_head);
    return r.status;
}

Server::Answering::Answering(Server &server) : server_(server) {
    std::lock_guard<std::mutex> lock(server_.mutex_);
    ++server_.answering_;
}

Server::Answering::~Answering() {
    std::lock_guard<std::mutex> lock(server_.mutex_);
    --server_.answering_;
    server_.wake_.notify_all();
}

// Server-sent events: one "live" event per tick with the snapshots of the subscribed sources
// that changed since the last push (the first tick sends them all), and with alarms=1 an
// "alarms" event when the banner's count changed. The snapshot strings are
// shared by every client, so a push costs a pointer comparison per source and one write.
// When a reload replaces the generation, the stream ends after a short "retry:" so that the
// browser's EventSource reconnects at once, to the new site model (the new stream sets the
// usual 2 s again).
void Server::serve_stream(mg_connection *conn, const ApiGeneration &generation,
                          const Api::Stream &stream) {
    Api &api = *generation.api;
    // The stream's end closes the connection at once (without this CivetWeb would wait for a
    // next request for keep_alive_timeout_ms, and the browser would reconnect that much later).
    mg_disable_connection_keep_alive(conn);
    mg_response_header_start(conn, 200);
    mg_response_header_add(conn, "Content-Type", "text/event-stream", -1);
    mg_response_header_add(conn, "Cache-Control", "no-store", -1);
    mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
    mg_response_header_add(conn, "Connection", "close", -1);
    mg_response_header_send(conn);

    std::vector<std::shared_ptr<const std::string>> sent(stream.sources.size());
    int64_t sent_count = INT64_MIN; // the alarm count and revision last pushed
    uint64_t sent_revision = 0;
    std::string message = "retry: 2000\n\n";
    auto last_write = std::chrono::steady_clock::now();
    bool open = mg_write(conn, message.data(), message.size()) > 0;
    while (open && !wait_end(0, generation)) {
        if (!api.alive(stream)) {
            static const char kEnd[] = "event: session-ended\ndata: {}\n\n";
            mg_write(conn, kEnd, sizeof kEnd - 1);
            return;
        }
        int64_t now = api.now_mono_ns();
        message.assign("event: live\ndata: [");
        bool any = false;
        for (size_t i = 0; i < stream.sources.size(); ++i) {
            auto snap = api.live().snapshot(stream.sources[i], now);
            if (!snap || snap == sent[i]) continue;
            if (any) message.push_back(',');
            message.append(*snap);
            sent[i] = std::move(snap);
            any = true;
        }
        message.append("]\n\n");
        if (!any) message.clear();
        if (stream.alarms) { // the banner's count, when the engine's records changed
            uint64_t revision = api.alarm_revision();
            int64_t count = api.alarm_count();
            if (count != sent_count || revision != sent_revision) {
                message += "event: alarms\ndata: {\"count\":" + std::to_string(count) +
                           ",\"revision\":" + std::to_string(revision) + "}\n\n";
                sent_count = count;
                sent_revision = revision;
                any = true;
            }
        }
        auto t = std::chrono::steady_clock::now();
        if (any) {
            open = mg_write(conn, message.data(), message.size()) > 0;
            last_write = t;
        } else if (t - last_write >= std::chrono::milliseconds(options_.keepalive_ms)) {
            open = mg_write(conn, ": keepalive\n\n", 13) > 0; // also detects a gone client
            last_write = t;
        }
        if (wait_end(options_.push_interval_ms, generation)) break;
    }
    if (open && generation.retired.load()) {
        static const char kReconnect[] = "retry: 100\n\n";
        mg_write(conn, kReconnect, sizeof kReconnect - 1);
    }
}

} // namespace gs::ui
