// The CivetWeb side of ui_web: serves webroot/ as static files and hands /api/v1 to Api.
// CivetWeb stays inside this file: nothing of it is visible to the kernel or other plugins.
//
// The server outlives reloads: each request is answered by the Api in force when it began
// (CurrentApi, site_reload.hpp); a reload swaps it and ends the live streams of the old one.
//
// One entry point: CivetWeb's begin_request callback sees every request first. It runs the
// request guard (methods, Host, framing, encoding: request_guard.hpp), answers /api itself and
// lets CivetWeb serve the static files that pass. Nothing thrown inside leaves it: an
// exception becomes a logged 500 with a JSON body.
//
// Connection pressure. CivetWeb 1.15 serves each connection on one worker thread, from the
// first byte to the close; an idle connection or an open live stream holds its thread. So:
//   - many workers (num_threads, 1024 by default): Debian's CivetWeb gives each a 100 KiB
//     stack and a 16 KiB request buffer, so a thousand cost about 20 MB of memory actually
//     touched (docs/performance.md, "Reliability");
//   - short timeouts: a connection that does not complete its request headers, or its body,
//     within request_timeout_ms (5 s), or stays idle that long between keep-alive requests,
//     is closed; a refused body (413, framing error, incomplete) closes the connection at once
//     instead of being read and discarded;
//   - live streams are counted (max_live_streams, max_live_streams_per_session: 429 beyond),
//     and num_threads must exceed max_live_streams by a reserve, so streams alone can never
//     take every worker.
// An event loop would hold idle connections for less, but CivetWeb 1.15 has none and its
// threads already are cheap; bench/http/pressure.py measures the result.
#ifndef GS_UI_WEB_SERVER_HPP
#define GS_UI_WEB_SERVER_HPP

#include "api.hpp"
#include "host_policy.hpp"
#include "metrics.hpp"
#include "site_reload.hpp"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

struct mg_context;
struct mg_connection;

namespace gs::ui {

struct ServerOptions {
    std::string bind_address = "127.0.0.1";
    int port = 8080;
    std::string document_root;
    int num_threads = 1024;
    int64_t request_timeout_ms = 5000; // also the keep-alive idle timeout
    std::string tls_certificate;       // PEM with certificate and key; "" = plain HTTP
    size_t max_body_bytes = 16 * 1024;
    int64_t push_interval_ms = 250;
    // SSE comment line when nothing else was sent: also how soon the thread of a stream whose
    // client left (and whose values do not change) notices it and frees its place.
    int64_t keepalive_ms = 5000;
    HostPolicy hosts{HostPolicy::default_names("127.0.0.1"), 8080, false};
    // Every answered request is counted here (GET /metrics); kept by the plugin across reloads.
    std::shared_ptr<HttpCounters> http_counters;
    // GET /metrics when set (metrics: true), readable as metrics_allowed() says.
    std::optional<MetricsSources> metrics;
    std::string metrics_token;
};

class Server {
public:
    using Log = std::function<void(int level, const std::string &message)>; // gs_log_level
    // `apis` is read at each request; it must outlive the server.
    Server(CurrentApi &apis, ServerOptions options, Log log);
    ~Server();
    Server(const Server &) = delete;
    Server &operator=(const Server &) = delete;

    // [kernel-thread] Throws std::runtime_error with CivetWeb's reason (port in use, ...).
    void start();
    // [kernel-thread] Ends the live streams and waits for every CivetWeb thread.
    void stop();
    // [kernel-thread] Puts `next` in force: requests from now on are answered by it, those under
    // way finish on the previous one, whose live streams end at once (browsers reconnect).
    void replace_api(std::shared_ptr<ApiGeneration> next);

private:
    static int on_begin_request(mg_connection *conn);
    static int on_log(const mg_connection *conn, const char *message);
    static void on_end_request(const mg_connection *conn, int status);
    // The guard of every request: runs admit(), turns an exception into a logged 500.
    int guarded(mg_connection *conn);
    // The version of the web root's files (static_files.hpp); `refresh`: walk the folder again.
    std::string version(bool refresh);
    int serve_static(mg_connection *conn, const std::string &path, const std::string &cache_control,
                     bool head);
    // Checks the request; answers it (API, refusal) and returns the status, or 0 to let
    // CivetWeb serve a static file.
    int admit(mg_connection *conn);
    // A static path that resolves (symbolic links followed) outside the web root.
    bool leaves_root(const std::string &path) const;
    int serve_api(mg_connection *conn, const std::string &path);
    void serve_stream(mg_connection *conn, const ApiGeneration &generation,
                      const Api::Stream &stream);
    // Waits up to `ms`; true when the server is stopping or `generation` was replaced.
    bool wait_end(int64_t ms, const ApiGeneration &generation);

    CurrentApi &apis_;
    ServerOptions options_;
    Log log_;
    mg_context *ctx_ = nullptr;
    std::string root_real_; // the web root with its symbolic links resolved
    std::mutex version_mutex_;
    std::string version_; // of the web root's files, as index.html last named it
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    int answering_ = 0; // API requests (not live streams) being answered
    // Counts one API request being answered, for stop().
    class Answering {
    public:
        explicit Answering(Server &server);
        ~Answering();
        Answering(const Answering &) = delete;
        Answering &operator=(const Answering &) = delete;

    private:
        Server &server_;
    };
};

} // namespace gs::ui

#endif
