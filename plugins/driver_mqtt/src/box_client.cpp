#include "box_client.hpp"

#include <pthread.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace gs::hub {
namespace {

constexpr std::chrono::seconds kConnectTimeout{10};
constexpr int kKeepaliveS = 30;

// Paired with mosquitto_lib_cleanup() when the plugin library is unloaded, as exporter_mqtt does
// (see plugins/exporter_mqtt/src/client.cpp: without it LeakSanitizer reports libmosquitto's TLS
// set-up; the pair is reference-counted, so other users of the library are not disturbed).
void init_library() {
    static std::once_flag once;
    std::call_once(once, [] {
        mosquitto_lib_init();
        std::atexit([] { mosquitto_lib_cleanup(); });
    });
}

std::string error_text(int rc) {
    if (rc == MOSQ_ERR_ERRNO) return std::string("system error: ") + strerror(errno);
    return mosquitto_strerror(rc);
}

} // namespace

BoxClient::BoxClient(gs::Host host, Box box, retry::RetryPolicy retry, Hub &hub)
    : host_(host), box_(std::move(box)), retry_(retry), hub_(hub),
      filter_(box_.topic_prefix + "/#") {
    init_library();
}

BoxClient::~BoxClient() {
    stop();
}

void BoxClient::start() {
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void BoxClient::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    disconnect();
}

bool BoxClient::wait(std::chrono::milliseconds delay) {
    std::unique_lock<std::mutex> lock(mutex_);
    return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

void BoxClient::on_connect(struct mosquitto *, void *self, int rc) {
    auto *s = static_cast<BoxClient *>(self);
    s->connack_ = rc;
    s->connected_ = rc == 0;
}

void BoxClient::on_disconnect(struct mosquitto *, void *self, int) {
    static_cast<BoxClient *>(self)->connected_ = false;
}

void BoxClient::on_message(struct mosquitto *, void *self, const struct mosquitto_message *m) {
    auto *s = static_cast<BoxClient *>(self);
    std::string_view topic(m->topic);
    const std::string &prefix = s->box_.topic_prefix;
    if (topic.size() <= prefix.size() + 1 || topic.compare(0, prefix.size(), prefix) != 0 ||
        topic[prefix.size()] != '/')
        return;
    std::string_view payload(static_cast<const char *>(m->payload),
                             m->payloadlen > 0 ? static_cast<size_t>(m->payloadlen) : 0);
    s->hub_.on_message(s->box_.name, topic.substr(prefix.size() + 1), payload);
}

void BoxClient::disconnect() {
    if (!mosq_) return;
    mosquitto_disconnect(mosq_);
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
    connected_ = false;
}

bool BoxClient::connect(std::string &why) {
    disconnect();
    const Broker &b = box_.broker;
    const std::string where = "broker " + b.host + ":" + std::to_string(b.port);
    // A client id asks for a persistent session: the broker queues the box's messages meanwhile.
    const bool clean = b.client_id.empty();
    mosq_ = mosquitto_new(clean ? nullptr : b.client_id.c_str(), clean, this);
    if (!mosq_) {
        why = "mosquitto_new failed";
        return false;
    }
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_connect_callback_set(mosq_, &BoxClient::on_connect);
    mosquitto_disconnect_callback_set(mosq_, &BoxClient::on_disconnect);
    mosquitto_message_callback_set(mosq_, &BoxClient::on_message);
    int rc = MOSQ_ERR_SUCCESS;
    if (!b.username.empty())
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
        why = "MQTT client setup: " + error_text(rc);
        disconnect();
        return false;
    }
    connack_ = -1;
    rc = mosquitto_connect(mosq_, b.host.c_str(), b.port, kKeepaliveS);
    if (rc != MOSQ_ERR_SUCCESS) {
        why = where + ": " + error_text(rc);
        disconnect();
        return false;
    }
    auto end = std::chrono::steady_clock::now() + kConnectTimeout;
    while (connack_ < 0 && std::chrono::steady_clock::now() < end)
        if (mosquitto_loop(mosq_, 100, 1) != MOSQ_ERR_SUCCESS) break;
    if (!connected_) {
        int code = connack_;
        why =
            where + ": " + (code < 0 ? std::string("no CONNACK") : mosquitto_connack_string(code));
        disconnect();
        return false;
    }
    rc = mosquitto_subscribe(mosq_, nullptr, filter_.c_str(), box_.qos);
    if (rc != MOSQ_ERR_SUCCESS) {
        why = "subscribing to " + filter_ + ": " + error_text(rc);
        disconnect();
        return false;
    }
    host_.info("box " + box_.name + ": subscribed to " + filter_ + " on " + where +
               (b.tls ? " (TLS)" : ""));
    return true;
}

void BoxClient::run() {
    // "hub <box>" in top and /proc (the benchmark counts these threads' CPU); 15 bytes at most.
    pthread_setname_np(pthread_self(), ("hub " + box_.name).substr(0, 15).c_str());
    unsigned failures = 0;
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) return;
        }
        if (mosq_ && connected_) {
            int rc = mosquitto_loop(mosq_, 100, 1);
            if (rc == MOSQ_ERR_SUCCESS && connected_) continue;
            std::string why = "lost the broker " + box_.broker.host + ":" +
                              std::to_string(box_.broker.port) + ": " +
                              error_text(rc == MOSQ_ERR_SUCCESS ? MOSQ_ERR_CONN_LOST : rc);
            disconnect();
            host_.warning("box " + box_.name + ": " + why);
            hub_.broker_lost(box_.name, why);
            failures = 1;
        } else {
            std::string why;
            if (connect(why)) {
                failures = 0;
                continue;
            }
            ++failures;
            ++failures_total_;
            host_.warning("box " + box_.name + ": " + why);
            hub_.broker_lost(box_.name, why);
        }
        if (!wait(retry::retry_delay(retry_, failures, random_()))) return;
    }
}

} // namespace gs::hub
