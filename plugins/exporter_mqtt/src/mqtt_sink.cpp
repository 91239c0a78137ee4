#include "mqtt_sink.hpp"

#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>

namespace gs::mqtt {
namespace {

// A delivery that sees no acknowledgement for this long counts the connection as dead.
constexpr std::chrono::seconds kAckTimeout{30};

} // namespace

MqttSink::MqttSink(gs::Host host, Settings settings)
    : host_(host), settings_(std::move(settings)),
      status_topic_(settings_.topic_prefix + "/status"), client_(host, settings_.broker, *this),
      ha_status_topic_(settings_.homeassistant.enabled ? settings_.homeassistant.prefix + "/status"
                                                       : std::string()) {}

MqttSink::~MqttSink() {
    disconnect();
}

void MqttSink::on_publish(int mid) {
    auto it = pending_.find(mid);
    if (it == pending_.end()) return; // the status message
    if (it->second < unacked_.size() && unacked_[it->second] > 0) --unacked_[it->second];
    pending_.erase(it);
    ++acked_total_;
}

void MqttSink::on_message(const struct mosquitto_message &m) {
    static const char kOnline[] = "online";
    if (ha_status_topic_ == m.topic && m.payloadlen == sizeof kOnline - 1 &&
        std::memcmp(m.payload, kOnline, sizeof kOnline - 1) == 0) {
        std::lock_guard<std::mutex> lock(retained_mutex_);
        retained_due_ = true; // Home Assistant (re)started: announce again
    }
}

void MqttSink::set_retained(std::vector<Message> messages) {
    std::lock_guard<std::mutex> lock(retained_mutex_);
    retained_ = std::move(messages);
    retained_due_ = true;
}

bool MqttSink::publish_retained() {
    std::vector<Message> messages;
    {
        std::lock_guard<std::mutex> lock(retained_mutex_);
        if (!retained_due_) return true;
        messages = retained_;
        retained_due_ = false;
    }
    std::set<std::string> now;
    for (const Message &m : messages)
        now.insert(m.topic);
    for (const std::string &gone : announced_)
        if (!now.count(gone)) messages.push_back(Message{gone, {}}); // removes it
    for (const Message &m : messages) {
        int rc = client_.publish(m.topic, m.payload, 1, true, nullptr);
        if (rc != MOSQ_ERR_SUCCESS) {
            host_.warning("publishing the retained " + m.topic + ": " + error_text(rc));
            std::lock_guard<std::mutex> lock(retained_mutex_);
            retained_due_ = true;
            return false;
        }
    }
    announced_ = std::move(now);
    return true;
}

void MqttSink::disconnect() {
    client_.disconnect();
    pending_.clear();
}

void MqttSink::connect() {
    disconnect();
    client_.connect(Will{status_topic_, "offline", 1, true});
    int rc = client_.publish(status_topic_, "online", 1, true, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
        disconnect();
        throw gs::RetryLater("publishing the status: " + error_text(rc));
    }
    {
        std::lock_guard<std::mutex> lock(retained_mutex_);
        retained_due_ = true; // on every connection: the broker may have lost its retained
    }
    if (!ha_status_topic_.empty()) {
        rc = client_.subscribe(ha_status_topic_, 1);
        if (rc != MOSQ_ERR_SUCCESS) {
            disconnect();
            throw gs::RetryLater("subscribing to " + ha_status_topic_ + ": " + error_text(rc));
        }
    }
    if (!publish_retained()) {
        disconnect();
        throw gs::RetryLater("publishing the retained announcements failed");
    }
    host_.info("connected to the MQTT broker " + client_.endpoint() +
               (settings_.broker.tls ? " (TLS)" : ""));
}

bool MqttSink::pump_io(std::chrono::milliseconds timeout) {
    if (client_.pump(timeout)) return true;
    pending_.clear();
    return false;
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
    if (!publish_retained()) {
        disconnect();
        d.failed = true;
        d.error = "publishing the retained announcements failed";
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
            int rc = client_.publish(m.topic, m.payload, settings_.qos, false, &mid);
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
        if (!publish_retained()) {
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
        int mid = 0;
        if (client_.publish(status_topic_, "offline", 1, true, &mid) == MOSQ_ERR_SUCCESS) {
            pending_.emplace(mid, SIZE_MAX);
            auto end = std::chrono::steady_clock::now() + std::chrono::seconds{2};
            while (connected() && pending_.count(mid) && std::chrono::steady_clock::now() < end)
                if (!pump_io(std::chrono::milliseconds{50})) break;
        }
    }
    disconnect();
}

} // namespace gs::mqtt
