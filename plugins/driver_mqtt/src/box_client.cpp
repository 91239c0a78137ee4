#include "box_client.hpp"

#include <pthread.h>

namespace gs::hub {

BoxClient::BoxClient(gs::Host host, Box box, retry::RetryPolicy retry, Hub &hub)
    : host_(host), box_(std::move(box)), retry_(retry), hub_(hub),
      filter_(box_.topic_prefix + "/#"), client_(box_.broker, *this) {}

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
    client_.disconnect();
}

bool BoxClient::wait(std::chrono::milliseconds delay) {
    std::unique_lock<std::mutex> lock(mutex_);
    return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

void BoxClient::on_message(const struct mosquitto_message &m) {
    std::string_view topic(m.topic);
    const std::string &prefix = box_.topic_prefix;
    if (topic.size() <= prefix.size() + 1 || topic.compare(0, prefix.size(), prefix) != 0 ||
        topic[prefix.size()] != '/')
        return;
    std::string_view payload(static_cast<const char *>(m.payload),
                             m.payloadlen > 0 ? static_cast<size_t>(m.payloadlen) : 0);
    hub_.on_message(box_.name, topic.substr(prefix.size() + 1), payload);
}

bool BoxClient::connect(std::string &why) {
    // A client id asks for a persistent session: the broker queues the box's messages meanwhile.
    ::mqtt::ConnectOptions options;
    options.persistent = true;
    try {
        client_.connect(options);
    } catch (const std::runtime_error &e) { // SetupError, ConnectError
        why = e.what();
        return false;
    }
    int rc = client_.subscribe(filter_, box_.qos);
    if (rc != MOSQ_ERR_SUCCESS) {
        why = "subscribing to " + filter_ + ": " + ::mqtt::error_text(rc);
        client_.disconnect();
        return false;
    }
    host_.info("box " + box_.name + ": subscribed to " + filter_ + " on broker " +
               client_.endpoint() + (box_.broker.tls ? " (TLS)" : ""));
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
        std::string why;
        if (client_.connected()) {
            if (client_.pump(std::chrono::milliseconds{100}, why)) continue;
            why = "lost the broker " + client_.endpoint() + ": " + why;
            host_.warning("box " + box_.name + ": " + why);
            hub_.broker_lost(box_.name, why);
            failures = 1;
        } else {
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
