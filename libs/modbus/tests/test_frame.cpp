#include "modbus/frame.hpp"

#include <doctest/doctest.h>

using namespace gs::modbus;
using Bytes = std::vector<uint8_t>;

namespace {

PduRequest read_request(uint8_t function, uint16_t address, uint16_t quantity) {
    PduRequest request;
    request.function = function;
    request.address = address;
    request.quantity = quantity;
    return request;
}

Response tcp(const PduRequest &request, const Bytes &bytes, uint16_t transaction = 1,
             uint8_t unit = 1) {
    return decode_tcp_response(transaction, unit, request, bytes.data(), bytes.size());
}

Response rtu(const PduRequest &request, const Bytes &bytes, uint8_t unit = 1) {
    return decode_rtu_response(unit, request, bytes.data(), bytes.size());
}

Bytes with_crc(Bytes bytes) {
    const uint16_t crc = crc16(bytes.data(), bytes.size());
    bytes.push_back(static_cast<uint8_t>(crc & 0xFF));
    bytes.push_back(static_cast<uint8_t>(crc >> 8));
    return bytes;
}

const PduRequest kRead3 = read_request(3, 0x6B, 3);
const Bytes kTcpOk{0x00, 0x01, 0x00, 0x00, 0x00, 0x09, 0x01, 0x03,
                   0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64};
const Bytes kRtuPdu{0x01, 0x03, 0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64};

} // namespace

TEST_CASE("CRC16 of the classic example") {
    const Bytes request{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A};
    CHECK(crc16(request.data(), request.size()) == 0xCDC5); // sent as C5 CD
    auto encoded = encode_rtu_request(1, read_request(3, 0, 10));
    REQUIRE(encoded.ok());
    CHECK(encoded.value() == Bytes{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD});
}

TEST_CASE("request encoders") {
    CHECK(encode_tcp_request(1, 1, kRead3).value() ==
          Bytes{0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x6B, 0x00, 0x03});
    PduRequest coil{5, 0xAC, 1, {1}};
    CHECK(encode_request_pdu(coil).value() == Bytes{0x05, 0x00, 0xAC, 0xFF, 0x00});
    PduRequest coils{15, 0x13, 10, {1, 0, 1, 1, 0, 0, 1, 1, 1, 0}};
    CHECK(encode_request_pdu(coils).value() ==
          Bytes{0x0F, 0x00, 0x13, 0x00, 0x0A, 0x02, 0xCD, 0x01});
    PduRequest registers{16, 1, 2, {0x000A, 0x0102}};
    CHECK(encode_request_pdu(registers).value() ==
          Bytes{0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0x00, 0x0A, 0x01, 0x02});
    CHECK_FALSE(encode_request_pdu(read_request(3, 0, 126)).ok());
    CHECK_FALSE(encode_request_pdu(read_request(1, 0, 2001)).ok());
    CHECK_FALSE(encode_request_pdu(read_request(3, 0, 0)).ok());
    CHECK_FALSE(encode_request_pdu(read_request(7, 0, 1)).ok());
    CHECK_FALSE(encode_request_pdu(PduRequest{16, 0, 2, {1}}).ok());
}

TEST_CASE("request PDUs decode back (server side)") {
    const std::vector<PduRequest> requests{read_request(1, 5, 17),
                                           read_request(2, 0, 2000),
                                           read_request(3, 50000, 66),
                                           read_request(4, 65535, 1),
                                           PduRequest{5, 7, 1, {1}},
                                           PduRequest{6, 9, 1, {0xBEEF}},
                                           PduRequest{15, 3, 9, {1, 0, 1, 0, 1, 0, 1, 0, 1}},
                                           PduRequest{16, 4, 2, {1, 2}}};
    for (const auto &request : requests) {
        const auto pdu = encode_request_pdu(request).value();
        const auto decoded = decode_request_pdu(pdu.data(), pdu.size());
        REQUIRE(decoded.has_value());
        CHECK(decoded->function == request.function);
        CHECK(decoded->address == request.address);
        CHECK(decoded->quantity == request.quantity);
        CHECK(decoded->values == request.values);
    }
    const Bytes truncated{0x03, 0x00, 0x01, 0x00};
    CHECK_FALSE(decode_request_pdu(truncated.data(), truncated.size()).has_value());
    const Bytes bad_count{0x10, 0x00, 0x01, 0x00, 0x02, 0x03, 0x00, 0x0A, 0x01};
    CHECK_FALSE(decode_request_pdu(bad_count.data(), bad_count.size()).has_value());
}

