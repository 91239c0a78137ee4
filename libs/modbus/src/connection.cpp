#include "modbus/connection.hpp"

#include <modbus.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace gs::modbus {
namespace {

void set_timeout(modbus_t *context, uint32_t timeout_ms,
                 int (*setter)(modbus_t *, uint32_t, uint32_t)) {
    setter(context, timeout_ms / 1000, (timeout_ms % 1000) * 1000);
}

std::string error_text(int error) {
    return modbus_strerror(error);
}

} // namespace

std::string describe(const Endpoint &endpoint) {
    if (const auto *tcp = std::get_if<TcpEndpoint>(&endpoint))
        return "tcp " + tcp->host + ":" + std::to_string(tcp->port);
    if (const auto *rtu_tcp = std::get_if<RtuTcpEndpoint>(&endpoint))
        return "rtu-tcp " + rtu_tcp->host + ":" + std::to_string(rtu_tcp->port);
    const auto &serial = std::get<SerialEndpoint>(endpoint);
    return "rtu " + serial.device + " " + std::to_string(serial.baud) + " " +
           std::to_string(serial.data_bits) + serial.parity + std::to_string(serial.stop_bits);
}

std::optional<std::string> endpoint_problem(const Endpoint &endpoint) {
    if (const auto *tcp = std::get_if<TcpEndpoint>(&endpoint)) {
        if (tcp->host.empty()) return "tcp host is empty";
        if (tcp->port == 0) return "tcp port 0 is not valid";
        return std::nullopt;
    }
    if (const auto *rtu_tcp = std::get_if<RtuTcpEndpoint>(&endpoint)) {
        if (rtu_tcp->host.empty()) return "rtu-tcp host is empty";
        if (rtu_tcp->port == 0) return "rtu-tcp port 0 is not valid";
        return std::nullopt;
    }
    const auto &serial = std::get<SerialEndpoint>(endpoint);
    if (serial.device.empty()) return "serial device is empty";
    if (serial.baud <= 0) return "serial baud rate must be positive";
    if (serial.parity != 'N' && serial.parity != 'E' && serial.parity != 'O')
        return "serial parity must be N, E or O";
    if (serial.data_bits < 5 || serial.data_bits > 8) return "serial data bits must be 5..8";
    if (serial.stop_bits != 1 && serial.stop_bits != 2) return "serial stop bits must be 1 or 2";
    return std::nullopt;
}

Quality quality_from_errno(int error) {
    if (error > MODBUS_ENOBASE && error <= EMBXGTAR)
        return Quality::exception(static_cast<uint8_t>(error - MODBUS_ENOBASE));
    if (error == ETIMEDOUT) return Quality::timeout();
    switch (error) {
    case EMBBADCRC:
    case EMBBADDATA:
    case EMBBADEXC:
    case EMBUNKEXC:
    case EMBMDATA:
    case EMBBADSLAVE:
        return Quality::invalid();
    default:
        return Quality::disconnected();
    }
}

Connection::Connection(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}

Connection::~Connection() {
    close();
}

Status Connection::connect(uint32_t timeout_ms) {
    close(); // and forgets what was received
    if (auto problem = endpoint_problem(endpoint_)) return Status::failure(*problem);
    needs_flush_ = false;
    const auto *tcp = std::get_if<TcpEndpoint>(&endpoint_);
    const auto *rtu_tcp = std::get_if<RtuTcpEndpoint>(&endpoint_);
    if (tcp || rtu_tcp) { // the socket transport; the framing follows the endpoint's kind
        auto status = tcp ? socket_.connect(tcp->host, tcp->port, timeout_ms)
                          : socket_.connect(rtu_tcp->host, rtu_tcp->port, timeout_ms);
        if (!status)
            return Status::failure("cannot connect to " + describe(endpoint_) + ": " +
                                   status.error());
        return status;
    }
    const auto &serial = std::get<SerialEndpoint>(endpoint_);
    context_ = modbus_new_rtu(serial.device.c_str(), serial.baud, serial.parity, serial.data_bits,
                              serial.stop_bits);
    if (context_ == nullptr)
        return Status::failure("cannot create a libmodbus context for " + describe(endpoint_) +
                               ": " + error_text(errno));
    modbus_set_error_recovery(context_, MODBUS_ERROR_RECOVERY_NONE);
    set_timeout(context_, timeout_ms, modbus_set_response_timeout);
    if (modbus_connect(context_) == -1) {
        const int error = errno;
        close();
        return Status::failure("cannot connect to " + describe(endpoint_) + ": " +
                               error_text(error));
    }
    return Status::success();
}

