// The layout of a fuzz input for fuzz_frame.cpp: an 8-byte request header, then the frame.
//   [0..1] transaction id  [2] unit  [3] function  [4..5] address
//   [6..7] quantity (FC 5/6: the value written)
// Shared by the fuzz entry point and the bounded driver that generates inputs.
#pragma once

#include "modbus/frame.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gs::modbus::fuzzing {

inline constexpr size_t kHeaderSize = 8;

struct FuzzRequest {
    uint16_t transaction = 0;
    uint8_t unit = 0;
    PduRequest request;
};

// Values of a multiple write are a fixed pattern of the quantity, so the header fully
// determines the request.
inline uint16_t pattern_value(uint8_t function, size_t i) {
    return function == kFcWriteMultipleCoils ? static_cast<uint16_t>(i % 3 == 0)
                                             : static_cast<uint16_t>(i * 7919u);
}

inline FuzzRequest read_header(const uint8_t *data) {
    FuzzRequest fuzz;
    fuzz.transaction = static_cast<uint16_t>((data[0] << 8) | data[1]);
    fuzz.unit = data[2];
    fuzz.request.function = data[3];
    fuzz.request.address = static_cast<uint16_t>((data[4] << 8) | data[5]);
    const uint16_t word = static_cast<uint16_t>((data[6] << 8) | data[7]);
    switch (fuzz.request.function) {
    case kFcWriteSingleCoil:
    case kFcWriteSingleRegister:
        fuzz.request.quantity = 1;
        fuzz.request.values = {word};
        break;
    case kFcWriteMultipleCoils:
    case kFcWriteMultipleRegisters:
        fuzz.request.quantity = word;
        if (word <= 2000) {
            for (size_t i = 0; i < word; ++i)
                fuzz.request.values.push_back(pattern_value(fuzz.request.function, i));
        }
        break;
    default:
        fuzz.request.quantity = word;
        break;
    }
    return fuzz;
}

inline std::vector<uint8_t> write_header(const FuzzRequest &fuzz) {
    const auto &request = fuzz.request;
    const uint16_t word =
        (request.function == kFcWriteSingleCoil || request.function == kFcWriteSingleRegister) &&
                !request.values.empty()
            ? request.values.front()
            : request.quantity;
    return {static_cast<uint8_t>(fuzz.transaction >> 8),
            static_cast<uint8_t>(fuzz.transaction & 0xFF),
            fuzz.unit,
            request.function,
            static_cast<uint8_t>(request.address >> 8),
            static_cast<uint8_t>(request.address & 0xFF),
            static_cast<uint8_t>(word >> 8),
            static_cast<uint8_t>(word & 0xFF)};
}

} // namespace gs::modbus::fuzzing
