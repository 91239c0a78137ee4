// The broker side of exporter_mqtt, on libmosquitto, driven from the pump's thread alone
// (mosquitto_loop, no library thread): connects with the will <prefix>/status = "offline"
// (retained), says "online" (retained), publishes an entry's messages and counts an entry
// acknowledged once the broker acknowledged all its messages (PUBACK for qos 1, PUBCOMP for
// qos 2, sent for qos 0). A lost connection drops the client and its in-memory queue: the pump
// sends again from the journal cursor after a backoff.
// Retained announcements, set with set_retained(): the box's description for a hub
// (description.hpp) and the Home Assistant discovery configs (discovery.hpp). They go out
// retained on every connection, again when the set changes (a topic that left the set gets an
// empty retained message, which removes a Home Assistant entity) and, with the discovery, when
// Home Assistant's <ha prefix>/status says "online" (its restart).
#pragma once

#include "client.hpp"
#include "payload.hpp"
#include "settings.hpp"

#include <gridscope/journal.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <unordered_map>

namespace gs::mqtt {

class MqttSink : public gs::JournalSink, private ClientEvents {
public:
    MqttSink(gs::Host host, Settings settings);
    ~MqttSink() override;

    gs::Delivery deliver(const std::vector<gs::JournalEntry> &entries) override;
    void idle(std::chrono::milliseconds slice) override;
    void close() override;

    // Replaces the retained announcements (any thread); sent from the delivery thread.
    void set_retained(std::vector<Message> messages);

    // Messages the broker acknowledged since start (for tests and benchmarks' logs).
    uint64_t acknowledged_messages() const { return acked_total_; }

private:
    void connect();    // throws gs::Error when the broker cannot be reached or refuses
    void disconnect(); // drops the client (and whatever it still queued)
    bool connected() const { return client_.connected(); }
    // Services the connection for up to `timeout`; false when the connection is lost.
    bool pump_io(std::chrono::milliseconds timeout);

    void on_publish(int mid) override;
    void on_message(const struct mosquitto_message &m) override;
    // Publishes the retained announcements when due; false when the publication failed.
    bool publish_retained();

    gs::Host host_;
    Settings settings_;
    std::string status_topic_;
    Client client_;
    std::unordered_map<int, size_t> pending_; // message id -> index of its entry
    std::vector<size_t> unacked_;             // per entry of the delivery: messages not acked
    uint64_t acked_total_ = 0;
    std::vector<Message> messages_; // reused buffer

    std::string ha_status_topic_;     // "" = Home Assistant discovery off
    std::mutex retained_mutex_;       // guards retained_ and retained_due_
    std::vector<Message> retained_;   // the current announcements
    bool retained_due_ = false;       // to publish on the next chance
    std::set<std::string> announced_; // topics announced on this broker
};

} // namespace gs::mqtt