void Connection::close() {
    socket_.close();
    received_.clear();
    if (context_ == nullptr) return;
    modbus_close(context_);
    modbus_free(context_);
    context_ = nullptr;
}

void Connection::prepare(uint8_t unit, uint32_t timeout_ms) {
    modbus_set_slave(context_, unit);
    set_timeout(context_, timeout_ms, modbus_set_response_timeout);
    // Between two bytes of one answer; a partial frame must not cost more than the timeout.
    set_timeout(context_, timeout_ms < 500 ? timeout_ms : 500, modbus_set_byte_timeout);
    if (needs_flush_) {
        modbus_flush(context_);
        needs_flush_ = false;
    }
}

Outcome Connection::failure(int error) {
    Outcome outcome;
    outcome.quality = quality_from_errno(error);
    outcome.detail = error_text(error);
    if (outcome.quality.kind == QualityKind::timeout ||
        outcome.quality.kind == QualityKind::invalid)
        needs_flush_ = true;
    if (outcome.quality.kind == QualityKind::disconnected) {
        outcome.detail = "connection lost (" + describe(endpoint_) + "): " + outcome.detail;
        close();
    }
    return outcome;
}

Outcome Connection::socket_failure(int error) {
    Outcome outcome;
    outcome.quality = Quality::disconnected();
    outcome.detail = "connection lost (" + describe(endpoint_) + "): " + std::strerror(error);
    close();
    return outcome;
}

// RTU over TCP: the request frame in one send, then the answer read frame by frame: first
// the bytes that tell its length (unit, function, byte count), then exactly the rest, so
// nothing past the frame's end is ever consumed. A frame may arrive in any number of pieces.
//
// Modbus TCP: one send, then recv() of whatever has arrived (normally the whole answer at
// once); MBAP frames are cut by their length field, answers carrying another transaction id
// (late answers to an earlier, timed-out request) are skipped, and the frame with this
// request's id is checked by decode_tcp_response.
Outcome Connection::transact(uint8_t unit, const PduRequest &request, uint32_t timeout_ms) {
    const uint16_t transaction = ++transaction_;
    auto frame = rtu_framing() ? encode_rtu_request(unit, request)
                               : encode_tcp_request(transaction, unit, request);
    if (!frame) return Outcome{Quality::invalid(), {}, "bad request: " + frame.error()};
    if (needs_flush_) {
        // A late answer to an earlier request must not be taken for this one's.
        socket_.discard_pending();
        received_.clear();
        needs_flush_ = false;
    }
    if (const int error = socket_.send_all(frame.value().data(), frame.value().size()))
        return error == ETIMEDOUT ? Outcome{Quality::timeout(), {}, "send timed out"}
                                  : socket_failure(error);
    const auto deadline = StreamSocket::Clock::now() + std::chrono::milliseconds(timeout_ms);
    if (!trace_)
        return rtu_framing() ? receive_rtu(unit, request, deadline)
                             : receive_tcp(transaction, unit, request, deadline);
    answer_.clear();
    Outcome outcome = rtu_framing() ? receive_rtu(unit, request, deadline)
                                    : receive_tcp(transaction, unit, request, deadline);
    trace_exchange(unit, frame.value(), outcome);
    return outcome;
}

void Connection::trace_exchange(uint8_t unit, const std::vector<uint8_t> &sent,
                                const Outcome &outcome) {
    trace_->record(FrameDirection::sent, unit, sent.data(), sent.size());
    const std::string note = to_string(outcome.quality);
    trace_->record(FrameDirection::received, unit, answer_.data(), answer_.size(), note.c_str());
}

