// One box's connection, driven from its own thread: libs/mqtt's client (credentials, TLS; a
// persistent session when the box has a client_id) subscribed to <topic_prefix>/#, every message
// handed to the Hub. A refused or lost connection tells the Hub (the box's sources go offline)
// and is tried again after a backoff with jitter (libs/retry).
#pragma once

#include "hub.hpp"
#include "settings.hpp"

#include <mqtt/client.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace gs::hub {

class BoxClient : private ::mqtt::Events {
public:
    BoxClient(gs::Host host, Box box, retry::RetryPolicy retry, Hub &hub);
    ~BoxClient() override;
    BoxClient(const BoxClient &) = delete;
    BoxClient &operator=(const BoxClient &) = delete;

    void start();
    void stop(); // joins the thread; no Hub call after it returns
    const std::string &name() const { return box_.name; }
    uint64_t connection_failures() const { return failures_total_; }

private:
    void run();
    bool connect(std::string &why);             // false: `why` says what failed
    bool wait(std::chrono::milliseconds delay); // false when stopping
    void on_message(const struct mosquitto_message &m) override;

    gs::Host host_;
    Box box_;
    retry::RetryPolicy retry_;
    Hub &hub_;
    std::string filter_; // <topic_prefix>/#
    ::mqtt::Client client_;
    std::atomic<uint64_t> failures_total_{0};
    std::mt19937_64 random_{std::random_device{}()};

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace gs::hub
