#include "modbus/frame.hpp"

#include <algorithm>
#include <array>

namespace gs::modbus {
namespace {

constexpr std::array<uint16_t, 256> make_crc_table() {
    std::array<uint16_t, 256> table{};
    for (unsigned byte = 0; byte < 256; ++byte) {
        unsigned crc = byte;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1u) ? (crc >> 1) ^ 0xA001u : crc >> 1;
        table[byte] = static_cast<uint16_t>(crc);
    }
    return table;
}

constexpr auto kCrcTable = make_crc_table();

constexpr size_t kMbapSize = 7; // transaction id, protocol id, length, unit id
constexpr size_t kMaxPduSize = 253;

void put16(std::vector<uint8_t> &out, uint16_t value) {
    out.push_back(static_cast<uint8_t>(value >> 8));
    out.push_back(static_cast<uint8_t>(value & 0xFF));
}

uint16_t get16(const uint8_t *bytes) {
    return static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);
}

size_t packed_bit_bytes(size_t bits) {
    return (bits + 7) / 8;
}

void put_packed_bits(std::vector<uint8_t> &out, const std::vector<uint16_t> &bits) {
    const size_t first = out.size();
    out.resize(first + packed_bit_bytes(bits.size()), 0);
    for (size_t i = 0; i < bits.size(); ++i) {
        if (bits[i] != 0)
            out[first + i / 8] = static_cast<uint8_t>(out[first + i / 8] | (1u << (i % 8)));
    }
}

Response invalid(InvalidReason reason, std::string detail) {
    Response response;
    response.verdict = Verdict::invalid;
    response.reason = reason;
    response.detail = std::string(to_string(reason)) + ": " + std::move(detail);
    return response;
}

size_t expected_read_byte_count(const PduRequest &request) {
    return is_bit_read(request.function) ? packed_bit_bytes(request.quantity)
                                         : size_t{request.quantity} * 2;
}

uint16_t echoed_value(const PduRequest &request) {
    switch (request.function) {
    case kFcWriteSingleCoil:
        return request.values.at(0) != 0 ? 0xFF00 : 0x0000;
    case kFcWriteSingleRegister:
        return request.values.at(0);
    default:
        return request.quantity;
    }
}

// Checks the PDU of a response. `length_reason` names the kind of error a size disagreement is:
// the MBAP length field for TCP, the frame length for RTU.
Response decode_pdu(const PduRequest &request, const uint8_t *pdu, size_t size,
                    InvalidReason length_reason) {
    if (size < 1) return invalid(InvalidReason::truncated, "no function code");
    const uint8_t function = pdu[0];
    if (function == (request.function | 0x80)) {
        if (size < 2) return invalid(InvalidReason::truncated, "exception response without a code");
        if (size != 2)
            return invalid(length_reason, "exception response of " + std::to_string(size) +
                                              " PDU bytes, expected 2");
        Response response;
        response.verdict = Verdict::exception;
        response.exception_code = pdu[1];
        return response;
    }
    if (function != request.function)
        return invalid(InvalidReason::wrong_function, "got function " + std::to_string(function) +
                                                          ", expected " +
                                                          std::to_string(request.function));

    Response response;
    response.verdict = Verdict::ok;
    if (is_read_function(function)) {
        if (size < 2)
            return invalid(InvalidReason::truncated, "read response without a byte count");
        const size_t byte_count = pdu[1];
        const size_t expected = expected_read_byte_count(request);
        if (byte_count != expected)
            return invalid(InvalidReason::byte_count_mismatch,
                           "byte count " + std::to_string(byte_count) + ", expected " +
                               std::to_string(expected) + " for " +
                               std::to_string(request.quantity) +
                               (is_bit_read(function) ? " bits" : " registers"));
        if (size != 2 + byte_count)
            return invalid(length_reason, std::to_string(size) + " PDU bytes for byte count " +
                                              std::to_string(byte_count));
        const uint8_t *data = pdu + 2;
        if (is_bit_read(function)) {
            response.values.resize(request.quantity);
            for (size_t i = 0; i < request.quantity; ++i)
                response.values[i] = (data[i / 8] >> (i % 8)) & 1u;
        } else {
            response.values.resize(request.quantity);
            for (size_t i = 0; i < request.quantity; ++i)
                response.values[i] = get16(data + 2 * i);
        }
        return response;
    }

    // Write responses echo the address and the value (FC 5/6) or the quantity (FC 15/16).
    if (size < 5)
        return invalid(InvalidReason::truncated,
                       "write response of " + std::to_string(size) + " PDU bytes, expected 5");
    if (size != 5)
        return invalid(length_reason,
                       "write response of " + std::to_string(size) + " PDU bytes, expected 5");
    const uint16_t address = get16(pdu + 1);
    const uint16_t value = get16(pdu + 3);
    if (address != request.address || value != echoed_value(request))
        return invalid(InvalidReason::echo_mismatch, "echo " + std::to_string(address) + "/" +
                                                         std::to_string(value) + ", expected " +
                                                         std::to_string(request.address) + "/" +
                                                         std::to_string(echoed_value(request)));
    return response;
}