namespace {

Outcome outcome_of(Response &&response) {
    switch (response.verdict) {
    case Verdict::ok:
        return Outcome{Quality::good(), std::move(response.values), {}};
    case Verdict::exception:
        return Outcome{Quality::exception(response.exception_code),
                       {},
                       exception_name(response.exception_code)};
    case Verdict::invalid:
        break;
    }
    return Outcome{Quality::invalid(), {}, response.detail};
}

} // namespace

// A receive that returned `n` <= 0 after `got` bytes of the answer: the peer closed (n == 0),
// the socket failed, or the deadline passed (timeout if nothing came, else a truncated answer
// whose rest may still come: flushed before the next request).
Outcome Connection::receive_failed(ssize_t n, int error, size_t got, const std::string &what) {
    if (n == 0) {
        close();
        return Outcome{Quality::disconnected(),
                       {},
                       "connection closed by the peer (" + describe(endpoint_) + ")"};
    }
    if (error != ETIMEDOUT) return socket_failure(error);
    needs_flush_ = true;
    if (got == 0) return Outcome{Quality::timeout(), {}, "no answer"};
    return Outcome{Quality::invalid(), {}, "truncated: " + what + " before the timeout"};
}

Outcome Connection::receive_tcp(uint16_t transaction, uint8_t unit, const PduRequest &request,
                                StreamSocket::Clock::time_point deadline) {
    constexpr size_t kMaxAdu = 260; // MBAP 7 + PDU 253
    for (;;) {
        // Complete frames already received: skip late answers, decode this request's.
        while (received_.size() >= 7) {
            const uint8_t *data = received_.data();
            const size_t length = static_cast<size_t>(data[4] << 8 | data[5]);
            if (data[2] != 0 || data[3] != 0 || length < 2 || length > kMaxAdu - 6) {
                // Not an MBAP header: the stream is out of step. Judge these bytes, drop them.
                const Response response = decode_tcp_response(transaction, unit, request, data,
                                                              std::min(received_.size(), kMaxAdu));
                keep_answer(data, std::min(received_.size(), kMaxAdu));
                needs_flush_ = true;
                received_.clear();
                return Outcome{Quality::invalid(),
                               {},
                               response.detail.empty() ? "not a Modbus TCP answer"
                                                       : response.detail};
            }
            const size_t size = 6 + length;
            if (received_.size() < size) break;
            const auto id = static_cast<uint16_t>(data[0] << 8 | data[1]);
            if (id != transaction) { // a late answer to an earlier request
                received_.erase(received_.begin(), received_.begin() + static_cast<long>(size));
                continue;
            }
            Response response = decode_tcp_response(transaction, unit, request, data, size);
            keep_answer(data, size);
            received_.erase(received_.begin(), received_.begin() + static_cast<long>(size));
            if (response.verdict == Verdict::invalid) needs_flush_ = true;
            return outcome_of(std::move(response));
        }
        // Room for one whole answer; anything past this request's frame stays in received_
        // and is never decoded as part of it.
        const size_t used = received_.size();
        received_.resize(used + kMaxAdu);
        const ssize_t n = socket_.receive(received_.data() + used, kMaxAdu, deadline);
        const int error = errno;
        received_.resize(used + static_cast<size_t>(std::max<ssize_t>(n, 0)));
        if (n <= 0) keep_answer(received_.data(), std::min(received_.size(), kMaxAdu));
        if (n <= 0)
            return receive_failed(n, error, received_.size(),
                                  std::to_string(received_.size()) + " bytes of an answer");
    }
}

Outcome Connection::receive_rtu(uint8_t unit, const PduRequest &request,
                                StreamSocket::Clock::time_point deadline) {
    uint8_t answer[256]; // the longest RTU frame
    size_t got = 0, need = 3;
    while (got < need) {
        const ssize_t n = socket_.receive(answer + got, need - got, deadline);
        if (n <= 0) keep_answer(answer, got);
        if (n <= 0)
            return receive_failed(n, errno, got,
                                  std::to_string(got) + " of " +
                                      (need > 3 ? std::to_string(need) : "at least 4") + " bytes");
        got += static_cast<size_t>(n);
        const size_t size = rtu_response_size(answer, got);
        if (size == kRtuSizeUnknown) {
            keep_answer(answer, got);
            needs_flush_ = true;
            return Outcome{Quality::invalid(),
                           {},
                           "garbage: function code " + std::to_string(answer[1]) +
                               " cannot start an answer"};
        }
        if (size != 0) need = size;
    }
    keep_answer(answer, got);
    Response response = decode_rtu_response(unit, request, answer, got);
    if (response.verdict == Verdict::invalid) needs_flush_ = true;
    return outcome_of(std::move(response));
}

