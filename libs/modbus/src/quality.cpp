#include "modbus/quality.hpp"

namespace gs::modbus {

std::string exception_name(uint8_t code) {
    switch (code) {
    case 1:
        return "illegal function";
    case 2:
        return "illegal data address";
    case 3:
        return "illegal data value";
    case 4:
        return "server device failure";
    case 5:
        return "acknowledge";
    case 6:
        return "server device busy";
    case 8:
        return "memory parity error";
    case 10:
        return "gateway path unavailable";
    case 11:
        return "gateway target device failed to respond";
    default:
        return "exception " + std::to_string(code);
    }
}

std::string to_string(const Quality &quality) {
    switch (quality.kind) {
    case QualityKind::good:
        return "good";
    case QualityKind::timeout:
        return "timeout";
    case QualityKind::exception:
        return "exception " + std::to_string(quality.exception_code) + " (" +
               exception_name(quality.exception_code) + ")";
    case QualityKind::disconnected:
        return "disconnected";
    case QualityKind::invalid:
        return "invalid";
    }
    return "unknown";
}

std::vector<PointResult> request_results(const ReadRequest &request,
                                         const std::vector<PointSpec> &points,
                                         const Quality &outcome,
                                         const std::vector<uint16_t> &values,
                                         const std::string &detail) {
    std::vector<PointResult> results;
    results.reserve(request.points.size());
    for (const auto &planned : request.points) {
        PointResult result;
        result.index = planned.index;
        if (!outcome.is_good()) {
            result.quality = outcome;
            result.detail = detail;
        } else if (size_t{planned.offset} + planned.count > values.size()) {
            result.quality = Quality::invalid();
            result.detail = "response holds " + std::to_string(values.size()) +
                            " values, point needs " +
                            std::to_string(planned.offset + planned.count);
        } else {
            auto value = decode(points.at(planned.index).format(), values.data() + planned.offset,
                                planned.count);
            if (value) {
                result.quality = Quality::good();
                result.value = std::move(value).value();
            } else {
                result.quality = Quality::invalid();
                result.detail = value.error();
            }
        }
        results.push_back(std::move(result));
    }
    return results;
}

std::vector<PointResult>
failed_point_results(const std::vector<DevicePlanner::FailedPoint> &failed) {
    std::vector<PointResult> results;
    for (const auto &point : failed) {
        PointResult result;
        result.index = point.index;
        result.quality = Quality::exception(point.exception_code);
        result.detail = "point refused by the device (" + exception_name(point.exception_code) +
                        "); not polled any more";
        results.push_back(std::move(result));
    }
    return results;
}

} // namespace gs::modbus
