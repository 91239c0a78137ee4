// One libmosquitto client for exporter_mqtt's sinks, driven from the pump's thread alone
// (mosquitto_loop, no library thread): the broker settings (credentials, TLS), the will, the
// wait for CONNACK, the loop, and the callbacks handed to the sink's ClientEvents. The session is
// always clean: the journal is the queue.
#pragma once

#include "settings.hpp"

#include <mosquitto.h>

#include <chrono>
#include <string>

namespace gs::mqtt {

struct Will {
    std::string topic, payload;
    int qos = 1;
    bool retain = false;
};

// What a sink hears from its client (on the pump's thread, inside pump() or connect()).
class ClientEvents {
public:
    virtual ~ClientEvents() = default;
    virtual void on_publish(int /*mid*/) {}
    virtual void on_unsubscribe(int /*mid*/) {}
    virtual void on_message(const struct mosquitto_message & /*m*/) {}
};

class Client {
public:
    Client(gs::Host host, const Broker &broker, ClientEvents &events);
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // Connects with `will` and waits for the CONNACK; throws gs::RetryLater when the broker
    // cannot be reached or refuses, gs::Error when the settings are refused by the library.
    void connect(const Will &will);
    void disconnect(); // drops the client (and whatever it still queued)
    bool connected() const { return mosq_ && connected_; }
    // Whether the last connect() sent its CONNECT packet (with the will): false when the
    // broker could not be reached at all.
    bool sent_connect() const { return sent_connect_; }
    // Services the connection for up to `timeout`; false (logged, disconnected) when it is lost.
    bool pump(std::chrono::milliseconds timeout);

    // libmosquitto's codes (MOSQ_ERR_SUCCESS = 0); `mid` may be null.
    int publish(const std::string &topic, const std::string &payload, int qos, bool retain,
                int *mid);
    int subscribe(const std::string &topic, int qos);
    int unsubscribe(const std::string &topic, int *mid);

    std::string endpoint() const; // "host:port", for messages

private:
    static void on_connect(struct mosquitto *, void *self, int rc);
    static void on_disconnect(struct mosquitto *, void *self, int rc);
    static void on_publish(struct mosquitto *, void *self, int mid);
    static void on_unsubscribe(struct mosquitto *, void *self, int mid);
    static void on_message(struct mosquitto *, void *self, const struct mosquitto_message *m);

    gs::Host host_;
    const Broker &broker_;
    ClientEvents &events_;
    struct mosquitto *mosq_ = nullptr;
    bool connected_ = false;
    int connack_ = -1; // the broker's CONNACK code, -1 while waiting
    bool sent_connect_ = false;
};

// libmosquitto's text for a code (errno's for MOSQ_ERR_ERRNO).
std::string error_text(int rc);

} // namespace gs::mqtt