Outcome Connection::read(uint8_t unit, const ReadRequest &request, uint32_t timeout_ms) {
    if (socket_.is_open()) {
        PduRequest pdu;
        pdu.function = static_cast<uint8_t>(request.function);
        pdu.address = request.address;
        pdu.quantity = request.count;
        return transact(unit, pdu, timeout_ms);
    }
    if (context_ == nullptr)
        return Outcome{Quality::disconnected(), {}, "not connected to " + describe(endpoint_)};
    prepare(unit, timeout_ms);
    Outcome outcome;
    int received = -1;
    switch (request.function) {
    case Function::coils:
    case Function::discrete_inputs: {
        std::vector<uint8_t> bits(request.count);
        received =
            request.function == Function::coils
                ? modbus_read_bits(context_, request.address, request.count, bits.data())
                : modbus_read_input_bits(context_, request.address, request.count, bits.data());
        if (received == request.count) outcome.values.assign(bits.begin(), bits.end());
        break;
    }
    case Function::holding:
    case Function::input:
        outcome.values.resize(request.count);
        received = request.function == Function::holding
                       ? modbus_read_registers(context_, request.address, request.count,
                                               outcome.values.data())
                       : modbus_read_input_registers(context_, request.address, request.count,
                                                     outcome.values.data());
        break;
    }
    if (received == -1) {
        outcome = failure(errno);
    } else if (received != request.count) {
        needs_flush_ = true;
        outcome = Outcome{Quality::invalid(),
                          {},
                          "expected " + std::to_string(request.count) + " values, got " +
                              std::to_string(received)};
    } else {
        outcome.quality = Quality::good();
    }
    if (trace_) trace_serial(unit, request, outcome);
    return outcome;
}

// libmodbus sends exactly the RTU frame encode_rtu_request makes; the answer's bytes stay
// inside libmodbus, so the bus view shows its outcome only.
void Connection::trace_serial(uint8_t unit, const ReadRequest &request, const Outcome &outcome) {
    PduRequest pdu;
    pdu.function = static_cast<uint8_t>(request.function);
    pdu.address = request.address;
    pdu.quantity = request.count;
    auto frame = encode_rtu_request(unit, pdu);
    answer_.clear();
    if (frame) trace_exchange(unit, frame.value(), outcome);
}

Outcome Connection::write(uint8_t unit, Function function, uint16_t address,
                          const std::vector<uint16_t> &registers, uint32_t timeout_ms) {
    if (!is_writable(function) || registers.empty())
        return Outcome{Quality::invalid(), {}, "nothing writable"};
    if (socket_.is_open()) {
        PduRequest pdu;
        pdu.address = address;
        pdu.values = registers;
        if (function == Function::coils) {
            pdu.function = kFcWriteSingleCoil;
            pdu.values = {static_cast<uint16_t>(registers.front() != 0 ? 1 : 0)};
        } else {
            pdu.function =
                registers.size() == 1 ? kFcWriteSingleRegister : kFcWriteMultipleRegisters;
        }
        pdu.quantity = static_cast<uint16_t>(pdu.values.size());
        Outcome outcome = transact(unit, pdu, timeout_ms);
        outcome.values.clear();
        return outcome;
    }
    if (context_ == nullptr)
        return Outcome{Quality::disconnected(), {}, "not connected to " + describe(endpoint_)};
    prepare(unit, timeout_ms);
    int written = -1;
    if (function == Function::coils)
        written = modbus_write_bit(context_, address, registers.front() != 0 ? 1 : 0);
    else if (registers.size() == 1)
        written = modbus_write_register(context_, address, registers.front());
    else
        written = modbus_write_registers(context_, address, static_cast<int>(registers.size()),
                                         registers.data());
    if (written == -1) return failure(errno);
    return Outcome{Quality::good(), {}, {}};
}

} // namespace gs::modbus
