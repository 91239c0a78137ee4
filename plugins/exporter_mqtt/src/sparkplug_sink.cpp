#include "sparkplug_sink.hpp"

#include <chrono>
#include <thread>

namespace gs::mqtt {
namespace {

// A delivery that sees no acknowledgement for this long counts the connection as dead.
constexpr std::chrono::seconds kAckTimeout{30};
// Entries between two barriers: the cursor moves at least this often in a long catch-up.
constexpr size_t kBarrierEvery = 64;

uint64_t now_ms() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}

} // namespace

SparkplugSink::SparkplugSink(gs::Host host, Settings settings)
    : host_(host), settings_(std::move(settings)),
      node_(settings_.sparkplug.group_id, settings_.sparkplug.edge_node_id),
      client_(host, settings_.broker, *this),
      // Under the node's own NCMD topic: a level nobody publishes to and we never subscribe.
      barrier_topic_(node_.ncmd_topic() + "/gridscope-ack") {}

SparkplugSink::~SparkplugSink() {
    disconnect();
}

void SparkplugSink::set_site(gs::site::Site site) {
    std::lock_guard<std::mutex> lock(site_mutex_);
    pending_site_ = std::make_unique<gs::site::Site>(std::move(site));
}

void SparkplugSink::on_publish(int mid) {
    if (mid == death_mid_) death_mid_ = -1;
}

void SparkplugSink::on_unsubscribe(int mid) {
    auto it = barriers_.find(mid);
    if (it == barriers_.end()) return;
    if (it->second > acknowledged_) acknowledged_ = it->second;
    barriers_.erase(it);
}

void SparkplugSink::on_message(const struct mosquitto_message &m) {
    if (node_.ncmd_topic() == m.topic &&
        EdgeNode::is_rebirth_request(m.payload, static_cast<size_t>(m.payloadlen)))
        rebirth_requested_ = true;
}

void SparkplugSink::disconnect() {
    client_.disconnect();
    barriers_.clear();
}

void SparkplugSink::connect() {
    disconnect();
    const uint64_t now = now_ms();
    Message will = node_.next_will(now);
    try {
        client_.connect(Will{will.topic, will.payload, 1, false});
    } catch (const gs::Error &) {
        if (client_.sent_connect()) node_.connect_sent(now); // refused: the bdSeq was used
        throw;
    }
    node_.connect_sent(now);
    int rc = client_.subscribe(node_.ncmd_topic(), 1);
    if (rc != MOSQ_ERR_SUCCESS) {
        disconnect();
        throw gs::RetryLater("subscribing to " + node_.ncmd_topic() + ": " + error_text(rc));
    }
    rebirth_requested_ = false;
    if (!publish_updates()) throw gs::RetryLater("publishing the Sparkplug births failed");
    host_.info("connected to the MQTT broker " + client_.endpoint() +
               (settings_.broker.tls ? " (TLS)" : "") + " as Sparkplug edge node " +
               settings_.sparkplug.group_id + "/" + settings_.sparkplug.edge_node_id + " (bdSeq " +
               std::to_string(node_.bd_seq()) + ")");
}

bool SparkplugSink::publish(const std::vector<Message> &messages) {
    for (const Message &m : messages) {
        int rc = client_.publish(m.topic, m.payload, 0, false, nullptr);
        if (rc != MOSQ_ERR_SUCCESS) {
            host_.warning("publishing on " + m.topic + ": " + error_text(rc));
            disconnect();
            return false;
        }
    }
    return true;
}

bool SparkplugSink::publish_updates() {
    messages_.clear();
    std::unique_ptr<gs::site::Site> site;
    {
        std::lock_guard<std::mutex> lock(site_mutex_);
        site = std::move(pending_site_);
    }
    const uint64_t now = now_ms();
    if (site) node_.set_site(*site, now, messages_);
    if (rebirth_requested_) {
        rebirth_requested_ = false;
        node_.request_births();
    }
    if (node_.births_due()) node_.births(now, messages_);
    return publish(messages_);
}

bool SparkplugSink::barrier(size_t entries) {
    int mid = 0;
    int rc = client_.unsubscribe(barrier_topic_, &mid);
    if (rc != MOSQ_ERR_SUCCESS) {
        host_.warning("MQTT UNSUBSCRIBE: " + error_text(rc));
        disconnect();
        return false;
    }
    barriers_[mid] = entries;
    return true;
}

gs::Delivery SparkplugSink::deliver(const std::vector<gs::JournalEntry> &entries) {
    gs::Delivery d;
    auto failed = [&](std::string why) {
        d.acknowledged = acknowledged_;
        d.failed = true;
        d.error = std::move(why);
        return d;
    };
    acknowledged_ = 0;
    barriers_.clear();
    if (!client_.connected()) {
        try {
            connect();
        } catch (const gs::Error &e) {
            return failed(e.what());
        }
    }
    for (size_t i = 0; i < entries.size(); ++i) {
        // A rebirth request or a new site: the births go out before the next data.
        if (!publish_updates()) return failed("the connection was lost while publishing");
        messages_.clear();
        node_.data(entries[i], now_ms(), messages_);
        if (!publish(messages_)) return failed("the connection was lost while publishing");
        if ((i + 1) % kBarrierEvery == 0 || i + 1 == entries.size()) {
            if (!barrier(i + 1)) return failed("the connection was lost while publishing");
            // Keep the socket moving (and hear NCMD) while queueing a long batch.
            if (!client_.pump(std::chrono::milliseconds{0}))
                return failed("the connection was lost while publishing");
        }
    }
    auto last_progress = std::chrono::steady_clock::now();
    size_t last_acknowledged = acknowledged_;
    while (acknowledged_ < entries.size()) {
        if (!client_.pump(std::chrono::milliseconds{100}))
            return failed("the connection was lost before every acknowledgement");
        auto now = std::chrono::steady_clock::now();
        if (acknowledged_ != last_acknowledged) {
            last_acknowledged = acknowledged_;
            last_progress = now;
        } else if (now - last_progress > kAckTimeout) {
            disconnect();
            return failed("no acknowledgement from the broker for 30 s");
        }
    }
    d.acknowledged = entries.size();
    return d;
}

void SparkplugSink::idle(std::chrono::milliseconds slice) {
    if (client_.connected()) {
        if (publish_updates()) client_.pump(slice); // keep-alive, NCMD, a lost connection
    } else {
        std::this_thread::sleep_for(slice);
    }
}

void SparkplugSink::close() {
    if (client_.connected()) {
        // An intentional disconnect publishes the NDEATH itself (the broker then drops the will).
        Message death = node_.death(now_ms());
        int mid = 0;
        if (client_.publish(death.topic, death.payload, 1, false, &mid) == MOSQ_ERR_SUCCESS) {
            death_mid_ = mid;
            auto end = std::chrono::steady_clock::now() + std::chrono::seconds{2};
            while (client_.connected() && death_mid_ == mid &&
                   std::chrono::steady_clock::now() < end)
                if (!client_.pump(std::chrono::milliseconds{50})) break;
        }
    }
    disconnect();
}

} // namespace gs::mqtt
