#include "mqtt_sink.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>

namespace gs::mqtt {
namespace {

constexpr std::chrono::seconds kConnectTimeout{10};
// A delivery that sees no acknowledgement for this long counts the connection as dead.
constexpr std::chrono::seconds kAckTimeout{30};
constexpr int kKeepaliveS = 30;

void init_library() {
    static std::once_flag once; // never cleaned up: other plugins of the process may use it
    std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string error_text(int rc) {
    if (rc == MOSQ_ERR_ERRNO) return std::string("system error: ") + strerror(errno);
    return mosquitto_strerror(rc);
}

} // namespace

MqttSink::MqttSink(gs::Host host, Settings settings)
    : host_(host), settings_(std::move(settings)),
      status_topic_(settings_.topic_prefix + "/status"),
      ha_status_topic_(settings_.homeassistant.enabled ? settings_.homeassistant.prefix + "/status"
                                                       : std::string()) {
    init_library();
}

MqttSink::~MqttSink() {
    disconnect();
}

void MqttSink::on_connect(struct mosquitto *, void *self, int rc) {
    auto *s = static_cast<MqttSink *>(self);
    s->connack_ = rc;
    s->connected_ = rc == 0;
}

void MqttSink::on_disconnect(struct mosquitto *, void *self, int) {
    static_cast<MqttSink *>(self)->connected_ = false;
}

void MqttSink::on_publish(struct mosquitto *, void *self, int mid) {
    auto *s = static_cast<MqttSink *>(self);
    auto it = s->pending_.find(mid);
    if (it == s->pending_.end()) return; // the status message
    if (it->second < s->unacked_.size() && s->unacked_[it->second] > 0) --s->unacked_[it->second];
    s->pending_.erase(it);
    ++s->acked_total_;
}

void MqttSink::on_message(struct mosquitto *, void *self, const struct mosquitto_message *m) {
    auto *s = static_cast<MqttSink *>(self);
    static const char kOnline[] = "online";
    if (s->ha_status_topic_ == m->topic && m->payloadlen == sizeof kOnline - 1 &&
        std::memcmp(m->payload, kOnline, sizeof kOnline - 1) == 0) {
        std::lock_guard<std::mutex> lock(s->discovery_mutex_);
        s->discovery_due_ = true; // Home Assistant (re)started: announce again
    }
}

void MqttSink::set_discovery(std::vector<Message> messages) {
    std::lock_guard<std::mutex> lock(discovery_mutex_);
    discovery_ = std::move(messages);
    discovery_due_ = true;
}

bool MqttSink::publish_discovery() {
    std::vector<Message> messages;
    {
        std::lock_guard<std::mutex> lock(discovery_mutex_);
        if (!discovery_due_) return true;
        messages = discovery_;
        discovery_due_ = false;
    }
    std::set<std::string> now;
    for (const Message &m : messages)
        now.insert(m.topic);
    for (const std::string &gone : announced_)
        if (!now.count(gone)) messages.push_back(Message{gone, {}}); // removes the entity
    for (const Message &m : messages) {
        int rc = mosquitto_publish(mosq_, nullptr, m.topic.c_str(),
                                   static_cast<int>(m.payload.size()), m.payload.data(), 1, true);
        if (rc != MOSQ_ERR_SUCCESS) {
            host_.warning("publishing the discovery on " + m.topic + ": " + error_text(rc));
            std::lock_guard<std::mutex> lock(discovery_mutex_);
            discovery_due_ = true;
            return false;
        }
    }
    announced_ = std::move(now);
    return true;
}

void MqttSink::disconnect() {
    if (!mosq_) return;
    mosquitto_disconnect(mosq_);
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
    connected_ = false;
    pending_.clear();
}

void MqttSink::connect() {
    disconnect();
    const Broker &b = settings_.broker;
    mosq_ = mosquitto_new(b.client_id.empty() ? nullptr : b.client_id.c_str(), true, this);
    if (!mosq_) throw gs::Error("mosquitto_new failed", GS_ERR_NO_MEMORY);
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_max_inflight_messages_set(mosq_, 100);
    mosquitto_connect_callback_set(mosq_, &MqttSink::on_connect);
    mosquitto_disconnect_callback_set(mosq_, &MqttSink::on_disconnect);
    mosquitto_publish_callback_set(mosq_, &MqttSink::on_publish);
    mosquitto_message_callback_set(mosq_, &MqttSink::on_message);
    static const char kOffline[] = "offline";
    int rc =
        mosquitto_will_set(mosq_, status_topic_.c_str(), sizeof kOffline - 1, kOffline, 1, true);
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
        throw gs::Error("MQTT client setup: " + error_text(rc), GS_ERR_INVALID_ARG);
    }
    connack_ = -1;
    rc = mosquitto_connect(mosq_, b.host.c_str(), b.port, kKeepaliveS);
    if (rc != MOSQ_ERR_SUCCESS) {
        disconnect();
        throw gs::RetryLater("broker " + b.host + ":" + std::to_string(b.port) + ": " +
                             error_text(rc));
    }
    auto end = std::chrono::steady_clock::now() + kConnectTimeout;
    while (connack_ < 0 && std::chrono::steady_clock::now() < end)
        if (mosquitto_loop(mosq_, 100, 1) != MOSQ_ERR_SUCCESS) break;
    if (!connected_) {
        int code = connack_;
        disconnect();
        throw gs::RetryLater(
            "broker " + b.host + ":" + std::to_string(b.port) + ": " +
            (code < 0 ? std::string("no CONNACK") : mosquitto_connack_string(code)));
    }
    static const char kOnline[] = "online";
    rc = mosquitto_publish(mosq_, nullptr, status_topic_.c_str(), sizeof kOnline - 1, kOnline, 1,
                           true);
    if (rc != MOSQ_ERR_SUCCESS) {
        disconnect();
        throw gs::RetryLater("publishing the status: " + error_text(rc));
    }
    if (!ha_status_topic_.empty()) {
        {
            std::lock_guard<std::mutex> lock(discovery_mutex_);
            discovery_due_ = true; // on every connection: the broker may have lost its retained
        }
        rc = mosquitto_subscribe(mosq_, nullptr, ha_status_topic_.c_str(), 1);
        if (rc != MOSQ_ERR_SUCCESS) {
            disconnect();
            throw gs::RetryLater("subscribing to " + ha_status_topic_ + ": " + error_text(rc));
        }
        if (!publish_discovery()) {
            disconnect();
            throw gs::RetryLater("publishing the Home Assistant discovery failed");
        }
    }
    host_.info("connected to the MQTT broker " + b.host + ":" + std::to_string(b.port) +
               (b.tls ? " (TLS)" : ""));
}

bool MqttSink::pump_io(std::chrono::milliseconds timeout) {
    int rc = mosquitto_loop(mosq_, static_cast<int>(timeout.count()), 1);
    if (rc != MOSQ_ERR_SUCCESS || !connected_) {
        host_.warning("lost the MQTT broker: " +
                      error_text(rc == MOSQ_ERR_SUCCESS ? MOSQ_ERR_CONN_LOST : rc));
        disconnect();
        return false;
    }
    return true;
}

gs::Delivery MqttSink::deliver(const std::vector<gs::JournalEntry> &entries) {
    gs::Delivery d;
    if (!connected()) {
        try {
            connect();
        } catch (const gs::Error &e) {
            d.failed = true;
            d.error = e.what();
            return d;
        }
    }
    if (!publish_discovery()) {
        disconnect();
        d.failed = true;
        d.error = "publishing the Home Assistant discovery failed";
        return d;
    }
    pending_.clear();
    unacked_.assign(entries.size(), 0);
    auto acked_prefix = [&] {
        size_t n = 0;
        while (n < unacked_.size() && unacked_[n] == 0)
            ++n;
        return n;
    };
    for (size_t i = 0; i < entries.size(); ++i) {
        messages_.clear();
        messages_of(settings_.topic_prefix, entries[i], messages_);
        unacked_[i] = messages_.size();
        for (const Message &m : messages_) {
            int mid = 0;
            int rc =
                mosquitto_publish(mosq_, &mid, m.topic.c_str(), static_cast<int>(m.payload.size()),
                                  m.payload.data(), settings_.qos, false);
            if (rc != MOSQ_ERR_SUCCESS) {
                d.acknowledged = acked_prefix();
                d.failed = true;
                d.error = "publishing on " + m.topic + ": " + error_text(rc);
                disconnect();
                return d;
            }
            pending_.emplace(mid, i);
        }
        // Keep the socket moving while queueing a long batch.
        if (i % 64 == 63 && !pump_io(std::chrono::milliseconds{0})) {
            d.acknowledged = acked_prefix();
            d.failed = true;
            d.error = "the connection was lost while publishing";
            return d;
        }
    }
    auto last_progress = std::chrono::steady_clock::now();
    size_t last_pending = pending_.size();
    while (!pending_.empty()) {
        if (!pump_io(std::chrono::milliseconds{100})) {
            d.acknowledged = acked_prefix();
            d.failed = true;
            d.error = "the connection was lost before every acknowledgement";
            return d;
        }
        auto now = std::chrono::steady_clock::now();
        if (pending_.size() != last_pending) {
            last_pending = pending_.size();
            last_progress = now;
        } else if (now - last_progress > kAckTimeout) {
            d.acknowledged = acked_prefix();
            d.failed = true;
            d.error = "no acknowledgement from the broker for 30 s";
            disconnect();
            return d;
        }
    }
    d.acknowledged = entries.size();
    return d;
}

void MqttSink::idle(std::chrono::milliseconds slice) {
    if (connected()) {
        if (!publish_discovery()) {
            disconnect();
            return;
        }
        pump_io(slice); // keep-alive, and notices a lost connection
    } else
        std::this_thread::sleep_for(slice);
}

void MqttSink::close() {
    if (connected()) {
        // A clean stop says "offline" itself (the will only fires on an unclean loss).
        static const char kOffline[] = "offline";
        int mid = 0;
        if (mosquitto_publish(mosq_, &mid, status_topic_.c_str(), sizeof kOffline - 1, kOffline, 1,
                              true) == MOSQ_ERR_SUCCESS) {
            pending_.emplace(mid, SIZE_MAX);
            auto end = std::chrono::steady_clock::now() + std::chrono::seconds{2};
            while (connected() && pending_.count(mid) && std::chrono::steady_clock::now() < end)
                if (!pump_io(std::chrono::milliseconds{50})) break;
        }
    }
    disconnect();
}

} // namespace gs::mqtt
