// exporter_mqtt's Sparkplug B side (sparkplug: {group_id, edge_node_id}): an EdgeNode
// (sparkplug_node.hpp) on one Client, driven from the pump's thread.
//   - Connects with the NDEATH as the will (QoS 1, not retained), subscribes to its NCMD topic
//     (QoS 1), then publishes the births.
//   - NBIRTH, DBIRTH, DDATA and DDEATH go out at QoS 0, not retained, as the specification
//     requires: they get no PUBACK. An entry counts as acknowledged once the broker answered an
//     UNSUBSCRIBE sent after its messages on the same connection (a topic never subscribed, so
//     it changes nothing): the broker handles a connection's packets in order, so its UNSUBACK
//     says it received every message before it. Then the journal cursor moves.
//   - An NCMD Rebirth Request publishes the births again before the next data; a reload of the
//     site (set_site) too, after a DDEATH for each device that left.
//   - A clean stop publishes the NDEATH (QoS 1) before disconnecting.
#pragma once

#include "client.hpp"
#include "sparkplug_node.hpp"

#include <gridscope/journal.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

namespace gs::mqtt {

class SparkplugSink : public gs::JournalSink, private ClientEvents {
public:
    SparkplugSink(gs::Host host, Settings settings);
    ~SparkplugSink() override;

    gs::Delivery deliver(const std::vector<gs::JournalEntry> &entries) override;
    void idle(std::chrono::milliseconds slice) override;
    void close() override;

    // A new site (any thread): applied on the delivery thread.
    void set_site(gs::site::Site site);

private:
    void connect(); // throws gs::Error
    void disconnect();
    // Applies a pending site and a rebirth request; publishes what they need.
    bool publish_updates();
    bool publish(const std::vector<Message> &messages); // QoS 0; false: disconnected
    // Asks the broker to acknowledge everything so far; `entries` are acknowledged then.
    bool barrier(size_t entries);

    void on_publish(int mid) override;
    void on_unsubscribe(int mid) override;
    void on_message(const struct mosquitto_message &m) override;

    gs::Host host_;
    Settings settings_;
    EdgeNode node_;
    Client client_;
    std::string barrier_topic_;
    std::map<int, size_t> barriers_; // UNSUBSCRIBE id -> entries acknowledged with it
    size_t acknowledged_ = 0;        // entries of the current delivery
    int death_mid_ = -1;             // the clean stop's NDEATH, until its PUBACK
    bool rebirth_requested_ = false; // an NCMD asked for it
    std::vector<Message> messages_;  // reused buffer

    std::mutex site_mutex_;
    std::unique_ptr<gs::site::Site> pending_site_; // guarded by site_mutex_
};

} // namespace gs::mqtt