// Frame length an RTU response would have, judged from its first bytes; 0 when unknown.
size_t rtu_expected_size(const PduRequest &request, const uint8_t *data, size_t size) {
    if (size >= 2 && data[1] == (request.function | 0x80)) return 5;
    if (size >= 2 && data[1] == request.function) {
        if (!is_read_function(request.function)) return 8;
        if (size >= 3) return size_t{5} + data[2];
    }
    return 0;
}

} // namespace

bool rtu_crc_ok(const uint8_t *data, size_t size) {
    if (size < 3) return false;
    const uint16_t carried = static_cast<uint16_t>(data[size - 2] | (data[size - 1] << 8));
    return crc16(data, size - 2) == carried;
}

size_t rtu_response_size(const uint8_t *data, size_t size) {
    if (data == nullptr || size < 2) return 0;
    const uint8_t function = data[1];
    if ((function & 0x80) != 0) return 5; // unit, function | 0x80, code, CRC
    if (is_read_function(function)) return size < 3 ? 0 : size_t{5} + data[2];
    switch (function) {
    case kFcWriteSingleCoil:
    case kFcWriteSingleRegister:
    case kFcWriteMultipleCoils:
    case kFcWriteMultipleRegisters:
        return 8; // unit, function, address, value or quantity, CRC
    default:
        return kRtuSizeUnknown;
    }
}

size_t rtu_request_size(const uint8_t *data, size_t size) {
    if (data == nullptr || size < 2) return 0;
    const uint8_t function = data[1];
    if (is_read_function(function) || function == kFcWriteSingleCoil ||
        function == kFcWriteSingleRegister)
        return 8; // unit, function, address, quantity or value, CRC
    if (function == kFcWriteMultipleCoils || function == kFcWriteMultipleRegisters)
        return size < 7 ? 0 : size_t{9} + data[6];
    return kRtuSizeUnknown;
}

uint16_t crc16(const uint8_t *data, size_t size) {
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < size; ++i)
        crc = static_cast<uint16_t>((crc >> 8) ^ kCrcTable[(crc ^ data[i]) & 0xFF]);
    return crc;
}

bool is_read_function(uint8_t function) {
    return function >= 1 && function <= 4;
}

bool is_bit_read(uint8_t function) {
    return function == 1 || function == 2;
}

std::optional<std::string> request_problem(const PduRequest &request) {
    const auto quantity_range = [&](uint16_t max) -> std::optional<std::string> {
        if (request.quantity < 1 || request.quantity > max)
            return "quantity " + std::to_string(request.quantity) + " out of range 1.." +
                   std::to_string(max) + " for function " + std::to_string(request.function);
        return std::nullopt;
    };
    switch (request.function) {
    case kFcReadCoils:
    case kFcReadDiscreteInputs:
        return quantity_range(2000);
    case kFcReadHoldingRegisters:
    case kFcReadInputRegisters:
        return quantity_range(125);
    case kFcWriteSingleCoil:
    case kFcWriteSingleRegister:
        if (request.values.size() != 1)
            return "function " + std::to_string(request.function) + " writes exactly one value";
        return std::nullopt;
    case kFcWriteMultipleCoils:
    case kFcWriteMultipleRegisters: {
        auto problem = quantity_range(request.function == kFcWriteMultipleCoils ? 1968 : 123);
        if (problem) return problem;
        if (request.values.size() != request.quantity)
            return "quantity " + std::to_string(request.quantity) + " but " +
                   std::to_string(request.values.size()) + " values";
        return std::nullopt;
    }
    default:
        return "unsupported function " + std::to_string(request.function);
    }
}

