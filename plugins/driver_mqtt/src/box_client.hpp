// One box's connection on libmosquitto, driven from its own thread (mosquitto_loop, no library
// thread): connects (credentials, TLS), subscribes to <topic_prefix>/# and hands every message
// to the Hub. A refused or lost connection tells the Hub (the box's sources go offline) and is
// tried again after a backoff with jitter (libs/retry).
#pragma once

#include "hub.hpp"
#include "settings.hpp"

#include <mosquitto.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace gs::hub {

class BoxClient {
public:
    BoxClient(gs::Host host, Box box, retry::RetryPolicy retry, Hub &hub);
    ~BoxClient();
    BoxClient(const BoxClient &) = delete;
    BoxClient &operator=(const BoxClient &) = delete;

    void start();
    void stop(); // joins the thread; no Hub call after it returns
    const std::string &name() const { return box_.name; }
    uint64_t connection_failures() const { return failures_total_; }

private:
    void run();
    bool connect(std::string &why); // false: `why` says what failed
    void disconnect();
    bool wait(std::chrono::milliseconds delay); // false when stopping

    static void on_connect(struct mosquitto *, void *self, int rc);
    static void on_disconnect(struct mosquitto *, void *self, int rc);
    static void on_message(struct mosquitto *, void *self, const struct mosquitto_message *m);

    gs::Host host_;
    Box box_;
    retry::RetryPolicy retry_;
    Hub &hub_;
    std::string filter_; // <topic_prefix>/#
    struct mosquitto *mosq_ = nullptr;
    bool connected_ = false;
    int connack_ = -1; // the broker's CONNACK code, -1 while waiting
    std::atomic<uint64_t> failures_total_{0};
    std::mt19937_64 random_{std::random_device{}()};

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace gs::hub
