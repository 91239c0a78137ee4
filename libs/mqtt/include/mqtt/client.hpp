// One libmosquitto client driven from its owner's thread alone (mosquitto_loop, no library
// thread): the broker's settings (credentials, TLS with a CA file or the system's certificates),
// an optional will, a clean or persistent session, the connection with the wait for CONNACK,
// the loop, and the library's callbacks handed to Events. Used by exporter_mqtt (the sinks) and
// driver_mqtt (one per box). SDK-free: errors are exceptions of this header.
#pragma once

#include <mosquitto.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace mqtt {

struct Broker {
    std::string host = "127.0.0.1";
    int port = 1883;
    std::string username, password; // "" = none
    bool tls = false;
    std::string ca_file;   // TLS: the CA bundle; "" = the system's certificates
    std::string client_id; // "" = a random one
};

struct Will {
    std::string topic, payload;
    int qos = 1;
    bool retain = false;
};

struct ConnectOptions {
    const Will *will = nullptr;
    // A persistent session (needs a client_id): the broker keeps the subscriptions, and the
    // qos >= 1 messages meanwhile, across connections. Else a clean session.
    bool persistent = false;
    int max_inflight = 0; // 0: libmosquitto's default
    bool tcp_nodelay = false;
};

// What the owner hears from its client (on its thread, inside pump() or connect()).
class Events {
public:
    virtual ~Events() = default;
    virtual void on_publish(int /*mid*/) {}
    virtual void on_unsubscribe(int /*mid*/) {}
    virtual void on_message(const struct mosquitto_message & /*m*/) {}
};

// The settings were refused by libmosquitto (not worth trying again as they are).
class SetupError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};
// The broker could not be reached, or refused the connection: try again later.
class ConnectError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Client {
public:
    Client(Broker broker, Events &events);
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // Connects and waits for the CONNACK (10 s at most); throws SetupError or ConnectError.
    void connect(const ConnectOptions &options);
    void disconnect(); // drops the client (and whatever it still queued)
    bool connected() const { return mosq_ && connected_; }
    // Whether the last connect() sent its CONNECT packet (with the will): false when the
    // broker could not be reached at all.
    bool sent_connect() const { return sent_connect_; }
    // Services the connection for up to `timeout`; false (disconnected, `why` set) when lost.
    bool pump(std::chrono::milliseconds timeout, std::string &why);

    // libmosquitto's codes (MOSQ_ERR_SUCCESS = 0); `mid` may be null.
    int publish(const std::string &topic, const std::string &payload, int qos, bool retain,
                int *mid);
    int subscribe(const std::string &topic, int qos);
    int unsubscribe(const std::string &topic, int *mid);

    const Broker &broker() const { return broker_; }
    std::string endpoint() const; // "host:port", for messages

private:
    static void on_connect(struct mosquitto *, void *self, int rc);
    static void on_disconnect(struct mosquitto *, void *self, int rc);
    static void on_publish(struct mosquitto *, void *self, int mid);
    static void on_unsubscribe(struct mosquitto *, void *self, int mid);
    static void on_message(struct mosquitto *, void *self, const struct mosquitto_message *m);

    Broker broker_;
    Events &events_;
    struct mosquitto *mosq_ = nullptr;
    bool connected_ = false;
    int connack_ = -1; // the broker's CONNACK code, -1 while waiting
    bool sent_connect_ = false;
};

// libmosquitto's text for a code (errno's for MOSQ_ERR_ERRNO).
std::string error_text(int rc);

} // namespace mqtt
