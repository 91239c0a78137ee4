// exporter_mqtt's client: libs/mqtt's (credentials, TLS, the will, CONNACK, the loop), always
// with a clean session (the journal is the queue), up to 100 messages in flight and TCP_NODELAY,
// driven from the pump's thread alone. Its errors as the SDK's: a broker that cannot be reached
// or refuses is gs::RetryLater, settings the library refuses gs::Error; a lost connection is
// logged.
#pragma once

#include "settings.hpp"

#include <mqtt/client.hpp>

#include <chrono>
#include <string>

namespace gs::mqtt {

using ::mqtt::error_text;
using ::mqtt::Will;
using ClientEvents = ::mqtt::Events;

class Client {
public:
    Client(gs::Host host, const Broker &broker, ClientEvents &events)
        : host_(host), client_(broker, events) {}

    // Connects with `will` and waits for the CONNACK.
    void connect(const Will &will);
    void disconnect() { client_.disconnect(); }
    bool connected() const { return client_.connected(); }
    bool sent_connect() const { return client_.sent_connect(); }
    // Services the connection for up to `timeout`; false (logged, disconnected) when it is lost.
    bool pump(std::chrono::milliseconds timeout);

    int publish(const std::string &topic, const std::string &payload, int qos, bool retain,
                int *mid) {
        return client_.publish(topic, payload, qos, retain, mid);
    }
    int subscribe(const std::string &topic, int qos) { return client_.subscribe(topic, qos); }
    int unsubscribe(const std::string &topic, int *mid) { return client_.unsubscribe(topic, mid); }
    std::string endpoint() const { return client_.endpoint(); }

private:
    gs::Host host_;
    ::mqtt::Client client_;
};

} // namespace gs::mqtt