TEST_CASE("TCP: a valid read response") {
    const auto response = tcp(kRead3, kTcpOk);
    REQUIRE(response.verdict == Verdict::ok);
    CHECK(response.values == std::vector<uint16_t>{0x022B, 0x0000, 0x0064});
}

TEST_CASE("TCP: bits are unpacked least significant first") {
    const auto request = read_request(1, 0x13, 10);
    const Bytes bytes{0x00, 0x07, 0x00, 0x00, 0x00, 0x05, 0x11, 0x01, 0x02, 0xCD, 0x01};
    const auto response = tcp(request, bytes, 7, 0x11);
    REQUIRE(response.verdict == Verdict::ok);
    CHECK(response.values == std::vector<uint16_t>{1, 0, 1, 1, 0, 0, 1, 1, 1, 0});
}

TEST_CASE("TCP: exception response") {
    const auto response = tcp(kRead3, {0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x01, 0x83, 0x02});
    REQUIRE(response.verdict == Verdict::exception);
    CHECK(response.exception_code == 2);
    // An exception with an extra byte is malformed.
    const auto long_exception =
        tcp(kRead3, {0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x01, 0x83, 0x02, 0x00});
    CHECK(long_exception.reason == InvalidReason::length_field_inconsistent);
}

TEST_CASE("TCP: every kind of invalid response") {
    struct Case {
        const char *name;
        Bytes bytes;
        InvalidReason reason;
    };
    auto changed = [](size_t index, uint8_t value) {
        Bytes bytes = kTcpOk;
        bytes[index] = value;
        return bytes;
    };
    Bytes longer = kTcpOk;
    longer.push_back(0x00);
    Bytes shorter(kTcpOk.begin(), kTcpOk.end() - 1);
    // The byte count says 6 data bytes, the MBAP length leaves room for 4.
    Bytes inconsistent{0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x01,
                       0x03, 0x06, 0x02, 0x2B, 0x00, 0x00};
    const std::vector<Case> cases{
        {"empty", {}, InvalidReason::truncated},
        {"header only", Bytes(kTcpOk.begin(), kTcpOk.begin() + 6), InvalidReason::truncated},
        {"length beyond the data", shorter, InvalidReason::truncated},
        {"trailing byte", longer, InvalidReason::trailing_garbage},
        {"transaction", changed(1, 0x02), InvalidReason::wrong_transaction},
        {"protocol", changed(3, 0x01), InvalidReason::wrong_protocol},
        {"length field 1", changed(5, 0x01), InvalidReason::length_field_inconsistent},
        {"length field vs byte count", inconsistent, InvalidReason::length_field_inconsistent},
        {"unit", changed(6, 0x02), InvalidReason::wrong_unit},
        {"function", changed(7, 0x04), InvalidReason::wrong_function},
        {"byte count", changed(8, 0x04), InvalidReason::byte_count_mismatch},
    };
    for (const auto &c : cases) {
        CAPTURE(c.name);
        const auto response = tcp(kRead3, c.bytes);
        CHECK(response.verdict == Verdict::invalid);
        CHECK(to_string(response.reason) == to_string(c.reason));
        CHECK_FALSE(response.detail.empty());
    }
    // A malformed request is reported as such, not blamed on the device.
    CHECK(tcp(read_request(3, 0, 0), kTcpOk).reason == InvalidReason::bad_request);
    CHECK(decode_tcp_response(1, 1, kRead3, nullptr, 0).reason == InvalidReason::truncated);
}

