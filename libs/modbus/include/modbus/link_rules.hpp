// Rules shared by the link scheduler and read_once (internal to the core).
#pragma once

#include "modbus/connection.hpp"
#include "modbus/link.hpp"
#include "modbus/quality.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gs::modbus::detail {

// Exceptions 10/11: a gateway says the device behind it is unreachable. Treated like a timeout.
bool is_gateway_exception(const Quality &quality);
// Empty when the device's id, unit, period and timeout are usable on this endpoint.
std::optional<std::string> device_problem(const Endpoint &endpoint, const DeviceConfig &device);
std::vector<PointResult> sorted(std::vector<PointResult> results);
void append(std::vector<PointResult> &to, std::vector<PointResult> from);

} // namespace gs::modbus::detail
