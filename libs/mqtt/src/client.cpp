#include "mqtt/client.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace mqtt {
namespace {

constexpr std::chrono::seconds kConnectTimeout{10};
constexpr int kKeepaliveS = 30;

// mosquitto_lib_init() once per load of the plugin that links this library, paired with
// mosquitto_lib_cleanup() when that plugin is unloaded (an atexit handler of a shared object runs
// at its dlclose, or at exit). The pair is reference-counted by libmosquitto (2.0): another user
// of the library in the process keeps it initialised. Without the cleanup, LeakSanitizer
// reported 88 + 35 bytes from libcrypto after a TLS connection: the UI_METHOD that libmosquitto's
// TLS set-up creates (UI_create_method with its strdup'ed name), referenced only from
// libmosquitto's globals, which are unmapped with it when the last plugin using it is unloaded.
// The cleanup also runs OpenSSL's CONF_modules_unload(); clients are all destroyed before then
// (the plugins are stopped first).
void init_library() {
    static std::once_flag once;
    std::call_once(once, [] {
        mosquitto_lib_init();
        std::atexit([] { mosquitto_lib_cleanup(); });
    });
}

} // namespace

std::string error_text(int rc) {
    if (rc == MOSQ_ERR_ERRNO) return std::string("system error: ") + strerror(errno);
    return mosquitto_strerror(rc);
}

Client::Client(Broker broker, Events &events) : broker_(std::move(broker)), events_(events) {
    init_library();
}

Client::~Client() {
    disconnect();
}

void Client::on_connect(struct mosquitto *, void *self, int rc) {
    auto *c = static_cast<Client *>(self);
    c->connack_ = rc;
    c->connected_ = rc == 0;
}

void Client::on_disconnect(struct mosquitto *, void *self, int) {
    static_cast<Client *>(self)->connected_ = false;
}

void Client::on_publish(struct mosquitto *, void *self, int mid) {
    static_cast<Client *>(self)->events_.on_publish(mid);
}

void Client::on_unsubscribe(struct mosquitto *, void *self, int mid) {
    static_cast<Client *>(self)->events_.on_unsubscribe(mid);
}

void Client::on_message(struct mosquitto *, void *self, const struct mosquitto_message *m) {
    static_cast<Client *>(self)->events_.on_message(*m);
}

std::string Client::endpoint() const {
    return broker_.host + ":" + std::to_string(broker_.port);
}

void Client::disconnect() {
    if (!mosq_) return;
    mosquitto_disconnect(mosq_);
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
    connected_ = false;
}

void Client::connect(const ConnectOptions &options) {
    disconnect();
    sent_connect_ = false;
    const Broker &b = broker_;
    const bool clean = !options.persistent || b.client_id.empty();
    mosq_ = mosquitto_new(b.client_id.empty() ? nullptr : b.client_id.c_str(), clean, this);
    if (!mosq_) throw SetupError("mosquitto_new failed");
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    if (options.tcp_nodelay) mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
    if (options.max_inflight > 0)
        mosquitto_max_inflight_messages_set(mosq_, static_cast<unsigned>(options.max_inflight));
    mosquitto_connect_callback_set(mosq_, &Client::on_connect);
    mosquitto_disconnect_callback_set(mosq_, &Client::on_disconnect);
    mosquitto_publish_callback_set(mosq_, &Client::on_publish);
    mosquitto_unsubscribe_callback_set(mosq_, &Client::on_unsubscribe);
    mosquitto_message_callback_set(mosq_, &Client::on_message);
    int rc = MOSQ_ERR_SUCCESS;
    if (options.will)
        rc = mosquitto_will_set(
            mosq_, options.will->topic.c_str(), static_cast<int>(options.will->payload.size()),
            options.will->payload.data(), options.will->qos, options.will->retain);
    if (rc == MOSQ_ERR_SUCCESS && !b.username.empty())
        rc = mosquitto_username_pw_set(mosq_, b.username.c_str(),
                                       b.password.empty() ? nullptr : b.password.c_str());
    if (rc == MOSQ_ERR_SUCCESS && b.tls) {
        if (b.ca_file.empty()) {
            rc = mosquitto_int_option(mosq_, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
            if (rc == MOSQ_ERR_SUCCESS)
                rc = mosquitto_tls_set(mosq_, nullptr, "/etc/ssl/certs", nullptr, nullptr, nullptr);
        } else {
            rc = mosquitto_tls_set(mosq_, b.ca_file.c_str(), nullptr, nullptr, nullptr, nullptr);
        }
    }
    if (rc != MOSQ_ERR_SUCCESS) {
        disconnect();
        throw SetupError("MQTT client setup: " + error_text(rc));
    }
    connack_ = -1;
    rc = mosquitto_connect(mosq_, b.host.c_str(), b.port, kKeepaliveS);
    if (rc != MOSQ_ERR_SUCCESS) {
        disconnect();
        throw ConnectError("broker " + endpoint() + ": " + error_text(rc));
    }
    sent_connect_ = true; // mosquitto_connect() connected the socket and sent CONNECT
    auto end = std::chrono::steady_clock::now() + kConnectTimeout;
    while (connack_ < 0 && std::chrono::steady_clock::now() < end)
        if (mosquitto_loop(mosq_, 100, 1) != MOSQ_ERR_SUCCESS) break;
    if (!connected_) {
        int code = connack_;
        disconnect();
        throw ConnectError("broker " + endpoint() + ": " +
                           (code < 0 ? std::string("no CONNACK") : mosquitto_connack_string(code)));
    }
}

bool Client::pump(std::chrono::milliseconds timeout, std::string &why) {
    if (!mosq_) {
        why = "not connected";
        return false;
    }
    int rc = mosquitto_loop(mosq_, static_cast<int>(timeout.count()), 1);
    if (rc != MOSQ_ERR_SUCCESS || !connected_) {
        why = error_text(rc == MOSQ_ERR_SUCCESS ? MOSQ_ERR_CONN_LOST : rc);
        disconnect();
        return false;
    }
    return true;
}

int Client::publish(const std::string &topic, const std::string &payload, int qos, bool retain,
                    int *mid) {
    if (!mosq_) return MOSQ_ERR_NO_CONN;
    return mosquitto_publish(mosq_, mid, topic.c_str(), static_cast<int>(payload.size()),
                             payload.data(), qos, retain);
}

int Client::subscribe(const std::string &topic, int qos) {
    if (!mosq_) return MOSQ_ERR_NO_CONN;
    return mosquitto_subscribe(mosq_, nullptr, topic.c_str(), qos);
}

int Client::unsubscribe(const std::string &topic, int *mid) {
    if (!mosq_) return MOSQ_ERR_NO_CONN;
    return mosquitto_unsubscribe(mosq_, mid, topic.c_str());
}

} // namespace mqtt
