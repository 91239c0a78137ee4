#include "modbus/link.hpp"
#include "modbus/link_rules.hpp"

#include <deque>
#include <optional>

namespace gs::modbus {

using detail::append;
using detail::device_problem;
using detail::is_gateway_exception;
using detail::sorted;

Result<std::vector<PointResult>> read_once(const Endpoint &endpoint, const DeviceConfig &device) {
    if (auto problem = endpoint_problem(endpoint)) return Error{*problem};
    if (auto problem = device_problem(endpoint, device)) return Error{*problem};
    auto planner = DevicePlanner::create(device.points, device.limits);
    if (!planner) return Error{"device '" + device.id + "': " + planner.error()};
    const auto &points = planner.value().points();

    Connection connection(endpoint);
    if (auto status = connection.connect(device.timeout_ms); !status)
        return Error{"device '" + device.id + "': " + status.error()};

    std::deque<ReadRequest> queue(planner.value().requests().begin(),
                                  planner.value().requests().end());
    std::vector<PointResult> results;
    std::optional<Outcome> abort;
    bool answered = false;
    while (!queue.empty()) {
        ReadRequest request = std::move(queue.front());
        queue.pop_front();
        if (abort) {
            append(results, request_results(request, points, abort->quality, {}, abort->detail));
            continue;
        }
        Outcome outcome = connection.read(device.unit, request, device.timeout_ms);
        const auto kind = outcome.quality.kind;
        if (kind == QualityKind::good) {
            answered = true;
        } else if (is_gateway_exception(outcome.quality) || kind == QualityKind::timeout ||
                   kind == QualityKind::disconnected) {
            if (!answered)
                return Error{"device '" + device.id + "' (unit " + std::to_string(device.unit) +
                             ") on " + describe(endpoint) + ": " + to_string(outcome.quality) +
                             (kind == QualityKind::timeout
                                  ? " after " + std::to_string(device.timeout_ms) + " ms"
                                  : "") +
                             (outcome.detail.empty() ? "" : " (" + outcome.detail + ")")};
            abort = outcome;
        } else if (kind == QualityKind::exception) {
            answered = true;
            const uint8_t code = outcome.quality.exception_code;
            if ((code == 2 || code == 3) && request.points.size() > 1) {
                auto halves = split_request(request, points);
                for (auto half = halves.rbegin(); half != halves.rend(); ++half)
                    queue.push_front(std::move(*half));
                continue;
            }
        }
        append(results,
               request_results(request, points, outcome.quality, outcome.values, outcome.detail));
    }
    return sorted(std::move(results));
}

} // namespace gs::modbus
