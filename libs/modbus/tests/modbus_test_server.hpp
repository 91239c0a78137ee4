// A real libmodbus TCP server on 127.0.0.1 for the integration tests. The listening socket is
// bound and listening when the constructor returns, so clients may connect at once; the
// server thread answers every connected client until stop().
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

struct _modbus;
struct _modbus_mapping_t;

namespace gs::modbus::testing {

struct ServerOptions {
    uint16_t port = 0;                  // 0: an ephemeral port
    std::set<uint8_t> silent_units;     // requests for these units are never answered
    std::set<uint16_t> refused_holding; // reads of holding registers covering these: exception 2
};

class TestServer {
public:
    explicit TestServer(ServerOptions options = {}); // throws std::runtime_error on failure
    ~TestServer();
    TestServer(const TestServer &) = delete;
    TestServer &operator=(const TestServer &) = delete;

    uint16_t port() const { return port_; }
    void stop(); // closes the listening socket and every client connection

    void set_holding(uint16_t address, const std::vector<uint16_t> &values);
    void set_input(uint16_t address, const std::vector<uint16_t> &values);
    void set_coil(uint16_t address, bool on);
    void set_discrete_input(uint16_t address, bool on);
    uint16_t holding(uint16_t address) const;
    bool coil(uint16_t address) const;
    unsigned requests_seen() const { return requests_seen_.load(); }

    static constexpr int kTableSize = 1000;

private:
    void serve();
    bool answer(int client); // false when the client is gone

    ServerOptions options_;
    uint16_t port_ = 0;
    int listener_ = -1;
    int wake_pipe_[2] = {-1, -1};
    _modbus *context_ = nullptr;
    _modbus_mapping_t *mapping_ = nullptr;
    mutable std::mutex mapping_mutex_;
    std::atomic<unsigned> requests_seen_{0};
    std::thread thread_;
};

// A 127.0.0.1 port that was free a moment ago and has no listener now.
uint16_t closed_port();

} // namespace gs::modbus::testing