Result<std::vector<uint8_t>> encode_request_pdu(const PduRequest &request) {
    if (auto problem = request_problem(request)) return Error{*problem};
    std::vector<uint8_t> pdu{request.function};
    put16(pdu, request.address);
    switch (request.function) {
    case kFcWriteSingleCoil:
    case kFcWriteSingleRegister:
        put16(pdu, echoed_value(request));
        break;
    case kFcWriteMultipleCoils:
        put16(pdu, request.quantity);
        pdu.push_back(static_cast<uint8_t>(packed_bit_bytes(request.quantity)));
        put_packed_bits(pdu, request.values);
        break;
    case kFcWriteMultipleRegisters:
        put16(pdu, request.quantity);
        pdu.push_back(static_cast<uint8_t>(request.quantity * 2));
        for (uint16_t value : request.values)
            put16(pdu, value);
        break;
    default: // reads
        put16(pdu, request.quantity);
        break;
    }
    return pdu;
}

std::optional<PduRequest> decode_request_pdu(const uint8_t *pdu, size_t size) {
    if (pdu == nullptr || size < 5) return std::nullopt;
    PduRequest request;
    request.function = pdu[0];
    request.address = get16(pdu + 1);
    const uint16_t word = get16(pdu + 3);
    switch (request.function) {
    case kFcReadCoils:
    case kFcReadDiscreteInputs:
    case kFcReadHoldingRegisters:
    case kFcReadInputRegisters:
        if (size != 5) return std::nullopt;
        request.quantity = word;
        break;
    case kFcWriteSingleCoil:
        if (size != 5 || (word != 0xFF00 && word != 0x0000)) return std::nullopt;
        request.quantity = 1;
        request.values = {static_cast<uint16_t>(word == 0xFF00 ? 1 : 0)};
        break;
    case kFcWriteSingleRegister:
        if (size != 5) return std::nullopt;
        request.quantity = 1;
        request.values = {word};
        break;
    case kFcWriteMultipleCoils:
    case kFcWriteMultipleRegisters: {
        if (size < 6) return std::nullopt;
        request.quantity = word;
        const size_t byte_count = pdu[5];
        const size_t expected =
            request.function == kFcWriteMultipleCoils ? packed_bit_bytes(word) : size_t{word} * 2;
        if (byte_count != expected || size != 6 + byte_count) return std::nullopt;
        const uint8_t *data = pdu + 6;
        for (size_t i = 0; i < word; ++i) {
            request.values.push_back(request.function == kFcWriteMultipleCoils
                                         ? static_cast<uint16_t>((data[i / 8] >> (i % 8)) & 1u)
                                         : get16(data + 2 * i));
        }
        break;
    }
    default:
        return std::nullopt;
    }
    if (request_problem(request)) return std::nullopt;
    return request;
}

Result<std::vector<uint8_t>> encode_response_pdu(const PduRequest &request,
                                                 const std::vector<uint16_t> &values) {
    if (auto problem = request_problem(request)) return Error{*problem};
    std::vector<uint8_t> pdu{request.function};
    if (is_read_function(request.function)) {
        if (values.size() != request.quantity)
            return Error{"response needs " + std::to_string(request.quantity) + " values, got " +
                         std::to_string(values.size())};
        pdu.push_back(static_cast<uint8_t>(expected_read_byte_count(request)));
        if (is_bit_read(request.function)) {
            put_packed_bits(pdu, values);
        } else {
            for (uint16_t value : values)
                put16(pdu, value);
        }
        return pdu;
    }
    put16(pdu, request.address);
    put16(pdu, echoed_value(request));
    return pdu;
}

std::vector<uint8_t> encode_exception_pdu(uint8_t function, uint8_t exception_code) {
    return {static_cast<uint8_t>(function | 0x80), exception_code};
}

std::vector<uint8_t> wrap_tcp(uint16_t transaction_id, uint8_t unit,
                              const std::vector<uint8_t> &pdu) {
    std::vector<uint8_t> adu;
    adu.reserve(kMbapSize + pdu.size());
    put16(adu, transaction_id);
    put16(adu, 0);
    put16(adu, static_cast<uint16_t>(pdu.size() + 1));
    adu.push_back(unit);
    adu.insert(adu.end(), pdu.begin(), pdu.end());
    return adu;
}

std::vector<uint8_t> wrap_rtu(uint8_t unit, const std::vector<uint8_t> &pdu) {
    // Sized once: GCC 12 at -O3 warns (falsely) on insert into a one-element vector.
    std::vector<uint8_t> adu(pdu.size() + 3);
    adu[0] = unit;
    std::copy(pdu.begin(), pdu.end(), adu.begin() + 1);
    const uint16_t crc = crc16(adu.data(), pdu.size() + 1);
    adu[pdu.size() + 1] = static_cast<uint8_t>(crc & 0xFF);
    adu[pdu.size() + 2] = static_cast<uint8_t>(crc >> 8);
    return adu;
}

