// A Modbus server for simulated devices: one listening address, many unit ids behind it
// (like a gateway), one thread per client connection. Speaks FC 1-6, 15 and 16 and answers
// malformed requests with exceptions, never with garbage. Framing: Modbus TCP (MBAP), or
// Modbus RTU frames over the TCP connection (RTU over TCP, as a transparent serial gateway:
// a request with a bad CRC or for an absent unit gets no answer, like on a serial line).
#pragma once

#include "sim_device.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gs::sim {

class TcpServer {
public:
    // Binds now (throws std::runtime_error with the reason if it cannot).
    enum class Framing { tcp, rtu };
    TcpServer(const std::string &host, uint16_t port, bool absent_units_silent,
              Framing framing = Framing::tcp);
    ~TcpServer();
    TcpServer(const TcpServer &) = delete;
    TcpServer &operator=(const TcpServer &) = delete;

    void add(std::shared_ptr<SimDevice> device);
    void start();
    void stop();
    std::string address() const { return host_ + ":" + std::to_string(port_); }
    Framing framing() const { return framing_; }

private:
    void accept_loop();
    void serve(int fd);
    void serve_rtu(int fd);
    // Builds the response PDU for one request PDU; empty = no answer.
    void close_client(int fd);
    std::vector<uint8_t> answer(uint8_t unit, const std::vector<uint8_t> &pdu, bool &drop);

    std::string host_;
    uint16_t port_;
    bool absent_units_silent_;
    Framing framing_;
    int listen_fd_ = -1;
    std::map<uint8_t, std::shared_ptr<SimDevice>> devices_;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    std::mutex clients_mutex_;
    std::vector<int> client_fds_;
    std::vector<std::thread> clients_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

} // namespace gs::sim
