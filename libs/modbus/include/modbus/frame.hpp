// Raw Modbus frames: request encoders, response validation and decoding for Modbus TCP
// (MBAP) and RTU (CRC16) ADUs, and the small server side the simulator needs.
//
// The decoders take untrusted bytes: they never read outside [data, data + size) and return a
// verdict with a reason instead of failing. Only the standard library is used, so the fuzz
// target can compile this file with its own instrumentation.
#pragma once

#include "modbus/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gs::modbus {

// Modbus CRC-16 (reflected polynomial 0xA001, initial value 0xFFFF). RTU frames carry it
// low byte first.
uint16_t crc16(const uint8_t *data, size_t size);
// Whether the last two bytes of an RTU frame are the CRC of the others (low byte first).
bool rtu_crc_ok(const uint8_t *data, size_t size);

inline constexpr uint8_t kFcReadCoils = 1;
inline constexpr uint8_t kFcReadDiscreteInputs = 2;
inline constexpr uint8_t kFcReadHoldingRegisters = 3;
inline constexpr uint8_t kFcReadInputRegisters = 4;
inline constexpr uint8_t kFcWriteSingleCoil = 5;
inline constexpr uint8_t kFcWriteSingleRegister = 6;
inline constexpr uint8_t kFcWriteMultipleCoils = 15;
inline constexpr uint8_t kFcWriteMultipleRegisters = 16;

// A request PDU in decoded form.
struct PduRequest {
    uint8_t function = 0;
    uint16_t address = 0;
    // Reads: registers or bits to read. FC 15/16: number of values. FC 5/6: 1.
    uint16_t quantity = 0;
    // Writes only: FC 5 one value (non-zero = ON), FC 6 one register, FC 15 bits (0/1),
    // FC 16 registers.
    std::vector<uint16_t> values;
};

bool is_read_function(uint8_t function);
bool is_bit_read(uint8_t function);
// Empty when the request is well formed (supported function, quantity within the protocol
// limits: reads 1..125 registers or 1..2000 bits, FC 15 1..1968 bits, FC 16 1..123 registers).
std::optional<std::string> request_problem(const PduRequest &request);

Result<std::vector<uint8_t>> encode_request_pdu(const PduRequest &request);
// Parses a request PDU (server side). Nullopt when malformed or unsupported.
std::optional<PduRequest> decode_request_pdu(const uint8_t *pdu, size_t size);

// Server side: a normal response to `request` (reads: `values` are the registers or 0/1 bits,
// exactly quantity of them; writes: the echo, `values` ignored).
Result<std::vector<uint8_t>> encode_response_pdu(const PduRequest &request,
                                                 const std::vector<uint16_t> &values);
std::vector<uint8_t> encode_exception_pdu(uint8_t function, uint8_t exception_code);

// ADU framing around a PDU.
std::vector<uint8_t> wrap_tcp(uint16_t transaction_id, uint8_t unit,
                              const std::vector<uint8_t> &pdu);
std::vector<uint8_t> wrap_rtu(uint8_t unit, const std::vector<uint8_t> &pdu);

Result<std::vector<uint8_t>> encode_tcp_request(uint16_t transaction_id, uint8_t unit,
                                                const PduRequest &request);
Result<std::vector<uint8_t>> encode_rtu_request(uint8_t unit, const PduRequest &request);

enum class Verdict : uint8_t {
    ok = 1,    // values hold the registers or bits (reads) or nothing (write echo)
    exception, // the device answered with a Modbus exception: exception_code
    invalid,   // the bytes are not a valid answer to the request: reason, detail
};

enum class InvalidReason : uint8_t {
    none = 0,
    bad_request,               // the request itself is malformed
    truncated,                 // fewer bytes than the frame needs
    trailing_garbage,          // more bytes than the frame needs
    wrong_length,              // RTU: frame length disagrees with its content
    length_field_inconsistent, // TCP: MBAP length disagrees with the PDU content
    byte_count_mismatch,       // byte count does not match the requested quantity
    wrong_unit,
    wrong_function,
    wrong_transaction,
    wrong_protocol, // TCP protocol id is not 0
    bad_crc,
    echo_mismatch, // a write response does not echo the request
};

std::string_view to_string(InvalidReason reason);

struct Response {
    Verdict verdict = Verdict::invalid;
    std::vector<uint16_t> values; // registers, or one 0/1 word per bit
    uint8_t exception_code = 0;
    InvalidReason reason = InvalidReason::none;
    std::string detail; // human-readable reason for invalid verdicts
};

// Stream framing of RTU frames carried over a byte stream (RTU over TCP), judged from the
// first bytes of a frame by its function code (any code, not only the one asked for, so that
// a whole answer with a wrong function still reaches the decoder): the frame's total size
// with its CRC, 0 while too few bytes are there to tell, or kRtuSizeUnknown when the function
// code is not one such a frame can carry (garbage).
inline constexpr size_t kRtuSizeUnknown = static_cast<size_t>(-1);
size_t rtu_response_size(const uint8_t *data, size_t size); // client side: an answer
size_t rtu_request_size(const uint8_t *data, size_t size);  // server side: a request

// `data` holds one complete ADU as received.
Response decode_tcp_response(uint16_t transaction_id, uint8_t unit, const PduRequest &request,
                             const uint8_t *data, size_t size);
Response decode_rtu_response(uint8_t unit, const PduRequest &request, const uint8_t *data,
                             size_t size);

} // namespace gs::modbus
