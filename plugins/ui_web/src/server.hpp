// The CivetWeb side of ui_web: serves webroot/ as static files and hands /api/v1 to Api.
// CivetWeb stays inside this file: nothing of it is visible to the kernel or other plugins.
#ifndef GS_UI_WEB_SERVER_HPP
#define GS_UI_WEB_SERVER_HPP

#include "api.hpp"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

struct mg_context;
struct mg_connection;

namespace gs::ui {

struct ServerOptions {
    std::string bind_address = "127.0.0.1";
    int port = 8080;
    std::string document_root;
    int num_threads = 32;
    int64_t request_timeout_ms = 10000;
    std::string tls_certificate; // PEM with certificate and key; "" = plain HTTP
    size_t max_body_bytes = 16 * 1024;
    int64_t push_interval_ms = 250;
    int64_t keepalive_ms = 15000; // SSE comment line when nothing else was sent
};

class Server {
public:
    using Log = std::function<void(int level, const std::string &message)>; // gs_log_level
    Server(Api &api, ServerOptions options, Log log);
    ~Server();
    Server(const Server &) = delete;
    Server &operator=(const Server &) = delete;

    // [kernel-thread] Throws std::runtime_error with CivetWeb's reason (port in use, ...).
    void start();
    // [kernel-thread] Ends the live streams and waits for every CivetWeb thread.
    void stop();

private:
    static int on_api(mg_connection *conn, void *self);
    static int on_log(const mg_connection *conn, const char *message);
    int serve_api(mg_connection *conn);
    void serve_stream(mg_connection *conn, const Api::Stream &stream);
    // Waits up to `ms`; true when the server is stopping.
    bool wait_stop(int64_t ms);

    Api &api_;
    ServerOptions options_;
    Log log_;
    mg_context *ctx_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

} // namespace gs::ui

#endif