TEST_CASE("RTU: valid, exception and invalid responses") {
    const auto ok = rtu(kRead3, with_crc(kRtuPdu));
    REQUIRE(ok.verdict == Verdict::ok);
    CHECK(ok.values == std::vector<uint16_t>{0x022B, 0x0000, 0x0064});

    const Bytes exception{0x01, 0x83, 0x02, 0xC0, 0xF1};
    const auto refused = rtu(kRead3, exception);
    REQUIRE(refused.verdict == Verdict::exception);
    CHECK(refused.exception_code == 2);

    Bytes corrupted = with_crc(kRtuPdu);
    corrupted[4] ^= 0x10;
    CHECK(rtu(kRead3, corrupted).reason == InvalidReason::bad_crc);

    Bytes truncated = with_crc(kRtuPdu);
    truncated.resize(truncated.size() - 3);
    CHECK(rtu(kRead3, truncated).reason == InvalidReason::truncated);
    CHECK(rtu(kRead3, {0x01, 0x03}).reason == InvalidReason::truncated);

    Bytes trailing = with_crc(kRtuPdu);
    trailing.push_back(0x55);
    CHECK(rtu(kRead3, trailing).reason == InvalidReason::trailing_garbage);

    CHECK(rtu(kRead3, with_crc(kRtuPdu), 2).reason == InvalidReason::wrong_unit);

    Bytes function = kRtuPdu;
    function[1] = 0x04;
    CHECK(rtu(kRead3, with_crc(function)).reason == InvalidReason::wrong_function);

    Bytes count = kRtuPdu;
    count[2] = 0x04;
    CHECK(rtu(kRead3, with_crc(count)).reason == InvalidReason::byte_count_mismatch);

    // CRC is right but the byte count promises more data than the frame holds.
    const Bytes short_data{0x01, 0x03, 0x06, 0x02, 0x2B, 0x00, 0x00};
    CHECK(rtu(kRead3, with_crc(short_data)).reason == InvalidReason::wrong_length);
}

TEST_CASE("write responses must echo the request") {
    const PduRequest write_register{6, 0x0001, 1, {0x0003}};
    const auto echo = wrap_tcp(3, 1, encode_request_pdu(write_register).value());
    CHECK(decode_tcp_response(3, 1, write_register, echo.data(), echo.size()).verdict ==
          Verdict::ok);
    const PduRequest other_value{6, 0x0001, 1, {0x0004}};
    CHECK(decode_tcp_response(3, 1, other_value, echo.data(), echo.size()).reason ==
          InvalidReason::echo_mismatch);

    const PduRequest write_registers{16, 10, 2, {1, 2}};
    const auto response = wrap_rtu(1, encode_response_pdu(write_registers, {}).value());
    CHECK(response == with_crc({0x01, 0x10, 0x00, 0x0A, 0x00, 0x02}));
    CHECK(rtu(write_registers, response).verdict == Verdict::ok);
    Bytes shortened(response.begin(), response.end() - 1);
    CHECK(rtu(write_registers, shortened).reason == InvalidReason::truncated);
}

TEST_CASE("server-side response encoders round trip through the decoders") {
    const auto request = read_request(2, 0, 11);
    const std::vector<uint16_t> bits{1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1};
    const auto adu = wrap_tcp(9, 4, encode_response_pdu(request, bits).value());
    const auto response = decode_tcp_response(9, 4, request, adu.data(), adu.size());
    REQUIRE(response.verdict == Verdict::ok);
    CHECK(response.values == bits);
    CHECK_FALSE(encode_response_pdu(request, {1, 0}).ok());

    const auto exception = wrap_rtu(4, encode_exception_pdu(3, 11));
    const auto decoded =
        decode_rtu_response(4, read_request(3, 0, 1), exception.data(), exception.size());
    REQUIRE(decoded.verdict == Verdict::exception);
    CHECK(decoded.exception_code == 11);
}
