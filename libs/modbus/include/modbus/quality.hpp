// Per-value quality and the per-point results of one request.
// A point's value is present only when its quality is good: after a failure the last value
// is never repeated as if it were fresh.
#pragma once

#include "modbus/codec.hpp"
#include "modbus/planner.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gs::modbus {

enum class QualityKind : uint8_t {
    good = 1,
    timeout,      // the device did not answer within its response timeout
    exception,    // the device answered with a Modbus exception (Quality::exception_code)
    disconnected, // the link (TCP connection, serial port) is down
    invalid,      // an answer arrived but was malformed, or the value could not be decoded
};

struct Quality {
    QualityKind kind = QualityKind::invalid;
    uint8_t exception_code = 0; // QualityKind::exception only

    static Quality good() { return {QualityKind::good, 0}; }
    static Quality timeout() { return {QualityKind::timeout, 0}; }
    static Quality exception(uint8_t code) { return {QualityKind::exception, code}; }
    static Quality disconnected() { return {QualityKind::disconnected, 0}; }
    static Quality invalid() { return {QualityKind::invalid, 0}; }

    bool is_good() const { return kind == QualityKind::good; }
    bool operator==(const Quality &other) const {
        return kind == other.kind && exception_code == other.exception_code;
    }
    bool operator!=(const Quality &other) const { return !(*this == other); }
};

// "illegal data address" for 2, ...; "exception N" for codes without a standard name.
std::string exception_name(uint8_t code);
// "good", "timeout", "exception 2 (illegal data address)", "disconnected", "invalid".
std::string to_string(const Quality &quality);

struct PointResult {
    size_t index = 0; // into the device's point list
    Quality quality;
    std::optional<Value> value; // present only when quality is good
    std::string detail;         // why, when not good (may be empty)
};

// Results for every point of `request`. With a good outcome each point is decoded from
// `values` (the request's registers, or one word per bit); a point that cannot be decoded is
// invalid. Any other outcome gives every point that quality, the detail and no value.
std::vector<PointResult> request_results(const ReadRequest &request,
                                         const std::vector<PointSpec> &points,
                                         const Quality &outcome,
                                         const std::vector<uint16_t> &values,
                                         const std::string &detail = {});

// One exception result per point the planner has given up on.
std::vector<PointResult>
failed_point_results(const std::vector<DevicePlanner::FailedPoint> &failed);

} // namespace gs::modbus