Result<std::vector<uint8_t>> encode_tcp_request(uint16_t transaction_id, uint8_t unit,
                                                const PduRequest &request) {
    auto pdu = encode_request_pdu(request);
    if (!pdu) return pdu;
    return wrap_tcp(transaction_id, unit, pdu.value());
}

Result<std::vector<uint8_t>> encode_rtu_request(uint8_t unit, const PduRequest &request) {
    auto pdu = encode_request_pdu(request);
    if (!pdu) return pdu;
    return wrap_rtu(unit, pdu.value());
}

std::string_view to_string(InvalidReason reason) {
    switch (reason) {
    case InvalidReason::none:
        return "none";
    case InvalidReason::bad_request:
        return "bad request";
    case InvalidReason::truncated:
        return "truncated";
    case InvalidReason::trailing_garbage:
        return "trailing garbage";
    case InvalidReason::wrong_length:
        return "wrong length";
    case InvalidReason::length_field_inconsistent:
        return "length field inconsistent";
    case InvalidReason::byte_count_mismatch:
        return "byte count mismatch";
    case InvalidReason::wrong_unit:
        return "wrong unit id";
    case InvalidReason::wrong_function:
        return "wrong function";
    case InvalidReason::wrong_transaction:
        return "wrong transaction id";
    case InvalidReason::wrong_protocol:
        return "wrong protocol id";
    case InvalidReason::bad_crc:
        return "bad CRC";
    case InvalidReason::echo_mismatch:
        return "echo mismatch";
    }
    return "unknown";
}

Response decode_tcp_response(uint16_t transaction_id, uint8_t unit, const PduRequest &request,
                             const uint8_t *data, size_t size) {
    if (auto problem = request_problem(request))
        return invalid(InvalidReason::bad_request, *problem);
    if (data == nullptr || size < kMbapSize)
        return invalid(InvalidReason::truncated, std::to_string(data == nullptr ? 0 : size) +
                                                     " bytes, the MBAP header needs 7");
    const uint16_t received_transaction = get16(data);
    if (received_transaction != transaction_id)
        return invalid(InvalidReason::wrong_transaction,
                       "got " + std::to_string(received_transaction) + ", expected " +
                           std::to_string(transaction_id));
    const uint16_t protocol = get16(data + 2);
    if (protocol != 0)
        return invalid(InvalidReason::wrong_protocol, "got " + std::to_string(protocol));
    const size_t length = get16(data + 4); // unit id + PDU
    if (length < 2 || length > kMaxPduSize + 1)
        return invalid(InvalidReason::length_field_inconsistent,
                       "length field " + std::to_string(length) + " outside 2..254");
    const size_t after_length = size - 6;
    if (after_length < length)
        return invalid(InvalidReason::truncated, "length field " + std::to_string(length) +
                                                     " but only " + std::to_string(after_length) +
                                                     " bytes");
    if (after_length > length)
        return invalid(InvalidReason::trailing_garbage,
                       std::to_string(after_length - length) + " bytes after the frame");
    if (data[6] != unit)
        return invalid(InvalidReason::wrong_unit,
                       "got " + std::to_string(data[6]) + ", expected " + std::to_string(unit));
    return decode_pdu(request, data + kMbapSize, length - 1,
                      InvalidReason::length_field_inconsistent);
}

Response decode_rtu_response(uint8_t unit, const PduRequest &request, const uint8_t *data,
                             size_t size) {
    if (auto problem = request_problem(request))
        return invalid(InvalidReason::bad_request, *problem);
    if (data == nullptr || size < 4)
        return invalid(InvalidReason::truncated, std::to_string(data == nullptr ? 0 : size) +
                                                     " bytes, an RTU frame needs at least 4");
    if (!rtu_crc_ok(data, size)) {
        // Tell a short or over-long frame from a corrupted one.
        const size_t expected = rtu_expected_size(request, data, size);
        if (expected != 0 && size < expected)
            return invalid(InvalidReason::truncated,
                           std::to_string(size) + " bytes, expected " + std::to_string(expected));
        if (expected != 0 && size > expected && rtu_crc_ok(data, expected))
            return invalid(InvalidReason::trailing_garbage,
                           std::to_string(size - expected) + " bytes after the frame");
        return invalid(InvalidReason::bad_crc, "CRC does not match");
    }
    if (data[0] != unit)
        return invalid(InvalidReason::wrong_unit,
                       "got " + std::to_string(data[0]) + ", expected " + std::to_string(unit));
    return decode_pdu(request, data + 1, size - 3, InvalidReason::wrong_length);
}

} // namespace gs::modbus
