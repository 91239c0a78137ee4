#include "modbus/link_rules.hpp"

#include <algorithm>

namespace gs::modbus::detail {

bool is_gateway_exception(const Quality &quality) {
    return quality.kind == QualityKind::exception &&
           (quality.exception_code == 10 || quality.exception_code == 11);
}

std::optional<std::string> device_problem(const Endpoint &endpoint, const DeviceConfig &device) {
    const bool tcp = std::holds_alternative<TcpEndpoint>(endpoint);
    if (device.id.empty()) return std::string("device id is empty");
    const std::string name = "device '" + device.id + "': ";
    if (tcp ? (device.unit > 247 && device.unit != 255) : (device.unit < 1 || device.unit > 247))
        return name + "unit id " + std::to_string(device.unit) + " is out of range (" +
               (tcp ? "0..247 or 255 on TCP" : "1..247 on RTU") + ")";
    if (device.period.count() <= 0) return name + "period must be positive";
    if (device.timeout_ms < 1 || device.timeout_ms > 600000)
        return name + "timeout_ms " + std::to_string(device.timeout_ms) +
               " is out of range (1..600000)";
    return std::nullopt;
}

std::vector<PointResult> sorted(std::vector<PointResult> results) {
    std::stable_sort(results.begin(), results.end(),
                     [](const PointResult &a, const PointResult &b) { return a.index < b.index; });
    return results;
}

void append(std::vector<PointResult> &to, std::vector<PointResult> from) {
    for (auto &result : from)
        to.push_back(std::move(result));
}

} // namespace gs::modbus::detail
