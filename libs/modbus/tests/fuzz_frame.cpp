// libFuzzer entry point over the response decoders (TCP and RTU) and the request decoder.
// Input layout: see fuzz_frame_input.hpp. Invariant violations trap.
#include "fuzz_frame_input.hpp"
#include "modbus/frame.hpp"

#include <cstddef>
#include <cstdint>

using namespace gs::modbus;

namespace {

void check(bool condition) {
    if (!condition) __builtin_trap();
}

void check_response(const PduRequest &request, const Response &response) {
    switch (response.verdict) {
    case Verdict::ok:
        check(response.reason == InvalidReason::none);
        if (is_read_function(request.function)) {
            check(response.values.size() == request.quantity);
            if (is_bit_read(request.function)) {
                for (uint16_t bit : response.values)
                    check(bit <= 1);
            }
        } else {
            check(response.values.empty());
        }
        break;
    case Verdict::exception:
        check(response.reason == InvalidReason::none);
        check(response.values.empty());
        break;
    case Verdict::invalid:
        check(response.reason != InvalidReason::none);
        check(!response.detail.empty());
        check(response.values.empty());
        break;
    default:
        check(false);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < fuzzing::kHeaderSize) return 0;
    const auto fuzz = fuzzing::read_header(data);
    const uint8_t *frame = data + fuzzing::kHeaderSize;
    const size_t frame_size = size - fuzzing::kHeaderSize;

    check_response(fuzz.request, decode_tcp_response(fuzz.transaction, fuzz.unit, fuzz.request,
                                                     frame, frame_size));
    check_response(fuzz.request, decode_rtu_response(fuzz.unit, fuzz.request, frame, frame_size));

    if (const auto parsed = decode_request_pdu(frame, frame_size)) {
        // A request that parses re-encodes to the same request (padding bits may differ).
        const auto encoded = encode_request_pdu(*parsed);
        check(encoded.ok());
        check(encoded.value().size() == frame_size);
        const auto again = decode_request_pdu(encoded.value().data(), encoded.value().size());
        check(again.has_value());
        check(again->function == parsed->function && again->address == parsed->address &&
              again->quantity == parsed->quantity && again->values == parsed->values);
    }
    return 0;
}
