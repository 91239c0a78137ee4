// One connection to a link, used by one thread at a time: a serial port (libmodbus), a Modbus
// TCP connection, or Modbus RTU frames over a raw TCP socket (RTU over TCP, as serial-to-
// Ethernet gateways in "transparent" mode do; libmodbus has no such backend). Both TCP
// transports are done here on a blocking socket with the core's own frame encoders and
// decoders (frame.hpp): a Modbus TCP transaction is one send() and, usually, one recv() --
// libmodbus needs a select() and a recv() per part of the answer. Maps every failure to a
// Quality and never uses libmodbus's blocking error recovery (MODBUS_ERROR_RECOVERY_NONE):
// reconnecting is the caller's decision.
#pragma once

#include "modbus/frame.hpp"
#include "modbus/frame_trace.hpp"
#include "modbus/planner.hpp"
#include "modbus/quality.hpp"
#include "modbus/result.hpp"
#include "modbus/stream_socket.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

struct _modbus; // libmodbus' modbus_t

namespace gs::modbus {

struct TcpEndpoint {
    std::string host; // name or address
    uint16_t port = 502;
};

struct SerialEndpoint {
    std::string device; // e.g. /dev/ttyUSB0
    int baud = 9600;
    char parity = 'N'; // 'N', 'E' or 'O'
    int data_bits = 8;
    int stop_bits = 1;
};

// Modbus RTU frames (unit id, PDU, CRC16) on a raw TCP socket: one gateway address, many
// unit ids behind it, one request at a time.
struct RtuTcpEndpoint {
    std::string host; // name or address
    uint16_t port = 502;
};

using Endpoint = std::variant<TcpEndpoint, SerialEndpoint, RtuTcpEndpoint>;

// "tcp 192.168.1.10:502", "rtu /dev/ttyUSB0 9600 8N1" or "rtu-tcp 192.168.1.10:4001".
std::string describe(const Endpoint &endpoint);
// Empty when the endpoint is usable, else why not.
std::optional<std::string> endpoint_problem(const Endpoint &endpoint);

// Quality for a libmodbus errno: EMBX* -> exception(errno - MODBUS_ENOBASE), ETIMEDOUT ->
// timeout, EMBBADDATA/EMBBADCRC/EMBBADEXC/EMBMDATA/EMBBADSLAVE/EMBUNKEXC -> invalid,
// anything else (ECONNRESET, EPIPE, EBADF, ...) -> disconnected.
Quality quality_from_errno(int error);

struct Outcome {
    Quality quality;
    std::vector<uint16_t> values; // reads: registers, or one 0/1 word per bit
    std::string detail;           // libmodbus' message when not good
};

class Connection {
public:
    explicit Connection(Endpoint endpoint);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Opens the TCP connection or the serial port; the TCP connect is bounded by timeout_ms.
    Status connect(uint32_t timeout_ms);
    void close();
    bool connected() const { return context_ != nullptr || socket_.is_open(); }
    const Endpoint &endpoint() const { return endpoint_; }
    // Frames sent and received go to `trace` (the bus view) until set to null; the serial
    // transport records the request it sends and only the outcome of the answer (libmodbus does
    // not show the bytes it received).
    void set_trace(FrameTrace *trace) { trace_ = trace; }

    // One request, bounded by timeout_ms. A disconnected outcome closes the connection.
    Outcome read(uint8_t unit, const ReadRequest &request, uint32_t timeout_ms);
    // Writes `registers` (one 0/1 word for a coil) at `address`: FC 5 for a coil, FC 6 for one
    // register, FC 16 for several.
    Outcome write(uint8_t unit, Function function, uint16_t address,
                  const std::vector<uint16_t> &registers, uint32_t timeout_ms);

private:
    Outcome failure(int error);
    void prepare(uint8_t unit, uint32_t timeout_ms);
    // One request/answer on the socket transport, framed by the endpoint's kind.
    Outcome transact(uint8_t unit, const PduRequest &request, uint32_t timeout_ms);
    Outcome receive_rtu(uint8_t unit, const PduRequest &request,
                        StreamSocket::Clock::time_point deadline);
    Outcome receive_tcp(uint16_t transaction, uint8_t unit, const PduRequest &request,
                        StreamSocket::Clock::time_point deadline);
    Outcome socket_failure(int error);
    Outcome receive_failed(ssize_t n, int error, size_t got, const std::string &what);
    // With a trace: the frame sent, then the bytes kept by keep_answer() with the outcome.
    void trace_exchange(uint8_t unit, const std::vector<uint8_t> &sent, const Outcome &outcome);
    void trace_serial(uint8_t unit, const ReadRequest &request, const Outcome &outcome);
    void keep_answer(const uint8_t *data, size_t size) {
        if (trace_) answer_.assign(data, data + size);
    }
    // On socket_: RTU frames (RTU over TCP), else MBAP (Modbus TCP).
    bool rtu_framing() const { return std::holds_alternative<RtuTcpEndpoint>(endpoint_); }

    Endpoint endpoint_;
    _modbus *context_ = nullptr;    // serial port (libmodbus)
    StreamSocket socket_;           // Modbus TCP, RTU over TCP
    uint16_t transaction_ = 0;      // Modbus TCP transaction id of the last request
    std::vector<uint8_t> received_; // Modbus TCP: bytes received, not yet consumed
    bool needs_flush_ = false;      // a late answer may still arrive after a timeout or bad frame
    FrameTrace *trace_ = nullptr;   // the bus view, while someone looks at it
    std::vector<uint8_t> answer_;   // with a trace: the answer's bytes (or what came of it)
};

} // namespace gs::modbus
