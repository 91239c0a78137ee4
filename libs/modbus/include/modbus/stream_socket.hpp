// A connected TCP socket for the transports libmodbus does not cover (Modbus RTU frames over a
// raw TCP socket) and for Modbus TCP done in as few system calls as possible: blocking I/O
// with kernel-side timeouts (SO_RCVTIMEO), so a transaction is one send() and, usually, one
// recv(), with no poll/select in between. One thread at a time.
#pragma once

#include "modbus/result.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace gs::modbus {

class StreamSocket {
public:
    using Clock = std::chrono::steady_clock;

    StreamSocket() = default;
    ~StreamSocket() { close(); }
    StreamSocket(const StreamSocket &) = delete;
    StreamSocket &operator=(const StreamSocket &) = delete;

    // Resolves `host` (name or address), connects within timeout_ms, sets TCP_NODELAY. The
    // failure message is the reason only ("Connection refused", "cannot resolve HOST: ...").
    Status connect(const std::string &host, uint16_t port, uint32_t timeout_ms);
    void close();
    bool is_open() const { return fd_ >= 0; }

    // Sends all of [data, data + size). 0, or the errno of the failure (EPIPE, ECONNRESET...).
    int send_all(const uint8_t *data, size_t size);
    // Receives at most `max` bytes, waiting until `deadline` at the latest. > 0: bytes
    // received; 0: the peer closed the connection; -1 with errno (ETIMEDOUT once the deadline
    // has passed with nothing received).
    ssize_t receive(uint8_t *buffer, size_t max, Clock::time_point deadline);
    // Throws away whatever has been received but not read (a late answer), without waiting.
    // Returns the number of bytes discarded.
    size_t discard_pending();

private:
    bool set_receive_timeout(std::chrono::microseconds timeout);

    int fd_ = -1;
    std::chrono::microseconds receive_timeout_{-1}; // the SO_RCVTIMEO in force
};

} // namespace gs::modbus
