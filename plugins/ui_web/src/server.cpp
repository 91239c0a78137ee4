#include "server.hpp"

#include <civetweb.h>

#include <chrono>
#include <stdexcept>
#include <vector>

namespace gs::ui {

namespace {

constexpr int kLogWarning = 3; // gs_log_level
constexpr int kLogInfo = 2;

const char *kStaticHeaders =
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

std::string header(mg_connection *conn, const char *name) {
    const char *v = mg_get_header(conn, name);
    return v ? v : "";
}

void send(mg_connection *conn, const HttpResponse &r, bool close) {
    std::string length = std::to_string(r.body.size());
    mg_response_header_start(conn, r.status);
    mg_response_header_add(conn, "Content-Type", r.content_type.c_str(), -1);
    mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
    mg_response_header_add(conn, "Cache-Control", "no-store", -1);
    mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
    if (close) mg_response_header_add(conn, "Connection", "close", -1);
    for (const auto &[name, value] : r.headers)
        mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
    mg_response_header_send(conn);
    if (!r.body.empty()) mg_write(conn, r.body.data(), r.body.size());
}

} // namespace

Server::Server(Api &api, ServerOptions options, Log log)
    : api_(api), options_(std::move(options)), log_(std::move(log)) {}

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
    std::string headers = std::string(kStaticHeaders) +
                          (tls ? "\r\nStrict-Transport-Security: max-age=31536000" : "");
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
        "5000",
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
        "decode_url",
        "yes",
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
    mg_set_request_handler(ctx_, "/api", &Server::on_api, this);
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
    mg_stop(ctx_); // joins the worker threads: the live streams see stopping_ and return
    ctx_ = nullptr;
    mg_exit_library();
}

bool Server::wait_stop(int64_t ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    return wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

int Server::on_log(const mg_connection *conn, const char *message) {
    const mg_context *ctx = mg_get_context(conn);
    auto *self = ctx ? static_cast<Server *>(mg_get_user_data(ctx)) : nullptr;
    if (self) self->log_(kLogWarning, std::string("civetweb: ") + message);
    return 1;
}

int Server::on_api(mg_connection *conn, void *self) {
    return static_cast<Server *>(self)->serve_api(conn);
}

int Server::serve_api(mg_connection *conn) {
    const mg_request_info *ri = mg_get_request_info(conn);
    HttpRequest req;
    req.method = ri->request_method ? ri->request_method : "";
    req.path = ri->local_uri ? ri->local_uri : "";
    req.query = ri->query_string ? ri->query_string : "";
    req.remote_addr = ri->remote_addr;
    req.tls = ri->is_ssl != 0;
    req.content_type = header(conn, "Content-Type");
    req.cookie = header(conn, "Cookie");
    req.csrf_token = header(conn, "X-CSRF-Token");
    req.origin = header(conn, "Origin");
    req.host = header(conn, "Host");

    // The body, bounded: refused unread when announced too large (and the connection closed).
    if (ri->content_length > static_cast<long long>(options_.max_body_bytes)) {
        send(conn, Api::error(413, "body_too_large", "the request body is too large"), true);
        return 413;
    }
    if (ri->content_length != 0) {
        char buf[4096];
        for (;;) {
            int n = mg_read(conn, buf, sizeof buf);
            if (n <= 0) break;
            req.body.append(buf, static_cast<size_t>(n));
            if (req.body.size() > options_.max_body_bytes) {
                send(conn, Api::error(413, "body_too_large", "the request body is too large"),
                     true);
                return 413;
            }
        }
    }

    if (req.path == "/api/v1/live/stream") {
        auto opened = api_.open_stream(req);
        if (auto *refused = std::get_if<HttpResponse>(&opened)) {
            send(conn, *refused, false);
            return refused->status;
        }
        serve_stream(conn, std::get<Api::Stream>(opened));
        return 200;
    }
    HttpResponse r = api_.handle(req);
    send(conn, r, false);
    return r.status;
}

// Server-sent events: one "live" event per tick with the snapshots of the subscribed sources
// that changed since the last push (the first tick sends them all). The snapshot strings are
// shared by every client, so a push costs a pointer comparison per source and one write.
void Server::serve_stream(mg_connection *conn, const Api::Stream &stream) {
    mg_response_header_start(conn, 200);
    mg_response_header_add(conn, "Content-Type", "text/event-stream", -1);
    mg_response_header_add(conn, "Cache-Control", "no-store", -1);
    mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
    mg_response_header_add(conn, "Connection", "close", -1);
    mg_response_header_send(conn);

    ++api_.stream_clients;
    std::vector<std::shared_ptr<const std::string>> sent(stream.sources.size());
    std::string message = "retry: 2000\n\n";
    auto last_write = std::chrono::steady_clock::now();
    bool open = mg_write(conn, message.data(), message.size()) > 0;
    while (open && !wait_stop(0)) {
        if (!api_.alive(stream)) {
            static const char kEnd[] = "event: session-ended\ndata: {}\n\n";
            mg_write(conn, kEnd, sizeof kEnd - 1);
            break;
        }
        int64_t now = api_.now_mono_ns();
        message.assign("event: live\ndata: [");
        bool any = false;
        for (size_t i = 0; i < stream.sources.size(); ++i) {
            auto snap = api_.live().snapshot(stream.sources[i], now);
            if (!snap || snap == sent[i]) continue;
            if (any) message.push_back(',');
            message.append(*snap);
            sent[i] = std::move(snap);
            any = true;
        }
        message.append("]\n\n");
        auto t = std::chrono::steady_clock::now();
        if (any) {
            open = mg_write(conn, message.data(), message.size()) > 0;
            last_write = t;
        } else if (t - last_write >= std::chrono::milliseconds(options_.keepalive_ms)) {
            open = mg_write(conn, ": keepalive\n\n", 13) > 0; // also detects a gone client
            last_write = t;
        }
        if (wait_stop(options_.push_interval_ms)) break;
    }
    --api_.stream_clients;
}

} // namespace gs::ui
